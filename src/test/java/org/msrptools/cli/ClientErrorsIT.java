package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.CertificateFiles;

/** What the commands say and return when something is wrong: one line, its exit code. */
class ClientErrorsIT {

    private static final Duration EXIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    private static Tool receive(Map<String, String> env, String... extra) throws Exception {
        String[] args = new String[5 + extra.length];
        args[0] = "msrp-receive";
        args[1] = "alice@example.com";
        args[2] = "127.0.0.1";
        args[3] = Integer.toString(relay.port());
        args[4] = "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp";
        System.arraycopy(extra, 0, args, 5, extra.length);
        return Tool.start(env, args);
    }

    private static long lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void wrongPassword() throws Exception {
        try (Tool t = receive(Map.of("MSRP_PASSWORD", "nope"), "--ca-file", relay.cert().toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.AUTHENTICATION);
            assertThat(t.output()).contains("msrp-receive: authentication failed for alice@example.com")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aDomainThatIsNotTheRelaysRealmIsSaid() throws Exception {
        try (Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.org",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString())) {
            t.await("The relay's realm is example\\.com, not example\\.org: signing in as alice@example\\.com", EXIT);
            t.await("Path to send in SDP:", EXIT);
        }
    }

    @Test
    void untrustedRelayCertificate() throws Exception {
        try (Tool t = receive(Map.of("MSRP_PASSWORD", "alice-secret"))) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TLS);
            assertThat(t.output()).contains("certificate is not trusted").doesNotContain("Exception");
            assertThat(lines(t.output())).as(t.output()).isEqualTo(2); // "Connecting to ..." and the error
        }
    }

