package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.OriginalRelayEmulator;
import org.msrptools.testing.Transfer;

/**
 * The clients, with no option set, through a relay that behaves like the
 * original Python relay: its silent drop of an Authorization with uri, its
 * base64 ids, its fixed paths per session, its cut chunks.
 */
class OriginalRelayIT {

    @Test
    void transferThroughTheOriginalRelaysBehaviour(@TempDir Path work) throws Exception {
        byte[] data = new byte[100_000];
        new Random(5).nextBytes(data);
        Path file = Files.write(work.resolve("data.bin"), data);
        try (OriginalRelayEmulator relay = new OriginalRelayEmulator(work.resolve("orig"))) {
            Transfer t = Transfer.start(work, file, "127.0.0.1", relay.port,
                    List.of("--ca-file", relay.cert.toString(), "--timeout", "30"), List.of(), List.of());
            int[] exits = t.exitCodes(Duration.ofSeconds(90));
            assertThat(exits).as(t.sender.output() + "\n" + t.receiver.output()).containsExactly(0, 0);
            String expected = TransferContract.sha256(file);
            assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
            assertThat(TransferContract.sha256(work.resolve("received").resolve("data.bin"))).isEqualTo(expected);
            // The first sign-in (with uri) got no answer; the second (without) did.
            assertThat(t.sender.output().lines().filter(l -> l.startsWith("Connecting to"))).hasSize(2);
            assertThat(t.sender.output()).contains("File transfer completed.").doesNotContain("no delivery report");
            assertThat(t.receiver.output()).contains("msrps://127.0.0.1:" + relay.port + "/+/");
        }
    }
}
