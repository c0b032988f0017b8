package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The start line and headers of a request or response. To-Path and
 * From-Path are held as typed paths and always written first; every other
 * header lives in {@link #headers()} in its original order.
 */
public abstract sealed class MsrpHead implements MsrpFrame permits MsrpRequest, MsrpResponse {

    private final String transactionId;
    private final MsrpPath toPath;
    private final MsrpPath fromPath;
    private final MsrpHeaders headers;
    private int wireSize;
    private int freshUris;

    MsrpHead(String transactionId, MsrpPath toPath, MsrpPath fromPath, MsrpHeaders headers) {
        if (!TransactionId.isValid(transactionId)) {
            throw new IllegalArgumentException("invalid transaction id '" + transactionId + "'");
        }
        this.transactionId = transactionId;
        this.toPath = Objects.requireNonNull(toPath, "To-Path");
        this.fromPath = Objects.requireNonNull(fromPath, "From-Path");
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    public String transactionId() {
        return transactionId;
    }

    public MsrpPath toPath() {
        return toPath;
    }

    public MsrpPath fromPath() {
        return fromPath;
    }

    public MsrpHeaders headers() {
        return headers;
    }

    /** Bytes of the start line and headers as received; 0 for a head made here. */
    public int wireSize() {
        return wireSize;
    }

    /**
     * URIs parsed for this head alone: 0 when it shares its paths with the
     * heads just before it (the decoder keeps the last two of each), as the
     * chunks of one message do. What its paths hold on the heap is then
     * shared too.
     */
    public int freshUris() {
        return freshUris;
    }

    void sized(int wireBytes, int freshUris) {
        this.wireSize = wireBytes;
        this.freshUris = freshUris;
    }

    /** A body follows the head exactly when Content-Type is present. */
    public boolean hasBody() {
        return headers.contains(MsrpHeaders.CONTENT_TYPE);
    }

    /** The text after {@code MSRP <tid> } on the start line. */
    abstract String startLineTail();

    /**
     * Writes the start line, the headers and, when a body follows, the empty
     * line that separates them. Values holding CR or LF are refused: they
     * would let a caller inject headers or end-lines.
     */
    public void encode(ByteBuf out) {
        ascii(out, "MSRP ");
        ascii(out, transactionId);
        out.writeByte(' ');
        text(out, startLineTail());
        crlf(out);
        pathLine(out, TO_PATH_NAME, toPath);
        pathLine(out, FROM_PATH_NAME, fromPath);
        for (Map.Entry<String, String> h : headers) {
            line(out, h.getKey(), h.getValue());
        }
        if (hasBody()) {
            crlf(out);
        }
    }

    private static final byte[] TO_PATH_NAME = (MsrpHeaders.TO_PATH + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROM_PATH_NAME = (MsrpHeaders.FROM_PATH + ": ").getBytes(StandardCharsets.US_ASCII);

    /** A path header from the path's bytes, made once per path: a relay writes the same paths for every chunk. */
    private static void pathLine(ByteBuf out, byte[] name, MsrpPath path) {
        byte[] value = path.utf8(); // first: a refused path leaves nothing half written
        out.writeBytes(name);
        out.writeBytes(value);
        crlf(out);
    }

    /** {@code Name: value CRLF}. */
    static void line(ByteBuf out, String name, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("header " + name + " holds a line break or colon");
        }
        text(out, name);
        out.writeShort((':' << 8) | ' ');
        text(out, value);
        crlf(out);
    }

    static void ascii(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }

    /** Header text is UTF-8 (RFC 4975). */
    private static void text(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
    }

    static void crlf(ByteBuf out) {
        out.writeShort(('\r' << 8) | '\n');
    }

    @Override
    public String toString() {
        return "MSRP " + transactionId + " " + startLineTail() + " To-Path: " + toPath
                + " From-Path: " + fromPath + " " + headers;
    }
}
