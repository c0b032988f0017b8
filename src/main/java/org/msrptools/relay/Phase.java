package org.msrptools.relay;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a relay connection (see {@link ConnectionState}). Every
 * transition the relay makes is listed here.
 *
 * <pre>
 *   NEW ----AUTH----> AUTHENTICATING --granted--> AUTHENTICATED --AUTH (refresh)--> AUTHENTICATING
 *    |                      |  refused: back to NEW (or AUTHENTICATED when refreshing)
 *    +--request into a local client's session--> BOUND   (connections to peer relays start BOUND)
 *   any ----closed, stopping, bad input----> CLOSING
 * </pre>
 */
enum Phase {
    /** Connected; only AUTH or a request into a local client's session is accepted. The first-message timer runs. */
    NEW,
    /** An AUTH is being decided (the account may be looked up in a database); nothing else is read meanwhile. */
    AUTHENTICATING,
    /** A client that owns a session: its requests may only enter that session. */
    AUTHENTICATED,
    /** A far side (a peer relay, or a peer sending directly) delivering into local clients' sessions; no AUTH. */
    BOUND,
    /** Closed or closing: nothing new is read or started. */
    CLOSING;

    private Set<Phase> next;

    static {
        NEW.next = EnumSet.of(AUTHENTICATING, BOUND, CLOSING);
        AUTHENTICATING.next = EnumSet.of(NEW, AUTHENTICATED, CLOSING);
        AUTHENTICATED.next = EnumSet.of(AUTHENTICATING, CLOSING);
        BOUND.next = EnumSet.of(CLOSING);
        CLOSING.next = EnumSet.noneOf(Phase.class);
    }

    /** The phase after {@code to}; staying in the same phase is always allowed. */
    Phase moveTo(Phase to) {
        if (to != this && !next.contains(to)) {
            throw new IllegalStateException("connection cannot go from " + this + " to " + to);
        }
        return to;
    }
}
