package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;

/**
 * msrp-relay from nothing: no state directory, no accounts; the start block;
 * accounts added while it runs; a config file; SIGTERM exits 0. (Tests bind
 * loopback only, so --listen 127.0.0.1:0 is the one option given.)
 */
class RelayStartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void startsWithNoSetUpAndPicksUpNewAccountsAndStopsCleanly(@TempDir Path home) throws Exception {
        try (Tool relay = Tool.start(Map.of("HOME", home.toString()), "msrp-relay", "--listen", "127.0.0.1:0")) {
            int port = Integer.parseInt(relay.await("Listening on: +127\\.0\\.0\\.1:(\\d+) \\(TLS\\)", WAIT));
            relay.await("No accounts yet: add one with +bin/msrp-relay passwd USER@DOMAIN", WAIT);
            assertThat(relay.output()).contains("Domain (realm):", "Use-Path host:", "SHA-256:", "(0 accounts)")
                    .containsPattern("Valid until: +20\\d\\d-\\d\\d-\\d\\d UTC \\(3650 days\\)");
            Path state = home.resolve(".msrp-relay");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("key.pem"))))
                    .isEqualTo("rw-------");
            assertThat(state.resolve("cert.pem")).exists();
            assertThat(relay.output()).contains(state.resolve("cert.pem").toString());

            try (Tool passwd = Tool.start(Map.of("MSRP_PASSWORD", "dave-secret", "HOME", home.toString()),
                    "msrp-relay", "passwd", "dave@example.org")) {
                assertThat(passwd.exitCode(WAIT)).isZero();
                assertThat(passwd.output()).doesNotContain("Note:");
            }
            // An account of a second domain: said how it signs in, as clients given the address use the first.
            try (Tool passwd = Tool.start(Map.of("MSRP_PASSWORD", "erin-secret", "HOME", home.toString()),
                    "msrp-relay", "passwd", "erin@example.net")) {
                assertThat(passwd.exitCode(WAIT)).isZero();
                assertThat(passwd.output()).contains("Note: example.net is not the file's first domain (example.org): "
                        + "erin@example.net signs in when the client finds the relay by DNS SRV for example.net");
            }
            assertThat(Files.readString(state.resolve("accounts.htdigest"))).startsWith("dave:example.org:");
            Thread.sleep(1100); // the file is checked at most once a second
            try (TestPeer dave = TestPeer.connect(port, TlsContexts.client(state.resolve("cert.pem"), false))) {
                assertThat(dave.auth(port, "dave", "dave-secret", null).code()).as("no restart needed").isEqualTo(200);
            }
            relay.signal("TERM");
            assertThat(relay.exitCode(WAIT)).isZero();
            assertThat(relay.output()).contains("Stopped.");
        }
    }

    @Test
    void passwdChangesTheAccountsOfTheRelayNamedBeforeIt(@TempDir Path home) throws Exception {
        Path state = home.resolve("state");
        Path password = Files.writeString(home.resolve("password"), "erin-secret\n");
        try (Tool passwd = Tool.start(Map.of("HOME", home.toString()), "msrp-relay", "--state-dir",
                state.toString(), "passwd", "erin@example.org", "--password-file", password.toString())) {
            assertThat(passwd.exitCode(WAIT)).isZero();
            assertThat(passwd.output()).as("no relay ran there: nothing to say").doesNotContain("Note:");
        }
        // Where a relay ran (its certificate) and made no accounts file, it reads a database.
        Path dbState = Files.createDirectories(home.resolve("db-state"));
        Files.writeString(dbState.resolve("cert.pem"), "");
        try (Tool passwd = Tool.start(Map.of("HOME", home.toString()), "msrp-relay", "--state-dir",
                dbState.toString(), "passwd", "erin@example.org", "--password-file", password.toString())) {
            assertThat(passwd.exitCode(WAIT)).isZero();
            assertThat(passwd.output()).contains("Note: " + dbState.resolve("accounts.htdigest") + " is new, where a "
                    + "relay ran: a relay started with --accounts-jdbc-url reads its database, not this file");
        }
        assertThat(Files.readString(state.resolve("accounts.htdigest")))
                .isEqualTo("erin:example.org:" + DigestAlgorithm.MD5.ha1("erin", "example.org", "erin-secret") + "\n");
        assertThat(home.resolve(".msrp-relay")).doesNotExist();

        // The relay's command line wins over its config file, for passwd as for the relay.
        Path config = Files.writeString(home.resolve("relay.conf"), "state-dir=" + home.resolve("from-config") + "\n");
        try (Tool passwd = Tool.start(Map.of("MSRP_PASSWORD", "erin-secret", "HOME", home.toString()),
                "msrp-relay", "--config", config.toString(), "--state-dir", state.toString(), "passwd",
                "frank@example.org")) {
            assertThat(passwd.exitCode(WAIT)).isZero();
        }
        assertThat(Files.readString(state.resolve("accounts.htdigest"))).contains("frank:example.org:");
        assertThat(home.resolve("from-config")).doesNotExist();

        // --delete removes one account, no password asked; a second time there is none to remove.
        for (int expected : new int[] {ExitCodes.OK, ExitCodes.USAGE}) {
            try (Tool passwd = Tool.start(Map.of("HOME", home.toString()), "msrp-relay", "--state-dir",
                    state.toString(), "passwd", "--delete", "frank@example.org")) {
                assertThat(passwd.exitCode(WAIT)).as(passwd.output()).isEqualTo(expected);
                assertThat(passwd.output()).contains(expected == ExitCodes.OK ? "Account frank@example.org removed from"
                        : "msrp-relay passwd: no account frank@example.org in");
            }
        }
        assertThat(Files.readString(state.resolve("accounts.htdigest"))).doesNotContain("frank:")
                .startsWith("erin:example.org:");

        for (List<String> refused : List.of(
                List.of("--accounts-jdbc-url", "jdbc:postgresql://127.0.0.1:9/accounts", "passwd", "erin@example.org"),
                List.of("--config", home.resolve("missing.conf").toString(), "passwd", "erin@example.org"),
                List.of("passwd", "erin@example.org", "--password-file", Files.writeString(home.resolve("empty"), "")
                        .toString()))) {
            List<String> args = new ArrayList<>(List.of("msrp-relay"));
            args.addAll(refused);
            try (Tool passwd = Tool.start(Map.of("MSRP_PASSWORD", "erin-secret", "HOME", home.toString()),
                    args.toArray(String[]::new))) {
                assertThat(passwd.exitCode(WAIT)).as(String.join(" ", refused)).isEqualTo(ExitCodes.USAGE);
                assertThat(passwd.output()).containsAnyOf("reads its accounts from --accounts-jdbc-url",
                        "cannot read config file", "the password is empty");
            }
        }
        assertThat(home.resolve(".msrp-relay")).doesNotExist();
    }

    @Test
    void optionsComeFromAConfigFileAndFlagsWin(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("relay.properties"), String.join("\n",
                "listen=127.0.0.1:0", "domain=config.example", "hostname=relay.config.example",
                "state-dir=" + dir.resolve("state"), ""));
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--config", config.toString(),
                "--hostname", "relay.flag.example")) {
            relay.await("Listening on: +127\\.0\\.0\\.1:(\\d+)", WAIT);
            relay.await("Use-Path host: +relay.flag.example", WAIT);
            relay.await("Clients trust it with --ca-file", WAIT); // the start block's last line
            assertThat(relay.output()).contains("Domain (realm):  config.example",
                    "Names:           relay.flag.example, localhost, 127.0.0.1, ").doesNotContain("WARNING")
                    .doesNotContain("Note:");
            relay.signal("TERM");
            assertThat(relay.exitCode(WAIT)).isZero();
        }
        // The certificate made then does not name another host: said at start, not left to the clients.
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--config", config.toString(),
                "--hostname", "relay.other.example")) {
            relay.await("WARNING: +the certificate does not name the Use-Path host relay.other.example: peers that "
                    + "connect by it will refuse it", WAIT);
            relay.signal("TERM");
            assertThat(relay.exitCode(WAIT)).isZero();
        }
    }

    /** A machine's own name in Use-Path: other relays may not resolve it, which is said at start. */
    @Test
    void aUsePathHostOfOneLabelIsNoted(@TempDir Path dir) throws Exception {
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--hostname", "relaylab")) {
            relay.await("Note: +the Use-Path host relaylab is a name of one label, which relays on other machines "
                    + "may not resolve", WAIT);
            relay.signal("TERM");
            assertThat(relay.exitCode(WAIT)).isZero();
        }
    }

    @Test
    void logsOneJsonObjectPerLineOnRequestAndServesHealth(@TempDir Path dir) throws Exception {
        // A directory others may write: its start warning is a JSON line too, whole (found in a read: a plain
        // "msrp-relay: WARNING:" line among the JSON ones, and the start itself only on stdout).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--log-format", "json", "--metrics", "127.0.0.1:0")) {
            int port = Integer.parseInt(relay.await("Listening on: +127\\.0\\.0\\.1:(\\d+) \\(TLS\\)", WAIT));
            int metrics = Integer.parseInt(relay.await("Metrics: +http://127\\.0\\.0\\.1:(\\d+)/metrics "
                    + "\\(health at /health\\)", WAIT));
            String sha256 = relay.await("SHA-256: +([0-9A-F:]{95})", WAIT);
            relay.await("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"WARNING\",\"event\":\"start_warning\","
                    + "\"warning\":\"" + Pattern.quote(dir + " is writable by every user (rwxrwxrwx)") + ".*"
                    + Pattern.quote(": chmod o-w " + dir) + "\"\\}$", WAIT);
            relay.await("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"INFO\",\"event\":\"relay_started\",.*"
                    + "\"listen\":\"127\\.0\\.0\\.1:" + port + "\",.*\"sha256\":\"" + sha256 + "\",\"not_after\":\"20\\d\\d-.*"
                    + "\"accounts_count\":0,\"metrics\":\"http://127\\.0\\.0\\.1:" + metrics + "/metrics\"\\}$", WAIT);
            try (TestPeer mallory = TestPeer.connect(port, TlsContexts.client(dir.resolve("cert.pem"), false))) {
                assertThat(mallory.auth(port, "mallory", "guess", null).code()).isEqualTo(401);
            }
            relay.await("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"INFO\",\"event\":\"connection_accepted\","
                    + "\"address\":\"127\\.0\\.0\\.1\",\"port\":\\d+,\"open\":1\\}$", WAIT);
            relay.await("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"WARNING\",\"event\":\"auth_failed\","
                    + "\"user\":\"mallory@[^\"]+\",\"address\":\"127\\.0\\.0\\.1\",\"reason\":\"unknown user\","
                    + "\"attempt\":1\\}$", WAIT);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metrics + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            relay.signal("TERM");
            assertThat(relay.exitCode(WAIT)).isZero();
            relay.await("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"INFO\",\"event\":\"relay_stopped\"\\}$", WAIT);
            assertThat(relay.output().lines().filter(l -> l.contains("WARNING")))
                    .as("no warning outside the JSON log, but for the start block's own line")
                    .allMatch(l -> l.startsWith("{") || l.startsWith("  WARNING:"));
        }
    }

    @Test
    void aBadLogFormatMetricsAddressOrDatabaseUrlIsOneClearLine(@TempDir Path dir) throws Exception {
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--log-format", "xml")) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(relay.output()).contains("--log-format must be text or json, not 'xml'").doesNotContain("\tat ");
        }
        for (String metrics : List.of("9855", ":9855")) {
            try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen",
                    "127.0.0.1:0", "--metrics", metrics)) {
                assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
                assertThat(relay.output()).contains("--metrics needs HOST:PORT");
            }
        }
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--metrics", "no-such-host.invalid:9855")) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.CONNECTION);
            assertThat(relay.output()).contains("cannot serve metrics on no-such-host.invalid:9855: the host name does "
                    + "not resolve");
        }
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--config", dir.resolve("missing.conf").toString())) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(relay.output()).contains("cannot read config file " + dir.resolve("missing.conf")
                    + ": no such file");
        }
        Path typo = Files.writeString(dir.resolve("relay.conf"), "metric=127.0.0.1:9855\n");
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--config", typo.toString())) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(relay.output()).contains("config file " + typo + ": no such option metric (names are the "
                    + "options without dashes");
        }
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--accounts-jdbc-url", "jdbc:postgresql://127.0.0.1:5999?user=relay&password=TOPSECRET")) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(relay.output()).contains("--accounts-jdbc-url must not carry the password")
                    .doesNotContain("TOPSECRET");
        }
        try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                "--accounts-jdbc-url", "jdbc:postgresql://127.0.0.1:5999")) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(relay.output()).contains("is not a PostgreSQL JDBC URL (jdbc:postgresql://HOST[:PORT]/DATABASE)")
                    .doesNotContain("\tat ");
        }
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0",
                     "--metrics", "127.0.0.1:" + taken.getLocalPort())) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.CONNECTION);
            assertThat(relay.output()).contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort())
                    .doesNotContain("\tat ");
        }
    }

    /** Limits that would make the relay useless, and an accounts file it cannot have, stop it before it starts. */
    @Test
    void uselessLimitsAndAnAccountsFileItCannotHaveAreOneClearLine(@TempDir Path dir) throws Exception {
        Map<List<String>, String> refused = new java.util.HashMap<>(Map.of(
                List.of("--idle-timeout", "0"), "--idle-timeout must be at least 1, not 0",
                List.of("--transaction-timeout", "99999999999"), "'99999999999' is more than a year",
                List.of("--shutdown-grace", "9223372036854775807"), "'9223372036854775807' is more than a year",
                List.of("--max-expires", "10"), "--max-expires 10 is below --min-expires 60",
                List.of("--default-expires", "86400"), "--default-expires 86400 is above --max-expires 3600",
                List.of("--max-auth-failures", "0"), "--max-auth-failures must be at least 1, not 0",
                List.of("--total-buffer", "100T"), "--total-buffer 109951162777600 is more than this JVM may hold in "
                        + "buffers (",
                List.of("--accounts", dir.toString()), "is a directory: give the accounts file",
                List.of("--accounts", dir.resolve("nope/accounts.htdigest").toString()),
                "cannot create accounts file " + dir.resolve("nope/accounts.htdigest")
                        + ": no such file or directory (its directory does not exist)"));
        // Found by a new user: a link to nothing was "FileAlreadyExistsException", and a FIFO hung the start.
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        refused.put(List.of("--accounts", dangling.toString()), "accounts file " + dangling + " is a link to nothing");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        refused.put(List.of("--accounts", fifo.toString()), "cannot read accounts file " + fifo + ": not a regular file");
        for (var bad : refused.entrySet()) {
            List<String> args = new ArrayList<>(List.of("msrp-relay", "--state-dir", dir.toString(), "--listen",
                    "127.0.0.1:0"));
            args.addAll(bad.getKey());
            try (Tool relay = Tool.start(Map.of(), args.toArray(String[]::new))) {
                int code = relay.exitCode(WAIT);
                assertThat(relay.output()).as(String.join(" ", bad.getKey())).contains(bad.getValue())
                        .doesNotContain("\tat ", "Exception");
                assertThat(code).isEqualTo(bad.getKey().get(0).equals("--accounts") ? ExitCodes.LOCAL_FILE
                        : ExitCodes.USAGE);
            }
        }
    }

    @Test
    void aPortInUseIsOneClearLine(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.toString(),
                     "--listen", "127.0.0.1:" + taken.getLocalPort())) {
            assertThat(relay.exitCode(WAIT)).isEqualTo(ExitCodes.CONNECTION);
            assertThat(relay.output()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use").doesNotContain("\tat ", "bind(..)");
        }
    }

    /** A key that is not the certificate's, or not a key, stops the relay at start with one line, exit 8. */
    @Test
    void aKeyThatIsNotTheCertificatesIsOneClearLine(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        CertificateFiles.createSelfSigned(cert, dir.resolve("key.pem"), List.of("localhost"), Duration.ofDays(1));
        Path otherKey = dir.resolve("other-key.pem");
        CertificateFiles.createSelfSigned(dir.resolve("other-cert.pem"), otherKey, List.of("localhost"),
                Duration.ofDays(1));
        Path text = Files.writeString(dir.resolve("text.pem"), "not a key\n");
        Map<Path, String> refused = Map.of(
                otherKey, "cannot use key " + otherKey + ": it is not the key of the certificate (",
                text, "cannot use key " + text + ": it holds no private key in PEM",
                dir, "cannot read key " + dir + ": ");
        for (var bad : refused.entrySet()) {
            try (Tool relay = Tool.start(Map.of(), "msrp-relay", "--state-dir", dir.resolve("state").toString(),
                    "--listen", "127.0.0.1:0", "--cert", cert.toString(), "--key", bad.getKey().toString())) {
                int code = relay.exitCode(WAIT);
                assertThat(relay.output()).as(bad.getKey().toString()).contains(bad.getValue())
                        .doesNotContain("\tat ", "Exception");
                assertThat(code).isEqualTo(ExitCodes.LOCAL_FILE);
            }
        }
    }
}
