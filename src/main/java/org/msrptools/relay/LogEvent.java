package org.msrptools.relay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Something an operator wants to see, as one log line: an event name and its
 * fields, in order. The record's message is the {@code key=value} form; the
 * event itself rides along as the record's parameter, so that a formatter can
 * write it as JSON instead ({@code --log-format json}).
 */
public final class LogEvent {

    /** Field values longer than this are cut: one line stays one line a person can read. */
    static final int MAX_VALUE_CHARS = 200;

    /** An MSRP URI's authority and its session id (RFC 4975 section 9: what follows the '/', up to ';'). */
    private static final Pattern MSRP_SESSION = Pattern.compile("(msrps?://[^/\\s'\"]*/)([^;\\s'\"]+)",
            Pattern.CASE_INSENSITIVE);

    private final String name;
    private final List<Map.Entry<String, Object>> fields = new ArrayList<>();

    private LogEvent(String name) {
        this.name = name;
    }

    public static LogEvent of(String name) {
        return new LogEvent(name);
    }

    /** Adds a field; a null value is left out. Numbers stay numbers (in JSON too). */
    public LogEvent with(String key, Object value) {
        if (value != null) {
            fields.add(Map.entry(key, value instanceof Number || value instanceof Boolean ? value : text(value)));
        }
        return this;
    }

    /**
     * Adds a field written whole, not cut: for what the operator's own
     * set-up says (a start-up warning naming a path and its fix), never
     * for what a client sent.
     */
    public LogEvent withWhole(String key, Object value) {
        if (value != null) {
            fields.add(Map.entry(key, printable(String.valueOf(value))));
        }
        return this;
    }

    public String name() {
        return name;
    }

    public List<Map.Entry<String, Object>> fields() {
        return Collections.unmodifiableList(fields);
    }

    /** The value of field {@code key}, or null. */
    public Object field(String key) {
        return fields.stream().filter(f -> f.getKey().equals(key)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** Logs this event on {@code logger} at {@code level}. */
    public void log(Logger logger, Level level) {
        log(logger, level, null);
    }

    /** With {@code thrown}'s stack trace after the line: for a fault of the relay's own, which a developer reads. */
    public void log(Logger logger, Level level, Throwable thrown) {
        LogRecord r = new LogRecord(level, toString());
        r.setThrown(thrown);
        r.setLoggerName(logger.getName());
        r.setSourceClassName(logger.getName()); // not this class, which JUL would infer
        r.setSourceMethodName(name);
        r.setParameters(new Object[] {this});
        logger.log(r);
    }

    /** {@code event=NAME key=value ...}: values with blanks, quotes, '=' or nothing are quoted. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("event=").append(name);
        for (Map.Entry<String, Object> f : fields) {
            b.append(' ').append(f.getKey()).append('=');
            String v = String.valueOf(f.getValue());
            if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c == '\\')) {
                b.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.toString();
    }

    /**
     * One printable line: the session id of any MSRP URI in it cut to its
     * prefix (a bad URI is quoted back in a parse error), characters that
     * could start a line or reorder one (controls, line separators,
     * bidirectional overrides) become '?', and a long value is cut.
     */
    private static String text(Object value) {
        String s = MSRP_SESSION.matcher(String.valueOf(value))
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + RelayEvents.prefix(m.group(2))));
        return printable(s.length() > MAX_VALUE_CHARS ? s.substring(0, MAX_VALUE_CHARS) + "..." : s);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean unsafe = type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            b.appendCodePoint(unsafe ? '?' : c);
        });
        return b.toString();
    }
}
