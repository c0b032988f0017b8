package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.DelayingProxy;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.TlsContexts;

/**
 * The interactive dialogue on a real terminal: msrp-receive under a pty
 * (util-linux {@code script}), a wrong password typed at "Password: " and
 * asked again, the right one, and the sender's path pasted at
 * "Destination path:" while the file already arrives; and what Ctrl-C,
 * SIGTERM and waiting too long do at the prompts.
 */
class PtyDialogueIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CTRL_C = "\u0003";
    /** A file as a test sends it by hand, in pieces of its own choosing ({@link #piece}). */
    private static final byte[] THIRTY_BYTES = "thirty bytes of a file, twice.".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    @BeforeAll
    static void pty() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs util-linux script for a pty");
    }

    /** msrp-receive on a pty of 160 columns; {@code env} may hold MSRP_PASSWORD. */
    private static Tool bob(Path out, Map<String, String> env, String... extra) throws Exception {
        return bob(out, env, true, extra);
    }

    private static Tool bob(Path out, Map<String, String> env, boolean sized, String... extra) throws Exception {
        List<String> words = new ArrayList<>(List.of("msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--output-dir", out.toString()));
        words.addAll(List.of(extra));
        return onPty(env, sized, words);
    }

    /** A tool of the jar ({@code words}: its name and arguments) on a pty of 160 columns, or of no size. */
    private static Tool onPty(Map<String, String> env, boolean sized, List<String> words) throws Exception {
        return onPty(env, (sized ? "stty cols 160 rows 40; " : "") + javaLine(words));
    }

    /** The shell line that runs a tool of the jar. */
    private static String javaLine(List<String> words) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return String.join(" ", java, "-XX:TieredStopAtLevel=1", "-jar", Tool.JAR.toString()) + " "
                + String.join(" ", words);
    }

    /** A shell line run on a pty (a pty from script(1) has no size until told; a real terminal always has one). */
    private static Tool onPty(Map<String, String> env, String command) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("TERM", "xterm");
        return Tool.run(all, List.of("script", "-qfec", command, "/dev/null"));
    }

    /**
     * The terminal closed while the tool asks for the path (its window
     * closed: the pty's other side goes away): a hangup, exit 129, as the
     * README's table has it (found by review: the failed read was an
     * internal error, exit 1). The shell keeps the exit code for the test.
     */
    @Test
    void aTerminalClosedAtThePromptIsAHangUp(@TempDir Path work) throws Exception {
        Path out = Files.createDirectory(work.resolve("out"));
        Path exit = work.resolve("exit");
        String receive = javaLine(List.of("msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--output-dir", out.toString()));
        try (Tool shell = onPty(Map.of("MSRP_PASSWORD", "bob-secret"), "trap true HUP; stty cols 160 rows 40; "
                + receive + "; echo $? > " + exit)) {
            shell.await("Destination path: ", WAIT);
            shell.signal("KILL"); // script(1) gone: the pty's other side closed
            for (int i = 0; i < 300 && !(Files.exists(exit) && Files.size(exit) > 0); i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(exit).strip()).isEqualTo(Integer.toString(ExitCodes.HUNG_UP));
        }
    }

    private static void type(Tool t, String keys) throws Exception {
        OutputStream in = t.stdin();
        in.write(keys.getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /**
     * Ctrl-C at a prompt reaches the tool as SIGINT through the pty; a build
     * started in the background of a shell without job control ignores it,
     * and so does every process it starts.
     */
    private static void ctrlCCanReachTheTool() throws Exception {
        String mask = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        Assumptions.assumeTrue((Long.parseUnsignedLong(mask, 16) & 2) == 0,
                "SIGINT is ignored here (the build runs in the background of a shell without job control)");
    }

    private static long lines(String text) {
        return text.lines().filter(l -> l.contains("msrp-receive:")).count();
    }

    @Test
    void aPtyWithoutASizeStillShowsThePrompt(@TempDir Path work) throws Exception {
        // script(1) run without a terminal, as in CI: 0 columns, which cut the prompt to ">...." before.
        try (Tool bob = bob(work.resolve("out"), Map.of("MSRP_PASSWORD", "bob-secret"), false)) {
            bob.await("Destination path: ", WAIT);
            type(bob, "bogus\r");
            bob.await("bad destination path: .*\r?\n(.|\n)*Destination path: ", WAIT);
            type(bob, "\u0004"); // Ctrl-D: no path
            assertThat(bob.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(bob.output()).doesNotContain(">....").contains("msrp-receive: no destination path given");
        }
    }

    @Test
    void passwordPromptAndPastedPathWhileTheFileArrives(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("note.txt"), "typed by hand\n");
        Path out = work.resolve("out");
        try (Tool bob = bob(out, Map.of(), "--timeout", "30")) {
            bob.await("Password: ", WAIT);
            type(bob, "not-the-password\r");
            bob.await("Authentication failed, try again\\.\\r?\\n(.|\\n)*Password: ", WAIT); // asked again
            type(bob, "bob-secret\r");
            String bobPath = bob.await("Path to send in SDP:\\r?\\n(msrps://\\S+ msrps://\\S+)", WAIT);
            bob.await("Destination path: ", WAIT);

            try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                    relay.cert().toString(), "--to-path", bobPath, "--path-file",
                    work.resolve("alice.path").toString())) {
                String alicePath = awaitFile(work.resolve("alice.path"));
                // The file comes before its sender's path is given: said, and shown above the prompt.
                bob.await("\"note.txt\" is arriving; it is kept aside until the sender's path is given", WAIT);
                bob.await("received 14 of 14 bytes", WAIT);
                type(bob, "\r"); // Enter alone: asked again, without a word
                String half = alicePath.substring(0, alicePath.indexOf(' '));
                // Half of it, and a blank line with it (CRLF line ends): said, and not joined with what comes
                // later (found by review).
                type(bob, half + "\r\r");
                bob.await("one URI only; give the whole line the other side printed", WAIT);
                Thread.sleep(2 * PastedLines.SAME_PASTE.toMillis()); // a person reads the error
                // Then the whole path as a narrow terminal gives it, in two lines: one paste, taken whole (not
                // joined with the half refused before it), the spaces around it forgiven, no part of it refused.
                // The line above the path copied with it too.
                // Quoted as a mail quotes it, each line after a '>' (found by a new user).
                // And a line pasted after it is dropped, not left for the shell to run after the tool exits.
                type(bob, "> Path to send in SDP:\r> " + half + "\r>   " + alicePath.substring(half.length() + 1)
                        + "    \r" + alicePath + "\r");
                bob.await("Taken as one path: " + Pattern.quote(alicePath), WAIT);
                bob.await("Ignored a line pasted after the path", WAIT);
                assertThat(bob.output().split("bad destination path", -1)).as("no line of the paste is refused")
                        .hasSize(2);
                assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
            }
            bob.await("File transfer completed successfully.", WAIT);
            assertThat(bob.exitCode(WAIT)).isZero();
            String transcript = bob.output();
            assertThat(transcript).contains("Password: ", "Connecting to 127.0.0.1:" + relay.port(),
                    "Sending initial AUTH", "Got challenge, sending response AUTH", "Destination path: ",
                    "Receiving file \"note.txt\"", "Received 14 bytes in 0 seconds, (");
            assertThat(transcript).as("Enter alone").doesNotContain("empty");
            assertThat(transcript).as("the password is never echoed").doesNotContain("bob-secret", "not-the-password");
            assertThat(Files.readString(out.resolve("note.txt"))).isEqualTo("typed by hand\n");
        }
    }

    @Test
    void ctrlCAtThePasswordPromptIsACtrlCLikeAnywhereElse(@TempDir Path work) throws Exception {
        ctrlCCanReachTheTool();
        try (Tool bob = bob(work, Map.of())) {
            bob.await("Password: ", WAIT);
            type(bob, CTRL_C);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(bob.output()).contains("msrp-receive: interrupted").doesNotContain("Exception");
            assertThat(lines(bob.output())).isEqualTo(1);
        }
    }

    @Test
    void ctrlCAtTheDestinationPromptIs130AndSigtermThere143(@TempDir Path work) throws Exception {
        ctrlCCanReachTheTool();
        try (Tool bob = bob(work, Map.of("MSRP_PASSWORD", "bob-secret"))) {
            bob.await("Destination path: ", WAIT);
            type(bob, CTRL_C);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(bob.output()).contains("msrp-receive: interrupted while waiting for the destination path")
                    .doesNotContain("Exception");
            assertThat(lines(bob.output())).isEqualTo(1);
        }
        // Just after a refused line, while the tool looks whether more of a paste comes: the same, and the
        // terminal is left as it was (a Ctrl-C there ended the JVM at once, with the terminal raw).
        try (Tool bob = bob(work, Map.of("MSRP_PASSWORD", "bob-secret"))) {
            bob.await("Destination path: ", WAIT);
            type(bob, "garbage\r");
            Thread.sleep(50);
            type(bob, CTRL_C);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(bob.output()).contains("msrp-receive: interrupted while waiting for the destination path");
        }
        try (Tool bob = bob(work, Map.of("MSRP_PASSWORD", "bob-secret"))) {
            bob.await("Destination path: ", WAIT);
            ProcessHandle java = ProcessHandle.of(bob.pid()).orElseThrow().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("java")).findFirst().orElseThrow();
            new ProcessBuilder("kill", "-TERM", Long.toString(java.pid())).start().waitFor();
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.TERMINATED);
            assertThat(bob.output()).contains("msrp-receive: interrupted while waiting for the destination path");
            assertThat(lines(bob.output())).isEqualTo(1);
        }
    }

    @Test
    void thePromptGivesUpAfterThePeerTimeout(@TempDir Path work) throws Exception {
        try (Tool bob = bob(work, Map.of("MSRP_PASSWORD", "bob-secret"), "--peer-timeout", "2")) {
            bob.await("Destination path: ", WAIT);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(bob.output()).contains("msrp-receive: no destination path was given within 2 s (--peer-timeout)");
        }
    }

    /**
     * Paths pasted at msrp-send's prompt that lead to no session, each asked
     * again on the same session, so that the receiver, given the sender's
     * path already, gets the file in the end: first a stale one (the relay's
     * session id of a receiver that has gone), which the relay refuses at
     * the first chunk, and nothing else of the file goes (the relay answered
     * one 481); then one whose last URI, the receiver's own, is wrong, which
     * the receiver refuses, by a REPORT that comes after more chunks went.
     * With chunks that ask for failures only (the default) and with every
     * chunk answered.
     */
    @ParameterizedTest
    @ValueSource(strings = {"partial", "yes"})
    void pathsThatLeadToNoSessionAreAskedAgain(String failureReport, @TempDir Path work) throws Exception {
        byte[] bytes = new byte[3_000_000]; // more than the 2 MiB msrp-send sends before the receiver confirms
        new java.util.Random(7).nextBytes(bytes);
        Path file = Files.write(work.resolve("photo.jpg"), bytes);
        Path out = work.resolve("out");
        try (RelayProcess own = RelayProcess.start(work.resolve("relay"), List.of(), "--metrics", "127.0.0.1:0")) {
            String port = Integer.toString(own.port);
            try (Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                    "127.0.0.1", port, "--ca-file", own.cert().toString(), "--output-dir", out.toString(),
                    "--path-file", work.resolve("bob.path").toString(), "--peer-path-file",
                    work.resolve("alice.path").toString());
                 Tool alice = onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send",
                         file.toString(), "alice@example.com", "127.0.0.1", port, "--ca-file", own.cert().toString(),
                         "--path-file", work.resolve("alice.path").toString(), "--failure-report", failureReport))) {
                String bobPath = awaitFile(work.resolve("bob.path"));
                String relayUri = bobPath.substring(0, bobPath.indexOf(' '));
                String askedAgain = "The receiver's path leads to no session \\(481 [^)]*\\): is msrp-receive still "
                        + "running, and was the path it printed in this run given whole\\? Give the receiver's "
                        + "path again \\(Ctrl-C stops\\)\\.[\\s\\S]*Destination path: ";
                alice.await("Destination path: ", WAIT);
                type(alice, relayUri.substring(0, relayUri.lastIndexOf('/') + 1) + "Xy12Xy12Xy12Xy12Xy12;tcp"
                        + bobPath.substring(relayUri.length()) + "\r");
                alice.await(askedAgain, WAIT);
                assertThat(own.metrics()).containsPattern("msrp_relay_responses_total\\{code=\"481\"} 1\\.0");
                type(alice, bobPath.substring(0, bobPath.lastIndexOf('/') + 1) + "Zz34Zz34Zz34Zz34Zz34;tcp\r");
                alice.await(askedAgain + "[\\s\\S]*" + askedAgain, WAIT);
                type(alice, bobPath + "\r");
                assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
                assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
                assertThat(alice.output()).contains("3000000 bytes confirmed by the receiver.");
                assertThat(alice.output().split("leads to no session", -1)).as("each refusal said once").hasSize(3);
            }
        }
        assertThat(Files.readAllBytes(out.resolve("photo.jpg"))).isEqualTo(bytes);
    }

    /**
     * A receiver given another sender's path refuses msrp-send's first
     * chunk: msrp-send says the receiver must be given its path, and asks
     * again on the same session, so a receiver started anew with that path
     * gets the file.
     */
    @Test
    void aReceiverWaitingForAnotherSenderCanBeStartedAgain(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("note.txt"), "for bob\n");
        String port = Integer.toString(relay.port());
        List<String> bob = List.of("msrp-receive", "bob@example.com", "127.0.0.1", port, "--ca-file",
                relay.cert().toString(), "--output-dir", work.resolve("out").toString());
        try (Tool alice = onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send", file.toString(),
                "alice@example.com", "127.0.0.1", port, "--ca-file", relay.cert().toString(), "--path-file",
                work.resolve("alice.path").toString()))) {
            String alicePath = awaitFile(work.resolve("alice.path"));
            String other = madeUpPathLike(alicePath);
            try (Tool bob1 = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), concat(bob, "--to-path", other,
                    "--path-file", work.resolve("bob1.path").toString()))) {
                alice.await("Destination path: ", WAIT);
                type(alice, awaitFile(work.resolve("bob1.path")) + "\r");
                alice.await("The receiver refused the file at its first chunk \\(403 Not the peer this end is waiting "
                        + "for \\(it was given another path\\)\\): it was given another sender's path \\(to take this "
                        + "file, it must be given this side's\\)\\. Give the receiver's path again \\(Ctrl-C stops\\)\\."
                        + "[\\s\\S]*Destination path: ", WAIT);
                bob1.await("Refused a message from .*: not the path given; still waiting for the file", WAIT);
            }
            try (Tool bob2 = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), concat(bob, "--to-path", alicePath,
                    "--path-file", work.resolve("bob2.path").toString()))) {
                type(alice, awaitFile(work.resolve("bob2.path")) + "\r");
                assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
                assertThat(bob2.exitCode(WAIT)).as(bob2.output()).isZero();
            }
        }
        assertThat(Files.readString(work.resolve("out").resolve("note.txt"))).isEqualTo("for bob\n");
    }

    /**
     * At its prompt, a receiver given a path that is not its sender's (here
     * one that leads nowhere, as an earlier run's sender's does) asks again
     * when it refuses the sender's file, and so does the sender; the right
     * paths given on the same sessions, the file goes.
     */
    @Test
    void aReceiverGivenAnotherSendersPathAsksAgain(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("note.txt"), "asked twice\n");
        Path out = work.resolve("out");
        try (Tool bob = bobWritingItsPath(out, work);
             Tool alice = aliceSending(file, work)) {
            String alicePath = awaitFile(work.resolve("alice.path"));
            String bobPath = awaitFile(work.resolve("bob.path"));
            bob.await("Destination path: ", WAIT);
            type(bob, madeUpPathLike(alicePath) + "\r");
            alice.await("Destination path: ", WAIT);
            type(alice, bobPath + "\r");
            alice.await("it was given another sender's path \\(to take this file, it must be given this side's\\)\\. "
                    + "Give the receiver's path again \\(Ctrl-C stops\\)\\.[\\s\\S]*Destination path: ", WAIT);
            bob.await("Refused a message from .*: not the path given\\. Give the sender's path again, the same if it "
                    + "was right \\(Ctrl-C stops\\)\\.[\\s\\S]*Destination path: ", WAIT);
            rightPathsAgain(bob, alice, alicePath, bobPath);
        }
        assertThat(Files.readString(out.resolve("note.txt"))).isEqualTo("asked twice\n");
    }

    /**
     * A stranger refused while the path given was right: the receiver asks
     * again, but a file from the path given that starts meanwhile ends the
     * prompt, with nothing typed, and is stored, although it takes longer
     * than the prompt's --peer-timeout: four chunks, each waiting for its
     * answer, which a delaying proxy holds back 2.5 s.
     */
    @Test
    void aFileFromThePathGivenEndsAPromptAStrangerCausedToAskAgain(@TempDir Path work) throws Exception {
        byte[] bytes = randomBytes(40_000, 9);
        Path file = Files.write(work.resolve("slow.bin"), bytes);
        Path out = work.resolve("out");
        String port = Integer.toString(relay.port());
        Path bobPathForAlice = work.resolve("bob-for-alice.path");
        try (DelayingProxy slow = new DelayingProxy(relay.port(), 2500);
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(slow.port()), "--ca-file",
                     relay.cert().toString(), "--path-file", work.resolve("alice.path").toString(),
                     "--peer-path-file", bobPathForAlice.toString(), "--chunk-size", "10000", "--failure-report",
                     "yes", "--window", "1")) {
            String alicePath = awaitFile(work.resolve("alice.path"));
            try (Tool bob = bobWritingItsPath(out, work, "--peer-timeout", "5")) {
                String bobPath = awaitFile(work.resolve("bob.path"));
                bob.await("Destination path: ", WAIT);
                type(bob, alicePath + "\r");
                Path carolsFile = Files.writeString(work.resolve("other.txt"), "from carol\n");
                try (Tool carol = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send",
                        carolsFile.toString(), "alice@example.com", "127.0.0.1", port, "--ca-file",
                        relay.cert().toString(), "--to-path", bobPath)) {
                    assertThat(carol.exitCode(WAIT)).as(carol.output()).isEqualTo(ExitCodes.TRANSFER);
                }
                bob.await("Refused a message from .*: not the path given\\. Give the sender's path again[\\s\\S]*"
                        + "Destination path: ", WAIT);
                Path written = Files.writeString(work.resolve("bob.tmp"), bobPath + "\n");
                Files.move(written, bobPathForAlice, StandardCopyOption.ATOMIC_MOVE);
                bob.await("The file is coming from the path given before; no other path is needed", WAIT);
                assertThat(alice.exitCode(Duration.ofSeconds(60))).as(alice.output()).isZero();
                assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
            }
        }
        assertThat(Files.readAllBytes(out.resolve("slow.bin"))).isEqualTo(bytes);
        assertThat(out.resolve("other.txt")).doesNotExist();
    }

    /** Ctrl-C when the receiver asks again: as at its first prompt, 130 and one line that says where. */
    @Test
    void ctrlCWhenTheReceiverAsksAgainIs130(@TempDir Path work) throws Exception {
        ctrlCCanReachTheTool();
        Path file = Files.writeString(work.resolve("note.txt"), "from carol\n");
        Path out = work.resolve("out");
        try (Tool bob = bobWritingItsPath(out, work)) {
            String bobPath = awaitFile(work.resolve("bob.path"));
            bob.await("Destination path: ", WAIT);
            type(bob, madeUpPathLike(bobPath) + "\r");
            try (Tool carol = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                    relay.cert().toString(), "--to-path", bobPath)) {
                assertThat(carol.exitCode(WAIT)).as(carol.output()).isEqualTo(ExitCodes.TRANSFER);
            }
            bob.await("Give the sender's path again, the same if it was right \\(Ctrl-C stops\\)\\.[\\s\\S]*"
                    + "Destination path: ", WAIT);
            type(bob, CTRL_C);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(bob.output()).contains("msrp-receive: interrupted while waiting for the destination path")
                    .doesNotContain("Exception");
            assertThat(lines(bob.output())).isEqualTo(1);
        }
        if (Files.exists(out)) {
            try (var left = Files.list(out)) {
                assertThat(left).as("nothing left in the output directory").isEmpty();
            }
        }
    }

    /**
     * A second msrp-send given the receiver's path by mistake gets there
     * first, before the receiver has any path: its small file comes whole
     * and is kept aside, then refused once the receiver is given the real
     * sender's path (the receiver asks again; the same path given). The
     * refused one asks for a path again and keeps its connection to the
     * relay, but no longer holds the way to the receiver: the real sender's
     * file goes through, and Ctrl-C stops the refused one.
     */
    @Test
    void aRefusedSenderAskingAgainDoesNotHoldTheWayToTheReceiver(@TempDir Path work) throws Exception {
        ctrlCCanReachTheTool();
        Path file = Files.writeString(work.resolve("note.txt"), "from alice\n");
        Path other = Files.writeString(work.resolve("other.txt"), "from carol\n");
        Path out = work.resolve("out");
        String port = Integer.toString(relay.port());
        try (Tool bob = bobWritingItsPath(out, work);
             Tool alice = onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", port, "--ca-file", relay.cert().toString(), "--path-file",
                     work.resolve("alice.path").toString()));
             Tool carol = onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send", other.toString(),
                     "alice@example.com", "127.0.0.1", port, "--ca-file", relay.cert().toString()))) {
            String alicePath = awaitFile(work.resolve("alice.path"));
            String bobPath = awaitFile(work.resolve("bob.path"));
            carol.await("Destination path: ", WAIT);
            type(carol, bobPath + "\r");
            bob.await("\"other.txt\" is arriving; it is kept aside until the sender's path is given", WAIT);
            type(bob, alicePath + "\r");
            carol.await("it was given another sender's path[\\s\\S]*Destination path: ", WAIT);
            bob.await("Give the sender's path again, the same if it was right[\\s\\S]*Destination path: ", WAIT);
            type(bob, alicePath + "\r");
            Thread.sleep(2000); // the other terminal a moment later: the receiver has taken its path by then
            alice.await("Destination path: ", WAIT);
            type(alice, bobPath + "\r");
            assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
            assertThat(alice.output()).doesNotContain("506");
            type(carol, CTRL_C);
            assertThat(carol.exitCode(WAIT)).as(carol.output()).isEqualTo(ExitCodes.INTERRUPTED);
        }
        assertThat(Files.readString(out.resolve("note.txt"))).isEqualTo("from alice\n");
        assertThat(out.resolve("other.txt")).doesNotExist();
    }

    /**
     * The rest of a message refused before the receiver asked again is
     * refused too once its sender's path is given there (begun from its
     * middle, it would never be whole, and it held back the sender's next
     * message, refused "One file at a time"); that next message comes whole.
     */
    @Test
    void theRestOfAMessageRefusedBeforeTheAskIsRefusedToo(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        try (TestPeer alice = aliceByHand();
             Tool bob = bobWritingItsPath(out, work, "--timeout", "10")) {
            MsrpPath bobPath = MsrpPath.parse(awaitFile(work.resolve("bob.path")));
            String alicePath = alice.path().toString();
            bob.await("Destination path: ", WAIT);
            type(bob, madeUpPathLike(alicePath) + "\r");
            alice.send(piece(alice, bobPath, "one.txt", 0, 10), Arrays.copyOfRange(THIRTY_BYTES, 0, 10),
                    Continuation.MORE);
            bob.await("Refused .* from .*Give the sender's path again[\\s\\S]*Destination path: ", WAIT);
            type(bob, alicePath + "\r");
            Thread.sleep(2000); // the receiver has taken the path by then
            alice.send(piece(alice, bobPath, "one.txt", 10, 10), Arrays.copyOfRange(THIRTY_BYTES, 10, 20),
                    Continuation.MORE);
            alice.send(piece(alice, bobPath, "two.txt", 0, 30), THIRTY_BYTES, Continuation.COMPLETE);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
        }
        assertThat(Files.readAllBytes(out.resolve("two.txt"))).isEqualTo(THIRTY_BYTES);
        assertThat(out.resolve("one.txt")).doesNotExist();
    }

    /**
     * A receiver that asks again gives up after --peer-timeout as the first
     * prompt does, and says the path was not given again (it was given once).
     */
    @Test
    void askingAgainGivesUpAfterThePeerTimeout(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        try (TestPeer alice = aliceByHand();
             Tool bob = bobWritingItsPath(out, work, "--peer-timeout", "3")) {
            MsrpPath bobPath = MsrpPath.parse(awaitFile(work.resolve("bob.path")));
            bob.await("Destination path: ", WAIT);
            type(bob, madeUpPathLike(alice.path().toString()) + "\r");
            alice.send(piece(alice, bobPath, "one.txt", 0, 30), THIRTY_BYTES, Continuation.COMPLETE);
            bob.await("Give the sender's path again[\\s\\S]*Destination path: ", WAIT);
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(bob.output()).contains("msrp-receive: no destination path was given again within 3 s "
                    + "(--peer-timeout)");
        }
        assertThat(out.resolve("one.txt")).doesNotExist();
    }

    /** Alice signed in by the test itself, to send chunks as it chooses. */
    private TestPeer aliceByHand() throws Exception {
        return TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
    }

    /** {@code path} with a session id nobody has: a path of an earlier run, or mistyped. */
    private static String madeUpPathLike(String path) {
        return path.substring(0, path.lastIndexOf('/') + 1) + "Qq56Qq56Qq56Qq56Qq56;tcp";
    }

    /** A chunk of a 30-byte file, its message named after the file. */
    private static MsrpRequest piece(TestPeer from, MsrpPath to, String name, long at, long length) {
        return from.sendTo(to, TestPeer.fileHeaders(name, 30).set(MsrpHeaders.BYTE_RANGE,
                ByteRange.ofChunk(at + 1, length, 30)));
    }

    /**
     * The receiver given its path only once the file came, and a wrong one:
     * it refuses the whole file after it came, keeping none of it, and both
     * ends ask again; the right paths given, the file goes whole.
     */
    @Test
    void aFileRefusedAfterItCameIsAskedAgainOnBothEnds(@TempDir Path work) throws Exception {
        byte[] bytes = randomBytes(100_000, 10);
        Path file = Files.write(work.resolve("aside.bin"), bytes);
        Path out = work.resolve("out");
        try (Tool bob = bobWritingItsPath(out, work);
             Tool alice = aliceSending(file, work)) {
            String alicePath = awaitFile(work.resolve("alice.path"));
            String bobPath = awaitFile(work.resolve("bob.path"));
            alice.await("Destination path: ", WAIT);
            type(alice, bobPath + "\r");
            bob.await("received 100000 of 100000 bytes", WAIT); // kept aside: no path given there yet
            type(bob, madeUpPathLike(alicePath) + "\r");
            alice.await("The receiver refused the file after 100000 bytes sent \\(403 [^\\n]*it was given another "
                    + "sender's path[\\s\\S]*Give the receiver's path again[\\s\\S]*Destination path: ", WAIT);
            bob.await("Refused \"aside.bin\" from .*Give the sender's path again[\\s\\S]*Destination path: ", WAIT);
            rightPathsAgain(bob, alice, alicePath, bobPath);
        }
        assertThat(Files.readAllBytes(out.resolve("aside.bin"))).isEqualTo(bytes);
    }

    /** msrp-receive as bob on a pty, signed in with MSRP_PASSWORD, its path written to work/bob.path. */
    private static Tool bobWritingItsPath(Path out, Path work, String... extra) throws Exception {
        return bob(out, Map.of("MSRP_PASSWORD", "bob-secret"), concat(List.of(extra), "--path-file",
                work.resolve("bob.path").toString()));
    }

    /** msrp-send of {@code file} as alice on a pty, its path written to work/alice.path. */
    private static Tool aliceSending(Path file, Path work) throws Exception {
        return onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send", file.toString(),
                "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--path-file", work.resolve("alice.path").toString()));
    }

    /** Both ends asked again: the right paths given, the receiver's first (as the sender's line says); both end well. */
    private static void rightPathsAgain(Tool bob, Tool alice, String alicePath, String bobPath) throws Exception {
        type(bob, alicePath + "\r");
        Thread.sleep(2000); // the other terminal a moment later: the receiver has taken its path by then
        type(alice, bobPath + "\r");
        assertThat(alice.exitCode(WAIT)).as(alice.output()).isZero();
        assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String[] concat(List<String> words, String... more) {
        List<String> all = new ArrayList<>(words);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /**
     * The same over a slow way back (every byte from the relay 2.5 s late):
     * the first chunk's 481 comes after msrp-send stopped waiting for it,
     * so more chunks went, each refused in turn; those refusals are still on
     * their way when the right path is given at once, and they are not taken
     * for the next try's.
     */
    @Test
    void refusalsOfATryBeforeAreNotTakenForTheNextOne(@TempDir Path work) throws Exception {
        byte[] bytes = randomBytes(1_000_000, 8);
        Path file = Files.write(work.resolve("late.bin"), bytes);
        Path out = work.resolve("out");
        String port = Integer.toString(relay.port());
        try (DelayingProxy slow = new DelayingProxy(relay.port(), 2500);
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", port, "--ca-file", relay.cert().toString(), "--output-dir", out.toString(),
                     "--path-file", work.resolve("bob.path").toString(), "--peer-path-file",
                     work.resolve("alice.path").toString());
             // --timeout 4: msrp-send waits 2 s for the first chunk's answer, which comes after 5.
             Tool alice = onPty(Map.of("MSRP_PASSWORD", "alice-secret"), true, List.of("msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(slow.port()), "--ca-file",
                     relay.cert().toString(), "--timeout", "4", "--path-file",
                     work.resolve("alice.path").toString()))) {
            String bobPath = awaitFile(work.resolve("bob.path"));
            String relayUri = bobPath.substring(0, bobPath.indexOf(' '));
            alice.await("Destination path: ", Duration.ofSeconds(60));
            type(alice, relayUri.substring(0, relayUri.lastIndexOf('/') + 1) + "Xy12Xy12Xy12Xy12Xy12;tcp"
                    + bobPath.substring(relayUri.length()) + "\r");
            alice.await("leads to no session \\(481 [^)]*\\)[\\s\\S]*Destination path: ", WAIT);
            assertThat(alice.output()).as("the whole file went before the refusal came").contains("1000000/1000000 bytes");
            type(alice, bobPath + "\r");
            assertThat(alice.exitCode(Duration.ofSeconds(60))).as(alice.output()).isZero();
            assertThat(bob.exitCode(WAIT)).as(bob.output()).isZero();
        }
        assertThat(Files.readAllBytes(out.resolve("late.bin"))).isEqualTo(bytes);
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
    /** passwd on a terminal: two passwords that differ are asked again, as passwd(1) does, not the end of it. */
    @Test
    void passwdAsksAgainWhenTheTwoPasswordsDiffer(@TempDir Path work) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "stty cols 160 rows 40; " + String.join(" ", java, "-XX:TieredStopAtLevel=1", "-jar",
                Tool.JAR.toString(), "msrp-relay", "--state-dir", work.toString(), "passwd", "carol@example.com");
        try (Tool passwd = Tool.run(Map.of("TERM", "xterm"), List.of("script", "-qfec", command, "/dev/null"))) {
            passwd.await("Password: ", WAIT);
            type(passwd, "carol-one\r");
            passwd.await("Password again: ", WAIT);
            type(passwd, "carol-two\r");
            passwd.await("The two passwords differ; type it again\\.[\\s\\S]*Password: ", WAIT);
            type(passwd, "carol-secret\r");
            passwd.await("Password again: [\\s\\S]*Password again: ", WAIT);
            type(passwd, "carol-secret\r");
            assertThat(passwd.exitCode(WAIT)).as(passwd.output()).isZero();
            assertThat(passwd.output()).doesNotContain("carol-one", "carol-two", "carol-secret");
        }
        String ha1 = org.msrptools.protocol.DigestAlgorithm.MD5.ha1("carol", "example.com", "carol-secret");
        assertThat(Files.readString(work.resolve("accounts.htdigest"))).contains("carol:example.com:" + ha1);
    }
}
