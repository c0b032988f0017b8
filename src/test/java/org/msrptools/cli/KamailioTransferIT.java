package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.client.DefaultChunkSize;
import org.msrptools.testing.Transfer;

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

    /**
     * Kamailio answers each chunk at once and queues it for the receiver,
     * with no back-pressure, and closes the receiver's connection when 4 MiB
     * wait. A receiver that stops for 8 s (a busy machine, a slow disk, a
     * Ctrl-Z) still gets the file, because msrp-send goes only 2 MiB beyond
     * what the receiver's REPORTs confirmed, and waits there for a receiver
     * that has been confirming as it went. Also with --accept-unconfirmed,
     * which neither lifts the pacing nor accepts a receiver that confirmed
     * part of the file and then nothing.
     */
    @Test
    void aReceiverThatStopsForEightSecondsStillGetsTheFile(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 40L << 20);
        Transfer t = Transfer.start(work, file, host(), port(),
                List.of("--ca-file", caFile().toString(), "--timeout", "30"), List.of("--accept-unconfirmed"), List.of());
        t.receiver.await("^received [1-9]\\d* of", Duration.ofSeconds(30));
        t.receiver.signal("STOP");
        Thread.sleep(8000);
        assertThat(t.receiver.output()).as("stopped before the file was in").doesNotContain("received 41943040 of");
        t.receiver.signal("CONT");
        assertThat(t.exitCodes(Duration.ofSeconds(60))).as("sender:\n" + t.sender.output() + "\nreceiver:\n"
                + t.receiver.output()).containsExactly(0, 0);
        assertThat(Transfer.sha256(t.receiver)).isEqualTo(sha256(file));
        assertThat(t.sender.output()).contains("41943040 bytes confirmed by the receiver.");
    }

    /**
     * Chunks larger than Kamailio takes: it closes the connection, and
     * msrp-send says what may be the cause (found by a new user, who was
     * told only that the connection was lost).
     */
    @Test
    void chunksLargerThanKamailioTakesEndTheSendWithAHint(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 1L << 20);
        Transfer t = Transfer.start(work, file, host(), port(), List.of("--ca-file", caFile().toString(),
                "--peer-timeout", "5"), List.of("--chunk-size", "64k"), List.of());
        try (t.sender; t.receiver) {
            assertThat(t.sender.exitCode(Duration.ofSeconds(60))).as(t.sender.output()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(t.sender.output()).contains("(chunks of 65536 bytes may be more than a relay on the way takes: "
                    + "try without --chunk-size, or --chunk-size 10k)");
        }
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

    /** Kamailio says nothing of chunk sizes (and closes the connection on frames over about 11 KB). */
    @Override
    int defaultChunkSize() {
        return DefaultChunkSize.STANDARD;
    }
}
