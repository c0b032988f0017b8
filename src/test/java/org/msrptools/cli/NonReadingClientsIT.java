package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.RandomIds;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.TestPeer;
import org.msrptools.tls.TlsContexts;

/**
 * Clients that send without reading must not make the relay grow: it stops
 * reading them once it holds about its session buffer for them, its memory
 * (the relay as users start it, bin/msrp-relay) grows by far less than what
 * they try to push, and everyone else is served meanwhile.
 */
class NonReadingClientsIT {

    private static final long MIB = 1024 * 1024;
    private static final long ATTEMPT = 200 * MIB;
    private static final long GROWTH_LIMIT = 64 * MIB;

    @Test
    void clientsThatPipelineRequestsAndNeverReadAreStoppedUnauthenticatedAndSignedIn(@TempDir Path work)
            throws Exception {
        try (RelayProcess relay = RelayProcess.startAsShipped(work.resolve("relay"))) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            long before = warmUp(relay, tls);
            MsrpUri ghost = MsrpUri.of(true, null, "localhost", relay.port, RandomIds.sessionId());
            try (TestPeer stranger = TestPeer.connect(relay.port, tls);
                 TestPeer alice = TestPeer.signedIn(relay.port, tls, "alice")) {
                for (TestPeer abuser : List.of(stranger, alice)) {
                    abuser.connection.pauseReading();
                    long pushed = pushUntilStalled(abuser.connection.channel(), smallRequests(ghost, abuser.ownUri));
                    assertThat(pushed).as("bytes the relay took before it stopped reading").isLessThan(GROWTH_LIMIT);
                }
                assertThat(peakRss(relay) - before).as("relay memory growth").isLessThan(GROWTH_LIMIT);
                assertServed(relay, tls);
            }
        }
    }

    @Test
    void aReceiverThatStopsReadingWhileSeveralSendersPushToIt(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.startAsShipped(work.resolve("relay"))) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            long before = warmUp(relay, tls);
            List<TestPeer> peers = new ArrayList<>();
            try {
                long pushed = 0;
                for (String sender : List.of("alice", "carol", "alice")) {
                    TestPeer to = TestPeer.signedIn(relay.port, tls, "bob");
                    TestPeer from = TestPeer.signedIn(relay.port, tls, sender);
                    peers.add(to);
                    peers.add(from);
                    to.connection.pauseReading(); // bob, signed in three times, reads none of them
                    MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "big")
                            .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, ATTEMPT, ATTEMPT))
                            .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
                    from.streamHead(from.sendTo(to.path(), h));
                    pushed += pushUntilStalled(from.connection.channel(), Unpooled.wrappedBuffer(new byte[64 * 1024]));
                }
                assertThat(pushed).as("bytes three senders got rid of").isLessThan(GROWTH_LIMIT);
                assertThat(peakRss(relay) - before).as("relay memory growth").isLessThan(GROWTH_LIMIT);
                assertServed(relay, tls);
            } finally {
                peers.forEach(TestPeer::close);
            }
        }
    }

    /** One small transfer, so that the relay's buffers and code are warm; returns its RSS then. */
    private static long warmUp(RelayProcess relay, SslContext tls) throws Exception {
        assertServed(relay, tls);
        return status(relay, "VmRSS");
    }

    /** Another pair of clients can still sign in and exchange a message. */
    private static void assertServed(RelayProcess relay, SslContext tls) throws Exception {
        try (TestPeer carol = TestPeer.signedIn(relay.port, tls, "carol");
             TestPeer bob = TestPeer.signedIn(relay.port, tls, "bob")) {
            byte[] body = new byte[256 * 1024];
            MsrpRequest send = carol.sendTo(bob.path(), TestPeer.fileHeaders("served", body.length));
            carol.send(send, body, Continuation.COMPLETE);
            assertThat(carol.response(send.transactionId(), Duration.ofSeconds(20)).code()).isEqualTo(200);
            assertThat(bob.request(MsrpMethod.SEND, Duration.ofSeconds(20)).bytes()).isEqualTo(body.length);
        }
    }

    /** Small SENDs into a session that does not exist, 64 KiB of them, to write over and over. */
    private static ByteBuf smallRequests(MsrpUri session, MsrpUri from) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.length() < 64 * 1024) {
            String tid = String.format("tid%06d", i++);
            b.append("MSRP ").append(tid).append(" SEND\r\nTo-Path: ").append(session).append("\r\nFrom-Path: ")
                    .append(from).append("\r\nMessage-ID: m\r\nByte-Range: 1-4/4\r\nContent-Type: text/plain\r\n\r\n")
                    .append("abcd\r\n-------").append(tid).append("$\r\n");
        }
        return Unpooled.wrappedBuffer(b.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Writes {@code block} again and again (up to ATTEMPT bytes) while the
     * connection takes it; returns the bytes the socket took once nothing has
     * gone out for two seconds.
     */
    private static long pushUntilStalled(Channel channel, ByteBuf block) throws InterruptedException {
        AtomicLong taken = new AtomicLong();
        long queued = 0;
        long last = -1;
        long since = System.nanoTime();
        while (queued < ATTEMPT && System.nanoTime() - since < Duration.ofSeconds(2).toNanos()) {
            if (channel.isWritable()) {
                int n = block.readableBytes();
                channel.writeAndFlush(block.retainedDuplicate()).addListener(f -> {
                    if (f.isSuccess()) {
                        taken.addAndGet(n);
                    }
                });
                queued += n;
            } else {
                Thread.sleep(5);
            }
            if (taken.get() != last) {
                last = taken.get();
                since = System.nanoTime();
            }
        }
        assertThat(queued).as("the relay never stopped reading").isLessThan(ATTEMPT);
        assertThat(channel.isActive()).as("held back, not closed").isTrue();
        return taken.get();
    }

    private static long peakRss(RelayProcess relay) throws Exception {
        return status(relay, "VmHWM");
    }

    private static long status(RelayProcess relay, String field) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(relay.tool.pid()), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no " + field + " for the relay");
    }
}
