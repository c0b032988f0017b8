package org.msrptools.relay;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.msrptools.protocol.MsrpFrame;

/**
 * The outgoing side of one connection. A chunk being forwarded holds the
 * lane from its head to its end-line, so bytes of two chunks never
 * interleave; whole small messages (responses, REPORTs) and other chunks
 * wait their turn in order. It also remembers which sources were paused
 * because this connection was not writable (back-pressure), and the
 * transactions forwarded on it that still await a response.
 */
final class Lane {

    private static final AttributeKey<Lane> KEY = AttributeKey.valueOf("msrp.lane");

    /** A chunk's source waiting for the lane. */
    interface Holder {
        /** Called on the holder's own event loop when the lane is its. */
        void granted();

        Channel channel();

        /** Reading may go on again (if nothing else holds it back). */
        void resumeReading();
    }

    private final Channel channel;
    private Holder holder;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private final Set<Holder> paused = ConcurrentHashMap.newKeySet();
    final Map<String, PendingTransaction> pending = new ConcurrentHashMap<>();

    private Lane(Channel channel) {
        this.channel = channel;
    }

    static Lane of(Channel channel) {
        Lane lane = channel.attr(KEY).get();
        if (lane == null) {
            Lane created = new Lane(channel);
            lane = channel.attr(KEY).setIfAbsent(created);
            if (lane == null) {
                lane = created;
            }
        }
        return lane;
    }

    Channel channel() {
        return channel;
    }

    /** True when {@code who} holds the lane now; else {@code who.granted()} runs later. */
    synchronized boolean acquire(Holder who) {
        if (holder == null && waiting.isEmpty()) {
            holder = who;
            return true;
        }
        waiting.add(who);
        return false;
    }

    /** Ends {@code who}'s turn: queued messages go out, then the next chunk gets the lane. */
    void release(Holder who) {
        Holder next = null;
        synchronized (this) {
            if (holder != who) {
                waiting.remove(who);
                return;
            }
            holder = null;
            while (!waiting.isEmpty()) {
                Object o = waiting.poll();
                if (o instanceof Holder h) {
                    holder = h;
                    next = h;
                    break;
                }
                writeNow((List<?>) o);
            }
        }
        if (next != null) {
            Holder granted = next;
            granted.channel().eventLoop().execute(granted::granted);
        }
    }

    /** Writes a whole message now, or after the chunk in flight. */
    synchronized void send(List<? extends MsrpFrame> message) {
        if (holder == null && waiting.isEmpty()) {
            writeNow(message);
        } else {
            waiting.add(message);
        }
    }

    private void writeNow(List<?> message) {
        for (Object frame : message) {
            channel.write(frame);
        }
        channel.flush();
    }

    /** Stops {@code source} reading until this connection can take more. */
    void pause(Holder source) {
        source.channel().config().setAutoRead(false);
        paused.add(source);
        if (channel.isWritable() || !channel.isActive()) {
            resumePaused();
        }
    }

    /** Lets every paused source read again; called when writable or closed. */
    void resumePaused() {
        for (Holder h : paused) {
            if (paused.remove(h)) {
                h.resumeReading();
            }
        }
    }
}
