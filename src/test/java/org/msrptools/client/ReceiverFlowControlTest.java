package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * msrp-receive against a bare server that plays the relay, over real TLS on
 * loopback: what it does with its reading and its writing as chunks come.
 */
class ReceiverFlowControlTest {

    /**
     * Their answers (about 650 bytes each: they go back to the sender's long
     * URI) come to far more than the kernel's socket buffers hold (a few MiB).
     */
    private static final int CHUNKS = 50_000;
    /** The sender's path: long, so that the answers to it are large. */
    private static final MsrpPath PEER =
            MsrpPath.parse("msrps://" + "u".repeat(250) + "@127.0.0.1:9/" + "s".repeat(250) + ";tcp");

    /**
     * msrp-receive answers every chunk; a relay that keeps sending but no
     * longer reads must not make those answers pile up in the receiver: it
     * stops reading while they cannot leave.
     */
    @Test
    void answersThatCannotLeaveStopTheReading(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, PEER, false)) {
            Channel relay = bare.relay;
            relay.eventLoop().submit(() -> {
                for (int i = 1; i <= CHUNKS; i++) {
                    relay.write(chunk(relay, i));
                }
                relay.flush();
            }).sync();
            // The receiver reads until its answers stop leaving, then stops: what waits in it is the answers to
            // what it had read by then (a read takes up to 16 buffers of 64 KiB), not to all that comes.
            MsrpConnection connection = bare.connection;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long pending = 0;
            long before = -1;
            while (System.nanoTime() < deadline) {
                Thread.sleep(500);
                pending = connection.channel().eventLoop().submit(() ->
                        connection.channel().unsafe().outboundBuffer().totalPendingWriteBytes()).get();
                if (pending == before && pending > 0) {
                    break; // settled
                }
                before = pending;
            }
            assertThat(pending).as("answers waiting in the receiver").isPositive().isLessThan(4L << 20); // over 20 MiB without

            relay.config().setAutoRead(true); // the relay reads again: the rest comes, and the file is whole
            FileReceiver.Result result = bare.receiver.await(Duration.ofSeconds(30), Duration.ofSeconds(30));
            assertThat(result.bytes()).isEqualTo(CHUNKS);
            assertThat(Files.readString(result.file(), StandardCharsets.US_ASCII)).isEqualTo("x".repeat(CHUNKS));
        }
    }

    /**
     * What the receiver has read is written before it waits for more (so
     * the kernel copies it while it is still in the CPU's cache), not held
     * until more comes: the first hundred of a file's 50,000 bytes are on
     * disk while the rest has not come (a hundred buffers: more than the
     * receiver holds at most, but answers that fit the socket's buffers, as
     * the relay does not read them).
     */
    @Test
    void whatCameIsWrittenBeforeTheReceiverWaitsForMore(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, PEER, false)) {
            Channel relay = bare.relay;
            relay.eventLoop().submit(() -> {
                for (int i = 1; i <= 100; i++) {
                    relay.write(chunk(relay, i));
                }
                relay.flush();
            }).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long onDisk = 0;
            while (onDisk < 100 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                try (var parts = Files.list(dir)) {
                    onDisk = parts.filter(p -> PartFile.NAME.matcher(p.getFileName().toString()).matches())
                            .mapToLong(p -> p.toFile().length()).sum();
                }
            }
            assertThat(onDisk).as("bytes in the temporary file").isEqualTo(100);
        }
    }

    /** Byte i of the file, as one SEND chunk of its own, answered (no Failure-Report: "yes"). */
    private static ByteBuf chunk(Channel ch, int i) {
        String text = BareRelay.chunk("t" + i + "xyz", PEER, "file1", i + "-" + i + "/" + CHUNKS, "", "x");
        return ch.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
