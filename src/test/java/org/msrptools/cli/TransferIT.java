package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Transfer;

/** msrp-send -> msrp-relay -> msrp-receive, all three real processes. */
class TransferIT extends TransferContract {

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int port() {
        return relay.port();
    }

    @Override
    Path caFile() {
        return relay.cert();
    }

    /** Blocks of several chunks, as every other relay gets them. */
    @Test
    void tenKibChunksWhenAsked(@TempDir Path work) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        new Random(4).nextBytes(data);
        Transfer t = transfer(work, Files.write(work.resolve("small-chunks.bin"), data),
                List.of("--chunk-size", "10k", "--verbose"));
        assertThat(t.sender.output()).contains("Byte-Range=1-10240/" + data.length + ",",
                "Byte-Range=10241-20480/" + data.length + ",");
    }

    /** Our relay says it takes 64 KiB chunks (Max-Chunk-Size), and both clients signed in to it. */
    @Override
    int defaultChunkSize() {
        return 65536;
    }
}
