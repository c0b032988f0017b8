package org.msrptools.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.msrptools.relay.LogEvent;

/**
 * While open, keeps the log records of the named loggers that a test looks
 * for (chosen as they come, so a long run keeps only those), with the
 * loggers set to {@code level}; closing puts the loggers back.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<Logger> loggers = new ArrayList<>(); // held: JUL keeps loggers weakly, and a
    private final List<Level> previous = new ArrayList<>(); // collected one forgets its handler
    private final Predicate<LogRecord> keep;
    private final ConcurrentLinkedQueue<String> kept = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<LogEvent> events = new ConcurrentLinkedQueue<>();

    private LogCapture(Predicate<LogRecord> keep) {
        this.keep = keep;
    }

    public static LogCapture of(Level level, Predicate<LogRecord> keep, String... loggerNames) {
        LogCapture c = new LogCapture(keep);
        c.setLevel(level);
        for (String name : loggerNames) {
            Logger l = Logger.getLogger(name);
            c.loggers.add(l);
            c.previous.add(l.getLevel());
            l.setLevel(level);
            l.addHandler(c);
        }
        return c;
    }

    /** The operator events kept, named {@code name}. */
    public List<LogEvent> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Waits up to {@code timeout} for an event named {@code name} and returns the first, or fails. */
    public LogEvent awaitEvent(String name, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events(name).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + name + " event within " + timeout + "; events: " + events);
            }
            Thread.sleep(20);
        }
        return events(name).get(0);
    }

    /** What was kept, a line each: logger, message, and the exception if any. */
    public List<String> lines() {
        return List.copyOf(kept);
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r) && keep.test(r)) {
            if (r.getParameters() != null && r.getParameters().length == 1 && r.getParameters()[0] instanceof LogEvent e) {
                events.add(e);
            }
            kept.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(this);
            loggers.get(i).setLevel(previous.get(i));
        }
    }
}
