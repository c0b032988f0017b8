package org.msrptools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's measurements of other processes, on real processes. */
class MeasuredProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void linesAreTimedAndTheCpuTimeCoversTheWholeLife(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        // Busy for a fraction of a second of CPU once the test has looked at it, between two lines, then exit 3.
        List<String> busy = List.of("bash", "-c", "echo started; while [ ! -e " + go + " ]; do sleep 0.01; done; "
                + "i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done; echo done; exit 3");
        try (MeasuredProcess p = MeasuredProcess.start("busy", busy, env -> { })) {
            MeasuredProcess.Line started = p.await(Pattern.compile("^started$"), WAIT);
            Proc.Cpu early = Proc.cpu(p.command().pid());
            Files.createFile(go);
            MeasuredProcess.Line done = p.await(Pattern.compile("^done$"), WAIT);
            MeasuredProcess.Exit exit = p.waitFor(WAIT);

            assertThat(done.nanos()).isGreaterThan(started.nanos());
            assertThat(exit.code()).isEqualTo(3);
            assertThat(exit.cpu().userNanos()).isPositive();
            assertThat(exit.cpu().totalNanos()).isGreaterThan(early.totalNanos());
        }
    }

    @Test
    void aLineThatNeverComesFailsWithTheTranscript() throws Exception {
        try (MeasuredProcess p = MeasuredProcess.start("short", List.of("bash", "-c", "echo hello; exit 1"),
                env -> { })) {
            assertThatThrownBy(() -> p.await(Pattern.compile("never"), WAIT))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("before it ended")
                    .hasMessageContaining("short | hello");
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsRefusedAsOne() throws Exception {
        try (MeasuredProcess p = MeasuredProcess.start("sleeper", List.of("bash", "-c", "echo started; exec sleep 60"),
                env -> { })) {
            p.await(Pattern.compile("^started$"), WAIT);

            assertThatThrownBy(() -> Proc.expectJava(p.command(), "sleeper"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not java");
        }
    }
}
