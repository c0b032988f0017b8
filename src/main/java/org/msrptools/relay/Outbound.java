package org.msrptools.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHead;

/**
 * The one owner of everything written to a connection, confined to that
 * connection's event loop: chunks forwarded from other connections (handed
 * over as one task per read batch), the relay's own responses and REPORTs,
 * AUTH answers. It keeps a chunk's frames contiguous on the wire and queues
 * other messages behind it; so nothing, not even a response made on this
 * loop, can land inside another message's chunk.
 *
 * <p>It encodes the frames itself: heads and end-lines go into one small
 * buffer, written before the next body piece and at the end of each round,
 * and body pieces pass as they are. It writes only while the connection is
 * writable and flushes once per batch, so a chunk's head, body and end-line
 * leave in one TLS record and one socket write (several chunks when several
 * are queued). What waits is counted in its senders' {@link Budget}s, which
 * stop reading them.
 *
 * <p>Fairness: a long chunk does not hold other messages back for long. Once
 * another message is ready, the chunk on the wire is interrupted ({@code +})
 * after {@link #FAIR_SHARE_BYTES} more bytes, or after {@link #FAIR_WAIT_MILLIS}
 * if its sender is slower, and continues later as a new chunk whose
 * Byte-Range goes on where it stopped.
 */
final class Outbound {

    static final int FAIR_SHARE_BYTES = 64 * 1024;
    static final long FAIR_WAIT_MILLIS = 20;
    /** What a peer must take per stall time not to count as stalled (so a trickle cannot hold it open). */
    static final int STALL_PROGRESS_BYTES = 64 * 1024;
    /** Heads and end-lines collected before they are written (so the channel's writability counts them). */
    private static final int SMALL_LIMIT = 8 * 1024;

    private static final Logger LOG = Logger.getLogger(Outbound.class.getName());
    private static final AttributeKey<Outbound> KEY = AttributeKey.valueOf("msrp.outbound");

    private final Channel channel;
    private final Budget own;
    private final PendingTransactions pending;
    /** Messages not on the wire yet, in arrival order; those with frames queued are ready. */
    private final LinkedList<OutboundMessage> waiting = new LinkedList<>();
    private int readyWaiting;
    /** No ready message of another sender waits (so the open chunk need not yield), until the queue changes. */
    private boolean noOtherSenderReady;
    /** The message whose chunk is open on the wire (head written, end-line not yet), or null. */
    private OutboundMessage open;
    private boolean overdue;
    private ScheduledFuture<?> fairnessTimer;
    /** Heads and end-lines encoded and not yet written, or null. */
    private ByteBuf small;
    private long lastWriteNanos = System.nanoTime();
    /** How long the connection may take nothing while data waits for it; then {@link #onStall} runs. */
    private long stallNanos;
    private final Runnable onStall;
    private ScheduledFuture<?> stallTimer;
    private boolean holdingFlush;
    private boolean unflushed;
    private boolean closed;
    private final RelayEvents events;
    /** Forwarded requests written whole, and their body bytes: what this connection's session received. */
    private long deliveredMessages;
    private long deliveredBytes;

    Outbound(Channel channel, Budget own, PendingTransactions pending, java.time.Duration stall, Runnable onStall,
             RelayEvents events) {
        this.channel = channel;
        this.events = events;
        this.own = own;
        this.pending = pending;
        this.stallNanos = stall.toNanos();
        this.onStall = onStall;
        channel.attr(KEY).set(this);
    }

    /** From now on the peer may take next to nothing for {@code stall} before {@code onStall} runs. */
    void stallAfter(java.time.Duration stall) {
        stallNanos = stall.toNanos();
    }

    /** The outbound owner of a relay connection. */
    static Outbound of(Channel channel) {
        return channel.attr(KEY).get();
    }

    Channel channel() {
        return channel;
    }

    PendingTransactions pending() {
        return pending;
    }

