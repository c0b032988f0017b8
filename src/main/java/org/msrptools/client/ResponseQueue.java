package org.msrptools.client;

import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpResponse;

/** A listener that hands responses to a waiting thread (for the AUTH dialogue). */
final class ResponseQueue implements MsrpConnection.Listener {

    private static final Object CLOSED = new Object();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    /**
     * The most held for the next listener: a peer quick to send is a few
     * messages ahead of the transfer (reading pauses once signed in), while
     * a relay that sends ever more before it answers AUTH is no relay.
     */
    static final long HELD_BYTES = 1024 * 1024;
    /** Frames held at most: each body piece may keep the whole buffer it was read into. */
    static final int HELD_FRAMES = 256;

    /** Requests that came before the transfer began: kept for the listener that takes over. */
    private final List<MsrpFrame> held = new ArrayList<>();
    private long heldBytes;
    /** More came than is held: the sign-in fails, even if the relay's answer came first. */
    private volatile boolean overflowed;
    /** The transaction of the last response queued: its end-line is this queue's, not the next listener's. */
    private String responseEnd;

    @Override
    public void frame(MsrpFrame frame) {
        if (frame instanceof MsrpResponse r) {
            responseEnd = r.transactionId();
            queue.add(frame);
        } else if (frame instanceof MsrpEnd e && e.transactionId().equals(responseEnd)) {
            responseEnd = null;
        } else if (frame instanceof MsrpFrameError) {
            queue.add(frame);
        } else if (!overflowed) {
            held.add(frame); // a peer quicker than this end: nothing is dropped
            heldBytes += frame instanceof MsrpContent c ? c.content().readableBytes()
                    : frame instanceof MsrpHead h ? h.wireSize() : 0;
            if (heldBytes > HELD_BYTES || held.size() > HELD_FRAMES) {
                overflowed = true;
                queue.add(overflow());
            }
        } else {
            ReferenceCountUtil.release(frame); // the sign-in fails with the overflow
        }
    }

    private static ClientException overflow() {
        return new ClientException(ClientException.Kind.CONNECTION, "the relay sent more than " + HELD_BYTES
                + " bytes or " + HELD_FRAMES + " pieces of requests before the sign-in ended");
    }

    /**
     * Fails once too much came before the sign-in ended; called after
     * reading has paused, so nothing more can come.
     */
    void checkHeld() throws ClientException {
        if (overflowed) {
            throw overflow();
        }
    }

    /** Gives the held frames, in order, to {@code next}, as one read; on the connection's thread. */
    void handOver(MsrpConnection.Listener next) {
        for (MsrpFrame f : held) {
            next.frame(f);
        }
        held.clear();
        next.readComplete();
    }

    @Override
    public void closed() {
        queue.add(CLOSED);
    }

    /**
     * The next response to {@code transactionId}, or null when nothing came
     * within the time. Responses to other transactions are skipped.
     */
    MsrpResponse await(String transactionId, long millis) throws ClientException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            Object o = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (o == null) {
                return null;
            }
            if (o == CLOSED) {
                queue.add(CLOSED);
                throw new ClientException(ClientException.Kind.CONNECTION, "the relay closed the connection");
            }
            if (o instanceof ClientException e) {
                throw e;
            }
            if (o instanceof MsrpFrameError e) {
                throw new ClientException(ClientException.Kind.CONNECTION,
                        "the relay sent invalid MSRP: " + e.cause().getMessage());
            }
            MsrpResponse r = (MsrpResponse) o;
            if (r.transactionId().equals(transactionId)) {
                return r;
            }
        }
    }
}
