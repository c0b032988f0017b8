package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * Which path files are of this run: what a client wrote and holds, or what
 * was written since this side started; not a leftover of an earlier run.
 * (That a running client's file is told apart from a leftover across
 * processes: PathFilesIT.)
 */
class PeerPathFileTest {

    private static final String PATH = "msrps://localhost:2855/abcdefghijklmnop;tcp msrps://127.0.0.1:4000/xyz;tcp";

    @Test
    void aLeftoverFromBeforeThisRunIsPassedOverAndANewOneTaken(@TempDir Path dir) throws Exception {
        Instant start = Instant.now();
        Path file = Files.writeString(dir.resolve("bob.path"), PATH + "\n");
        Files.setLastModifiedTime(file, FileTime.from(start.minus(Duration.ofHours(1))));
        assertThat(PeerPathFile.current(file, start)).isNull();
        Files.setLastModifiedTime(file, FileTime.from(start.minus(Duration.ofMillis(30)))); // the kernel's tick
        assertThat(PeerPathFile.current(file, start)).isEqualTo(PATH + "\n");
    }

    /**
     * A file written just before this side started (a script restoring
     * path files, then starting it) is a leftover where file times have
     * fractions of a second; where they are whole seconds, up to a second
     * before still counts, as nothing finer can be told.
     */
    @Test
    void justBeforeTheStartIsALeftoverUnlessFileTimesAreWholeSeconds(@TempDir Path dir) throws Exception {
        Instant start = Instant.parse("2026-11-29T12:00:00.700Z");
        Path file = Files.writeString(dir.resolve("bob.path"), PATH + "\n");
        Files.setLastModifiedTime(file, FileTime.from(start.minus(Duration.ofMillis(300))));
        assertThat(PeerPathFile.current(file, start)).isNull();
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-29T12:00:00Z"))); // a coarse time
        assertThat(PeerPathFile.current(file, start)).isEqualTo(PATH + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-29T11:59:59Z")));
        assertThat(PeerPathFile.current(file, start)).isNull();
    }

    @Test
    void aLineNotYetEndedIsNotTaken(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bob.path"), PATH);
        assertThat(PeerPathFile.current(file, Instant.now().minusSeconds(10))).isNull();
    }

    @Test
    void aFileItsWriterStillHoldsIsTakenHoweverOld(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bob.path");
        try (OwnPathFile own = OwnPathFile.claim(file)) {
            own.write(MsrpPath.parse(PATH));
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            assertThat(OwnPathFile.held(file)).isTrue();
            assertThat(PeerPathFile.current(file, Instant.now())).isEqualTo(PATH + "\n");
        }
        assertThat(file).as("removed when its run ends").doesNotExist();
    }

    /**
     * Two ends given the same --path-file (a slip in a script): the second
     * is told at once, and the first's file stays (found by a new user: the
     * second removed it as a leftover, and both waited until --peer-timeout),
     * also when both start together, before either has its path (found by
     * review: the file was locked only once written).
     */
    @Test
    void aFileAnotherRunningClientHoldsIsNotClaimed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.path");
        try (OwnPathFile first = OwnPathFile.claim(file)) {
            assertThat(file).as("taken, empty until the path is known").isEmptyFile();
            assertThat(PeerPathFile.current(file, Instant.now())).as("no path for a peer yet").isNull();
            assertThatThrownBy(() -> OwnPathFile.claim(file)).isInstanceOf(CliException.class)
                    .hasMessageContaining("is held by another client that runs now");
            first.write(MsrpPath.parse(PATH));
            assertThatThrownBy(() -> OwnPathFile.claim(file)).isInstanceOf(CliException.class);
            assertThat(file).hasContent(PATH);
        }
        assertThat(file).as("removed when its run ends").doesNotExist();
    }

    /**
     * A peer that took its file and ended before it had a path (a wrong
     * password): the wait ends at once, saying so (found by a new user: a
     * CI job waited until --peer-timeout, then blamed a timeout).
     */
    @Test
    void aPeerThatEndsBeforeItsPathEndsTheWait(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bob.path");
        CompletableFuture<String> waited = new CompletableFuture<>();
        Thread reader;
        try (OwnPathFile peer = OwnPathFile.claim(file)) {
            reader = new Thread(() -> {
                try {
                    waited.complete(PeerPathFile.await(file, Instant.now(), line -> { }));
                } catch (Throwable t) {
                    waited.completeExceptionally(t);
                }
            });
            reader.start();
            Thread.sleep(300); // the reader sees the peer's file taken
            assertThat(waited).isNotDone();
        }
        assertThat(waited).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(CliException.class)
                .withMessage("the peer ended before it wrote its path to " + file + " (its own output says why)");
        reader.join();
    }

    /**
     * A peer that ended before it had a path, and before this side looked:
     * its file says so, and the wait ends at once; the same file from a run
     * before this side started is a leftover, and passed over.
     */
    @Test
    void aPeerThatEndedBeforeThisSideLookedEndsTheWaitAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alice.path");
        Instant start = Instant.now();
        OwnPathFile.claim(file).close();
        assertThatThrownBy(() -> PeerPathFile.await(file, start, line -> { })).isInstanceOf(CliException.class)
                .hasMessage("the peer ended before it wrote its path to " + file + " (its own output says why)");
        Files.setLastModifiedTime(file, FileTime.from(start.minus(Duration.ofHours(1))));
        assertThat(PeerPathFile.current(file, start)).as("an earlier run's").isNull();
        assertThat(PeerPathFile.passedOver(file, start)).as("said when no path came")
                .contains("says its client ended before it had a path, before this side started");
    }

    @Test
    void aLeftoverIsNamedWhenNoPathCame(@TempDir Path dir) throws Exception {
        Instant start = Instant.now();
        Path file = Files.writeString(dir.resolve("bob.path"), PATH + "\n");
        Files.setLastModifiedTime(file, FileTime.from(start.minus(Duration.ofHours(1))));
        assertThat(PeerPathFile.passedOver(file, start)).contains("from before this side started");
        assertThat(PeerPathFile.passedOver(dir.resolve("none.path"), start)).isEmpty();
    }

    @Test
    void aFileClaimedButNeverWrittenSaysItsRunEndedAndNothingElseIsLeft(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.path");
        try (OwnPathFile own = OwnPathFile.claim(file)) {
            assertThat(file).isEmptyFile();
        }
        assertThat(file).hasContent(OwnPathFile.ENDED);
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void claimingRemovesALeftoverAndTheEndLeavesAnotherRunsFileAlone(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("alice.path"), "msrps://old/leftover;tcp\n");
        try (OwnPathFile own = OwnPathFile.claim(file)) {
            assertThat(file).as("the leftover gone, the name taken").isEmptyFile();
            own.write(MsrpPath.parse(PATH));
            Files.writeString(file, "msrps://x/another-run;tcp msrps://y/z;tcp\n"); // a later run took the name
        }
        assertThat(file).hasContent("msrps://x/another-run;tcp msrps://y/z;tcp");
    }
}
