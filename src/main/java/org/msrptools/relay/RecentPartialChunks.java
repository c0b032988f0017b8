package org.msrptools.relay;

import java.util.IdentityHashMap;
import java.util.Map;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.MsrpRequest;

/**
 * The latest requests forwarded on one connection with Failure-Report
 * partial, which the next hop answers only if they fail (RFC 4975): what
 * turns such a failure into a REPORT to the sender; confined to the
 * connection's loop.
 *
 * <p>A file sent that way forwards a chunk after another that no answer
 * settles, so these are kept as primitives in a ring that the newest
 * overwrite: the transaction id's 64-bit hash and the chunk's Byte-Range,
 * with a reference to what all chunks of its message share (the first
 * chunk's head, where a REPORT goes, and whether one went: one per message,
 * as a receiver gone mid-file fails every chunk in flight). Kept as objects,
 * one per chunk until room was needed, a fast file's entries outlived the
 * young generation and made the relay collect its whole heap every few
 * seconds. The ring starts small and doubles, up to {@link #MOST}, as the
 * connection forwards more, so a connection that carries a few messages
 * holds little. A failure answered later than {@link #MOST} chunks on goes
 * unreported; the connection closing still reports what the ring holds.
 */
final class RecentPartialChunks {

    /** At 10 KiB a chunk, the last 10 MiB sent: more than the socket buffers between the relay and the next hop. */
    static final int MOST = 1024;
    private static final int FIRST = 16;

    /** Tells the sender of {@code message} that its chunk with {@code byteRange} (may be null) failed. */
    interface Reporter {
        void failed(Message message, String byteRange, int code, String comment);
    }

    /** What the chunks of one message share. */
    static final class Message {
        final ConnectionState source;
        final MsrpRequest first;
        boolean reported;

        Message(ConnectionState source, MsrpRequest first) {
            this.source = source;
            this.first = first;
        }
    }

    private final Reporter reporter;
    private long[] ids = new long[FIRST];
    private long[] starts = new long[FIRST];
    private long[] ends = new long[FIRST];
    private long[] totals = new long[FIRST];
    private Message[] messages = new Message[FIRST];
    private int next;
    private int count;
    private long added;

    RecentPartialChunks(Reporter reporter) {
        this.reporter = reporter;
    }

    /** A request forwarded with Failure-Report partial: {@code transactionId}, its range, its message. */
    void add(String transactionId, ByteRange range, Message message) {
        if (++added > ids.length && ids.length < MOST) {
            grow();
        }
        ids[next] = hash(transactionId);
        starts[next] = range == null ? 0 : range.start();
        ends[next] = range == null ? 0 : range.end();
        totals[next] = range == null ? 0 : range.total();
        messages[next] = message;
        next = (next + 1) % ids.length;
        count = Math.min(count + 1, ids.length);
    }

    /** The last one added, whose message a following chunk may share. */
    Message lastMessage() {
        return count == 0 ? null : messages[(next - 1 + ids.length) % ids.length];
    }

    /** A failure answered for {@code transactionId}: its message's sender is told, once. */
    void failed(String transactionId, int code, String comment) {
        long id = hash(transactionId);
        for (int n = 0, i = next; n < count; n++) {
            i = (i - 1 + ids.length) % ids.length;
            if (ids[i] == id) {
                report(i, code, comment);
                return;
            }
        }
    }

    /** The connection closed: every message with a chunk here hears of it, once, for its latest chunk. */
    void failAll(int code, String comment) {
        Map<Message, Boolean> told = new IdentityHashMap<>();
        for (int n = 0, i = next; n < count; n++) {
            i = (i - 1 + ids.length) % ids.length;
            if (told.put(messages[i], Boolean.TRUE) == null) {
                report(i, code, comment);
            }
        }
        count = 0;
    }

    private void report(int i, int code, String comment) {
        Message m = messages[i];
        if (!m.reported) {
            m.reported = true;
            String range = starts[i] == 0 ? null : new ByteRange(starts[i], ends[i], totals[i]).toString();
            reporter.failed(m, range, code, comment);
        }
    }

    /** Oldest first into arrays twice as long: the ring then continues at its end. */
    private void grow() {
        int n = ids.length;
        long[] newIds = new long[n * 2];
        long[] newStarts = new long[n * 2];
        long[] newEnds = new long[n * 2];
        long[] newTotals = new long[n * 2];
        Message[] newMessages = new Message[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (next - count + k + n) % n;
            newIds[k] = ids[i];
            newStarts[k] = starts[i];
            newEnds[k] = ends[i];
            newTotals[k] = totals[i];
            newMessages[k] = messages[i];
        }
        ids = newIds;
        starts = newStarts;
        ends = newEnds;
        totals = newTotals;
        messages = newMessages;
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
