package org.msrptools.cli;

import java.io.PrintStream;
import org.jline.reader.LineReader;
import org.msrptools.client.Progress;
import org.msrptools.protocol.PrintableText;

/**
 * A client's standard output, shared by the "Destination path:" prompt and
 * a transfer that may already run while it is asked (a receiver answers
 * chunks before it has the sender's path). While the prompt is open on a
 * terminal, lines go above it and progress comes as lines, not a bar; a
 * prompt printed without a terminal is ended before another line starts,
 * and its answer then repeats it.
 */
final class Screen implements Progress.Output {

    private final PrintStream out = System.out;
    private final boolean terminal = System.console() != null;
    private final boolean quiet;
    /** The open prompt on the terminal, if any. */
    private LineReader prompt;
    /** A prompt printed without a terminal and not yet answered, or null. */
    private String asked;
    /** A line came between {@link #asked} and its answer. */
    private boolean askedInterrupted;
    /** The terminal's width when a prompt last measured it; 0 before (no line editor opened: unknown). */
    private int columns;

    Screen(boolean quiet) {
        this.quiet = quiet;
    }

    /** A line of the dialogue: left out when quiet. */
    void say(String text) {
        if (!quiet) {
            line(text);
        }
    }

    /** A line printed even when quiet (this side's path, the final lines). */
    @Override
    public synchronized void line(String line) {
        String text = PrintableText.of(line); // a line may name what the peer sent: its URI, its file
        if (prompt != null) {
            prompt.printAbove(text);
            return;
        }
        if (asked != null && !askedInterrupted) {
            out.println();
            askedInterrupted = true;
        }
        out.println(text);
        out.flush();
    }

    @Override
    public synchronized PrintStream bar() {
        return terminal && prompt == null && asked == null ? out : null;
    }

    /** A prompt without a terminal: its answer comes from standard input, unechoed. */
    synchronized void ask(String text) {
        out.print(text);
        out.flush();
        asked = text;
        askedInterrupted = false;
    }

    /** Shows the answer read for {@link #ask}: on the prompt's line, or on a line of its own with the prompt again. */
    synchronized void answered(String text) {
        out.println(askedInterrupted ? asked + text : text);
        out.flush();
        asked = null;
    }

    /** Ends the line of a prompt left unanswered, so that an error (on standard error) starts a line. */
    synchronized void endLine() {
        if (asked != null && !askedInterrupted) {
            out.println();
            out.flush();
        }
        asked = null;
    }

    /** From now until {@link #closed}, lines go above {@code reader}'s prompt; its terminal's width is kept. */
    synchronized void opened(LineReader reader) {
        prompt = reader;
        columns = reader.getTerminal().getWidth();
    }

    @Override
    public synchronized int columns() {
        return columns;
    }

    /** The prompt is gone (JLine has ended its line, whether it was answered or not). */
    synchronized void closed() {
        prompt = null;
    }
}
