package org.msrptools.client;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

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

        /**
         * The terminal's width, or 0 when unknown: a bar as wide as the
         * terminal or wider wraps, and every redraw then scrolls a new line.
         */
        default int columns() {
            return 0;
        }

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

    /** How often the drawing thread looks at the figures. */
    private static final long DRAW_EVERY_NANOS = 100_000_000L;

    private final String verb;
    private final Output output;
    private final boolean quiet;

    // The figures: set by the transfer's thread (an event loop) without a lock, read by the drawing.
    private volatile long startNanos = System.nanoTime();
    private volatile long total;
    private volatile long done;
    private volatile long completedNanos;
    private volatile String note;
    /** Bumped by {@link #start}: the drawing starts over for a new transfer. */
    private volatile int transfer;

    // The drawing: only under this object's lock, which the transfer's thread never takes.
    private int drawnTransfer = -1;
    private long lastPrinted;
    private long lastPrintNanos;
    private String notePrinted;
    private long drawnDone;
    private String drawnNote;
    /** Characters of the bar now on the terminal's line, so a shorter one can blank the rest. */
    private int drawn;

    /** Guards {@link #drawing}: not this object's lock, which a held terminal keeps with the drawing thread. */
    private final Object drawingLock = new Object();
    private Thread drawing;
    private volatile boolean stopped;
    /** The transfer shown was dropped (see {@link #hide}): nothing is drawn until the next {@link #start}. */
    private volatile boolean hidden;

    public Progress(String verb, Output output, boolean quiet) {
        this.verb = verb;
        this.output = output;
        this.quiet = quiet;
    }

    /**
     * The transfer begins now: rates and times count from here. Progress is
     * drawn from here on by a thread of its own, so that a terminal that does
     * not take output (Ctrl-S, a pipe nobody reads) holds that thread and
     * never the transfer's.
     */
    public void start(long totalBytes) {
        hidden = false;
        total = totalBytes;
        startNanos = System.nanoTime();
        completedNanos = 0;
        done = 0;
        transfer++;
        if (!quiet) {
            startDrawing();
        }
    }

    /** Bytes done so far; any thread, at any rate: nothing is drawn here. */
    public void update(long bytes) {
        done = bytes;
        if (bytes >= total && completedNanos == 0) {
            completedNanos = System.nanoTime();
        }
    }

    /** What the transfer waits for: on a terminal it stays in the bar; elsewhere it is printed once. */
    public void note(String text) {
        note = text;
    }

    private void startDrawing() {
        synchronized (drawingLock) {
            if (drawing != null || stopped) {
                return;
            }
            drawing = new Thread(() -> {
                while (!stopped) {
                    drawWhileRunning();
                    LockSupport.parkNanos(DRAW_EVERY_NANOS);
                }
            }, "progress");
            drawing.setDaemon(true);
            drawing.start();
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

    /** Draws what changed since the last time: the bar on a terminal, else a line at every tenth and a note once. */
    synchronized void draw() {
        if (quiet || hidden) {
            return;
        }
        if (drawnTransfer != transfer) {
            drawnTransfer = transfer;
            lastPrinted = Long.MIN_VALUE;
            drawnDone = -1;
        }
        long bytes = done;
        String waitingFor = note;
        long now = System.nanoTime();
        PrintStream bar = output.bar();
        if (bar != null) {
            if (bytes != drawnDone || !Objects.equals(waitingFor, drawnNote) || drawn == 0) {
                drawBar(bar, bytes, waitingFor);
            }
            return;
        }
        long all = total;
        if (lastPrinted == Long.MIN_VALUE) { // the original clients' first line, however far the transfer is
            output.line(verb + " 0 of " + all + " bytes");
            lastPrinted = 0;
            lastPrintNanos = now;
        }
        boolean tenPercent = all > 0 && bytes * 10 / all > lastPrinted * 10 / all;
        if (tenPercent || now - lastPrintNanos > 5_000_000_000L && bytes != lastPrinted
                || bytes == all && lastPrinted != all) {
            output.line(verb + " " + bytes + " of " + all + " bytes");
            lastPrinted = bytes;
            lastPrintNanos = now;
        }
        if (waitingFor != null && !waitingFor.equals(notePrinted)) {
            notePrinted = waitingFor;
            output.line(Character.toUpperCase(waitingFor.charAt(0)) + waitingFor.substring(1) + ".");
        }
    }

    /**
     * A redraw of the drawing thread, unless the transfer ended since it
     * looked: a bar drawn after {@link #clear} would stand before the error
     * line printed next.
     */
    private synchronized void drawWhileRunning() {
        if (!stopped) {
            draw();
        }
    }

    /** Stops the drawing thread; what it draws last is the caller's to finish. */
    private void stopDrawing() {
        Thread t;
        synchronized (drawingLock) {
            stopped = true;
            t = drawing;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Draws the last figures and leaves the finished bar on its own line (on a terminal). */
    public void finish() {
        stopDrawing();
        synchronized (this) {
            draw();
            PrintStream bar = output.bar();
            if (bar != null && !quiet && drawn > 0) {
                drawBar(bar, done, null);
                bar.print("\n");
                bar.flush();
                drawn = 0;
            }
        }
    }

    /** Blanks the bar's line, so that an error line printed next stands alone. */
    public void clear() {
        stopDrawing();
        blank();
    }

    /**
     * The transfer shown was dropped (a stranger's file, refused): its bar
     * goes, and nothing is drawn until the next {@link #start}.
     */
    public void hide() {
        hidden = true;
        blank();
    }

    private synchronized void blank() {
        PrintStream bar = output.bar();
        if (bar != null && !quiet && drawn > 0) {
            bar.print("\r" + " ".repeat(drawn) + "\r");
            bar.flush();
            drawn = 0;
        }
    }

    private void drawBar(PrintStream out, long bytes, String waitingFor) {
        String line = bar(bytes, waitingFor);
        // Spaces over what a longer previous bar left ("ETA 0:48 6"), then back to the bar's end.
        int extra = Math.max(0, drawn - line.length());
        out.print("\r" + line + " ".repeat(extra) + "\b".repeat(extra));
        out.flush();
        drawn = line.length();
        drawnDone = bytes;
        drawnNote = waitingFor;
    }

    /**
     * A terminal's width when no prompt measured it (the path given by an option or a file): the bar of a
     * file of 10 GB and more is wider than 80 columns, and would scroll a line at every redraw.
     */
    private static final int USUAL_COLUMNS = 80;

    /**
     * The bar, narrower on a narrow terminal: the gauge shrinks first; then
     * without a note the ETA goes, and with one (what the transfer waits for,
     * which says more than the counts) only the percentage stays before it,
     * and the note's first clauses go ("all N bytes sent; "); what still does
     * not fit is cut at a word, one column short of the edge (a line that
     * fills it makes some terminals wrap).
     */
    private String bar(long done, String note) {
        String line = bar(done, note, 20);
        int room = (output.columns() > 0 ? output.columns() : USUAL_COLUMNS) - 1;
        if (line.length() <= room) {
            return line;
        }
        line = bar(done, note, Math.max(0, 20 - (line.length() - room)));
        if (line.length() <= room) {
            return line;
        }
        if (note == null) {
            String figures = bar(done, null, 0);
            return cut(figures.substring(0, figures.lastIndexOf(" ETA ")), room);
        }
        String percent = String.format(Locale.ROOT, "%3d%%  ", percent(done));
        String said = note;
        while (percent.length() + said.length() > room && said.contains("; ")) {
            said = said.substring(said.indexOf("; ") + 2);
        }
        return cut(percent + said, room);
    }

    /** {@code line} within {@code room} columns, cut after a word where it has one there. */
    private static String cut(String line, int room) {
        if (line.length() <= room) {
            return line;
        }
        int space = line.lastIndexOf(' ', room);
        return (space > 0 ? line.substring(0, space) : line.substring(0, room)).stripTrailing();
    }

    private int percent(long done) {
        long total = this.total;
        return total <= 0 ? 100 : (int) ((double) done / total * 100);
    }

    private String bar(long done, String note, int width) {
        long total = this.total;
        double fraction = total <= 0 ? 1 : (double) done / total;
        int filled = (int) (fraction * width);
        double seconds = Math.max(1e-3, elapsedNanos() / 1e9);
        double rate = done / seconds;
        String line = String.format(Locale.ROOT, "[%s%s] %3d%% %d/%d bytes %s", "=".repeat(filled),
                " ".repeat(width - filled), percent(done), done, total, rate(done, elapsedNanos()));
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
