package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
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
import org.msrptools.tls.TlsContexts;

/** SIGTERM while a chunk is still arriving: a grace period, a failure REPORT, '#' downstream, exit 0. */
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
}
