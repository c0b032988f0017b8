package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Tool;

/**
 * Waiting for the other side against the relay's own limits: a session
 * lifetime (Expires) shorter than the wait is refreshed, so the file still
 * comes; a relay that closes an idle connection is said to have done that.
 */
class PeerWaitsIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    /**
     * Both ends outlive the lifetime the relay grants at sign-in: the
     * receiver is given the sender's path after the sessions' Expires, when
     * the file already waits aside; both refresh their sessions, and the file
     * arrives.
     */
    @Test
    void aPathGivenAfterTheSessionsLifetimeStillGetsTheFile(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("late.txt"), "given after the relay's Expires\n");
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"), List.of(), "--default-expires", "8");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port), "--ca-file", relay.cert().toString(),
                     "--output-dir", work.resolve("in").toString(), "--path-file", work.resolve("bob.path").toString(),
                     "--peer-path-file", work.resolve("alice.late").toString());
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(relay.port), "--ca-file",
                     relay.cert().toString(), "--path-file", work.resolve("alice.path").toString(),
                     "--peer-path-file", work.resolve("bob.path").toString())) {
            bob.await("is arriving; it is kept aside until the sender's path is given", EXIT);
            Thread.sleep(12_000); // past both sessions' 8 s
            Files.copy(work.resolve("alice.path"), work.resolve("alice.late"));
            assertThat(bob.exitCode(EXIT)).as(bob.output()).isZero();
            assertThat(alice.exitCode(EXIT)).as(alice.output()).isZero();
            assertThat(Files.readString(work.resolve("in/late.txt"))).isEqualTo("given after the relay's Expires\n");
            assertThat(relay.tool.output()).contains("event=session_refreshed user=alice@example.com",
                    "event=session_refreshed user=bob@example.com");
        }
    }

    @Test
    void aRelayThatClosesAnIdleConnectionIsSaidToHaveDoneSo(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"), List.of(), "--idle-timeout", "6");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port), "--ca-file", relay.cert().toString(),
                     "--output-dir", work.resolve("in").toString(),
                     "--to-path", "msrps://localhost:1/someRelaySession;tcp msrps://127.0.0.1:9/aSender;tcp")) {
            assertThat(bob.exitCode(EXIT)).as(bob.output()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(bob.output()).containsPattern("(?m)^msrp-receive: the relay closed the connection before the "
                    + "file came, after [6-9] s without traffic on it \\(relays close idle connections\\)$");
        }
    }
}