    /**
     * A whole bodiless message of the relay's own (a response, a REPORT),
     * encoded at once; on this loop.
     */
    void send(MsrpHead head) {
        if (closed) {
            return;
        }
        ByteBuf bytes = channel.alloc().buffer(256);
        head.encode(bytes);
        MsrpEncoder.encodeEnd(head.transactionId(), Continuation.COMPLETE, false, bytes);
        OutboundMessage m = new OutboundMessage(bytes, own);
        own.take(m.headCharge());
        noOtherSenderReady = false;
        enqueue(m);
        pump();
    }

    /**
     * Frames of forwarded messages, as one read batch of a source produced
     * them: pairs of (message, frame), where a head frame means "a new
     * message"; on this loop.
     */
    void deliver(List<Object> pairs) {
        noOtherSenderReady = false;
        for (int i = 0; i < pairs.size(); i += 2) {
            OutboundMessage m = (OutboundMessage) pairs.get(i);
            Object frame = pairs.get(i + 1);
            if (closed) {
                m.discard(frame);
            } else if (frame instanceof MsrpHead) {
                enqueue(m);
            } else {
                if (m.frames.isEmpty() && m.waiting) {
                    readyWaiting++;
                }
                m.frames.add(frame);
            }
        }
        pump();
    }

    /** While a read batch of this connection runs, its answers are written but flushed once, at its end. */
    void holdFlush() {
        holdingFlush = true;
    }

