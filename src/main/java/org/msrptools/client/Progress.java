package org.msrptools.client;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Progress of a transfer: on a terminal a bar with percent, rate and ETA,
 * redrawn in place; elsewhere a line every 10 percent or 5 seconds; nothing
 * when quiet. The lines keep the original clients' "sent X of Y bytes". What
 * the transfer waits for shows in the bar, or once as a line.
 */
public final class Progress {

    private final String verb;
    private final PrintStream out;
    private final boolean terminal;
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

    public Progress(String verb, PrintStream out, boolean terminal, boolean quiet) {
        this.verb = verb;
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    /** The transfer begins now: rates and times count from here. */
    public synchronized void start(long totalBytes) {
        this.total = totalBytes;
        this.startNanos = System.nanoTime();
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
        if (terminal) {
            if (now - lastPrintNanos > 100_000_000L || bytes == total) {
                draw();
                lastPrintNanos = now;
            }
            return;
        }
        boolean tenPercent = total > 0 && (bytes * 10 / total) > (lastPrinted < 0 ? -1 : lastPrinted * 10 / total);
        if (lastPrinted == Long.MIN_VALUE || tenPercent || now - lastPrintNanos > 5_000_000_000L
                || bytes == total && lastPrinted != total) {
            out.println(verb + " " + bytes + " of " + total + " bytes");
            out.flush();
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
        if (terminal) {
            draw();
        } else {
            out.println(Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".");
            out.flush();
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
        if (terminal && !quiet) {
            note = null;
            draw();
            out.print("\n");
            out.flush();
            drawn = 0;
        }
    }

    /** Blanks the bar's line, so that an error line printed next stands alone. */
    public synchronized void clear() {
        if (terminal && !quiet && drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            out.flush();
            drawn = 0;
        }
    }

    private void draw() {
        String line = bar();
        // Spaces over what a longer previous bar left ("ETA 0:48 6"), then back to the bar's end.
        int extra = Math.max(0, drawn - line.length());
        out.print("\r" + line + " ".repeat(extra) + "\b".repeat(extra));
        out.flush();
        drawn = line.length();
    }

    private String bar() {
        int width = 30;
        double fraction = total <= 0 ? 1 : (double) done / total;
        int filled = (int) (fraction * width);
        double seconds = Math.max(1e-3, elapsedNanos() / 1e9);
        double rate = done / seconds;
        long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
        String line = String.format(Locale.ROOT, "[%s%s] %3d%% %s/s ETA %d:%02d", "=".repeat(filled),
                " ".repeat(width - filled), (int) (fraction * 100), human(rate), eta / 60, eta % 60);
        return note == null ? line : line + "  " + note;
    }

    /** Bytes in binary units, as the bar shows them: "10.0 MiB". */
    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }

    /** Size, time and rate in the bar's units: "10.0 MiB in 0.84 s, 11.9 MiB/s". */
    public static String summary(long bytes, long nanos) {
        double seconds = Math.max(1e-6, nanos / 1e9);
        String time = seconds < 60 ? String.format(Locale.ROOT, "%.2f s", seconds)
                : String.format(Locale.ROOT, "%d:%02d min", (long) seconds / 60, (long) seconds % 60);
        return human(bytes) + " in " + time + ", " + human(bytes / seconds) + "/s";
    }
}
