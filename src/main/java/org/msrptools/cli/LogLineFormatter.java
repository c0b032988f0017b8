package org.msrptools.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.msrptools.relay.JsonFields;
import org.msrptools.relay.LogEvent;

/**
 * One log record, one line: {@code TIME LEVEL event=NAME key=value ...} for
 * the relay's events and {@code TIME LEVEL logger: message} for the rest;
 * or, with {@code --log-format json}, one JSON object per line with the same
 * fields (numbers as numbers), for log shippers. A stack trace follows only
 * records that carry one, which outside {@code --verbose} are rare.
 */
final class LogLineFormatter extends Formatter {

    /** Local time, to the millisecond, with its offset from UTC: unambiguous, and what a person expects. */
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxxx")
            .withZone(ZoneId.systemDefault());

    private final boolean json;

    LogLineFormatter(boolean json) {
        this.json = json;
    }

    @Override
    public String format(LogRecord r) {
        Object[] p = r.getParameters();
        LogEvent event = p != null && p.length == 1 && p[0] instanceof LogEvent e ? e : null;
        String stack = r.getThrown() == null ? null : stackTrace(r.getThrown());
        return json ? json(r, event, stack) : text(r, event, stack);
    }

    private String text(LogRecord r, LogEvent event, String stack) {
        StringBuilder b = new StringBuilder(TEXT_TIME.format(r.getInstant())).append(' ')
                .append(r.getLevel().getLocalizedName()).append(' ');
        if (event != null) {
            b.append(event);
        } else {
            b.append(r.getLoggerName()).append(": ").append(formatMessage(r));
        }
        if (stack != null) {
            b.append(System.lineSeparator()).append(stack.stripTrailing());
        }
        return b.append(System.lineSeparator()).toString();
    }

    private String json(LogRecord r, LogEvent event, String stack) {
        StringBuilder b = new StringBuilder("{");
        JsonFields.field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString());
        JsonFields.field(b, "level", r.getLevel().getName());
        if (event != null) {
            JsonFields.field(b, "event", event.name());
            for (Map.Entry<String, Object> f : event.fields()) {
                JsonFields.field(b, f.getKey(), f.getValue());
            }
        } else {
            JsonFields.field(b, "logger", r.getLoggerName());
            JsonFields.field(b, "message", formatMessage(r));
        }
        if (stack != null) {
            JsonFields.field(b, "stack", stack);
        }
        return b.append('}').append(System.lineSeparator()).toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
