package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Transfer;

/** The relay dies (SIGKILL) in the middle of a transfer. */
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
}
