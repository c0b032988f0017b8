package org.msrptools.relay;

import io.netty.channel.Channel;

/**
 * Why a connection is not being read, as a set of reasons: auto-read is
 * switched only when the set becomes empty or stops being empty, so a busy
 * connection does not toggle it for every chunk. On the connection's loop.
 */
final class ReadGate {

    /** The message being read waits for something: a next hop being reached, an account lookup. */
    static final int WAITING = 1;
    /** The connection holds too many bytes in the relay (see {@link Budget}). */
    static final int BUDGET = 2;
    /** The relay is stopping, or this connection is closing: nothing more is read. */
    static final int STOPPING = 4;
    /** The relay as a whole holds too many bytes (see {@link RelayBudget}). */
    static final int RELAY = 8;

    private final Channel channel;
    private int reasons;
    /** When reading last started again ({@link System#nanoTime()}), or the gate was made. */
    private long readingSince = System.nanoTime();

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    void pause(int reason) {
        boolean wasReading = reasons == 0;
        reasons |= reason;
        if (wasReading) {
            channel.config().setAutoRead(false);
        }
    }

    void resume(int reason) {
        if ((reasons & reason) == 0) {
            return;
        }
        reasons &= ~reason;
        if (reasons == 0) {
            readingSince = System.nanoTime();
            if (channel.isActive()) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** Whether the relay itself holds reading back (so a slow head is not the peer's fault). */
    boolean paused() {
        return reasons != 0;
    }

    /** How long the connection has been read without a pause, as of {@code nowNanos}; 0 while paused. */
    long readingFor(long nowNanos) {
        return reasons != 0 ? 0 : nowNanos - readingSince;
    }
}