    @Test
    void wrongHostNameInTheCertificate(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("other-cert.pem");
        Path key = dir.resolve("other-key.pem");
        CertificateFiles.createSelfSigned(cert, key, List.of("relay.example.net"), Duration.ofDays(1));
        try (RelayProcess other = RelayProcess.start(dir.resolve("state"), List.of(), "--cert", cert.toString(),
                "--key", key.toString());
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "127.0.0.1", Integer.toString(other.port), "--ca-file", cert.toString(),
                     "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TLS);
            assertThat(t.output()).contains("does not name this host").contains("127.0.0.1")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void expiredRelayCertificate(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("old-cert.pem");
        Path key = dir.resolve("old-key.pem");
        java.time.Instant now = java.time.Instant.now();
        CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1"),
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try (RelayProcess old = RelayProcess.start(dir.resolve("state"), List.of(), "--cert", cert.toString(),
                "--key", key.toString());
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "127.0.0.1", Integer.toString(old.port), "--ca-file", cert.toString(),
                     "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TLS);
            assertThat(t.output()).contains("certificate has expired").doesNotContain("Exception");
        }
    }

    @Test
    void insecureWorksAndWarns() throws Exception {
        try (Tool t = receive(Map.of("MSRP_PASSWORD", "alice-secret"), "--insecure", "--peer-timeout", "1")) {
            t.await("Path to send in SDP:", EXIT);
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(t.output()).contains("WARNING: --insecure");
        }
    }

    @Test
    void noPasswordSourceAndNoTerminalIsAClearErrorNotAHang() throws Exception {
        try (Tool t = receive(Map.of(), "--ca-file", relay.cert().toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("no terminal to ask for the password");
        }
    }

    /** A CI secret that is not set, or an empty file: no password is tried (the relay would count a failure). */
    @Test
    void anEmptyPasswordIsNotSent(@TempDir Path dir) throws Exception {
        try (Tool t = receive(Map.of("MSRP_PASSWORD", ""), "--ca-file", relay.cert().toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-receive: MSRP_PASSWORD is empty: set it to the password, or unset "
                    + "it to be asked").doesNotContain("Connecting");
        }
        Path pw = Files.writeString(dir.resolve("pw"), "\n");
        try (Tool t = receive(Map.of(), "--ca-file", relay.cert().toString(), "--password-file", pw.toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-receive: the first line of " + pw + " is empty: no password");
        }
    }

    @Test
    void passwordFromAFile(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "alice-secret\n");
        try (Tool t = receive(Map.of(), "--ca-file", relay.cert().toString(), "--password-file", pw.toString(),
                "--peer-timeout", "1")) {
            t.await("Path to send in SDP:", EXIT);
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TIMEOUT);
        }
    }

    @Test
    void relayNotListeningIsSaidOnceWithAHint() throws Exception {
        try (Tool t = Tool.start(Map.of("MSRP_PASSWORD", "x"), "msrp-receive", "alice@example.com", "127.0.0.1", "1")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.CONNECTION);
            assertThat(t.output().lines().filter(l -> l.contains("cannot connect"))).containsExactly(
                    "msrp-receive: cannot connect to 127.0.0.1:1: connection refused (is a relay running there?)");
        }
    }

    /**
     * A host that drops the connection (a full listen queue here, as a
     * firewall would) is no answer, not a refusal (found by a new user: it
     * was called "connection refused", after the whole --timeout).
     */
    @Test
    void aHostThatNeverAnswersIsSaidSoNotRefused() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket first = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort());
             Socket second = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort());
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "x"), "msrp-receive", "alice@example.com", "127.0.0.1",
                     Integer.toString(full.getLocalPort()), "--timeout", "2")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.CONNECTION);
            assertThat(t.output().lines().filter(l -> l.contains("cannot connect"))).containsExactly(
                    "msrp-receive: cannot connect to 127.0.0.1:" + full.getLocalPort() + ": no answer within 2 s "
                            + "(is the host down, or does a firewall drop the connection?)");
        }
    }

    @Test
    void everyOptionIsCheckedBeforeThePasswordIsAsked(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        // No password source and no terminal: asking for it would be an error of its own.
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1", "285S")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: bad port '285S'").doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1:2855",
                "2855")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: the relay's port is given twice: in '127.0.0.1:2855' and as "
                    + "RELAY_PORT").doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1:2855:1")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: bad relay '127.0.0.1:2855:1'").doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1:0")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: bad port '0': a number from 1 to 65535")
                    .doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1:28x")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: bad port '28x'").doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1",
                "--failure-report", "no")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: --failure-report: partial or yes, not 'no'")
                    .doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1",
                "--window", "4")) { // partial, the default: a window would be silently meaningless
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: --window applies only with --failure-report yes")
                    .doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1",
                "--failure-report", "YES", "--window", "0")) { // the value's case does not matter, as on the wire
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: --window must be at least 1, not 0")
                    .doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "alice@example.com", "127.0.0.1",
                "--to-path", "msrps://localhost:1;tcp")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("bad destination path").doesNotContain("password");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "alice@example.com", "127.0.0.1",
                "--ca-file", dir.resolve("missing.pem").toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output()).contains("cannot load --ca-file").doesNotContain("password");
        }
    }

    @Test
    void outputDirIsCheckedBeforeThePasswordIsAsked(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        // No password source and no terminal: asking for it would be an error of its own.
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--output-dir",
                file.toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output().lines().filter(l -> !l.isBlank()))
                    .containsExactly("msrp-receive: --output-dir " + file + " is not a directory");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--output-dir",
                file.resolve("in").toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("--output-dir " + file.resolve("in") + " cannot be created: " + file
                    + " is not a directory").doesNotContain("password");
        }
    }

    @Test
    void insecureWithACaFileIsAUsageErrorNotTheWeakerOfTheTwo() throws Exception {
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--insecure",
                "--ca-file", relay.cert().toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-receive: --insecure and --ca-file exclude each other")
                    .doesNotContain("WARNING", "password");
        }
    }

    /** Path files that cannot work are said before the password is asked (no MSRP_PASSWORD here). */
    @Test
    void pathFilesThatCannotWorkAreSaidBeforeThePassword(@TempDir Path dir) throws Exception {
        Path same = dir.resolve("a.path");
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--path-file",
                same.toString(), "--peer-path-file", dir.resolve(".").resolve("a.path").toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-receive: --path-file and --peer-path-file name the same file")
                    .doesNotContain("password");
        }
        Path nowhere = dir.resolve("no-dir/a.path");
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--path-file",
                nowhere.toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output()).contains("msrp-receive: cannot write path file " + nowhere + ": its directory "
                    + dir.resolve("no-dir") + " does not exist").doesNotContain("password");
        }
    }

    @Test
    void aFileThatCannotBeReadIsNamedOnce(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("no-such.pw");
        try (Tool t = receive(Map.of(), "--ca-file", relay.cert().toString(), "--password-file", pw.toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output().lines().filter(l -> l.startsWith("msrp-receive:"))).containsExactly(
                    "msrp-receive: cannot read password file " + pw + ": no such file or directory");
        }
        Path ca = dir.resolve("no-such-ca.pem");
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1", "--ca-file",
                ca.toString())) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output().lines().filter(l -> !l.isBlank())).containsExactly(
                    "msrp-receive: cannot load --ca-file " + ca + ": no such file or directory");
        }
    }

    @Test
    void halfAPathGetsAHintToPasteTheWholeLine() throws Exception {
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "bob@example.com", "127.0.0.1",
                "--to-path", " msrps://localhost:2855/aSessionOfTheRelay;tcp\n")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("one URI only; give the whole line the other side printed after "
                    + "\"Path to send in SDP:\"").doesNotContain("password");
        }
    }

    @Test
    void aStalePathIsRefusedAtTheFirstChunkAndSaidAtOnce(@TempDir Path dir) throws Exception {
        String stale;
        try (Tool bob = receive(Map.of("MSRP_PASSWORD", "alice-secret"), "--ca-file", relay.cert().toString())) {
            stale = bob.await("^(msrps://\\S+ msrps://\\S+)$", EXIT);
            bob.signal("TERM");
            assertThat(bob.exitCode(EXIT)).isEqualTo(ExitCodes.TERMINATED);
        }
        Path file = Files.writeString(dir.resolve("f.txt"), "for nobody");
        try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--to-path", stale)) {
            assertThat(alice.exitCode(Duration.ofSeconds(20))).as(alice.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(alice.output()).contains("msrp-send: the receiver's path leads to no session (481 ");
        }
    }

    /** Another sender's path given for the receiver's: the line says so, not only that something refused. */
    @Test
    void anotherSendersPathIsSaidToBeOne(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "for a receiver");
        String port = Integer.toString(relay.port());
        try (Tool carol = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                "alice@example.com", "127.0.0.1", port, "--ca-file", relay.cert().toString(), "--path-file",
                dir.resolve("carol.path").toString(), "--peer-timeout", "30")) {
            String carolPath = carol.await("^(msrps://\\S+ msrps://\\S+)$", EXIT);
            try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", port, "--ca-file", relay.cert().toString(), "--to-path",
                    carolPath)) {
                assertThat(alice.exitCode(EXIT)).as(alice.output()).isEqualTo(ExitCodes.TRANSFER);
                assertThat(alice.output()).contains("msrp-send: the path given is another sender's, not a receiver's "
                        + "(403 This end only sends): msrp-send takes no file");
            }
            carol.signal("TERM");
        }
    }

    /**
     * A path through another relay that our relay will not reach (a private
     * address): the refusal is the relay's own, never said to be the
     * receiver's, whether it comes as a response (a chunk the relay had whole
     * before it knew) or as its failure REPORT (a chunk still streaming when
     * it knew). Nothing on the wire tells it from a receiver's refusal that
     * the relay passes on as a REPORT of its own: it is said to be either's.
     */
    @Test
    void aRefusalByTheRelayIsNotBlamedOnTheReceiver(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[3_000_000]);
        for (String chunkSize : List.of("10240", "1000000")) {
            try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                    relay.cert().toString(), "--chunk-size", chunkSize,
                    "--to-path", "msrps://localhost:2855/abc;tcp msrps://bob.example:2855/def;tcp")) {
                assertThat(alice.exitCode(EXIT)).as(alice.output()).isEqualTo(ExitCodes.TRANSFER);
                assertThat(alice.output()).as(chunkSize).containsPattern("msrp-send: the relay or the receiver refused "
                        + "the file at its first chunk: 403 Next hop localhost is a private address");
            }
        }
        // The receiver's refusal reaches the sender as our relay's REPORT: worded the same, not blamed on a relay.
        try (Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--max-size", "1000",
                "--output-dir", dir.resolve("out").toString(), "--path-file", dir.resolve("bob.path").toString(),
                "--peer-path-file", dir.resolve("alice.path").toString());
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                     relay.cert().toString(), "--path-file", dir.resolve("alice.path").toString(),
                     "--peer-path-file", dir.resolve("bob.path").toString())) {
            assertThat(alice.exitCode(EXIT)).as(alice.output()).isEqualTo(ExitCodes.TRANSFER);
            // The receiver reads on after its 413 until the sender stops, so the 413 comes first. It is on the first
            // chunk, but more may have gone before it came: the line says how much.
            assertThat(alice.output()).containsPattern("msrp-send: the relay or the receiver refused the file (at its "
                    + "first chunk|after \\d+ bytes sent): 413 File of 3000000 bytes is over the limit")
                    .doesNotContain("a relay on the way refused");
            assertThat(bob.exitCode(EXIT)).isEqualTo(ExitCodes.TRANSFER);
        }
    }

    /** RELAY_HOST as HOST:PORT, an IPv6 address in brackets (the form a URI needs, and AUTH's To-Path is one). */
    @Test
    void anIpv6RelayHostWithItsPortSignsIn(@TempDir Path dir) throws Exception {
        try (RelayProcess v6 = RelayProcess.start(dir.resolve("relay"), List.of(), "--listen", "[::1]:0");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "[::1]:" + v6.port, "--insecure", "--peer-path-file", dir.resolve("never").toString())) {
            bob.await("^Path to send in SDP:", EXIT);
            assertThat(bob.output()).contains("Connecting to [::1]:" + v6.port);
        }
    }

    /** A hostile receiver's words reach the sender's terminal, but not its escape sequences. */
    @Test
    void wireTextIsPrintedWithoutItsControlCharacters(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[3000]);
        try (TestPeer mallory = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob")) {
            mallory.autoRespond = 403;
            mallory.autoComment = "\u001b[31mEVIL\u001b]0;owned\u0007\u001b[2J";
            try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                    relay.cert().toString(), "--to-path", mallory.path().toString())) {
                assertThat(alice.exitCode(EXIT)).as(alice.output()).isEqualTo(ExitCodes.TRANSFER);
                assertThat(alice.output()).contains("403 ?[31mEVIL?]0;owned??[2J").doesNotContain("\u001b")
                        .doesNotContain("\u0007");
            }
        }
    }

    /** Something listens on 127.0.0.1 and does what a port other than a relay's TLS port does. */
    private static void notTls(String what, Consumer<Socket> behaviour) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        behaviour.accept(server.accept());
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (Tool t = Tool.start(Map.of("MSRP_PASSWORD", "x"), "msrp-receive", "bob@example.com", "127.0.0.1",
                    Integer.toString(server.getLocalPort()), "--timeout", "3")) {
                assertThat(t.exitCode(EXIT)).as(what + ": " + t.output()).isEqualTo(ExitCodes.CONNECTION);
                assertThat(t.output().lines().filter(l -> l.startsWith("msrp-receive:"))).as(what).singleElement()
                        .asString().startsWith("msrp-receive: 127.0.0.1:" + server.getLocalPort())
                        .containsPattern("\\(is this an MSRP relay's TLS port\\?( or a relay over its cap on "
                                + "connections, which its log says\\?)?\\)$");
                assertThat(t.output()).doesNotContain("Exception");
            }
        }
    }

    @Test
    void aPortThatDoesNotSpeakTlsGetsOneLineWithTheQuestionToAsk() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        notTls("silent", held::add);
        notTls("closes at once", socket -> {
            try {
                socket.close();
            } catch (IOException e) {
                // closed anyway
            }
        });
        notTls("plain text", socket -> {
            try {
                socket.getOutputStream().write("MSRP x 400 Plain MSRP here\r\n".getBytes(StandardCharsets.US_ASCII));
                held.add(socket);
            } catch (IOException e) {
                // the client went
            }
        });
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void ownPathPastedIsRefusedWithAHint(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        try (Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString())) {
            String own = t.await("^(msrps://\\S+ msrps://\\S+)$", EXIT);
            t.stdin().write((own + "\n").getBytes(StandardCharsets.US_ASCII));
            t.stdin().flush();
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: that is this side's own path: give the path the other side "
                    + "printed").doesNotContainPattern("(?<![\\w-])403(?![\\w-])"); // a status, not digits of a port
        }
    }

    @Test
    void anUnknownRelayOptionGetsOneLineAndASuggestionNotTheWholeHelp() throws Exception {
        try (Tool t = Tool.start(Map.of(), "msrp-relay", "--bogus")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output().lines().filter(l -> !l.isBlank())).containsExactly(
                    "msrp-relay: Unknown option: '--bogus'", "Try 'msrp-relay --help' for the options.");
        }
    }

    @Test
    void badDestinationPath() throws Exception {
        try (Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--to-path", "msrps://localhost:1;tcp")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("bad destination path: its last URI has no session id");
        }
    }

    @Test
    void usageErrors() throws Exception {
        try (Tool t = Tool.start(Map.of(), "msrp-send")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("Missing required parameters");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", "/no/such/file", "alice@example.com", "127.0.0.1")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output()).contains("cannot read /no/such/file: no such file or directory");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", "/tmp", "alice@example.com", "127.0.0.1")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(t.output()).contains("cannot read /tmp: it is a directory (send one file)");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-send", "/tmp", "alice@example.com", "127.0.0.1", "--chunk-size",
                "17M")) { // found by review: 2G overflowed the chunk's buffer size, and the send waited out --timeout
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("--chunk-size must be at most 16777216 (16M), not 17825792");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "no-at-sign")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("'no-at-sign' is not USER@DOMAIN");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "--help")) {
            assertThat(t.exitCode(EXIT)).isZero();
            assertThat(t.output()).contains("Exit codes:", "5  authentication failed", "130  stopped by Ctrl-C")
                    .as("msrp-send's alone").doesNotContain("did not confirm delivery");
        }
    }
}
