package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Tool;
import org.msrptools.testing.Transfer;

/**
 * One end stopped mid-transfer: the other end says so at once, and no file
 * is left behind, temporary or final; a receiver killed too hard to clean
 * up has its file removed by the next one.
 */
class AbortsIT {

    private static final Duration AT_ONCE = Duration.ofSeconds(5);
    private static final int SIGINT = 2;
    private static final int SIGHUP = 1;

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    /** 256 MiB, sparse: a transfer long enough to be stopped in the middle. */
    private static Transfer bigTransfer(Path work) throws Exception {
        Transfer t = Transfer.start(work, Transfer.bigSparseFile(work, 256L << 20), "127.0.0.1", relay.port(),
                List.of("--ca-file", relay.cert().toString(), "--timeout", "30"), List.of(), List.of());
        t.receiver.await("^received [1-9]\\d* of", Duration.ofSeconds(60));
        return t;
    }

    /** Bob, receiving into {@code out}, his path in bob.path, the sender's awaited in {@code peerPathFile}. */
    private static Tool receiver(Path work, Path out, String peerPathFile) throws java.io.IOException {
        return Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--output-dir", out.toString(),
                "--path-file", work.resolve("bob.path").toString(),
                "--peer-path-file", work.resolve(peerPathFile).toString());
    }

    /** Alice, sending {@code file}, the receiver's path awaited in bob.path; {@code extra} options after. */
    private static Tool sender(Path work, Path file, List<String> jvmArgs, String... extra) throws java.io.IOException {
        List<String> args = new java.util.ArrayList<>(List.of("msrp-send", file.toString(), "alice@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--peer-path-file", work.resolve("bob.path").toString()));
        args.addAll(List.of(extra));
        return Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), jvmArgs, args.toArray(String[]::new));
    }

    private static void ctrlC(Tool tool) throws Exception {
        stop(tool, "INT");
    }

    /** Sends {@code signal}, unless this build's processes ignore it (nohup: HUP; a background build: INT). */
    private static void stop(Tool tool, String signal) throws Exception {
        int number = signal.equals("INT") ? SIGINT : SIGHUP;
        Assumptions.assumeFalse(tool.ignores(number), "SIG" + signal + " is ignored here (the build runs under nohup, "
                + "or in the background of a shell without job control)");
        tool.signal(signal);
        if (signal.equals("HUP")) {
            Thread.sleep(10);
            tool.signal(signal); // a closing terminal hangs up twice: the kernel, then the shell (found by a new user)
        }
    }

    private static void nothingLeft(Path dir) throws Exception {
        try (var left = Files.list(dir)) {
            assertThat(left).as("no file under the final name, no temporary file").isEmpty();
        }
    }

    @Test
    void ctrlCOnTheSenderEndsTheChunkWithHashAndTheReceiverSaysSoAtOnce(@TempDir Path work) throws Exception {
        Transfer t = bigTransfer(work);
        try (t.sender; t.receiver) {
            ctrlC(t.sender);
            assertThat(t.receiver.exitCode(AT_ONCE)).as(t.receiver.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(t.receiver.output()).containsPattern("(?m)^msrp-receive: the sender, or a relay on the way, aborted after [1-9]\\d* "
                    + "bytes of \"big.bin\"$");
            assertThat(t.sender.exitCode(AT_ONCE)).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(t.sender.output()).containsPattern("(?m)^msrp-send: interrupted after [1-9]\\d* of 268435456 "
                    + "bytes; the receiver was sent an abort$");
            nothingLeft(work.resolve("received"));
        }
    }

    /** A second signal does not wait for the winding down, and says so (found by a new user: no word at all). */
    @Test
    void aSecondSignalExitsAtOnceAndSaysSo(@TempDir Path work) throws Exception {
        Transfer t = bigTransfer(work);
        try (t.sender; t.receiver) {
            t.sender.signal("TERM");
            t.sender.signal("TERM");
            assertThat(t.sender.exitCode(AT_ONCE)).isEqualTo(ExitCodes.TERMINATED);
            assertThat(t.sender.output()).containsPattern("(?m)^msrp-send: interrupted");
            assertThat(t.receiver.exitCode(AT_ONCE)).as(t.receiver.output()).isEqualTo(ExitCodes.TRANSFER);
            nothingLeft(work.resolve("received"));
        }
    }

    /** Ctrl-C, or the receiver's terminal closed (SIGHUP: found by a new user, the sender heard only of a loss). */
    @ParameterizedTest
    @CsvSource({"INT, 130", "HUP, 129"})
    void aStoppedReceiverTellsTheSenderAtOnce(String signal, int exitCode, @TempDir Path work) throws Exception {
        Transfer t = bigTransfer(work);
        try (t.sender; t.receiver) {
            stop(t.receiver, signal);
            assertThat(t.sender.exitCode(AT_ONCE)).as(t.sender.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(t.receiver.exitCode(AT_ONCE)).as(t.receiver.output()).isEqualTo(exitCode);
            // The receiver's own reason: the relay may have stopped reading its connection while the file filled the
            // way to it, and the receiver reads on until the sender stops before it closes (lost 2 CI runs in 3 when
            // it closed at once: the sender heard only the relay's 481 for the closed connection).
            assertThat(t.sender.output()).as("the receiver said:%n%s", t.receiver.output())
                    .containsPattern("(?m)^msrp-send: the receiver stopped after [1-9]\\d* bytes");
            assertThat(t.receiver.output()).containsPattern("(?m)^msrp-receive: interrupted after [1-9]\\d* bytes of "
                    + "\"big.bin\"; the sender was sent a refusal$");
            nothingLeft(work.resolve("received"));
        }
    }

    /**
     * A sender that fails before its first chunk (here a chunk larger than
     * its JVM may hold in buffers) tells the receiver with an abort that
     * names the file, and both end at once (found by review: the failure,
     * in a task of the connection's loop, was only logged, and both ends
     * waited out their timeouts).
     */
    @Test
    void aSenderThatFailsBeforeItsFirstChunkEndsBothEndsAtOnce(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 40L << 20);
        Path out = Files.createDirectory(work.resolve("received"));
        try (Tool receiver = receiver(work, out, "alice.path");
             Tool sender = sender(work, file, List.of("-XX:MaxDirectMemorySize=12m"), "--chunk-size", "16M",
                "--path-file", work.resolve("alice.path").toString())) {
            assertThat(sender.exitCode(Duration.ofSeconds(30))).as(sender.output()).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(sender.output()).containsPattern("(?m)^msrp-send: cannot prepare a chunk of 16777216 bytes: "
                    + "java\\.lang\\.OutOfMemoryError: .* after 0 of 41943040 bytes; the receiver was sent an abort$");
            assertThat(receiver.exitCode(AT_ONCE)).as(receiver.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(receiver.output()).containsPattern("(?m)^msrp-receive: the sender, or a relay on the way, "
                    + "aborted after 0 bytes of \"big.bin\"$");
            nothingLeft(out);
        }
    }

    /**
     * The sender may start before the receiver has the sender's path (paths
     * in any order): a Ctrl-C while the receiver still waits for it says
     * how far the file had come and that the sender was told.
     */
    @Test
    void ctrlCOnAReceiverStillWaitingForThePathSaysTheSenderWasTold(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 256L << 20);
        Path out = Files.createDirectory(work.resolve("received"));
        try (Tool receiver = receiver(work, out, "never.path");
             Tool sender = sender(work, file, List.of(), "--timeout", "30")) {
            receiver.await("^received [1-9]\\d* of", Duration.ofSeconds(60));
            ctrlC(receiver);
            assertThat(receiver.exitCode(AT_ONCE)).as(receiver.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(receiver.output()).containsPattern("(?m)^msrp-receive: interrupted while waiting for the "
                    + "destination path after [1-9]\\d* bytes of \"big.bin\"; the sender was sent a refusal$");
            assertThat(sender.exitCode(AT_ONCE)).as(sender.output()).isEqualTo(ExitCodes.TRANSFER);
            nothingLeft(out);
        }
    }

    /**
     * A Ctrl-C on the sender after its last byte, the receiver not yet
     * given its path: an abort then changes nothing, and the sender says the
     * receiver may still store the file, which it does (found by a trial:
     * the sender said only that the receiver was sent an abort).
     */
    @Test
    void ctrlCOnTheSenderAfterItsLastByteSaysTheFileMayStillBeStored(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 1L << 20);
        Path out = Files.createDirectory(work.resolve("received"));
        Path senderPath = work.resolve("alice.path");
        Path givenLate = work.resolve("late.path");
        try (Tool receiver = receiver(work, out, givenLate.getFileName().toString());
             Tool sender = sender(work, file, List.of(), "--timeout", "30", "--path-file", senderPath.toString())) {
            sender.await("all 1048576 bytes sent|sent 1048576 of 1048576", Duration.ofSeconds(60));
            String path = Files.readString(senderPath); // the sender removes its path file when it ends
            ctrlC(sender);
            assertThat(sender.exitCode(AT_ONCE)).as(sender.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(sender.output()).containsPattern("(?m)^msrp-send: interrupted after all 1048576 bytes were "
                    + "sent, before the receiver confirmed them: it may still store the file$");
            Files.writeString(givenLate, path);
            assertThat(receiver.exitCode(Duration.ofSeconds(30))).as(receiver.output()).isEqualTo(ExitCodes.OK);
            assertThat(out.resolve(file.getFileName())).hasSize(1L << 20);
        }
    }

    @Test
    void aTemporaryFileThatAKilledReceiverLeftIsRemovedAtTheNextStart(@TempDir Path work) throws Exception {
        Path in = work.resolve("received");
        Transfer t = bigTransfer(work);
        try (t.sender; t.receiver) {
            t.receiver.signal("KILL"); // no chance to clean up
            t.receiver.exitCode(AT_ONCE);
        }
        Path left;
        try (var files = Files.list(in)) {
            left = files.findFirst().orElseThrow();
        }
        assertThat(left.getFileName().toString()).startsWith(".msrp-").endsWith(".part");
        Files.setLastModifiedTime(left, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path recent = Files.writeString(in.resolve(".msrp-InUseByAnother.part"), "a receiver at work");
        Path notOurs = Files.writeString(in.resolve("notes.part"), "someone's");
        Files.setLastModifiedTime(notOurs, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        try (Tool next = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--output-dir",
                in.toString(), "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp",
                "--peer-timeout", "1")) {
            assertThat(next.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(next.output()).containsPattern("(?m)^Removed 1 stale temporary file \\(\\d+ bytes\\) "
                    + "that killed receivers left in ");
        }
        assertThat(left).doesNotExist();
        assertThat(recent).exists();
        assertThat(notOurs).exists();
    }
}
