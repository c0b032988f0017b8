package org.msrptools.relay;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.TransactionId;

/**
 * One message on its way out of one connection: a request forwarded from
 * another connection, whose body arrives in pieces, or a whole message of
 * the relay's own (a response, a REPORT). Created by its source; from then
 * on touched only on the target's event loop, by its {@link Outbound}.
 *
 * <p>A long forwarded SEND may be written as several chunks: each piece has
 * its own transaction id and a Byte-Range that continues where the previous
 * piece stopped (RFC 4975 section 7.1.1 lets any hop interrupt a chunk).
 */
final class OutboundMessage {

    /** What an encoded message's objects add to its bytes. */
    private static final int ENCODED_OVERHEAD = 64;

    /**
     * What a URI parsed anew costs beside its text: its parts as objects, in the head as received and as
     * forwarded. Measured in a relay keeping heads for their responses: a head of 33 short URIs, distinct
     * from every other head's (1.4 KB on the wire), held about 17 KB, where 2 bytes per byte counted
     * 3.4 KB, so a client naming many URIs made the relay keep five times the bound. Heads that share their
     * paths with those before them (a message's chunks) share their URIs too: about 1.3 KB each.
     */
    private static final int URI_OBJECTS = 576;

    /** What a head is counted as, in a {@link Budget} or a bound: about what its objects hold on the heap. */
    static long weight(MsrpHead head) {
        return 512 + 2L * head.wireSize() + (long) URI_OBJECTS * head.freshUris();
    }

    /** Whose bytes these are: given back as they are written. */
    final Budget budget;
    /** The connection a failure REPORT goes to; null for the relay's own messages. */
    final ConnectionState source;
    /** The request as the source received it (for failure REPORTs); null for the relay's own messages. */
    final MsrpRequest received;
    /** Frames not yet written: {@code MsrpContent} pieces, then one {@code MsrpEnd}. */
    final ArrayDeque<Object> frames = new ArrayDeque<>(4);
    /** In its outbound's queue, not on the wire (kept by the outbound). */
    boolean waiting;
    private final boolean wantsResponse;
    /** Failure-Report partial: the next hop answers only a failure, so silence is no failure. */
    private final boolean onlyFailuresAnswered;
    private final boolean bodied;
    private MsrpHead head;
    private long headCharge;
    private long pieceBytes;
    private long bodyBytes;
    private boolean reported;

    /** A request forwarded from {@code source}'s connection, whose bytes {@code budget} counts. */
    OutboundMessage(MsrpRequest outgoing, Budget budget, ConnectionState source, MsrpRequest received) {
        this.head = outgoing;
        this.budget = budget;
        this.source = source;
        this.received = received;
        this.headCharge = weight(received);
        this.wantsResponse = Reports.wantsResponse(received);
        this.onlyFailuresAnswered = wantsResponse && !Reports.wantsSuccess(received);
        this.bodied = outgoing.hasBody();
    }

    /**
     * A whole message of the relay's own, already encoded: it holds only its
     * bytes (not the request it answers, whose paths may be long), and counts
     * as what it holds.
     */
    OutboundMessage(ByteBuf encoded, Budget budget) {
        this.head = null;
        this.budget = budget;
        this.source = null;
        this.received = null;
        this.headCharge = ENCODED_OVERHEAD + encoded.readableBytes();
        this.wantsResponse = false;
        this.onlyFailuresAnswered = false;
        this.bodied = false;
        frames.add(encoded);
    }

    /** Whether this is a whole message of the relay's own, its bytes ready (its one frame). */
    boolean encoded() {
        return head == null;
    }

    /** The head of the piece to write next (null for an encoded message). */
    MsrpHead head() {
        return head;
    }

    /** Whether its chunks have a body (so an end-line follows a CRLF). */
    boolean bodied() {
        return bodied;
    }

    long headCharge() {
        return headCharge;
    }

    /** Gives the head's weight back, once. */
    void releaseHead() {
        budget.give(headCharge);
        headCharge = 0;
    }

    void wroteBody(int bytes) {
        pieceBytes += bytes;
        bodyBytes += bytes;
        budget.give(bytes);
    }

    long pieceBytes() {
        return pieceBytes;
    }

    /** Whether the source wants transaction responses and failure REPORTs for this request. */
    boolean wantsResponse() {
        return wantsResponse;
    }

    /** Whether the next hop answers this request only if it fails (Failure-Report partial). */
    boolean onlyFailuresAnswered() {
        return onlyFailuresAnswered;
    }

    /**
     * Whether this message may be interrupted here and continued in another
     * chunk: a forwarded SEND with a body, whose next byte's position can
     * still be written as a valid Byte-Range.
     */
    boolean splittable() {
        if (received == null || !MsrpMethod.SEND.equals(received.method()) || !head.hasBody()) {
            return false;
        }
        ByteRange r = range();
        // The next byte still has a position within the total, and one a long holds: a range that starts
        // near 2^63 would make the next piece's start overflow (found by review).
        return bodyBytes <= r.roomToTotal() && bodyBytes <= Long.MAX_VALUE - r.start();
    }

    /** Starts the next piece: a fresh transaction id, Byte-Range from the next byte on. */
    void nextPiece() {
        ByteRange r = range();
        long start = r.start() + bodyBytes;
        long end = r.end() != ByteRange.UNKNOWN && r.end() >= start - 1 ? r.end() : ByteRange.UNKNOWN;
        MsrpRequest piece = (MsrpRequest) head;
        MsrpHeaders headers = piece.headers().copy().set(MsrpHeaders.BYTE_RANGE, new ByteRange(start, end, r.total()));
        head = new MsrpRequest(TransactionId.random(), piece.method(), piece.toPath(), piece.fromPath(), headers);
        pieceBytes = 0;
    }

    private ByteRange range() {
        ByteRange r = received.headers().byteRange(); // checked by the decoder
        return r != null ? r : new ByteRange(1, ByteRange.UNKNOWN, ByteRange.UNKNOWN);
    }

    /** Drops what was not written, gives its bytes back, and tells the sender once (481). */
    void discard(Object frame) {
        if (frame instanceof io.netty.buffer.ByteBufHolder content) {
            budget.give(content.content().readableBytes());
        }
        ReferenceCountUtil.release(frame);
        if (frame instanceof org.msrptools.protocol.MsrpEnd) {
            releaseHead();
        }
        failOnce(481, "Next hop closed the connection");
    }

    void discardAll() {
        Object f;
        while ((f = frames.poll()) != null) {
            discard(f);
        }
        releaseHead();
        failOnce(481, "Next hop closed the connection");
    }

    /** A failure REPORT to the sender, at most one per message. */
    void failOnce(int code, String comment) {
        if (!reported && source != null) {
            reported = true;
            source.reportFailure(received, code, comment);
        }
    }
}
