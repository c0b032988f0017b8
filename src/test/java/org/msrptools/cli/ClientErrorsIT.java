package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Tool;
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
        args[4] = "--to-path=msrps://localhost:1/x;tcp";
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
                     "--to-path=msrps://localhost:1/x;tcp")) {
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
                     "--to-path=msrps://localhost:1/x;tcp")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.TLS);
            assertThat(t.output()).contains("certificate has expired").doesNotContain("Exception");
        }
    }

    @Test
    void insecureWorksAndWarns() throws Exception {
        try (Tool t = receive(Map.of("MSRP_PASSWORD", "alice-secret"), "--insecure", "--timeout", "1")) {
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

    @Test
    void passwordFromAFile(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "alice-secret\n");
        try (Tool t = receive(Map.of(), "--ca-file", relay.cert().toString(), "--password-file", pw.toString(),
                "--timeout", "1")) {
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

    @Test
    void everyOptionIsCheckedBeforeThePasswordIsAsked(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        // No password source and no terminal: asking for it would be an error of its own.
        try (Tool t = Tool.start(Map.of(), "msrp-send", file.toString(), "alice@example.com", "127.0.0.1", "285S")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("msrp-send: bad port '285S'").doesNotContain("password");
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
            assertThat(t.output()).contains("cannot read /no/such/file");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "no-at-sign")) {
            assertThat(t.exitCode(EXIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(t.output()).contains("'no-at-sign' is not USER@DOMAIN");
        }
        try (Tool t = Tool.start(Map.of(), "msrp-receive", "--help")) {
            assertThat(t.exitCode(EXIT)).isZero();
            assertThat(t.output()).contains("Exit codes:", "5  authentication failed",
                    "9  sent, but the receiver did not confirm delivery (msrp-send)", "130  a client stopped by Ctrl-C");
        }
    }
}
