package org.msrptools.client;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Progress of a transfer: on a terminal a bar with percent, bytes, rate and
 * ETA, redrawn in place; elsewhere, and while a prompt holds the terminal, a
 * line every 10 percent or 5 seconds; nothing when quiet. Every figure is in
 * the original clients' units, so the bar, the lines and the final line
 * agree: bytes counted exactly ("sent 0 of 396 bytes") and rates in kb/s
 * ("Sent 396 bytes in 0 seconds, (2.56 kb/s)"). What the transfer waits for
 * shows in the bar, or once as a line.
 */
public final class Progress {

    /** Where progress goes. */
    public interface Output {
        /** Prints a whole line (above the prompt, while one is open). */
        void line(String text);

        /** The terminal to redraw a bar on now, or null to print lines instead. */
        PrintStream bar();

        /** Lines on {@code out}, and the bar there too when it is a terminal. */
        static Output to(PrintStream out, boolean terminal) {
            return new Output() {
                @Override
                public void line(String text) {
                    out.println(text);
                    out.flush();
                }

                @Override
                public PrintStream bar() {
                    return terminal ? out : null;
                }
            };
        }
    }

    private final String verb;
    private final Output output;
    private final boolean quiet;
    private long startNanos = System.nanoTime();
    private long total;
    private long lastPrinted = Long.MIN_VALUE;
    private long lastPrintNanos;
    private long done;
    private volatile long completedNanos;
    private String note;
    /** Characters of the bar now on the terminal's line, so a shorter one can blank the rest. */
    private int drawn;

    public Progress(String verb, Output output, boolean quiet) {
        this.verb = verb;
        this.output = output;
        this.quiet = quiet;
    }

    /** The transfer begins now: rates and times count from here. */
    public synchronized void start(long totalBytes) {
        this.total = totalBytes;
        this.startNanos = System.nanoTime();
        this.completedNanos = 0;
        this.lastPrinted = Long.MIN_VALUE;
        update(0);
    }

    public synchronized void update(long bytes) {
        done = bytes;
        if (bytes >= total && completedNanos == 0) {
            completedNanos = System.nanoTime();
        }
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        PrintStream bar = output.bar();
        if (bar != null) {
            if (drawn == 0 || now - lastPrintNanos > 100_000_000L || bytes == total) {
                draw(bar);
                lastPrintNanos = now;
            }
            return;
        }
        boolean tenPercent = total > 0 && (bytes * 10 / total) > (lastPrinted < 0 ? -1 : lastPrinted * 10 / total);
        if (lastPrinted == Long.MIN_VALUE || tenPercent || now - lastPrintNanos > 5_000_000_000L
                || bytes == total && lastPrinted != total) {
            output.line(verb + " " + bytes + " of " + total + " bytes");
            lastPrinted = bytes;
            lastPrintNanos = now;
        }
    }

    /** What the transfer waits for: on a terminal it stays in the bar; elsewhere it is printed once. */
    public synchronized void note(String text) {
        if (Objects.equals(note, text)) {
            return;
        }
        note = text;
        if (quiet) {
            return;
        }
        PrintStream bar = output.bar();
        if (bar != null) {
            draw(bar);
        } else {
            output.line(Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".");
        }
    }

    /** When the last byte was counted ({@link System#nanoTime()}), or 0 before that. */
    public long completedNanos() {
        return completedNanos;
    }

    /** From {@link #start} to the last byte, or to now while bytes are missing. */
    public long elapsedNanos() {
        long end = completedNanos != 0 ? completedNanos : System.nanoTime();
        return end - startNanos;
    }

    /** Leaves the finished bar on its own line (on a terminal). */
    public synchronized void finish() {
        PrintStream bar = output.bar();
        if (bar != null && !quiet && drawn > 0) {
            note = null;
            draw(bar);
            bar.print("\n");
            bar.flush();
            drawn = 0;
        }
    }

    /** Blanks the bar's line, so that an error line printed next stands alone. */
    public synchronized void clear() {
        PrintStream bar = output.bar();
        if (bar != null && !quiet && drawn > 0) {
            bar.print("\r" + " ".repeat(drawn) + "\r");
            bar.flush();
            drawn = 0;
        }
    }

    private void draw(PrintStream out) {
        String line = bar();
        // Spaces over what a longer previous bar left ("ETA 0:48 6"), then back to the bar's end.
        int extra = Math.max(0, drawn - line.length());
        out.print("\r" + line + " ".repeat(extra) + "\b".repeat(extra));
        out.flush();
        drawn = line.length();
    }

    private String bar() {
        int width = 20;
        double fraction = total <= 0 ? 1 : (double) done / total;
        int filled = (int) (fraction * width);
        double seconds = Math.max(1e-3, elapsedNanos() / 1e9);
        double rate = done / seconds;
        String line = String.format(Locale.ROOT, "[%s%s] %3d%% %d/%d bytes %s", "=".repeat(filled),
                " ".repeat(width - filled), (int) (fraction * 100), done, total, rate(done, elapsedNanos()));
        if (note != null) {
            return line + "  " + note;
        }
        long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
        return line + String.format(Locale.ROOT, " ETA %d:%02d", eta / 60, eta % 60);
    }

    /** A rate in the original clients' unit: "2.56 kb/s" (kilobits, 1000 bits, per second). */
    public static String rate(long bytes, long nanos) {
        double seconds = Math.max(1e-6, nanos / 1e9);
        return String.format(Locale.ROOT, "%.2f kb/s", bytes * 8 / 1000.0 / seconds);
    }

    /** "Sent 396 bytes in 0 seconds, (2.56 kb/s)", the original clients' last figure, word for word. */
    public static String original(String verb, long bytes, long nanos) {
        return verb + " " + bytes + " bytes in " + (long) Math.max(0, nanos / 1e9) + " seconds, ("
                + rate(bytes, nanos) + ")";
    }
}
