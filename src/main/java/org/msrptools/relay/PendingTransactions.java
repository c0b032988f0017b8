package org.msrptools.relay;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.msrptools.protocol.MsrpResponse;

/**
 * The requests forwarded on one connection that still await the next hop's
 * response, by transaction id; confined to that connection's loop. A failure
 * response, no response within the transaction timeout, or the connection
 * closing (481) becomes a failure REPORT to the sender.
 *
 * <p>Bounded: each entry keeps its request's head (for the REPORT), counted
 * by {@link OutboundMessage#weight}; over {@code maxBytes} the oldest entry is
 * settled at once with 408. These entries deliberately do not hold the
 * sender back (unlike unwritten bytes, see {@link Budget}): the responses
 * that settle them arrive on connections that may themselves be held back,
 * and waiting on them could stall both directions of a session for good.
 * All entries share one timeout, so insertion order is deadline order and
 * one timer serves them.
 *
 * <p>A request sent with Failure-Report partial is answered only if it
 * fails: it waits for no 200 here, and only the latest of them are kept
 * ({@link RecentPartialChunks}), to turn a failure into a REPORT as well.
 */
final class PendingTransactions {

    private record Entry(OutboundMessage message, long weight, long deadlineNanos) {
    }

    private final LinkedHashMap<String, Entry> byTransaction = new LinkedHashMap<>();
    /** Made when the first request with Failure-Report partial goes out. */
    private RecentPartialChunks partial;
    private final EventLoop loop;
    private final long timeoutNanos;
    private final long maxBytes;
    private long bytes;
    private ScheduledFuture<?> timer;

    PendingTransactions(EventLoop loop, Duration timeout, long maxBytes) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.maxBytes = maxBytes;
    }

    /**
     * {@code transactionId}, a piece of {@code message}, went out and awaits
     * its response; {@code last}: it ended its message.
     */
    void add(String transactionId, OutboundMessage message, boolean last) {
        if (message.onlyFailuresAnswered()) {
            addPartial(transactionId, message, last);
            return;
        }
        long weight = OutboundMessage.weight(message.received);
        byTransaction.put(transactionId, new Entry(message, weight, System.nanoTime() + timeoutNanos));
        bytes += weight;
        for (Iterator<Entry> oldest = byTransaction.values().iterator(); bytes > maxBytes && oldest.hasNext(); ) {
            settle(oldest, oldest.next(), 408, "Too many requests awaiting a response from the next hop");
        }
        if (timer == null) {
            arm(timeoutNanos);
        }
    }

    private void addPartial(String transactionId, OutboundMessage message, boolean last) {
        if (message.received.headers().messageId() == null) {
            return; // no REPORT could name its message
        }
        if (partial == null) {
            partial = new RecentPartialChunks(maxBytes, (m, range, code, comment) -> m.source.sendFailureReport(
                    Reports.failure(m.messageId, m.replyTo, m.via, range, code, comment), code, comment));
        }
        partial.add(transactionId, message.received, message.source, last);
    }

    /**
     * A response on this connection: settles its transaction; a failure goes
     * back as a REPORT. {@code sender} is given the connection the request
     * came from first, when it is known here (not for the relay's own), so
     * that what it does is done before the sender hears of the answer.
     */
    void answered(MsrpResponse response, Consumer<ConnectionState> sender) {
        Entry e = byTransaction.remove(response.transactionId());
        if (e == null) {
            if (response.code() != 200 && partial != null) {
                partial.failed(response.transactionId(), response.code(), response.comment(), sender);
            }
            return; // answered already (relays that answer twice), settled, a 200 to a partial one, or never ours
        }
        bytes -= e.weight();
        if (e.message().source != null) {
            sender.accept(e.message().source);
        }
        if (response.code() != 200) {
            e.message().failOnce(response.code(), response.comment());
        }
    }

    /** The connection closed: nothing pending will be answered. */
    void failAll(int code, String comment) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (Iterator<Entry> it = byTransaction.values().iterator(); it.hasNext(); ) {
            settle(it, it.next(), code, comment);
        }
        if (partial != null) {
            partial.failAll(code, comment);
        }
    }

    private void settle(Iterator<Entry> at, Entry e, int code, String comment) {
        at.remove();
        bytes -= e.weight();
        e.message().failOnce(code, comment);
    }

    private void arm(long delayNanos) {
        timer = loop.schedule(this::expire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        long now = System.nanoTime();
        Iterator<Entry> it = byTransaction.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.deadlineNanos() - now > 0) {
                arm(e.deadlineNanos() - now);
                return;
            }
            settle(it, e, 408, "No response from next hop");
        }
    }
}
