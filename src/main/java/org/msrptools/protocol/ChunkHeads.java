package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The heads of the chunks of one SEND message (RFC 4975 section 7.1),
 * encoded once: chunks differ only in their transaction id and Byte-Range,
 * so a sender writes each head as its start line, the fixed lines before
 * Byte-Range, the range, and the fixed lines after it, with no head object
 * per chunk. The bytes are those {@link MsrpHead#encode} writes for the same
 * request with Byte-Range among its headers.
 */
public final class ChunkHeads {

    private static final byte[] START = "MSRP ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEND_LINE = (" " + MsrpMethod.SEND + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RANGE_NAME = (MsrpHeaders.BYTE_RANGE + ": ").getBytes(StandardCharsets.US_ASCII);

    private final MsrpPath toPath;
    private final MsrpPath fromPath;
    private final MsrpHeaders headersBefore;
    private final MsrpHeaders headersAfter;
    /** To-Path, From-Path and the headers before Byte-Range. */
    private final byte[] before;
    /** The headers after Byte-Range and the blank line before the body. */
    private final byte[] after;

    /**
     * Heads with the given paths and headers; Byte-Range goes between
     * {@code before} and {@code after}, and {@code after} must hold
     * Content-Type, since every chunk carries a body.
     */
    public ChunkHeads(MsrpPath toPath, MsrpPath fromPath, MsrpHeaders before, MsrpHeaders after) {
        if (!after.contains(MsrpHeaders.CONTENT_TYPE)) {
            throw new IllegalArgumentException("a chunk's head needs Content-Type");
        }
        if (before.contains(MsrpHeaders.BYTE_RANGE) || after.contains(MsrpHeaders.BYTE_RANGE)) {
            throw new IllegalArgumentException("Byte-Range is the chunk's own");
        }
        this.toPath = toPath;
        this.fromPath = fromPath;
        this.headersBefore = before.copy();
        this.headersAfter = after.copy();
        ByteBuf buf = Unpooled.buffer(512);
        MsrpHead.line(buf, MsrpHeaders.TO_PATH, toPath.toString());
        MsrpHead.line(buf, MsrpHeaders.FROM_PATH, fromPath.toString());
        lines(buf, before);
        this.before = ByteBufUtil.getBytes(buf);
        buf.clear();
        lines(buf, after);
        MsrpHead.crlf(buf);
        this.after = ByteBufUtil.getBytes(buf);
    }

    private static void lines(ByteBuf out, MsrpHeaders headers) {
        for (var h : headers) {
            MsrpHead.line(out, h.getKey(), h.getValue());
        }
    }

    /**
     * The head of one chunk as {@link MsrpHead#toString} shows a head, for
     * the wire log: chunk heads are written from bytes, and are never head
     * objects otherwise.
     */
    public String describe(String transactionId, String byteRange) {
        MsrpHeaders all = headersBefore.copy().add(MsrpHeaders.BYTE_RANGE, byteRange);
        headersAfter.forEach(h -> all.add(h.getKey(), h.getValue()));
        return new MsrpRequest(transactionId, MsrpMethod.SEND, toPath, fromPath, all).toString();
    }

    /** Bytes of the head of a chunk whose transaction id has {@code idLength} characters. */
    public int size(int idLength, String byteRange) {
        return START.length + idLength + SEND_LINE.length + before.length + RANGE_NAME.length
                + byteRange.length() + 2 + after.length;
    }

    /**
     * Writes the head of one chunk; {@code byteRange} is {@link ByteRange#toString()}
     * of its range (made once by the caller, who needs its length first).
     */
    public void encode(ByteBuf out, String transactionId, String byteRange) {
        if (!TransactionId.isValid(transactionId)) {
            throw new IllegalArgumentException("invalid transaction id '" + transactionId + "'");
        }
        out.writeBytes(START);
        MsrpHead.ascii(out, transactionId);
        out.writeBytes(SEND_LINE);
        out.writeBytes(before);
        out.writeBytes(RANGE_NAME);
        MsrpHead.ascii(out, byteRange);
        MsrpHead.crlf(out);
        out.writeBytes(after);
    }
}
