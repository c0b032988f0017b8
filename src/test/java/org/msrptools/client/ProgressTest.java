package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /** A terminal of {@code columns}: the bar is drawn there. */
    private Progress.Output narrow(int columns) {
        return new Progress.Output() {
            @Override
            public void line(String text) {
                out.println(text);
            }

            @Override
            public PrintStream bar() {
                return out;
            }

            @Override
            public int columns() {
                return columns;
            }
        };
    }

    @Test
    void onANarrowTerminalTheBarStaysWithinOneLine() {
        for (int columns : new int[] {80, 60, 45, 20}) {
            bytes.reset();
            Progress p = new Progress("sent", narrow(columns), false);
            p.start(1_073_741_824L);
            p.update(536_870_912L);
            p.draw();
            assertThat(bytes.toString(StandardCharsets.UTF_8).split("\r")).as("%d columns", columns)
                    .allSatisfy(drawn -> assertThat(drawn.replace("\b", "")).hasSizeLessThan(columns));
            assertThat(screenLine()).as("%d columns", columns).startsWith(columns >= 45 ? "[" : "[]  50%");
            p.note("all 1073741824 bytes sent; waiting for the receiver to confirm");
            p.update(1_073_741_824L);
            p.draw();
            assertThat(screenLine().stripTrailing()).as("%d columns, note", columns).hasSizeLessThan(columns);
            // The note kept before the counts, whole, or its last clause, or cut after a word.
            assertThat(screenLine().stripTrailing()).as("%d columns, note", columns).isEqualTo(columns >= 80
                    ? "100%  all 1073741824 bytes sent; waiting for the receiver to confirm"
                    : columns >= 45 ? "100%  waiting for the receiver to confirm" : "100%  waiting for");
        }
    }

    /** With the path from an option or a file no prompt measured the terminal: taken as 80 columns. */
    @Test
    void onATerminalOfUnknownWidthTheBarOfAHugeFileStaysWithinEightyColumns() {
        Progress p = new Progress("sent", narrow(0), false);
        p.start(21_474_836_480L);
        p.update(10_737_418_240L);
        p.draw();
        assertThat(screenLine().stripTrailing()).startsWith("[").hasSizeLessThan(80);
    }

    @Test
    void aShorterBarLeavesNoStrayCharactersBehind() {
        Progress p = new Progress("sent", Progress.Output.to(out, true), false);
        p.start(100);
        p.update(100);
        p.note("all 100 bytes sent; waiting for the receiver to confirm");
        p.draw(); // what the drawing thread does every 100 ms
        assertThat(screenLine()).contains("100%", "waiting for the receiver");
        p.finish(); // the note goes: the bar is shorter than the line it overwrites
        assertThat(screenLine().stripTrailing()).contains("100%").doesNotContain("waiting").endsWith("ETA 0:00");
    }

    @Test
    void clearBlanksTheBarSoAnErrorLineStandsAlone() {
        Progress p = new Progress("received", Progress.Output.to(out, true), false);
        p.start(1000);
        p.update(1000);
        p.draw();
        assertThat(screenLine()).contains("100%");
        p.clear();
        assertThat(screenLine()).isBlank();
    }

    /** A dropped transfer's bar goes and stays gone until the next one starts (a refused stranger's file). */
    @Test
    void aHiddenBarStaysHiddenUntilTheNextTransferStarts() {
        Progress p = new Progress("received", Progress.Output.to(out, true), false);
        p.start(1000);
        p.update(1000);
        p.draw();
        assertThat(screenLine()).contains("100%");
        p.hide();
        p.draw();
        assertThat(screenLine()).isBlank();
        p.start(2000);
        p.update(500);
        p.draw();
        assertThat(screenLine()).contains(" 25%");
        p.clear();
    }

    /** The drawing thread, waiting to redraw while the transfer ends, draws nothing after the bar is cleared. */
    @Test
    void noBarIsRedrawnAfterItWasCleared() throws Exception {
        Progress p = new Progress("received", Progress.Output.to(out, true), false);
        Thread drawing;
        synchronized (p) {
            p.start(1000);
            p.update(500);
            // The newest drawing thread is this Progress's: other tests' may still run.
            drawing = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("progress"))
                    .filter(t -> t.getState() != Thread.State.TERMINATED)
                    .max(java.util.Comparator.comparingLong(Thread::getId)).orElseThrow();
            while (drawing.getState() != Thread.State.BLOCKED) { // it waits for this lock to draw
                Thread.sleep(5);
            }
            p.clear();
        }
        drawing.join(5000);
        assertThat(drawing.isAlive()).isFalse();
        assertThat(screenLine()).isBlank();
    }

    @Test
    void withoutATerminalLinesKeepTheOriginalWordsAndANoteIsPrintedOnce() {
        Progress p = new Progress("sent", Progress.Output.to(out, false), false);
        p.start(396);
        p.update(396);
        p.note("all 396 bytes sent; waiting for the receiver to confirm");
        p.draw();
        p.note("all 396 bytes sent; waiting for the receiver to confirm");
        p.draw();
        p.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("sent 0 of 396 bytes",
                "sent 396 of 396 bytes", "All 396 bytes sent; waiting for the receiver to confirm.");
    }

    @Test
    void theBarCountsInTheOriginalLinesUnits() {
        Progress p = new Progress("sent", Progress.Output.to(out, true), false);
        p.start(3_000_000);
        p.draw();
        assertThat(screenLine()).matches("\\[ {20}\\]   0% 0/3000000 bytes 0\\.00 kb/s ETA 0:00");
        p.update(3_000_000);
        p.finish(); // the last byte is always drawn
        assertThat(screenLine()).matches("\\[={20}\\] 100% 3000000/3000000 bytes \\d+\\.\\d\\d kb/s ETA 0:00");
    }

    @Test
    void whileAPromptHoldsTheTerminalProgressComesAsLinesThenAsTheBar() {
        boolean[] prompting = {true};
        Progress p = new Progress("received", new Progress.Output() {
            @Override
            public void line(String text) {
                out.println("above the prompt: " + text);
            }

            @Override
            public PrintStream bar() {
                return prompting[0] ? null : out;
            }
        }, false);
        p.start(1000);
        p.draw();
        p.update(500);
        p.draw();
        prompting[0] = false;
        p.update(1000);
        p.draw();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().limit(2)).containsExactly(
                "above the prompt: received 0 of 1000 bytes", "above the prompt: received 500 of 1000 bytes");
        assertThat(screenLine()).contains("100% 1000/1000 bytes");
    }

    /**
     * A terminal that takes no output (Ctrl-S, a pipe nobody reads) holds the
     * drawing thread only: the transfer's thread (an event loop) counts bytes
     * and notes on, and the last figures are drawn when the terminal goes on.
     */
    @Test
    void aTerminalThatTakesNoOutputNeverHoldsTheTransfer() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resumed = new CountDownLatch(1);
        PrintStream stalling = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                paused.countDown();
                try {
                    resumed.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                bytes.write(b);
            }
        }, true, StandardCharsets.UTF_8);
        Progress p = new Progress("received", Progress.Output.to(stalling, true), false);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            p.start(1000);
            assertThat(paused.await(5, TimeUnit.SECONDS)).as("the drawing thread writes, and is held").isTrue();
            for (int i = 1; i <= 1000; i++) {
                p.update(i);
            }
            p.note("waiting for the sender");
        });
        resumed.countDown();
        p.finish();
        assertThat(screenLine()).contains("100% 1000/1000 bytes").doesNotContain("waiting");
    }

    @Test
    void ratesAreTheOriginalClientsKilobitsPerSecondWhateverTheLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // a decimal comma, were the locale's
        try {
            assertThat(Progress.original("Sent", 396, 1_237_500_000L)).isEqualTo("Sent 396 bytes in 1 seconds, (2.56 kb/s)");
            assertThat(Progress.original("Received", 10_485_760, 840_000_000L))
                    .isEqualTo("Received 10485760 bytes in 0 seconds, (99864.38 kb/s)");
            assertThat(Progress.rate(396, 1_237_500_000L)).isEqualTo("2.56 kb/s");
        } finally {
            Locale.setDefault(before);
        }
    }
}
