package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msrptools.protocol.MsrpSyntaxException.Violation;

/**
 * The streaming MSRP decoder: a state machine in the manner of Netty's
 * codec-stomp. For each message it emits one {@link MsrpHead}, then the
 * body as {@link MsrpContent} slices of the input as they arrive (never
 * accumulating a body), then one {@link MsrpEnd}.
 *
 * <p>The body ends where {@code CRLF -------<transaction-id><flag>} occurs
 * (RFC 4975 section 7.1); the search survives any split of the input, and
 * look-alikes (another id, a partial match, dashes without a flag) stay body.
 * At most one delimiter's length of input is held back while a match is
 * undecided, so memory per connection is bounded by the head limits.
 *
 * <p>On invalid input it emits one {@link MsrpFrameError} naming the
 * violation and its position, then discards everything that follows: the
 * connection's owner answers and closes. A relay's decoder
 * ({@link #skippingBadMessages()}) goes on after a message that is framed
 * but whose head holds a bad value or path: it emits the error, drops that
 * message's body and decodes the next, so one bad message does not end a
 * connection that carries many sessions.
 */
public final class MsrpDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 64;
    public static final int DEFAULT_MAX_HEAD_SIZE = 64 * 1024;

    private static final String END_LINE_DASHES = "-------";
    private static final io.netty.util.ByteProcessor ASCII = b -> b >= 0;

    private enum State { START_LINE, HEADERS, BODY, END_LINE_CRLF, BAD_FRAME }

    private final int maxLineLength;
    private final int maxHeaders;
    private final int maxHeadSize;
    private final boolean skipsBadMessages;
    /** The message being read was skipped: its body is dropped, and no end is emitted. */
    private boolean skipping;
    /** The first header line of this message that was no header, where bad messages are skipped; else null. */
    private MsrpSyntaxException badLine;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private State state = State.START_LINE;
    /** Stream position of the reader index, for error locations. */
    private long position;
    private int lineNumber;
    private int headSize;
    private String transactionId;
    /** The request being read once its start line and paths are known, else null. */
    private MsrpRequest answerable;
    private String startLineTail;
    private final List<Map.Entry<String, String>> headerLines = new ArrayList<>();
    /** Where each of {@link #headerLines} began in the stream (no garbage per chunk), and where the last line read did. */
    private final long[] headerStarts;
    private long lineStart;
    private boolean contentTypeSeen;
    private byte[] delimiter;
    private Continuation continuation;
    /** Every chunk of a session carries the same paths: parsed once, one instance each (see MsrpPath and LastPath). */
    private final LastPath lastToPath = new LastPath();
    private final LastPath lastFromPath = new LastPath();
    /** When the first byte of the head being read arrived; 0 between heads. */
    private long headStartedNanos;

    public MsrpDecoder() {
        this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEAD_SIZE);
    }

    public MsrpDecoder(int maxLineLength, int maxHeaders, int maxHeadSize) {
        this(maxLineLength, maxHeaders, maxHeadSize, false);
    }

    /** A relay's decoder: a message that is framed but bad is skipped, the connection goes on (see above). */
    public static MsrpDecoder skippingBadMessages() {
        return new MsrpDecoder(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEAD_SIZE, true);
    }

    private MsrpDecoder(int maxLineLength, int maxHeaders, int maxHeadSize, boolean skipsBadMessages) {
        if (maxLineLength < 64 || maxHeaders < 2 || maxHeadSize < maxLineLength) {
            throw new IllegalArgumentException("limits too small: line " + maxLineLength + ", headers "
                    + maxHeaders + ", head " + maxHeadSize);
        }
        this.maxLineLength = maxLineLength;
        this.maxHeaders = maxHeaders;
        this.maxHeadSize = maxHeadSize;
        this.skipsBadMessages = skipsBadMessages;
        this.headerStarts = new long[maxHeaders];
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decodeAvailable(in, out);
        } catch (MsrpSyntaxException e) {
            fail(e, in, out);
        }
    }

    /** Runs the state machine until it needs more input. */
    private void decodeAvailable(ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case START_LINE -> {
                    if (in.isReadable() && headStartedNanos == 0) {
                        headStartedNanos = System.nanoTime();
                    }
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    parseStartLine(line);
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    headerLine(line, out);
                }
                case BODY -> {
                    if (!scanBody(in, out)) {
                        return;
                    }
                }
                case END_LINE_CRLF -> {
                    if (in.readableBytes() < 2) {
                        return;
                    }
                    if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
                        throw new MsrpSyntaxException(Violation.END_LINE_SYNTAX,
                                "end-line not followed by CRLF", where());
                    }
                    skip(in, 2);
                    if (!skipping) {
                        out.add(new MsrpEnd(transactionId, continuation));
                    }
                    reset();
                }
                case BAD_FRAME -> {
                    skip(in, in.readableBytes());
                    return;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state != State.BAD_FRAME && (state != State.START_LINE || in.isReadable())) {
            String what = state == State.BODY || state == State.END_LINE_CRLF
                    ? "connection closed before the body's end-line"
                    : "connection closed in the middle of a message head";
            fail(new MsrpSyntaxException(Violation.TRUNCATED, what, where()), in, out);
        }
    }

    /**
     * How long the head being read has been arriving ({@link System#nanoTime()}
     * units), or 0 when no head is in progress. A relay closes connections
     * whose head trickles in for too long: the limits bound a head's size,
     * this bounds its time (slow-loris).
     */
    public long headAgeNanos(long nowNanos) {
        return headStartedNanos == 0 ? 0 : nowNanos - headStartedNanos;
    }

    /** Starts the head's clock again: the owner had stopped reading, so the slowness was not the peer's. */
    public void restartHeadClock(long nowNanos) {
        if (headStartedNanos != 0) {
            headStartedNanos = nowNanos;
        }
    }

    private void fail(MsrpSyntaxException e, ByteBuf in, List<Object> out) {
        out.add(new MsrpFrameError(e.at(where()), answerable, false));
        state = State.BAD_FRAME;
        headerLines.clear();
        skip(in, in.readableBytes());
    }

    private String where() {
        return lineNumber > 0 ? "byte " + position + ", line " + lineNumber : "byte " + position;
    }

    private void reset() {
        state = State.START_LINE;
        headStartedNanos = 0;
        lineNumber = 0;
        headSize = 0;
        transactionId = null;
        answerable = null;
        startLineTail = null;
        headerLines.clear();
        contentTypeSeen = false;
        delimiter = null;
        continuation = null;
        skipping = false;
        badLine = null;
    }

    private void skip(ByteBuf in, int n) {
        in.skipBytes(n);
        position += n;
    }

    /** One CRLF-terminated line without its CRLF, or null when it is not complete yet. */
    private String readLine(ByteBuf in) {
        int start = in.readerIndex();
        int window = Math.min(in.readableBytes(), maxLineLength + 2);
        int lf = in.indexOf(start, start + window, (byte) '\n');
        lineNumber++;
        if (lf < 0) {
            lineNumber--;
            if (in.readableBytes() > maxLineLength + 1) {
                lineNumber++;
                throw new MsrpSyntaxException(Violation.LINE_TOO_LONG,
                        "line longer than " + maxLineLength + " bytes", where());
            }
            return null;
        }
        int length = lf - start;
        if (length == 0 || in.getByte(lf - 1) != '\r') {
            throw new MsrpSyntaxException(Violation.BARE_LF, "line ends with LF without CR", where());
        }
        if (in.indexOf(start, lf - 1, (byte) '\r') >= 0) {
            throw new MsrpSyntaxException(Violation.BARE_CR, "CR inside a line", where());
        }
        if (length - 1 > maxLineLength) {
            throw new MsrpSyntaxException(Violation.LINE_TOO_LONG,
                    "line longer than " + maxLineLength + " bytes", where());
        }
        headSize += length + 1;
        if (headSize > maxHeadSize) {
            throw new MsrpSyntaxException(Violation.HEAD_TOO_LARGE,
                    "message head larger than " + maxHeadSize + " bytes", where());
        }
        String line = text(in, start, length - 1);
        lineStart = position;
        skip(in, length + 1);
        return line;
    }

    private String text(ByteBuf in, int index, int length) {
        if (in.forEachByte(index, length, ASCII) < 0) { // a bulk scan: every line of every head passes here
            return in.toString(index, length, StandardCharsets.US_ASCII);
        }
        try {
            ByteBuffer bytes = in.nioBuffer(index, length);
            CharBuffer chars = utf8.reset().decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MsrpSyntaxException(Violation.NON_UTF8, "bytes that are not UTF-8", where());
        }
    }

    private void parseStartLine(String line) {
        if (!line.startsWith("MSRP ")) {
            throw new MsrpSyntaxException(Violation.START_LINE, "start line does not begin with 'MSRP '", where());
        }
        int space = line.indexOf(' ', 5);
        String id = space < 0 ? line.substring(5) : line.substring(5, space);
        if (!TransactionId.isValid(id)) {
            throw new MsrpSyntaxException(Violation.TRANSACTION_ID, "transaction id '" + abbreviate(id)
                    + "' is not 4-32 characters of [A-Za-z0-9.-+%=] starting alphanumeric", where());
        }
        transactionId = id;
        String tail = space < 0 ? "" : line.substring(space + 1);
        if (tail.isEmpty()) {
            throw new MsrpSyntaxException(Violation.METHOD, "start line has no method or status code", where());
        }
        if (Character.isDigit(tail.charAt(0))) {
            int end = tail.indexOf(' ');
            String code = end < 0 ? tail : tail.substring(0, end);
            if (code.length() != 3 || !Digits.only(code)) {
                throw new MsrpSyntaxException(Violation.STATUS_CODE,
                        "status code '" + abbreviate(code) + "' is not 3 digits", where());
            }
            if (code.charAt(0) == '0') {
                throw new MsrpSyntaxException(Violation.STATUS_CODE,
                        "status code '" + code + "' is below 100", where());
            }
        } else if (!MsrpMethod.isValid(tail)) {
            throw new MsrpSyntaxException(Violation.METHOD,
                    "method '" + abbreviate(tail) + "' is not 1-32 upper-case letters", where());
        }
        startLineTail = tail;
    }

    private void headerLine(String line, List<Object> out) {
        if (line.isEmpty()) {
            if (contentTypeSeen) {
                addHeadOrSkip(out);
                headStartedNanos = 0;
                delimiter = ("\r\n" + END_LINE_DASHES + transactionId).getBytes(StandardCharsets.US_ASCII);
                state = State.BODY;
            }
            // A blank line without Content-Type announces no body; tolerate it.
            return;
        }
        if (line.startsWith(END_LINE_DASHES)) {
            Continuation flag = parseEndLine(line);
            if (addHeadOrSkip(out)) {
                out.add(new MsrpEnd(transactionId, flag));
            }
            reset();
            return;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            badHeaderLine(new MsrpSyntaxException(Violation.HEADER_SYNTAX, "header line has no 'Name:'", where()));
            return;
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!HeaderParams.isTokenChar(name.charAt(i)) || name.charAt(i) == ':' || name.charAt(i) == '/') {
                badHeaderLine(new MsrpSyntaxException(Violation.HEADER_SYNTAX,
                        "header name '" + abbreviate(name) + "' is not a token", where()));
                return;
            }
        }
        if (headerLines.size() >= maxHeaders) {
            throw new MsrpSyntaxException(Violation.TOO_MANY_HEADERS,
                    "more than " + maxHeaders + " headers", where());
        }
        headerStarts[headerLines.size()] = lineStart;
        headerLines.add(Map.entry(MsrpHeaders.canonical(name), line.substring(colon + 1).strip()));
        contentTypeSeen |= name.equalsIgnoreCase(MsrpHeaders.CONTENT_TYPE);
    }

    /**
     * A header line that is no header: the end of the stream, or, where bad
     * messages are skipped, of this message only, said at its end (its
     * lines still frame it: found by a new user, whose relay closed a
     * connection for a line without a colon).
     */
    private void badHeaderLine(MsrpSyntaxException e) {
        if (!skipsBadMessages) {
            throw e;
        }
        if (badLine == null) {
            badLine = e;
        }
    }

    private Continuation parseEndLine(String line) {
        int expected = END_LINE_DASHES.length() + transactionId.length() + 1;
        if (line.length() != expected || !line.startsWith(transactionId, END_LINE_DASHES.length())) {
            throw new MsrpSyntaxException(Violation.END_LINE_TRANSACTION_ID,
                    "end-line '" + abbreviate(line) + "' does not carry transaction id " + transactionId, where());
        }
        Continuation flag = Continuation.of(line.charAt(line.length() - 1));
        if (flag == null) {
            throw new MsrpSyntaxException(Violation.END_LINE_FLAG,
                    "end-line flag '" + line.charAt(line.length() - 1) + "' is not $, + or #", where());
        }
        return flag;
    }

    /**
     * Emits the head just read; or, where bad messages are skipped and this
     * one's head is bad (its lines and so its framing are fine), the error
     * instead, and false: the message is skipped.
     */
    private boolean addHeadOrSkip(List<Object> out) {
        try {
            MsrpHead head = buildHead();
            if (badLine == null) {
                out.add(head);
                return true;
            }
            throw badLine; // the head is otherwise sound: its paths let the error be answered
        } catch (MsrpSyntaxException e) {
            if (!skipsBadMessages) {
                throw e;
            }
            out.add(new MsrpFrameError(badLine != null ? badLine : e, answerable, true));
            skipping = true;
            return false;
        }
    }

    private MsrpHead buildHead() {
        if (headerLines.isEmpty() || !headerLines.get(0).getKey().equalsIgnoreCase(MsrpHeaders.TO_PATH)) {
            boolean anyTo = headerLines.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(MsrpHeaders.TO_PATH));
            throw new MsrpSyntaxException(anyTo ? Violation.PATH_ORDER : Violation.MISSING_TO_PATH,
                    anyTo ? "To-Path is not the first header" : "no To-Path header", where());
        }
        if (headerLines.size() < 2 || !headerLines.get(1).getKey().equalsIgnoreCase(MsrpHeaders.FROM_PATH)) {
            boolean anyFrom = headerLines.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(MsrpHeaders.FROM_PATH));
            throw new MsrpSyntaxException(anyFrom ? Violation.PATH_ORDER : Violation.MISSING_FROM_PATH,
                    anyFrom ? "From-Path is not the second header" : "no From-Path header", where());
        }
        MsrpHeaders headers = new MsrpHeaders();
        for (Map.Entry<String, String> h : headerLines.subList(2, headerLines.size())) {
            if (h.getKey().equalsIgnoreCase(MsrpHeaders.TO_PATH) || h.getKey().equalsIgnoreCase(MsrpHeaders.FROM_PATH)) {
                throw new MsrpSyntaxException(Violation.PATH_ORDER, h.getKey() + " appears twice", where());
            }
            headers.add(h.getKey(), h.getValue());
        }
        try {
            MsrpPath to = path(lastToPath, 0);
            MsrpPath from = path(lastFromPath, 1);
            int freshUris = lastToPath.fresh + lastFromPath.fresh;
            if (Character.isDigit(startLineTail.charAt(0))) {
                checkValues(headers);
                int code = Integer.parseInt(startLineTail.substring(0, 3));
                String comment = startLineTail.length() > 4 ? startLineTail.substring(4) : null;
                MsrpResponse response = new MsrpResponse(transactionId, code, comment, to, from, headers);
                response.sized(headSize, freshUris);
                return response;
            }
            MsrpRequest request = new MsrpRequest(transactionId, startLineTail, to, from, headers);
            request.sized(headSize, freshUris);
            answerable = request; // its paths are known: a bad value below can be answered with 400
            checkValues(headers);
            return request;
        } catch (MsrpSyntaxException e) {
            throw e.at(where());
        }
    }

    /** The path of header {@code index} (0 To-Path, 1 From-Path); an error in it said at its own line. */
    private MsrpPath path(LastPath last, int index) {
        try {
            return last.parse(headerLines.get(index).getValue());
        } catch (MsrpSyntaxException e) {
            throw e.at(lineOfHeader(index));
        }
    }

    /**
     * Where header {@code index} is: its line of the message (a value error
     * is found at the head's end, whose position would point past it; found
     * by a new user).
     */
    private String lineOfHeader(int index) {
        return "byte " + headerStarts[index] + ", line " + (index + 2);
    }

    /** Where the header {@code name} (the first of that name) is. */
    private String lineOf(String name) {
        for (int i = 2; i < headerLines.size(); i++) {
            if (headerLines.get(i).getKey().equalsIgnoreCase(name)) {
                return lineOfHeader(i);
            }
        }
        return where();
    }

    /** Header values whose syntax RFC 4975 fixes and that a hop acts on; an error said at its header's line. */
    private void checkValues(MsrpHeaders headers) {
        try {
            headers.byteRange();
        } catch (MsrpSyntaxException e) {
            throw e.at(lineOf(MsrpHeaders.BYTE_RANGE));
        }
        checkOneOf(headers, MsrpHeaders.SUCCESS_REPORT, "yes", "no");
        checkOneOf(headers, MsrpHeaders.FAILURE_REPORT, "yes", "no", "partial");
    }

    private void checkOneOf(MsrpHeaders headers, String name, String... allowed) {
        String value = headers.get(name);
        if (value == null) {
            return;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value.strip())) {
                return;
            }
        }
        throw new MsrpSyntaxException(Violation.HEADER_VALUE,
                name + " '" + abbreviate(value) + "' is not one of " + String.join(", ", allowed), lineOf(name));
    }

    /**
     * Emits body bytes up to the end-line or up to a possible start of it.
     * Returns true when the end-line was found (state moved on). The delimiter
     * ({@code CRLF -------<id>}) holds seven dashes in a row, so any
     * occurrence has a dash at one of every seven positions in a row: the
     * search reads every seventh byte and looks closer only around a dash. In
     * a body (a file's bytes, as often as not) dashes are rare, and the reads
     * do not depend on each other, so they overlap in the processor (a
     * Horspool search jumps by what it reads and waits on every read: decoding
     * and re-encoding 10 KiB chunks of random bytes in one thread took 4.2 us
     * a chunk with it, 2.5 us with this). The worst case is bounded: a body of
     * nothing but dashes costs about ten times a random one per byte (seven
     * starts looked at per probe), and matches start only at a CR, which the
     * delimiter holds once, so no byte is matched twice from different starts.
     */
    private boolean scanBody(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int n = in.writerIndex() - start;
        int m = delimiter.length;
        // A view of exactly the input: its bounds are the loop's, so the compiled loop's range checks always
        // hold (on the buffer's own indexes they failed now and then, and each failure cost a recompilation).
        ByteBuffer bytes = in.nioBuffer(start, n);
        int dashes = END_LINE_DASHES.length();
        search:
        for (int probe = dashes - 1; probe < n; probe += dashes) {
            if (bytes.get(probe) != '-') {
                continue;
            }
            // The delimiter's dashes are at its offsets 2 to 8: those that could have one at the probe.
            for (int at = Math.max(0, probe - dashes - 1), last = probe - 2; at <= last; at++) {
                if (at + m > n) {
                    break search; // not all here yet: held back below
                }
                if (bytes.get(at) != '\r' || !matchesDelimiter(bytes, at, m)) {
                    continue;
                }
                if (at + m == n) {
                    break search; // the flag is not here yet: held back below
                }
                Continuation flag = Continuation.of(bytes.get(at + m));
                if (flag != null) {
                    emitBody(in, start, start + at, out);
                    skip(in, m + 1);
                    continuation = flag;
                    state = State.END_LINE_CRLF;
                    return true;
                }
                // "-------<id>" followed by more id characters: body.
            }
        }
        // A possible end-line cut by the read: hold it back until more arrives.
        emitBody(in, start, start + heldBackFrom(bytes, Math.max(0, n - m), n), out);
        return false;
    }

    /** The first index from which the input to {@code end} could begin the delimiter, or {@code end}. */
    private int heldBackFrom(ByteBuffer bytes, int from, int end) {
        for (int p = from; p < end; p++) {
            if (bytes.get(p) == '\r' && matchesDelimiter(bytes, p, end - p)) {
                return p;
            }
        }
        return end;
    }

    private boolean matchesDelimiter(ByteBuffer bytes, int index, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes.get(index + i) != delimiter[i]) {
                return false;
            }
        }
        return true;
    }

    private void emitBody(ByteBuf in, int start, int end, List<Object> out) {
        if (end > start && skipping) {
            skip(in, end - start);
        } else if (end > start) {
            out.add(new MsrpContent(in.retainedSlice(start, end - start)));
            skip(in, end - start);
        }
    }

    /**
     * The last two path texts parsed and their results. Two, because what
     * comes back from a receiver mixes two kinds with different paths: its
     * 200s and its progress REPORTs (one every 512 KiB from msrp-receive; a
     * REPORT for every chunk from some clients). A sender reads them, and so
     * does the relay on the receiver's connection; with one, the first
     * message after each switch parsed both paths anew.
     */
    private static final class LastPath {
        private String text;
        private MsrpPath path;
        private String previousText;
        private MsrpPath previousPath;
        /** URIs the last parse made anew: 0 when its path was one of the last two. */
        int fresh;

        MsrpPath parse(String value) {
            fresh = 0;
            if (value.equals(text)) {
                return path;
            }
            MsrpPath parsed = value.equals(previousText) ? previousPath : MsrpPath.parse(value);
            if (parsed != previousPath) {
                fresh = parsed.size();
            }
            previousText = text;
            previousPath = path;
            text = value;
            path = parsed;
            return parsed;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
