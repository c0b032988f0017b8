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
import org.msrptools.testing.Transfer;

/**
 * The relay dies (SIGKILL) in the middle of a transfer: the connection was lost; or it stops (SIGTERM) while a
 * sender waits for its path: it closed the connection.
 */
class RelayKilledIT {

    @Test
    void bothClientsExitNonZeroWithAClearLineAndNoFileIsLeft(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 1L << 30); // far more than is sent before the kill
        RelayProcess relay = RelayProcess.start(work.resolve("relay"));
        try {
            Transfer t = Transfer.start(work, file, "127.0.0.1", relay.port,
                    List.of("--ca-file", relay.cert().toString(), "--timeout", "10"), List.of(), List.of());
            t.receiver.await("^received [1-9]\\d* of", Duration.ofSeconds(60));
            relay.tool.signal("KILL");
            int[] exits = t.exitCodes(Duration.ofSeconds(20));
            assertThat(exits[0]).as(t.sender.output()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(exits[1]).as(t.receiver.output()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(t.sender.output()).contains("msrp-send: the connection to the relay was lost after");
            assertThat(t.receiver.output()).contains("msrp-receive: the connection to the relay was lost after");
            try (var left = Files.list(work.resolve("received"))) {
                assertThat(left).as("no final file and no temporary file").isEmpty();
            }
        } finally {
            relay.close();
        }
    }

    /** A person may take minutes to paste the path: a relay gone meanwhile is said at once, not after the paste. */
    @Test
    void aSenderWaitingForThePathSeesTheRelayStopAtOnce(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("f.txt"), "hello");
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"));
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(relay.port), "--ca-file",
                     relay.cert().toString(), "--peer-path-file", work.resolve("never.path").toString())) {
            alice.await("^Path to send in SDP:", Duration.ofSeconds(30));
            relay.tool.signal("TERM");
            assertThat(alice.exitCode(Duration.ofSeconds(20))).as(alice.output()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(alice.output()).contains("msrp-send: the relay closed the connection while waiting for "
                    + "the destination path (a relay that is stopping does").doesNotContain("Starting transmission");
        }
    }
}
