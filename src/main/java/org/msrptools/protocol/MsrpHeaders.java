package org.msrptools.protocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The headers of an MSRP head other than To-Path and From-Path (which the
 * head holds as typed paths so they are always written first). Names are
 * case-insensitive, order is preserved, and typed accessors parse on demand;
 * a malformed value gives {@link MsrpSyntaxException}.
 */
public final class MsrpHeaders implements Iterable<Map.Entry<String, String>> {

    public static final String TO_PATH = "To-Path";
    public static final String FROM_PATH = "From-Path";
    public static final String MESSAGE_ID = "Message-ID";
    public static final String BYTE_RANGE = "Byte-Range";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CONTENT_DISPOSITION = "Content-Disposition";
    public static final String SUCCESS_REPORT = "Success-Report";
    public static final String FAILURE_REPORT = "Failure-Report";
    public static final String STATUS = "Status";
    public static final String EXPIRES = "Expires";
    public static final String MIN_EXPIRES = "Min-Expires";
    public static final String MAX_EXPIRES = "Max-Expires";
    public static final String USE_PATH = "Use-Path";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    public static final String AUTHORIZATION = "Authorization";
    public static final String AUTHENTICATION_INFO = "Authentication-Info";
    /**
     * An extension header (RFC 4975's ext-header, which other clients
     * ignore) in a relay's AUTH answer: the largest chunk to send through
     * it. msrp-relay takes chunks of any size and says 65536, the size up to
     * which it does not split a chunk for other messages' turn; msrp-send
     * goes above 10 KiB only when the receiver is that relay's client too
     * (client.DefaultChunkSize). A relay that does not send it promises nothing.
     */
    public static final String MAX_CHUNK_SIZE = "Max-Chunk-Size";

    /** The names this class knows, by length (a lookup must not hash every name of every head). */
    private static final String[][] KNOWN_BY_LENGTH = byLength(TO_PATH, FROM_PATH, MESSAGE_ID, BYTE_RANGE,
            CONTENT_TYPE, CONTENT_DISPOSITION, SUCCESS_REPORT, FAILURE_REPORT, STATUS, EXPIRES, MIN_EXPIRES,
            MAX_EXPIRES, USE_PATH, WWW_AUTHENTICATE, AUTHORIZATION, AUTHENTICATION_INFO, MAX_CHUNK_SIZE);

    private static String[][] byLength(String... names) {
        String[][] table = new String[32][];
        for (String n : names) {
            String[] row = table[n.length()];
            table[n.length()] = row == null ? new String[] {n} : java.util.stream.Stream.concat(
                    java.util.Arrays.stream(row), java.util.stream.Stream.of(n)).toArray(String[]::new);
        }
        return table;
    }

    private final List<Map.Entry<String, String>> entries = new ArrayList<>(8);
    /** The Byte-Range last parsed, with the value it was parsed from. */
    private ParsedRange parsedRange;

    private record ParsedRange(String text, ByteRange range) {
    }

    /**
     * The constant for a header name written exactly as this class spells it,
     * else the name itself: lookups then mostly match by identity (a relay
     * looks up several headers of every chunk).
     */
    static String canonical(String name) {
        String[] candidates = name.length() < KNOWN_BY_LENGTH.length ? KNOWN_BY_LENGTH[name.length()] : null;
        if (candidates != null) {
            for (String known : candidates) {
                if (known.equals(name)) {
                    return known;
                }
            }
        }
        return name;
    }

    /** Adds a header after the existing ones (a name may repeat). */
    public MsrpHeaders add(String name, Object value) {
        entries.add(Map.entry(name, String.valueOf(value)));
        return this;
    }

    /** Adds all of {@code others}' headers after the existing ones, in their order. */
    public MsrpHeaders addAll(MsrpHeaders others) {
        entries.addAll(others.entries);
        return this;
    }

