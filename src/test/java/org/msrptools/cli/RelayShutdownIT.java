package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Transfer;
import org.msrptools.tls.TlsContexts;

/**
 * SIGTERM while a chunk is still arriving: a grace period, a failure REPORT,
 * '#' downstream, exit 0; clients stop with a clear line, and the relay
 * restarted on the same state serves them again.
 */
class RelayShutdownIT {

    @Test
    void sigtermReportsWhatCannotFinishAndExitsZero(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"), List.of(), "--shutdown-grace", "1")) {
            var tls = TlsContexts.client(relay.cert(), false);
            try (TestPeer alice = TestPeer.signedIn(relay.port, tls, "alice");
                 TestPeer bob = TestPeer.signedIn(relay.port, tls, "bob")) {
                MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "cut")
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 1_000_000, 1_000_000))
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
                MsrpRequest send = alice.sendTo(bob.path(), h);
                alice.connection.send(send, new MsrpContent(Unpooled.wrappedBuffer(new byte[50_000])));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (bob.sendBytes() < 50_000 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                relay.tool.signal("TERM");
                TestPeer.Received report = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
                assertThat(report).as("a failure REPORT for the chunk that cannot finish").isNotNull();
                assertThat(report.request().headers().status().code()).isEqualTo(408);
                TestPeer.Received cut = bob.request(MsrpMethod.SEND, Duration.ofSeconds(10));
                assertThat(cut == null || cut.flag() == Continuation.ABORT).as("ended with '#' or closed").isTrue();
                assertThat(relay.tool.exitCode(Duration.ofSeconds(15))).isZero();
            }
        }
    }

    @Test
    void clientsStopCleanlyOnSigtermMidTransferAndTheRestartedRelayServesAgain(@TempDir Path work) throws Exception {
        Path file = Transfer.bigSparseFile(work, 1L << 30); // far more than is sent before the signal
        Path state = work.resolve("relay");
        int port;
        try (RelayProcess relay = RelayProcess.start(state, List.of(), "--shutdown-grace", "1")) {
            port = relay.port;
            Path first = Files.createDirectories(work.resolve("first"));
            Transfer t = Transfer.start(first, file, "127.0.0.1", port,
                    List.of("--ca-file", relay.cert().toString(), "--timeout", "10"), List.of(), List.of());
            t.receiver.await("^received [1-9]\\d* of", Duration.ofSeconds(60));
            relay.tool.signal("TERM");
            assertThat(relay.tool.exitCode(Duration.ofSeconds(15))).isZero();
            int[] exits = t.exitCodes(Duration.ofSeconds(30));
            for (var side : List.of(t.sender, t.receiver)) {
                int exit = side == t.sender ? exits[0] : exits[1];
                assertThat(exit).as(side.output()).isIn(ExitCodes.CONNECTION, ExitCodes.TRANSFER);
                assertThat(side.output()).as("one clear line, no stack trace")
                        .containsPattern("(?m)^msrp-(send|receive): .+").doesNotContain("\tat ")
                        .as("a stopping relay starts nothing new: no side hears of a vanished session")
                        .doesNotContainPattern("(?<![\\w-])481(?![\\w-])"); // a status, not digits of a count or an id
            }
            try (var left = Files.list(first.resolve("received"))) {
                assertThat(left).as("no final file and no temporary file").isEmpty();
            }
        }
        // Same state (certificate, accounts) and port: the clients' --ca-file still holds, the same command works.
        try (RelayProcess again = RelayProcess.start(state, List.of(), "--listen", "127.0.0.1:" + port)) {
            Path second = Files.createDirectories(work.resolve("second"));
            Path small = second.resolve("small.bin");
            Files.write(small, new java.util.Random(5).ints(300_000).collect(java.io.ByteArrayOutputStream::new,
                    (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray());
            Transfer t = Transfer.start(second, small, "127.0.0.1", port,
                    List.of("--ca-file", again.cert().toString(), "--timeout", "20"), List.of(), List.of());
            int[] exits = t.exitCodes(Duration.ofSeconds(60));
            assertThat(exits).as(t.sender.output() + t.receiver.output()).containsExactly(0, 0);
            assertThat(Transfer.sha256(t.receiver)).isEqualTo(Transfer.sha256(t.sender)).isNotNull();
        }
    }
}
