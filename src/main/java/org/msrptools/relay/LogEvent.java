package org.msrptools.relay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Something an operator wants to see, as one log line: an event name and its
 * fields, in order. The record's message is the {@code key=value} form; the
 * event itself rides along as the record's parameter, so that a formatter can
 * write it as JSON instead ({@code --log-format json}).
 */
public final class LogEvent {

    /** Field values longer than this are cut: one line stays one line a person can read. */
    static final int MAX_VALUE_CHARS = 200;

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
        LogRecord r = new LogRecord(level, toString());
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

    /** One printable line: control characters become '?', and a long value is cut. */
    private static String text(Object value) {
        String s = String.valueOf(value);
        if (s.length() > MAX_VALUE_CHARS) {
            s = s.substring(0, MAX_VALUE_CHARS) + "...";
        }
        return Reports.printable(s);
    }
}
