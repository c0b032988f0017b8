package org.msrptools.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.TransactionId;

/**
 * Keeps a session past the lifetime the relay granted at sign-in (its
 * Expires). A relay ends a session when that runs out, whatever still runs
 * on it: a path pasted late, a file that takes longer. RFC 4976 section 5
 * lets the client refresh it with a new AUTH on its connection; this sends
 * one (challenge, answer) shortly before the end: a minute before, or a
 * quarter of a short lifetime, so that a relay that would take it for a new
 * session costs at most that. The answers are taken from the connection
 * beside the transfer's listener. It gives up, leaving the relay's end to
 * come as before, when the relay refuses, does not say a new lifetime, or
 * gives another Use-Path (the peer has the first one). On the connection's
 * thread.
 */
public final class SessionRefresh {

    private static final Logger LOG = Logger.getLogger(SessionRefresh.class.getName());
    private static final Duration MOST_LEAD = Duration.ofMinutes(1);

    private final MsrpConnection connection;
    private final MsrpUri relay;
    private final MsrpUri own;
    private final MsrpPath usePath;
    /** The digest answer to a challenge, as the sign-in made it; null when it cannot be made. */
    private final Function<DigestChallenge, DigestCredentials> answer;
    private volatile long endsAtNanos;
    /** Why the relay did not take a refresh, once it did not; null while it does. */
    private volatile String refused;
    private long sentNanos;
    private boolean staleRetried;

    SessionRefresh(MsrpConnection connection, MsrpUri relay, MsrpUri own, MsrpPath usePath,
                   Function<DigestChallenge, DigestCredentials> answer, Duration lifetime, long grantedNanos) {
        this.connection = connection;
        this.relay = relay;
        this.own = own;
        this.usePath = usePath;
        this.answer = answer;
        this.endsAtNanos = grantedNanos + lifetime.toNanos();
        schedule(lifetime);
    }

    /** Time left until the relay ends the session, as granted by the last AUTH it answered. */
    Duration left() {
        return Duration.ofNanos(endsAtNanos - System.nanoTime());
    }

    private void schedule(Duration lifetime) {
        Duration lead = lifetime.dividedBy(4).compareTo(MOST_LEAD) < 0 ? lifetime.dividedBy(4) : MOST_LEAD;
        long delay = endsAtNanos - lead.toNanos() - System.nanoTime();
        connection.channel().eventLoop().schedule(this::refresh, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void refresh() {
        if (connection.isOpen()) {
            sentNanos = System.nanoTime();
            send(null, this::challenged);
        }
    }

    private void challenged(MsrpResponse r) {
        DigestChallenge challenge = null;
        try {
            challenge = r.code() == 401 ? r.headers().wwwAuthenticate() : null;
        } catch (MsrpSyntaxException e) {
            // given up below
        }
        DigestCredentials credentials = challenge == null ? null : answer.apply(challenge);
        if (credentials == null) {
            giveUp("it answered " + r.code() + (r.comment() == null ? "" : " " + r.comment()));
            return;
        }
        send(credentials, this::answered);
    }

    private void answered(MsrpResponse r) {
        if (r.code() == 401 && !staleRetried && stale(r)) {
            staleRetried = true; // the nonce ran out between the two: once more
            challenged(r);
            return;
        }
        staleRetried = false;
        if (r.code() != 200) {
            giveUp("it answered " + r.code() + (r.comment() == null ? "" : " " + r.comment()));
            return;
        }
        if (!sameUsePath(r)) {
            giveUp("it gave another Use-Path, a new session"); // the peer has the first: it ends as granted
            return;
        }
        Duration lifetime = Authentication.lifetime(r);
        if (lifetime == null) {
            giveUp("it gave no Expires");
            return;
        }
        endsAtNanos = sentNanos + lifetime.toNanos();
        schedule(lifetime);
    }

    /** Whether the relay took every refresh so far (the session then lasts while this side runs). */
    boolean working() {
        return refused == null;
    }

    /** Why the relay did not take a refresh ("it answered 481 ..."), or null. */
    String refused() {
        return refused;
    }

    private void giveUp(String why) {
        refused = why;
        LOG.fine(() -> "session refresh: not taken: " + why);
    }

    private static boolean stale(MsrpResponse r) {
        try {
            DigestChallenge c = r.headers().wwwAuthenticate();
            return c != null && c.stale();
        } catch (MsrpSyntaxException e) {
            return false;
        }
    }

    private boolean sameUsePath(MsrpResponse ok) {
        try {
            return usePath.equals(ok.headers().usePath());
        } catch (MsrpSyntaxException e) {
            return false;
        }
    }

    private void send(DigestCredentials credentials, Consumer<MsrpResponse> then) {
        String tid = TransactionId.random();
        MsrpHeaders h = new MsrpHeaders();
        if (credentials != null) {
            h.add(MsrpHeaders.AUTHORIZATION, credentials);
        }
        connection.await(tid, then);
        connection.send(new MsrpRequest(tid, MsrpMethod.AUTH, MsrpPath.of(relay), MsrpPath.of(own), h),
                new MsrpEnd(tid, Continuation.COMPLETE));
    }
}
