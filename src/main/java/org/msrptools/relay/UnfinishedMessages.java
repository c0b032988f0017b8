package org.msrptools.relay;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.TransactionId;

/**
 * The messages a connection has left unfinished on their way (the last
 * chunk of each ended with {@code +}), to be ended with an empty {@code #}
 * chunk when it goes: a client signed in here, or another relay's link
 * delivering to clients here. Without a relay, the receiver sees the
 * sender's connection drop and knows the message was interrupted (RFC 4975
 * section 7.1); behind a relay, its own connection stays up, and it waited
 * for the rest until its own timeout (found by a new user: a sender killed
 * between two chunks, the receiver silent for 60 s, then blaming a
 * timeout; and by review, the same when a link from another relay
 * dropped). What is kept (the paths as text) counts in the connection's
 * budget, and never more than an eighth of it: the budget stops the
 * connection being read over its high mark until it is back under half,
 * and records that alone held it there would never be given back, for the
 * chunks that end them could not be read (found by review: 64 records of
 * long paths stopped a connection for good). Beyond that, and beyond
 * {@link #MOST}, the record continued least recently goes. On the
 * connection's event loop.
 */
final class UnfinishedMessages {

    /**
     * Messages remembered per connection (a client sends one file, or a few,
     * at a time; a link carries its relay's clients' messages); beyond it,
     * the one continued least recently goes.
     */
    static final int MOST = 64;

    private record Key(String messageId, Outbound target) {
    }

    /** Where a message stopped, and its paths as text (kept once, from its first chunk: the rest share them). */
    private static final class Unfinished {
        final String toPath;
        final String fromPath;
        final long total;
        long next;

        Unfinished(String toPath, String fromPath, long next, long total) {
            this.toPath = toPath;
            this.fromPath = fromPath;
            this.next = next;
            this.total = total;
        }

        long weight() {
            return 256 + toPath.length() + fromPath.length();
        }
    }

    /** The share of the connection's budget that records may take, at most. */
    static final int BUDGET_SHARE = 8;

    private final Budget budget;
    /** In the order they were last continued: the first is the one to let go. */
    private final Map<Key, Unfinished> unfinished = new LinkedHashMap<>(16, 0.75f, true);
    private final long mostWeight;
    private long weight;

    /** Records counted in {@code budget}, whose high mark is {@code budgetBytes}. */
    UnfinishedMessages(Budget budget, long budgetBytes) {
        this.budget = budget;
        this.mostWeight = budgetBytes / BUDGET_SHARE;
    }

    /** A chunk of a SEND, {@code bodyBytes} long, was passed on to {@code target} whole, ending with {@code flag}. */
    void chunkSent(Outbound target, MsrpRequest outgoing, long bodyBytes, Continuation flag) {
        String id = outgoing.headers().messageId();
        ByteRange range = outgoing.headers().byteRange(); // checked by the decoder
        if (id == null || range == null) {
            return;
        }
        Key key = new Key(id, target);
        long next = range.start() + bodyBytes;
        boolean continues = next > 0 && (range.total() == ByteRange.UNKNOWN || next - 1 <= range.total());
        if (flag != Continuation.MORE || !continues) {
            forget(key); // ended, or a range no chunk could continue (past the total, or overflowing)
            return;
        }
        Unfinished goingOn = unfinished.get(key);
        if (goingOn != null && goingOn.total == range.total()) {
            goingOn.next = next; // the usual case, a chunk of a file after another: nothing more is kept
            return;
        }
        forget(key);
        Unfinished u = new Unfinished(outgoing.toPath().toString(), outgoing.fromPath().toString(), next,
                range.total());
        if (u.weight() > mostWeight) {
            return; // paths longer than the share: its receiver is left to its own timeout
        }
        while (unfinished.size() == MOST || weight + u.weight() > mostWeight) {
            forget(unfinished.keySet().iterator().next());
        }
        budget.take(u.weight());
        weight += u.weight();
        unfinished.put(key, u);
    }

    /** The message's chunk being read was ended with {@code #} already. */
    void aborted(Outbound target, MsrpRequest outgoing) {
        String id = outgoing.headers().messageId();
        if (id != null) {
            forget(new Key(id, target));
        }
    }

    private void forget(Key key) {
        Unfinished u = unfinished.remove(key);
        if (u != null) {
            budget.give(u.weight());
            weight -= u.weight();
        }
    }

    /** The connection went: each message it left unfinished is ended downstream, counted in its budget. */
    void abortAll(ConnectionState source, ReadBatch batch) {
        for (Iterator<Map.Entry<Key, Unfinished>> it = unfinished.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Unfinished> e = it.next();
            Unfinished u = e.getValue();
            it.remove();
            budget.give(u.weight());
            weight -= u.weight();
            Outbound target = e.getKey().target();
            if (!target.channel().isActive()) {
                continue;
            }
            String tid = TransactionId.random();
            MsrpRequest abort;
            try {
                abort = new MsrpRequest(tid, MsrpMethod.SEND, MsrpPath.parse(u.toPath), MsrpPath.parse(u.fromPath),
                        new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, e.getKey().messageId())
                                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(u.next, ByteRange.UNKNOWN, u.total))
                                .add(MsrpHeaders.FAILURE_REPORT, "no"));
            } catch (MsrpSyntaxException | IllegalArgumentException notAgain) {
                continue; // paths and range were forwarded as they are: cannot happen, and no reason to stop
            }
            OutboundMessage m = new OutboundMessage(abort, budget, source, abort);
            budget.take(m.headCharge());
            batch.add(target, m, abort);
            batch.add(target, m, new MsrpEnd(tid, Continuation.ABORT));
        }
    }
}