    /** Replaces every header of that name by one, in the first one's place. */
    public MsrpHeaders set(String name, Object value) {
        String text = String.valueOf(value);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getKey().equalsIgnoreCase(name)) {
                entries.set(i, Map.entry(name, text));
                removeFrom(name, i + 1);
                return this;
            }
        }
        return add(name, text);
    }

    public MsrpHeaders remove(String name) {
        removeFrom(name, 0);
        return this;
    }

    private void removeFrom(String name, int from) {
        for (int i = entries.size() - 1; i >= from; i--) {
            if (entries.get(i).getKey().equalsIgnoreCase(name)) {
                entries.remove(i);
            }
        }
    }

    /** The first value of that header, or null. */
    public String get(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    public int size() {
        return entries.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries.iterator();
    }

    public MsrpHeaders copy() {
        MsrpHeaders c = new MsrpHeaders();
        c.entries.addAll(entries);
        return c;
    }

    private <T> T typed(String name, Function<String, T> parser) {
        String v = get(name);
        return v == null ? null : parser.apply(v);
    }

    public String messageId() {
        return get(MESSAGE_ID);
    }

    /**
     * Parsed once per value: the decoder checks it, and a relay reads it again
     * for every chunk it forwards. The memo is one immutable object, so that
     * a head read on another thread sees a whole one or none.
     */
    public ByteRange byteRange() {
        String v = get(BYTE_RANGE);
        if (v == null) {
            return null;
        }
        ParsedRange memo = parsedRange;
        if (memo == null || memo.text() != v) { // the same value object; a changed header is another one
            memo = new ParsedRange(v, ByteRange.parse(v));
            parsedRange = memo;
        }
        return memo.range();
    }


    public String contentType() {
        return get(CONTENT_TYPE);
    }

    public ContentDisposition contentDisposition() {
        return typed(CONTENT_DISPOSITION, ContentDisposition::parse);
    }

    public Status status() {
        return typed(STATUS, Status::parse);
    }

    /** Success-Report: yes or no; absent means no (RFC 4975 7.1.1). */
    public boolean successReport() {
        return "yes".equalsIgnoreCase(strip(get(SUCCESS_REPORT)));
    }

    /** Failure-Report: yes, no or partial; absent means yes. */
    public String failureReport() {
        String v = strip(get(FAILURE_REPORT));
        return v == null ? "yes" : v.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether a successful request is answered with 200: with Failure-Report
     * yes (or none). "partial" asks to hear of failures only (RFC 4975), so
     * every hop leaves its 200s out; "no", of nothing.
     */
    public boolean successResponseWanted() {
        return "yes".equals(failureReport());
    }

    public Long expires() {
        return typed(EXPIRES, v -> number(EXPIRES, v, "seconds"));
    }

    public Long minExpires() {
        return typed(MIN_EXPIRES, v -> number(MIN_EXPIRES, v, "seconds"));
    }

    public Long maxExpires() {
        return typed(MAX_EXPIRES, v -> number(MAX_EXPIRES, v, "seconds"));
    }

    public Long maxChunkSize() {
        return typed(MAX_CHUNK_SIZE, v -> number(MAX_CHUNK_SIZE, v, "bytes"));
    }

    public MsrpPath usePath() {
        return typed(USE_PATH, MsrpPath::parse);
    }

    public DigestChallenge wwwAuthenticate() {
        return typed(WWW_AUTHENTICATE, DigestChallenge::parse);
    }

    public DigestCredentials authorization() {
        return typed(AUTHORIZATION, DigestCredentials::parse);
    }

    public AuthenticationInfo authenticationInfo() {
        return typed(AUTHENTICATION_INFO, AuthenticationInfo::parse);
    }

    private static String strip(String v) {
        return v == null ? null : v.strip();
    }

    private static long number(String name, String v, String unit) {
        String s = v.strip();
        if (s.isEmpty() || s.length() > 10 || !Digits.only(s)) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad " + name + ": '" + s + "' is not a number of " + unit);
        }
        return Long.parseLong(s);
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
