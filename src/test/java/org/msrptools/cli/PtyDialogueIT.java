package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Tool;

/**
 * The interactive dialogue on a real terminal: msrp-receive under a pty
 * (util-linux {@code script}), a wrong password typed at "Password: " and
 * asked again, the right one, and the sender's path pasted at
 * "Destination path:".
 */
class PtyDialogueIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void passwordPromptAndPastedPath(@TempDir Path work) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs util-linux script for a pty");
        Path file = Files.writeString(work.resolve("note.txt"), "typed by hand\n");
        Path out = work.resolve("out");
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // A pty from script(1) has no size until told; a real terminal always has one.
            String command = String.join(" ", "stty cols 160 rows 40;", java, "-XX:TieredStopAtLevel=1", "-jar", Tool.JAR.toString(),
                    "msrp-receive", "bob@example.com", "127.0.0.1", Integer.toString(relay.port),
                    "--ca-file", relay.cert().toString(), "--output-dir", out.toString(), "--timeout", "30");
            try (Tool bob = Tool.run(Map.of("TERM", "xterm"), List.of("script", "-qfec", command, "/dev/null"))) {
                OutputStream keys = bob.stdin();
                bob.await("Password: ", WAIT);
                keys.write("not-the-password\r".getBytes(StandardCharsets.US_ASCII));
                keys.flush();
                bob.await("Authentication failed, try again\\.\\r?\\n(.|\\n)*Password: ", WAIT); // asked again
                keys.write("bob-secret\r".getBytes(StandardCharsets.US_ASCII));
                keys.flush();
                String bobPath = bob.await("Path to send in SDP:\\r?\\n(msrps://\\S+ msrps://\\S+)", WAIT);
                bob.await("Destination path: ", WAIT);

                try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                        "alice@example.com", "127.0.0.1", Integer.toString(relay.port), "--ca-file",
                        relay.cert().toString(), "--to-path", bobPath, "--path-file",
                        work.resolve("alice.path").toString())) {
                    String alicePath = awaitFile(work.resolve("alice.path"));
                    keys.write((alicePath + "\r").getBytes(StandardCharsets.US_ASCII));
                    keys.flush();
                    assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
                }
                bob.await("File transfer completed successfully.", WAIT);
                assertThat(bob.exitCode(WAIT)).isZero();
                String transcript = bob.output();
                assertThat(transcript).contains("Password: ", "Connecting to 127.0.0.1:" + relay.port,
                        "Sending initial AUTH", "Got challenge, sending response AUTH", "Destination path: ",
                        "Receiving file \"note.txt\"");
                assertThat(transcript).as("the password is never echoed").doesNotContain("bob-secret", "not-the-password");
                assertThat(Files.readString(out.resolve("note.txt"))).isEqualTo("typed by hand\n");
            }
        }
    }

    private static String awaitFile(Path file) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(file)) {
                String s = Files.readString(file);
                if (s.endsWith("\n")) {
                    return s.strip();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + file);
    }
}
