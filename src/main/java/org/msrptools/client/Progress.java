package org.msrptools.client;

import java.io.PrintStream;

/**
 * Progress of a transfer: on a terminal a bar with percent, rate and ETA,
 * redrawn in place; elsewhere a line every 10 percent or 5 seconds; nothing
 * when quiet. The lines keep the original clients' "sent X of Y bytes".
 */
public final class Progress {

    private final String verb;
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private final long started = System.nanoTime();
    private long total;
    private long lastPrinted = Long.MIN_VALUE;
    private long lastPrintNanos;
    private long done;
    private volatile long completedNanos;

    public Progress(String verb, PrintStream out, boolean terminal, boolean quiet) {
        this.verb = verb;
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    public synchronized void start(long totalBytes) {
        this.total = totalBytes;
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
                out.print("\r" + bar());
                out.flush();
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

    /** When the last byte was counted ({@link System#nanoTime()}), or 0 before that. */
    public long completedNanos() {
        return completedNanos;
    }

    /** Ends the bar's line on a terminal. */
    public synchronized void finish() {
        if (terminal && !quiet) {
            out.print("\r" + bar() + "\n");
            out.flush();
        }
    }

    private String bar() {
        int width = 30;
        double fraction = total <= 0 ? 1 : (double) done / total;
        int filled = (int) (fraction * width);
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        double rate = done / seconds;
        long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
        return String.format("[%s%s] %3d%% %s/s ETA %d:%02d ", "=".repeat(filled), " ".repeat(width - filled),
                (int) (fraction * 100), human(rate), eta / 60, eta % 60);
    }

    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return String.format("%.1f %s", bytes, units[u]);
    }
}
