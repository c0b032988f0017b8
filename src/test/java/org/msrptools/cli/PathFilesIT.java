package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Tool;
import org.msrptools.testing.Transfer;

/**
 * --path-file and --peer-path-file as a script uses them, run after run:
 * each side's file lives as long as the side, a leftover of an earlier run
 * is never taken for the peer's, and a peer that started first is.
 */
class PathFilesIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    private static Tool receiver(Path work, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--path-file", work.resolve("bob.path").toString(), "--output-dir", work.resolve("in").toString()));
        args.addAll(List.of(extra));
        return Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), args.toArray(String[]::new));
    }

    private static Tool sender(Path work, Path file) throws Exception {
        return Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(), "alice@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--path-file", work.resolve("alice.path").toString(),
                "--peer-path-file", work.resolve("bob.path").toString());
    }

    /** A path file as a run killed with SIGKILL an hour ago left it: to a session long gone. */
    private static void leftover(Path file) throws Exception {
        Files.writeString(file, "msrps://localhost:" + relay.port() + "/goneLongAgo0123456789;tcp "
                + "msrps://127.0.0.1:9/goneLongAgo0123456789;tcp\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    private static void delivered(Tool alice, Tool bob) throws Exception {
        assertThat(new int[] {alice.exitCode(EXIT), bob.exitCode(EXIT)})
                .as("sender:\n" + alice.output() + "\nreceiver:\n" + bob.output()).containsExactly(0, 0);
        assertThat(Transfer.sha256(bob)).isEqualTo(Transfer.sha256(alice)).isNotNull();
    }

    @Test
    void aLeftoverIsPassedOverUntilThePeerWritesItsOwnAndTheSameScriptRunsTwice(@TempDir Path work)
            throws Exception {
        Path file = Files.writeString(work.resolve("hello.txt"), "hello twice\n");
        leftover(work.resolve("bob.path"));
        leftover(work.resolve("alice.path"));
        // The sender first: the receiver's file it finds is a leftover, which it must not send to.
        try (Tool alice = sender(work, file)) {
            alice.await("^Ignoring " + Pattern.quote(work.resolve("bob.path").toString())
                    + ": written before this side started", EXIT);
            try (Tool bob = receiver(work, "--peer-path-file", work.resolve("alice.path").toString())) {
                delivered(alice, bob);
            }
        }
        assertThat(work.resolve("alice.path")).as("each side removes its file when it ends").doesNotExist();
        assertThat(work.resolve("bob.path")).doesNotExist();
        Files.delete(work.resolve("in").resolve("hello.txt"));
        // The same two commands again.
        try (Tool bob = receiver(work, "--peer-path-file", work.resolve("alice.path").toString());
             Tool alice = sender(work, file)) {
            delivered(alice, bob);
        }
        assertThat(work.resolve("alice.path")).doesNotExist();
        assertThat(work.resolve("bob.path")).doesNotExist();
    }

    @Test
    void aPeerThatStartedEarlierIsTakenThoughItsFileIsOlderThanThisSide(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("hello.txt"), "hello\n");
        try (Tool bob = receiver(work, "--peer-path-file", work.resolve("alice.path").toString())) {
            bob.await("^msrps://\\S+ msrps://\\S+$", EXIT);
            Thread.sleep(PeerPathFile.SLACK.toMillis() + 1500); // bob.path is now older than the sender's start
            try (Tool alice = sender(work, file)) {
                delivered(alice, bob);
                assertThat(alice.output()).doesNotContain("Ignoring");
            }
        }
    }

    /**
     * A sender that ends before it has a path, here for a file to send that
     * is missing, says so in its path file: the receiver waiting for it ends
     * at once (exit 6), not at --peer-timeout (found by a new user: the
     * sender never made its file, or removed it before the receiver looked).
     */
    @Test
    void aSideThatEndsBeforeItHasAPathEndsThePeersWait(@TempDir Path work) throws Exception {
        try (Tool bob = receiver(work, "--peer-path-file", work.resolve("alice.path").toString(),
                "--peer-timeout", "50")) {
            bob.await("^(msrps://\\S+ msrps://\\S+)$", EXIT);
            try (Tool alice = sender(work, work.resolve("missing.txt"))) {
                assertThat(alice.exitCode(EXIT)).as(alice.output()).isEqualTo(ExitCodes.LOCAL_FILE);
            }
            assertThat(bob.exitCode(Duration.ofSeconds(10))).as(bob.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).contains("the peer ended before it wrote its path to " + work.resolve("alice.path"));
        }
    }

    @Test
    void aSideStoppedBySigtermRemovesItsPathFile(@TempDir Path work) throws Exception {
        try (Tool bob = receiver(work, "--peer-path-file", work.resolve("nobody-writes.path").toString())) {
            String path = bob.await("^(msrps://\\S+ msrps://\\S+)$", EXIT);
            Path file = work.resolve("bob.path");
            for (int i = 0; i < 100 && !(Files.exists(file) && Files.size(file) > 0); i++) {
                Thread.sleep(50); // the file (taken, empty, at the start) is written just after the path is printed
            }
            assertThat(work.resolve("bob.path")).hasContent(path);
            bob.signal("TERM");
            assertThat(bob.exitCode(EXIT)).as(bob.output()).isEqualTo(ExitCodes.TERMINATED);
            assertThat(work.resolve("bob.path")).doesNotExist();
        }
    }
}
