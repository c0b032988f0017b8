package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * lifetime (Expires) shorter than --peer-timeout ends the wait, and the
 * message says it was the relay's lifetime; a relay that closes an idle
 * connection is said to have done that.
 */
class PeerWaitsIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @Test
    void aSessionLifetimeShorterThanThePeerTimeoutEndsTheWaitAndIsNamed(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"), List.of(), "--default-expires", "12");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port), "--ca-file", relay.cert().toString(),
                     "--output-dir", work.resolve("in").toString())) {
            bob.await("^Destination path: ", EXIT); // from standard input, which stays open: nobody types
            assertThat(bob.exitCode(EXIT)).as(bob.output()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(bob.output()).containsPattern("(?m)^msrp-receive: no destination path was given within [1-7] s: "
                    + "the relay ends this side's session 12 s after sign-in \\(its Expires\\), sooner than "
                    + "--peer-timeout 600 s");
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
