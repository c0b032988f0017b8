package org.msrptools.cli;

import java.io.IOException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** The terminal the prompts read from. */
final class SystemTerminal {

    /** What a terminal that says nothing of its size is taken to be. */
    private static final Size FALLBACK = new Size(80, 24);

    private SystemTerminal() {
    }

    /**
     * Opens it. A pseudo-terminal nobody sized (`script` run without a
     * terminal, as CI jobs and test harnesses do) reports 0 columns, and a
     * line editor that believes it cuts every prompt to "&gt;....": such a
     * terminal is given the usual 80 columns.
     */
    static Terminal open() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        if (terminal.getWidth() <= 0) {
            terminal.setSize(new Size(FALLBACK.getColumns(), Math.max(terminal.getHeight(), FALLBACK.getRows())));
        }
        return terminal;
    }
}