    void releaseFlush() {
        holdingFlush = false;
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    /** The connection can take more: go on writing. */
    void writable() {
        if (stallTimer != null) {
            stallTimer.cancel(false);
            stallTimer = null;
        }
        pump();
    }

    /**
     * The peer took almost nothing (its socket stayed full; less than
     * {@link #STALL_PROGRESS_BYTES}) for the stall time: its connection
     * decides what to do. A slow peer that took more is watched again.
     */
    private void watchForStall() {
        if (stallTimer == null && !closed && !channel.isWritable()) {
            long waiting = pendingWriteBytes();
            stallTimer = channel.eventLoop().schedule(() -> {
                stallTimer = null;
                if (channel.isActive() && !channel.isWritable()) {
                    if (waiting - pendingWriteBytes() >= STALL_PROGRESS_BYTES) {
                        watchForStall();
                    } else {
                        onStall.run();
                    }
                }
            }, stallNanos, TimeUnit.NANOSECONDS);
        }
    }

    private long pendingWriteBytes() {
        var buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Writes what waits. A fault of ours in a message's frames must not
     * leave the connection open with nothing written to it ever again (its
     * senders told 200, their messages lost): it is closed, which fails
     * what waits and tells its senders.
     */
    private void pump() {
        try {
            writeWhatWaits();
        } catch (RuntimeException e) {
            LogEvent.of("internal_error").with("where", "writing to " + channel.remoteAddress()).with("error", e)
                    .log(LOG, Level.SEVERE, e);
            channel.close();
        }
    }

    private void writeWhatWaits() {
        boolean wrote = false;
        while (!closed && channel.isWritable()) {
            if (open == null) {
                open = pollReady();
                if (open == null) {
                    break;
                }
                wrote = true;
                if (open.encoded()) {
                    ByteBuf bytes = (ByteBuf) open.frames.poll();
                    small().writeBytes(bytes);
                    bytes.release();
                    limitSmall();
                    open.releaseHead();
                    open = null;
                    continue;
                }
                overdue = false;
                noOtherSenderReady = false;
                encode(open.head());
            }
            if (mustYield(open)) {
                wrote = true;
                events.chunkInterrupted();
                end(open, Continuation.MORE, true);
                open.nextPiece();
                requeue(open);
                open = null;
                continue;
            }
            Object frame = open.frames.poll();
            if (frame == null) {
                break;
            }
            wrote = true;
            if (frame instanceof MsrpContent content) {
                int n = content.content().readableBytes();
                writeSmall();
                channel.write(content.content(), channel.voidPromise());
                open.wroteBody(n);
                deliveredBytes += n;
            } else {
                end(open, ((MsrpEnd) frame).continuation(), false);
                deliveredMessages++;
                open = null;
            }
        }
        if (wrote) {
            writeSmall();
            lastWriteNanos = System.nanoTime();
            if (holdingFlush) {
                unflushed = true;
            } else {
                channel.flush();
            }
        }
        watchForStall();
        if (open != null && !overdue && fairnessTimer == null && otherSenderReady(open)) {
            OutboundMessage holder = open;
            fairnessTimer = channel.eventLoop().schedule(() -> {
                fairnessTimer = null;
                if (open == holder) {
                    overdue = true;
                    pump();
                }
            }, FAIR_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Writes the end-line of the open piece, which now awaits a response if
     * its sender wants one; the head stops counting in the sender's budget
     * once the request's own end-line is written.
     */
    private void end(OutboundMessage m, Continuation flag, boolean interrupted) {
        String tid = m.head().transactionId();
        MsrpEncoder.encodeEnd(tid, flag, m.bodied(), small());
        limitSmall();
        if (m.wantsResponse()) {
            pending.add(tid, m, flag != Continuation.MORE);
        }
        if (!interrupted) {
            m.releaseHead();
        }
    }

    private void encode(MsrpHead head) {
        head.encode(small());
        limitSmall();
    }

    private ByteBuf small() {
        if (small == null) {
            small = channel.alloc().buffer(512);
        }
        return small;
    }

    private void limitSmall() {
        if (small.readableBytes() >= SMALL_LIMIT) {
            writeSmall();
        }
    }

    private void writeSmall() {
        if (small != null) {
            channel.write(small, channel.voidPromise());
            small = null;
        }
    }

    long deliveredMessages() {
        return deliveredMessages;
    }

    long deliveredBytes() {
        return deliveredBytes;
    }

    /** When something was last handed to the connection (for the idle timeout). */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /**
     * Whether the open chunk has had its share while another sender's message
     * is ready. Never just before its end-line (that would only add an empty
     * chunk); when its sender is slow and nothing of it is queued, after the
     * wait.
     */
    private boolean mustYield(OutboundMessage m) {
        Object next = m.frames.peek();
        boolean share = next instanceof MsrpContent && m.pieceBytes() >= FAIR_SHARE_BYTES;
        boolean waitedOut = overdue && next == null;
        return m.pieceBytes() > 0 && (share || waitedOut) && otherSenderReady(m) && m.splittable();
    }

    private boolean otherSenderReady(OutboundMessage m) {
        if (readyWaiting == 0 || noOtherSenderReady) {
            return false;
        }
        for (OutboundMessage w : waiting) {
            if (!w.frames.isEmpty() && w.budget != m.budget) {
                return true;
            }
        }
        noOtherSenderReady = true;
        return false;
    }

    /** Back in the queue, ahead of any later message of the same sender, so a sender's messages keep their order. */
    private void requeue(OutboundMessage m) {
        ListIterator<OutboundMessage> it = waiting.listIterator();
        while (it.hasNext()) {
            if (it.next().budget == m.budget) {
                it.previous();
                break;
            }
        }
        it.add(m);
        m.waiting = true;
        if (!m.frames.isEmpty()) {
            readyWaiting++;
        }
    }

    private void enqueue(OutboundMessage m) {
        waiting.add(m);
        m.waiting = true;
        if (!m.frames.isEmpty()) {
            readyWaiting++;
        }
    }

    /** The first waiting message with frames to write; messages still empty keep their place. */
    private OutboundMessage pollReady() {
        if (readyWaiting == 0) {
            return null;
        }
        for (Iterator<OutboundMessage> it = waiting.iterator(); it.hasNext(); ) {
            OutboundMessage m = it.next();
            if (!m.frames.isEmpty()) {
                it.remove();
                m.waiting = false;
                readyWaiting--;
                return m;
            }
        }
        throw new IllegalStateException("ready count out of step");
    }

    /** The connection closed: nothing more is written; what waits is dropped and its senders told. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (fairnessTimer != null) {
            fairnessTimer.cancel(false);
        }
        if (stallTimer != null) {
            stallTimer.cancel(false);
        }
        if (small != null) {
            small.release();
            small = null;
        }
        if (open != null) {
            open.discardAll();
            open = null;
        }
        for (OutboundMessage m : waiting) {
            m.discardAll();
        }
        waiting.clear();
        readyWaiting = 0;
        pending.failAll(481, "Next hop closed the connection");
    }
}
