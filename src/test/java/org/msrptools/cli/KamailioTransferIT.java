package org.msrptools.cli;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same transfers through an independent relay: Kamailio's MSRP module,
 * started on 127.0.0.1:2856 by shared/peers/kamailio/start.sh (which .ci/run
 * calls; it installs the Debian packages). Skipped, saying why, only where
 * Kamailio cannot be installed or started.
 */
class KamailioTransferIT extends TransferContract {

    static final Path START = Path.of("..", "shared", "peers", "kamailio", "start.sh").toAbsolutePath().normalize();
    static final Path CERT = Path.of("/tmp/kamailio-msrp/cert.pem");

    @BeforeAll
    static void kamailio() throws Exception {
        if (!listening()) {
            Assumptions.assumeTrue(Files.isRegularFile(START), "Kamailio interop skipped: no " + START);
            Process p = new ProcessBuilder("sh", START.toString()).inheritIO().start();
            Assumptions.assumeTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0,
                    "Kamailio interop skipped: " + START + " could not install or start Kamailio");
        }
        Assumptions.assumeTrue(listening(), "Kamailio interop skipped: nothing listens on 127.0.0.1:2856");
    }

    private static boolean listening() {
        try (Socket s = new Socket("127.0.0.1", 2856)) {
            return Files.isRegularFile(CERT);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int port() {
        return 2856;
    }

    @Override
    Path caFile() {
        return CERT;
    }
}
