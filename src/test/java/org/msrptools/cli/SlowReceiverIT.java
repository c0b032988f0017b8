package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.TlsContexts;

/**
 * msrp-send to a receiver that reads in bursts and never confirms (as the
 * original receiver): through our relay no chunk is answered (msrp-send asks
 * for failures only), so the bytes the connection takes are the sender's
 * progress, and a transfer longer than --timeout goes on as long as they do.
 */
class SlowReceiverIT {

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    @Test
    void aTransferLongerThanTheTimeoutGoesOnWhileTheReceiverReads(@TempDir Path work) throws Exception {
        byte[] data = new byte[48 * 1024 * 1024]; // more than every buffer on the way holds
        new Random(1).nextBytes(data);
        Path file = Files.write(work.resolve("slow.bin"), data);
        try (TestPeer bob = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob")) {
            Channel ch = bob.connection.channel();
            AtomicBoolean done = new AtomicBoolean();
            Thread bursts = new Thread(() -> { // reads 60 ms in every 960
                try {
                    while (!done.get()) {
                        ch.eventLoop().submit(() -> ch.config().setAutoRead(false)).sync();
                        Thread.sleep(900);
                        ch.eventLoop().submit(() -> ch.config().setAutoRead(true)).sync();
                        Thread.sleep(60);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bursts");
            bursts.setDaemon(true);
            bursts.start();
            long started = System.nanoTime();
            try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                    "alice@example.com", "127.0.0.1", Integer.toString(relay.port()), "--ca-file",
                    relay.cert().toString(), "--to-path", bob.path().toString(), "--timeout", "3",
                    "--accept-unconfirmed", "--report-wait", "1")) {
                assertThat(alice.exitCode(Duration.ofSeconds(120))).as(alice.output()).isZero();
            } finally {
                done.set(true);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("longer than --timeout: the point")
                    .isGreaterThan(Duration.ofSeconds(3));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (bob.sendBytes() < data.length && System.nanoTime() < deadline) {
                Thread.sleep(100); // what was on its way when the sender finished still arrives
            }
            assertThat(bob.sendBytes()).isEqualTo(data.length);
        }
    }
}
