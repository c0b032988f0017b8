package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
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

    /**
     * msrp-send's first chunk asks for an answer (to hear of a wrong path at
     * once); a receiver stopped for longer than the relay waits for answers
     * (SIGSTOP, 4 s against the relay's 2) gets the relay's 408 sent back
     * for it, which is no failure: the receiver, resumed, takes the file
     * and confirms it.
     */
    @Test
    void aReceiverStoppedLongerThanTheRelayWaitsForAnAnswerStillGetsTheFile(@TempDir Path work) throws Exception {
        byte[] data = new byte[300_000];
        new Random(2).nextBytes(data);
        Path file = Files.write(work.resolve("paused.bin"), data);
        Path out = work.resolve("out");
        try (RelayProcess quick = RelayProcess.start(work.resolve("relay"), List.of(), "--transaction-timeout", "2")) {
            String port = Integer.toString(quick.port);
            String ca = quick.cert().toString();
            try (Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                    "127.0.0.1", port, "--ca-file", ca, "--output-dir", out.toString(), "--path-file",
                    work.resolve("bob.path").toString(), "--peer-path-file", work.resolve("alice.path").toString())) {
                bob.await("Path to send in SDP:", Duration.ofSeconds(30));
                Path bobPath = work.resolve("bob.path");
                while (!Files.exists(bobPath) || Files.size(bobPath) == 0) {
                    Thread.sleep(50); // the file is taken, empty, at bob's start; its path comes after signing in
                }
                bob.signal("STOP");
                try (Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                        "alice@example.com", "127.0.0.1", port, "--ca-file", ca, "--path-file",
                        work.resolve("alice.path").toString(), "--peer-path-file", work.resolve("bob.path").toString())) {
                    Thread.sleep(4000);
                    bob.signal("CONT");
                    assertThat(alice.exitCode(Duration.ofSeconds(60))).as(alice.output()).isZero();
                    assertThat(alice.output()).contains("300000 bytes confirmed by the receiver.");
                }
                assertThat(bob.exitCode(Duration.ofSeconds(30))).as(bob.output()).isZero();
            }
            assertThat(quick.tool.output()).as("the relay did send the 408").contains("code=408");
        }
        assertThat(Files.readAllBytes(out.resolve("paused.bin"))).isEqualTo(data);
    }
}
