package org.msrptools.relay;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A session a client got by AUTH: its id (the last segment of its Use-Path
 * URI), the connection of the client that owns it, and the connection of the
 * far side that sends into it, bound by its first request.
 */
public final class RelaySession {

    private final String id;
    private final String user;
    private final Channel owner;
    private final Instant since;
    private volatile Instant expiresAt;
    /** Set once, by the sweep that closes the owner: an ended session cannot be extended back to life. */
    private boolean ended;
    private volatile Channel boundFrom;
    /** The client refused what the bound connection sent, and took nothing from it since (guarded by this). */
    private boolean boundRefused;

    RelaySession(String id, String user, Channel owner, Instant since, Instant expiresAt) {
        this.id = id;
        this.user = user;
        this.owner = owner;
        this.since = since;
        this.expiresAt = expiresAt;
    }

    /** When AUTH granted it. */
    Instant since() {
        return since;
    }

    /** The address of the far side's connection bound to it, or null while none sends into it. */
    String peer() {
        Channel from = boundFrom;
        return from != null && from.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : null;
    }

    public String id() {
        return id;
    }

    /** user@realm of the client that authenticated. */
    public String user() {
        return user;
    }

    public Channel owner() {
        return owner;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Whether the session is past its lifetime at {@code now} (or ended). */
    boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** A new lifetime (an AUTH refresh); false when the session had already expired at {@code now}. */
    synchronized boolean extend(Instant now, Instant newExpiry) {
        if (ended || expired(now)) {
            return false;
        }
        expiresAt = newExpiry;
        return true;
    }

    /** Ends the session if it is due at {@code now}; true when it did (once). */
    synchronized boolean endIfExpired(Instant now) {
        if (ended || !expired(now)) {
            return false;
        }
        ended = true;
        return true;
    }

    /**
     * Binds the far side's connection on its first request; true when
     * {@code from} is (now) the bound one, false when another holds it. A
     * connection whose sender the client refused holds it only until
     * another sends: a sender given the client's path by mistake (an
     * msrp-send asking for another path keeps its connection) must not keep
     * out the one the client waits for.
     */
    synchronized boolean bind(Channel from) {
        if (boundFrom != from && (boundFrom == null || !boundFrom.isActive() || boundRefused)) {
            boundFrom = from;
            boundRefused = false;
        }
        return boundFrom == from;
    }

    /**
     * The client's word on what {@code sender}'s connection sent: 403 (a
     * response or a REPORT) refuses it, 200 takes it. Only the bound
     * connection's counts, so a late answer about another changes nothing,
     * and only the client can say it: it can give up its own binding, no
     * one else's. Said only of a client signed in on this relay: a link
     * from another relay carries many senders, and one refused must not
     * let anyone in ahead of the others.
     */
    synchronized void judged(Channel sender, int code) {
        if (sender == boundFrom && (code == 403 || code == 200)) {
            boundRefused = code == 403;
        }
    }
}
