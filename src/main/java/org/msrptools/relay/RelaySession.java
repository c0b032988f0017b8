package org.msrptools.relay;

import io.netty.channel.Channel;
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
    private volatile Instant expiresAt;
    private volatile Channel boundFrom;

    RelaySession(String id, String user, Channel owner, Instant expiresAt) {
        this.id = id;
        this.user = user;
        this.owner = owner;
        this.expiresAt = expiresAt;
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

    void extend(Instant newExpiry) {
        expiresAt = newExpiry;
    }

    /**
     * Binds the far side's connection on its first request; true when
     * {@code from} is (now) the bound one, false when another holds it.
     */
    synchronized boolean bind(Channel from) {
        if (boundFrom == null || !boundFrom.isActive()) {
            boundFrom = from;
        }
        return boundFrom == from;
    }
}
