package org.msrptools.relay;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;

/**
 * The latest requests forwarded on one connection with Failure-Report
 * partial, which the next hop answers only if they fail (RFC 4975): what
 * turns such a failure into a REPORT to the sender; confined to the
 * connection's loop.
 *
 * <p>A file sent that way forwards a chunk after another that no answer
 * settles, so these are kept as primitives in a ring that the newest
 * overwrite: the transaction id's 64-bit hash and the chunk's Byte-Range,
 * with a reference to its message. (Kept as objects, one per chunk until
 * room was needed, a fast file's entries outlived the young generation and
 * made the relay collect its whole heap every few seconds.) The ring starts
 * small and doubles, up to {@link #MOST}, as the connection forwards more.
 * A failure answered later than {@link #MOST} chunks on goes unreported.
 *
 * <p>A message is kept once, by sender and Message-ID, with only what its
 * REPORT needs (the way back and the Message-ID, not the head), while a
 * chunk of it is in the ring; what messages hold is counted (as their heads'
 * weight) up to {@code maxMessageBytes}, beyond which the least recently
 * sent is forgotten. It is told of a failure once. The connection closing
 * fails only the messages whose last chunk had not gone out: one sent whole
 * was delivered as far as this relay can tell.
 */
final class RecentPartialChunks {

    /** The last 10 MiB sent at 10 KiB a chunk, 64 MiB at 64 KiB (msrp-send through one msrp-relay). */
    static final int MOST = 1024;
    private static final int FIRST = 16;

    /** Tells the sender of {@code message} that its chunk with {@code byteRange} (may be null) failed. */
    interface Reporter {
        void failed(Message message, String byteRange, int code, String comment);
    }

    private record Key(ConnectionState source, String messageId) {
    }

    /** What a REPORT about one message needs, and how far it went. */
    static final class Message {
        final ConnectionState source;
        final String messageId;
        /** The REPORT's To-Path: the request's From-Path. Null once forgotten. */
        MsrpPath replyTo;
        /** The REPORT's From-Path: this relay's URI the request was sent to. */
        final MsrpUri via;
        final long weight;
        int entries;
        boolean reported;
        /** Its last chunk ('$') went out. */
        boolean sentWhole;
        long lastStart;
        long lastEnd;
        long lastTotal;

        Message(ConnectionState source, MsrpRequest first) {
            this.source = source;
            this.messageId = first.headers().messageId();
            this.replyTo = first.fromPath();
            this.via = first.toPath().first();
            this.weight = OutboundMessage.weight(first);
        }

        boolean forgotten() {
            return replyTo == null;
        }
    }

    private final long maxMessageBytes;
    private final Reporter reporter;
    /** The messages with a chunk in the ring, the least recently sent first. */
    private final LinkedHashMap<Key, Message> messages = new LinkedHashMap<>(16, 0.75f, true);
    private long messageBytes;
    private long[] ids = new long[FIRST];
    private long[] starts = new long[FIRST];
    private long[] ends = new long[FIRST];
    private long[] totals = new long[FIRST];
    private Message[] owners = new Message[FIRST];
    private int next;
    private int count;
    private long added;

    RecentPartialChunks(long maxMessageBytes, Reporter reporter) {
        this.maxMessageBytes = maxMessageBytes;
        this.reporter = reporter;
    }

    /**
     * A request forwarded with Failure-Report partial went out whole:
     * {@code transactionId}, the request as {@code source} sent it (read,
     * not kept), and whether it ended its message.
     */
    void add(String transactionId, MsrpRequest received, ConnectionState source, boolean last) {
        Message m = messages.get(new Key(source, received.headers().messageId()));
        if (m == null) {
            m = new Message(source, received);
            messages.put(new Key(source, m.messageId), m);
            messageBytes += m.weight;
            for (Iterator<Message> oldest = messages.values().iterator();
                 messageBytes > maxMessageBytes && oldest.hasNext(); ) {
                Message o = oldest.next();
                if (o != m) {
                    oldest.remove();
                    forget(o);
                }
            }
        }
        ByteRange range = received.headers().byteRange();
        m.lastStart = range == null ? 0 : range.start();
        m.lastEnd = range == null ? 0 : range.end();
        m.lastTotal = range == null ? 0 : range.total();
        m.sentWhole |= last;
        if (++added > ids.length && ids.length < MOST) {
            grow();
        }
        Message overwritten = count == ids.length ? owners[next] : null;
        ids[next] = hash(transactionId);
        starts[next] = m.lastStart;
        ends[next] = m.lastEnd;
        totals[next] = m.lastTotal;
        owners[next] = m;
        m.entries++;
        next = (next + 1) % ids.length;
        count = Math.min(count + 1, ids.length);
        if (overwritten != null) {
            left(overwritten);
        }
    }

    /**
     * A failure answered for {@code transactionId}: its message's sender is
     * told, once; {@code sender} is given the connection the chunk came
     * from first (if it is still known).
     */
    void failed(String transactionId, int code, String comment, Consumer<ConnectionState> sender) {
        long id = hash(transactionId);
        for (int n = 0, i = next; n < count; n++) {
            i = (i - 1 + ids.length) % ids.length;
            if (ids[i] == id) {
                if (owners[i].source != null) {
                    sender.accept(owners[i].source);
                }
                report(owners[i], starts[i], ends[i], totals[i], code, comment);
                return;
            }
        }
    }

    /** The connection closed: each message not yet sent whole hears of it, once, for its latest chunk. */
    void failAll(int code, String comment) {
        for (Message m : messages.values()) {
            if (!m.sentWhole) {
                report(m, m.lastStart, m.lastEnd, m.lastTotal, code, comment);
            }
        }
        messages.clear();
        count = 0;
    }

    private void report(Message m, long start, long end, long total, int code, String comment) {
        if (!m.reported && !m.forgotten()) {
            m.reported = true;
            reporter.failed(m, start == 0 ? null : new ByteRange(start, end, total).toString(), code, comment);
        }
    }

    /** A chunk of {@code m} left the ring: with its last one, the message goes too. */
    private void left(Message m) {
        if (--m.entries == 0 && !m.forgotten()) {
            messages.remove(new Key(m.source, m.messageId));
            forget(m);
        }
    }

    private void forget(Message m) {
        messageBytes -= m.weight;
        m.replyTo = null; // its chunks still in the ring hold nothing of it
    }

    /** Oldest first into arrays twice as long: the ring then continues at its end. */
    private void grow() {
        int n = ids.length;
        long[] newIds = new long[n * 2];
        long[] newStarts = new long[n * 2];
        long[] newEnds = new long[n * 2];
        long[] newTotals = new long[n * 2];
        Message[] newOwners = new Message[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (next - count + k + n) % n;
            newIds[k] = ids[i];
            newStarts[k] = starts[i];
            newEnds[k] = ends[i];
            newTotals[k] = totals[i];
            newOwners[k] = owners[i];
        }
        ids = newIds;
        starts = newStarts;
        ends = newEnds;
        totals = newTotals;
        owners = newOwners;
        next = count;
    }

    /** A 64-bit hash of a transaction id: two ids of one connection's last {@link #MOST} do not meet in it. */
    private static long hash(String id) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
