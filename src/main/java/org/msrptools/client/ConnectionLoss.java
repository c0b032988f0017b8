package org.msrptools.client;

import java.time.Duration;

/**
 * Why the connection to the relay ended, said as what happened: the relay
 * ended the session when the lifetime it granted at sign-in (Expires) ran
 * out, or it closed the connection after a quiet spell (relays close idle
 * connections), or it closed it otherwise (stopping, say), or the
 * connection was lost. The first two come from waiting
 * too long for the other side, so they count as timeouts.
 */
final class ConnectionLoss {

    /** Quiet for this long before a close by the relay: taken for its idle timeout. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private ConnectionLoss() {
    }

    /** The failure for a connection of {@code session} that closed; {@code when} ends the sentence. */
    static ClientException of(Authentication.Session session, String when) {
        MsrpConnection c = session.connection();
        if (session.ended()) {
            return new ClientException(ClientException.Kind.TIMEOUT, "the relay ended this side's session "
                    + when + ": " + session.lifetimeSaid());
        }
        Duration quiet = c.quietFor();
        if (c.closedByRelay() && quiet.compareTo(IDLE) >= 0) {
            return new ClientException(ClientException.Kind.TIMEOUT, "the relay closed the connection " + when
                    + ", after " + Math.round(quiet.toMillis() / 1000.0)
                    + " s without traffic on it (relays close idle connections)"); // 5.98 s is the relay's 6
        }
        if (c.closedByRelay()) { // it ended TLS itself, where a crash or a cut cable says nothing
            return new ClientException(ClientException.Kind.CONNECTION, "the relay closed the connection " + when
                    + " (a relay that is stopping does; its log says why)");
        }
        return new ClientException(ClientException.Kind.CONNECTION, "the connection to the relay was lost " + when);
    }
}
