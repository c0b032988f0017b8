package org.msrptools.relay;

import java.time.Instant;

/**
 * One live session as an operator sees it ({@code GET /sessions} on
 * --metrics): who holds it, from where, since when and until when, who
 * sends into it, and what it carried so far. The id is cut to the prefix
 * the log shows: a whole id lets anyone who reads it send into the session.
 *
 * @param peer the address of the connection bound to send into it, or null before any
 * @param traffic null when the session's connection did not answer in time
 */
public record SessionView(String user, String session, String address, Instant since, Instant expiresAt, String peer,
                          RelayEvents.Traffic traffic) {

    /** What the session table alone knows: no traffic, no address yet. */
    static SessionView of(RelaySession s) {
        return new SessionView(s.user(), RelayEvents.prefix(s.id()), null, s.since(), s.expiresAt(), s.peer(), null);
    }

    SessionView withConnection(String clientAddress, RelayEvents.Traffic carried) {
        return new SessionView(user, session, clientAddress, since, expiresAt, peer, carried);
    }
}
