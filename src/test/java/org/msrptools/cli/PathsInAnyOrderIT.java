package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Tool;
import org.msrptools.testing.Transfer;

/**
 * Paths handed over as two people swapping them over a chat do: in either
 * order, and far apart. The relay answers a chunk with 408 when the receiver
 * leaves it unanswered for 30 s, so 75 s apart proves the receiver answers
 * before it has the sender's path; at the default options it also proves
 * that waiting for the other side is not bound by --timeout (60 s); and an
 * exit 0 of msrp-send means the receiver confirmed the file.
 */
class PathsInAnyOrderIT {

    private static final Duration EXIT = Duration.ofSeconds(150);

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    /** One end: its own path goes to {@code ownPath}; the other's comes from {@code peerPath}, or else stdin. */
    private static Tool start(Map<String, String> env, List<String> args, Path ownPath, Path peerPath)
            throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--ca-file", relay.cert().toString(), "--path-file", ownPath.toString()));
        if (peerPath != null) {
            all.addAll(List.of("--peer-path-file", peerPath.toString()));
        }
        return Tool.start(env, all.toArray(String[]::new));
    }

    /** msrp-send; {@code options} after the positional arguments (none: the defaults users get). */
    private static Tool sender(Path file, List<String> options, Path ownPath, Path peerPath) throws Exception {
        List<String> args = new ArrayList<>(List.of("msrp-send", file.toString(), "alice@example.com", "127.0.0.1",
                Integer.toString(relay.port())));
        args.addAll(options);
        return start(Map.of("MSRP_PASSWORD", "alice-secret"), args, ownPath, peerPath);
    }

    private static Tool receiver(Path dir, List<String> options, Path ownPath, Path peerPath) throws Exception {
        List<String> args = new ArrayList<>(List.of("msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--output-dir", dir.resolve("in").toString()));
        args.addAll(options);
        return start(Map.of("MSRP_PASSWORD", "bob-secret"), args, ownPath, peerPath);
    }

    private static String awaitPath(Path file) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(file) && Files.readString(file).endsWith("\n")) {
                return Files.readString(file).strip();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + file);
    }

    /** Types the path a person pasted at "Destination path:" (here: the tool reads it from stdin). */
    private static void paste(Tool tool, String path) throws Exception {
        tool.stdin().write((path + "\n").getBytes(StandardCharsets.US_ASCII));
        tool.stdin().flush();
    }

    private static void delivered(Path dir, Path file, Tool sender, Tool receiver) throws Exception {
        int[] exits = {sender.exitCode(EXIT), receiver.exitCode(EXIT)};
        assertThat(exits).as("sender:\n" + sender.output() + "\nreceiver:\n" + receiver.output())
                .containsExactly(0, 0);
        String expected = TransferContract.sha256(file);
        assertThat(Transfer.sha256(sender)).isEqualTo(expected);
        assertThat(Transfer.sha256(receiver)).isEqualTo(expected);
        assertThat(sender.output()).contains("File transfer completed.", "10485760 bytes confirmed by the receiver.")
                .doesNotContain("no delivery report")
                .doesNotContainPattern("\\b408\\b"); // a 408 status, not the digits of a port like :39408
        try (var files = Files.list(dir.resolve("in"))) {
            assertThat(files).containsExactly(dir.resolve("in").resolve(file.getFileName()));
        }
        assertThat(TransferContract.sha256(dir.resolve("in").resolve(file.getFileName()))).isEqualTo(expected);
    }

    /**
     * Both orders at once, at the default options, and meanwhile a receiver
     * that never gets the sender's path: 75 s of waiting for all three.
     */
    @Test
    void pathsGivenMinutesApartInEitherOrderOrNever(@TempDir Path work) throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(12).nextBytes(data);
        Path file = Files.write(work.resolve("big.bin"), data);
        Path lateReceiver = Files.createDirectory(work.resolve("late-receiver"));
        Path lateSender = Files.createDirectory(work.resolve("late-sender"));
        Path never = Files.createDirectory(work.resolve("never"));
        long started = System.nanoTime();
        // The sender has the receiver's path at once and sends; the receiver gets the sender's a minute later.
        Tool bob1 = receiver(lateReceiver, List.of(), lateReceiver.resolve("bob.path"), null);
        Tool alice1 = sender(file, List.of(), lateReceiver.resolve("alice.path"), lateReceiver.resolve("bob.path"));
        // The receiver has the sender's path at once; the sender gets the receiver's later.
        Tool bob2 = receiver(lateSender, List.of(), lateSender.resolve("bob.path"), lateSender.resolve("alice.path"));
        Tool alice2 = sender(file, List.of(), lateSender.resolve("alice.path"), null);
        // The receiver waits for a file with the sender's path that nobody writes, longer than the sender waits
        // for its confirmation (which outlasts the 10 s after which it used to call that a success).
        Tool bob3 = receiver(never, List.of("--peer-timeout", "40"), never.resolve("bob.path"),
                never.resolve("nobody-writes.path"));
        Tool alice3 = sender(file, List.of("--peer-timeout", "12"), never.resolve("alice.path"),
                never.resolve("bob.path"));
        try (bob1; alice1; bob2; alice2; bob3; alice3) {
            String alice1Path = awaitPath(lateReceiver.resolve("alice.path"));
            String bob2Path = awaitPath(lateSender.resolve("bob.path"));
            alice1.await("^All 10485760 bytes sent; waiting for the receiver to confirm\\.$", Duration.ofSeconds(60));
            // Not silent while the file comes before its sender's path: said so, and its progress as usual.
            bob1.await("^\"big.bin\" is arriving; it is kept aside until the sender's path is given$",
                    Duration.ofSeconds(10));
            bob1.await("^received 10485760 of 10485760 bytes$", Duration.ofSeconds(10));

            assertThat(alice3.exitCode(EXIT)).as(alice3.output()).isEqualTo(ExitCodes.UNCONFIRMED);
            assertThat(alice3.output()).contains("msrp-send: sent all 10485760 bytes; the receiver did not confirm",
                            "is it still waiting for this side's path")
                    .doesNotContain("File transfer completed");
            assertThat(bob3.exitCode(EXIT)).as(bob3.output()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(bob3.output()).contains("the peer's path did not appear in " + never.resolve("nobody-writes.path")
                    + " within 40 s");
            assertThat(never.resolve("in")).as("what came without a path given goes with the receiver")
                    .satisfiesAnyOf(in -> assertThat(in).doesNotExist(), in -> assertThat(in).isEmptyDirectory());

            Thread.sleep(Math.max(0, Duration.ofSeconds(75).toMillis() - (System.nanoTime() - started) / 1_000_000));
            paste(bob1, alice1Path);
            paste(alice2, bob2Path);
            delivered(lateReceiver, file, alice1, bob1);
            assertThat(bob1.output()).as("the prompt the progress lines cut is repeated with what was read")
                    .containsPattern("(?m)^Destination path: " + Pattern.quote(alice1Path) + "$");
            delivered(lateSender, file, alice2, bob2);
        }
    }
}
