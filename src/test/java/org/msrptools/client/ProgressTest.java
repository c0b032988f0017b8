package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** What a terminal shows on the current line: '\r' returns to its start, '\b' moves back, characters overwrite. */
    private String screenLine() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1); // the line just ended: what it shows
        }
        StringBuilder line = new StringBuilder();
        int cursor = 0;
        for (char c : text.toCharArray()) {
            if (c == '\r') {
                cursor = 0;
            } else if (c == '\b') {
                cursor = Math.max(0, cursor - 1);
            } else if (c == '\n') {
                line.setLength(0);
                cursor = 0;
            } else if (cursor < line.length()) {
                line.setCharAt(cursor++, c);
            } else {
                line.append(c);
                cursor++;
            }
        }
        return line.toString();
    }

    @Test
    void aShorterBarLeavesNoStrayCharactersBehind() {
        Progress p = new Progress("sent", out, true, false);
        p.start(100);
        p.update(100);
        p.note("all 100 bytes sent; waiting for the receiver to confirm");
        assertThat(screenLine()).contains("100%", "waiting for the receiver");
        p.finish(); // the note goes: the bar is shorter than the line it overwrites
        assertThat(screenLine().stripTrailing()).contains("100%").doesNotContain("waiting").endsWith("ETA 0:00");
    }

    @Test
    void clearBlanksTheBarSoAnErrorLineStandsAlone() {
        Progress p = new Progress("received", out, true, false);
        p.start(1000);
        p.update(1000);
        assertThat(screenLine()).contains("100%");
        p.clear();
        assertThat(screenLine()).isBlank();
    }

    @Test
    void withoutATerminalLinesKeepTheOriginalWordsAndANoteIsPrintedOnce() {
        Progress p = new Progress("sent", out, false, false);
        p.start(396);
        p.update(396);
        p.note("all 396 bytes sent; waiting for the receiver to confirm");
        p.note("all 396 bytes sent; waiting for the receiver to confirm");
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("sent 0 of 396 bytes",
                "sent 396 of 396 bytes", "All 396 bytes sent; waiting for the receiver to confirm.");
    }

    @Test
    void theSummaryUsesTheBarsUnits() {
        assertThat(Progress.summary(10 * 1024 * 1024, 840_000_000L)).isEqualTo("10.0 MiB in 0.84 s, 11.9 MiB/s");
        assertThat(Progress.summary(396, 20_000_000L)).isEqualTo("396.0 B in 0.02 s, 19.3 KiB/s");
        assertThat(Progress.summary(3L << 30, 125_000_000_000L)).isEqualTo("3.0 GiB in 2:05 min, 24.6 MiB/s");
    }
}
