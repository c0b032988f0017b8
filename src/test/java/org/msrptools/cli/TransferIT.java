package org.msrptools.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msrptools.testing.RelayProcessExtension;

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

    /** Our relay says it takes 64 KiB chunks (Max-Chunk-Size), and both clients signed in to it. */
    @Override
    int defaultChunkSize() {
        return 65536;
    }
}
