package org.msrptools.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;

/** msrp-send -> msrp-relay -> msrp-receive, all three real processes. */
class TransferIT extends TransferContract {

    private static RelayProcess relay;
    @TempDir
    static Path shared;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayProcess.start(shared.resolve("relay"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int port() {
        return relay.port;
    }

    @Override
    Path caFile() {
        return relay.cert();
    }
}
