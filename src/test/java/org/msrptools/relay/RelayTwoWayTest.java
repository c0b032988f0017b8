package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.testing.PeerCertificates;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.TestRelayExtension;
import org.msrptools.tls.TlsContexts;

/**
 * An MSRP session carries both directions at once: a file one way while
 * chats (or another file) go the other way, on one relay and across two.
 * Every frame must parse on both ends; bytes, chats and their order must be
 * exact.
 */
class RelayTwoWayTest {

    private static final long FILE = 50L * 1024 * 1024;
    private static final int CHATS = 2000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestRelayExtension RELAY = new TestRelayExtension();

    @ParameterizedTest(name = "{0}-byte chunks (0: the whole file as one chunk)")
    @ValueSource(ints = {8 * 1024, 64 * 1024, 0})
    void aFileOneWayWhileTwoThousandChatsGoTheOther(int chunk) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            crossTraffic(alice, bob, chunk == 0 ? (int) FILE : chunk);
        }
    }

    @Test
    void twoFilesCrossingAtOnce() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            alice.keep = r -> r.head() instanceof MsrpResponse;
            bob.keep = r -> r.head() instanceof MsrpResponse;
            CompletableFuture<String> toBob = CompletableFuture.supplyAsync(() -> sendFile(alice, bob, 64 * 1024, 1));
            String toAlice = sendFile(bob, alice, 64 * 1024, 2);
            String sentToBob = toBob.get(60, TimeUnit.SECONDS);
            RelayForwardingTest.waitFor(() -> bob.sendBytes() == FILE && alice.sendBytes() == FILE, WAIT);
            assertThat(bob.sendBodiesSha256()).isEqualTo(sentToBob);
            assertThat(alice.sendBodiesSha256()).isEqualTo(toAlice);
            assertThat(alice.frameError).isNull();
            assertThat(bob.frameError).isNull();
        }
    }

    @Test
    void aFileOneWayWhileChatsGoTheOtherAcrossTwoRelays(@TempDir Path work) throws Exception {
        try (TwoRelays relays = new TwoRelays(work);
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob")) {
            crossTraffic(alice, bob, 8 * 1024);
        }
    }

    /**
     * A --transaction-timeout of 30 days (up to a year is taken) still lets the
     * relay reach a next hop: it is also the connect timeout, an int of
     * milliseconds, which overflowed past 24 days and failed every connect
     * (found by the review).
     */
    @Test
    void aTransactionTimeoutOfDaysStillReachesTheNextHop(@TempDir Path work) throws Exception {
        try (TwoRelays relays = new TwoRelays(work, s -> s.config.transactionTimeout(Duration.ofDays(30)), s -> { });
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob")) {
            MsrpRequest hello = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "year-1")
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 5, 5)).add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            alice.send(hello, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            assertThat(bob.request(MsrpMethod.SEND, Duration.ofSeconds(10)).bytes()).isEqualTo(5);
        }
    }

    /**
     * A connection between relays carries many sessions: a long chunk on it
     * must let a short message of another session through before it ends.
     * Alice's single chunk to Bob stops halfway (her client pauses); Carol's
     * message to Dave, sent meanwhile over the same relay-to-relay connection,
     * must arrive; then Alice's chunk completes, intact.
     */
    @Test
    void aShortMessagePassesALongChunkOnTheConnectionBetweenRelays(@TempDir Path work) throws Exception {
        try (TwoRelays relays = new TwoRelays(work);
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer carol = TestPeer.signedIn(relays.a.port(), relays.tls, "carol");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob");
             TestPeer dave = TestPeer.signedIn(relays.b.port(), relays.tls, "dave")) {
            long size = 16L * 1024 * 1024;
            List<long[]> pieces = Collections.synchronizedList(new ArrayList<>());
            bob.keep = r -> {
                pieces.add(new long[] {r.request().headers().byteRange().start(), r.bytes()});
                return false;
            };
            MsrpRequest longChunk = alice.sendTo(bob.path(), file("long", new ByteRange(1, size, size)));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Random random = new Random(5);
            alice.streamHead(longChunk);
            alice.streamBody(size / 2, random, md);
            RelayForwardingTest.waitFor(() -> bob.sendBytes() == size / 2, WAIT);

            assertDelivered(carol, dave, "Dave, a quick word", "the short message, while the long chunk is still open");

            alice.streamBody(size - size / 2, random, md);
            alice.streamEnd(longChunk, Continuation.COMPLETE);
            assertThat(alice.response(longChunk.transactionId(), WAIT).code()).isEqualTo(200);
            RelayForwardingTest.waitFor(() -> bob.sendBytes() == size && ended(pieces) == size, WAIT);
            assertThat(bob.sendBodiesSha256()).isEqualTo(HexFormat.of().formatHex(md.digest()));
            assertThat(pieces).as("the long chunk was interrupted for the short one").hasSizeGreaterThan(1);
            assertContiguous(pieces, size);
            assertThat(bob.frameError).isNull();
            assertThat(dave.frameError).isNull();
        }
    }

    /**
     * A client that stops reading holds up, once the relay holds its
     * session buffer for it, the connection its data arrives on: for a
     * connection between relays, every session on it. So a connection that
     * takes nothing for the transaction timeout is closed: Bob stops reading
     * while Alice streams to him; Carol's message to Dave, behind Alice's
     * data on the same relay-to-relay connection, arrives once Bob is closed.
     */
    @Test
    void aReceiverThatStopsReadingHoldsUpAConnectionBetweenRelaysOnlyForTheTransactionTimeout(@TempDir Path work)
            throws Exception {
        try (TwoRelays relays = new TwoRelays(work, s -> s.config.transactionTimeout(Duration.ofSeconds(2)));
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer carol = TestPeer.signedIn(relays.a.port(), relays.tls, "carol");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob");
             TestPeer dave = TestPeer.signedIn(relays.b.port(), relays.tls, "dave")) {
            bob.connection.pauseReading();
            long size = 64L * 1024 * 1024;
            MsrpRequest toBob = alice.sendTo(bob.path(), file("stuck", new ByteRange(1, size, size)));
            alice.streamHead(toBob);
            CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                try {
                    alice.streamBody(size, new Random(9), MessageDigest.getInstance("SHA-256"));
                } catch (Exception | AssertionError e) {
                    // the relay gives up on Bob's session; Alice's stream may be cut
                }
            });
            // Bob's client reads nothing, so it cannot see the close: the relay's session table can.
            RelayForwardingTest.waitFor(() -> relays.b.server.sessionCount() == 1, Duration.ofSeconds(30));
            assertDelivered(carol, dave, "Dave, still there?", "Carol's message, past the session that stalled");
            streaming.cancel(true);
        }
    }

    /**
     * A next hop that completes TLS and then reads nothing holds what waits
     * for it; after twice the transaction timeout without progress the link
     * is closed, what waited is given back and the sender hears of it (found
     * by review: left to the idle timeout, such links held the relay's whole
     * total buffer, and then not even a new client's AUTH was read).
     */
    @Test
    void aNextHopThatReadsNothingIsClosedAndWhatWaitedForItGivenBack(@TempDir Path work) throws Exception {
        PeerCertificates certs = PeerCertificates.create(work);
        TestRelay.Settings s = new TestRelay.Settings();
        s.cert = certs.certA();
        s.key = certs.keyA();
        s.config.caFile(certs.both()).allowPrivateNextHops(true).transactionTimeout(Duration.ofSeconds(1));
        io.netty.channel.EventLoopGroup group = new io.netty.channel.nio.NioEventLoopGroup(1);
        io.netty.handler.ssl.SslContext hopTls = TlsContexts.server(certs.certB(), certs.keyB());
        try {
            io.netty.channel.Channel deaf = new io.netty.bootstrap.ServerBootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                    .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel ch) {
                            ch.pipeline().addLast(hopTls.newHandler(ch.alloc()),
                                    new io.netty.channel.ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx,
                                                                       Object event) {
                                            ctx.channel().config().setAutoRead(false); // TLS is up: deaf from now on
                                        }
                                    });
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int hopPort = ((InetSocketAddress) deaf.localAddress()).getPort();
            try (TestRelay relay = TestRelay.start(s);
                 TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(certs.both(), false), "alice")) {
                long size = 64L * 1024 * 1024;
                MsrpRequest toHop = alice.sendTo(MsrpPath.parse(
                        "msrps://localhost:" + hopPort + "/deaf;tcp"), file("deaf", new ByteRange(1, size, size)));
                alice.streamHead(toHop);
                CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                    try {
                        alice.streamBody(size, new Random(3), MessageDigest.getInstance("SHA-256"));
                    } catch (Exception | AssertionError e) {
                        // the relay stops taking it
                    }
                });
                RelayForwardingTest.waitFor(() -> relay.server.bufferedBytes() > 0, Duration.ofSeconds(10));
                TestPeer.Received report = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(20));
                assertThat(report).as("a failure REPORT once the link is closed").isNotNull();
                assertThat(report.request().headers().status().code()).isEqualTo(481);
                RelayForwardingTest.waitFor(() -> relay.server.nextHops() == 0, Duration.ofSeconds(10));
                streaming.cancel(true);
                alice.close();
                RelayForwardingTest.waitFor(() -> relay.server.bufferedBytes() == 0, Duration.ofSeconds(10));
            } finally {
                deaf.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A client that sends its last messages and closes (msrp-receive's final
     * REPORT, then goodbye) while its relay is still connecting to the next
     * hop: everything it sent whole still goes on (found by a trial: the
     * messages read meanwhile were dropped at the close, and msrp-send never
     * heard that the file was stored). Relay B's lookup of relay A is held
     * until B has seen bob's connection close, so the order does not depend
     * on how fast a handshake is.
     */
    @Test
    void whatAClientSentBeforeItClosedGoesOnOnceTheNextHopIsThere(@TempDir Path work) throws Exception {
        CountDownLatch looking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        NextHopResolver.Lookup heldBack = host -> {
            looking.countDown();
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getAllByName(host);
        };
        try (TwoRelays relays = new TwoRelays(work, s -> s.config.nextHopLookup(heldBack));
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob")) {
            for (int i = 1; i <= 3; i++) {
                byte[] body = ("last words " + i).getBytes(StandardCharsets.UTF_8);
                bob.send(bob.sendTo(alice.path(), file("m" + i, new ByteRange(1, body.length, body.length))), body,
                        Continuation.COMPLETE);
            }
            assertThat(looking.await(10, TimeUnit.SECONDS)).as("relay B looks up relay A").isTrue();
            bob.close();
            // Closed connections are counted out as their close begins; B handles the close on bob's loop right
            // after, long before a lookup answered now has become a connection to A. (Were it later, the messages
            // would go on before the close: the test would pass without testing this, never fail wrongly.)
            RelayForwardingTest.waitFor(() -> relays.b.server.openConnections() == 0, Duration.ofSeconds(10));
            answer.countDown();
            for (int i = 1; i <= 3; i++) {
                TestPeer.Received got = alice.request(MsrpMethod.SEND, Duration.ofSeconds(10));
                assertThat(got).as("message " + i).isNotNull();
                assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("last words " + i);
            }
            RelayForwardingTest.waitFor(() -> relays.b.server.sessionCount() == 0, Duration.ofSeconds(10));
        }
    }

    /** A connection to a next hop that closed is forgotten (found by review: each one stayed, with its state). */
    @Test
    void aConnectionBetweenRelaysThatClosedIsForgotten(@TempDir Path work) throws Exception {
        try (TwoRelays relays = new TwoRelays(work, s -> s.config.idleTimeout(Duration.ofSeconds(2)));
             TestPeer alice = TestPeer.signedIn(relays.a.port(), relays.tls, "alice");
             TestPeer bob = TestPeer.signedIn(relays.b.port(), relays.tls, "bob")) {
            assertDelivered(alice, bob, "Bob?", "a message across the relays");
            assertThat(relays.a.server.nextHops()).isEqualTo(1);
            // B closes the connection from A once it has been idle for 2 s.
            RelayForwardingTest.waitFor(() -> relays.a.server.nextHops() == 0, Duration.ofSeconds(20));
        }
    }

    /** {@code from} sends {@code text} to {@code to}, which must get it within ten seconds, and {@code from} its 200. */
    private static void assertDelivered(TestPeer from, TestPeer to, String text, String what) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        MsrpRequest send = from.sendTo(to.path(), file("short", new ByteRange(1, body.length, body.length)));
        from.send(send, body, Continuation.COMPLETE);
        TestPeer.Received got = to.request(MsrpMethod.SEND, Duration.ofSeconds(10));
        assertThat(got).as(what).isNotNull();
        assertThat(got.body()).isEqualTo(body);
        assertThat(from.response(send.transactionId(), WAIT).code()).isEqualTo(200);
    }

    /** Alice streams FILE to Bob in {@code chunk}-byte chunks while Bob sends CHATS short SENDs to Alice. */
    private static void crossTraffic(TestPeer alice, TestPeer bob, int chunk) throws Exception {
        List<String> chats = Collections.synchronizedList(new ArrayList<>());
        List<String> misplaced = Collections.synchronizedList(new ArrayList<>());
        Map<String, StringBuilder> partial = new HashMap<>(); // on alice's event loop only
        alice.keep = r -> {
            if (isSend(r)) {
                // A hop may split a chunk (RFC 4975 section 7.3.1): the relay does, for fairness, when the rest of a
                // chat is late (a loaded machine). Its pieces are joined by Message-ID, each where the last ended.
                MsrpHeaders h = r.request().headers();
                StringBuilder text = partial.computeIfAbsent(h.messageId(), id -> new StringBuilder());
                if (h.byteRange().start() != text.length() + 1) {
                    misplaced.add(h.messageId() + " " + h.byteRange() + " after " + text.length() + " bytes");
                }
                text.append(new String(r.body(), StandardCharsets.US_ASCII));
                if (r.flag() == Continuation.COMPLETE) {
                    chats.add(partial.remove(h.messageId()).toString());
                }
                return false;
            }
            return true; // responses to her chunks, and any REPORT (there must be none)
        };
        List<long[]> pieces = Collections.synchronizedList(new ArrayList<>());
        bob.keep = r -> {
            if (isSend(r)) {
                pieces.add(new long[] {r.request().headers().byteRange().start(), r.bytes()});
                return false;
            }
            return r.head() instanceof MsrpRequest; // a REPORT would be a failure
        };
        CompletableFuture<Void> chatting = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < CHATS; i++) {
                byte[] text = ("chat " + i).getBytes(StandardCharsets.UTF_8);
                MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "c" + i)
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, text.length, text.length))
                        .add(MsrpHeaders.CONTENT_TYPE, "text/plain");
                bob.send(bob.sendTo(alice.path(), h), text, Continuation.COMPLETE);
            }
        });
        String sent = sendFile(alice, bob, chunk, 7);
        chatting.get(60, TimeUnit.SECONDS);
        RelayForwardingTest.waitFor(() -> bob.sendBytes() == FILE && ended(pieces) == FILE && chats.size() == CHATS,
                WAIT);
        assertThat(bob.sendBodiesSha256()).isEqualTo(sent);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            expected.add("chat " + i);
        }
        assertThat(chats).containsExactlyElementsOf(expected);
        assertThat(misplaced).isEmpty();
        assertContiguous(pieces, FILE);
        assertThat(alice.frameError).isNull();
        assertThat(bob.frameError).isNull();
        assertThat(alice.request(MsrpMethod.REPORT, Duration.ZERO)).as("no failure REPORT").isNull();
        assertThat(bob.request(MsrpMethod.REPORT, Duration.ZERO)).as("no failure REPORT").isNull();
    }

    private static boolean isSend(TestPeer.Received r) {
        return r.head() instanceof MsrpRequest req && MsrpMethod.SEND.equals(req.method());
    }

    /** Streams FILE pseudo-random bytes from {@code from} to {@code to}; returns their SHA-256 once all are answered. */
    private static String sendFile(TestPeer from, TestPeer to, int chunk, long seed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Random random = new Random(seed);
            List<String> tids = new ArrayList<>();
            for (long at = 0; at < FILE; at += chunk) {
                long n = Math.min(chunk, FILE - at);
                MsrpRequest send = from.sendTo(to.path(), file("f" + seed, ByteRange.ofChunk(at + 1, n, FILE)));
                from.stream(send, n, random, md, at + n >= FILE ? Continuation.COMPLETE : Continuation.MORE);
                tids.add(send.transactionId());
            }
            for (String tid : tids) {
                assertThat(from.response(tid, WAIT).code()).isEqualTo(200);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MsrpHeaders file(String id, ByteRange range) {
        return new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, id).add(MsrpHeaders.BYTE_RANGE, range)
                .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
    }

    /** The chunks as received ({start, bytes}) cover 1..total in order, each starting where the previous one ended. */
    /**
     * The bytes of the pieces whose end-line came: a piece counts once it
     * ends, its bytes as they come, so the last may still be open when all
     * bytes are in.
     */
    private static long ended(List<long[]> pieces) {
        synchronized (pieces) {
            return pieces.stream().mapToLong(p -> p[1]).sum();
        }
    }

    private static void assertContiguous(List<long[]> pieces, long total) {
        long next = 1;
        synchronized (pieces) {
            for (long[] p : pieces) {
                assertThat(p[0]).as("chunk after byte " + (next - 1)).isEqualTo(next);
                next += p[1];
            }
        }
        assertThat(next - 1).isEqualTo(total);
    }

    /** Relays A and B on loopback, each trusting the other's certificate. */
    static final class TwoRelays implements AutoCloseable {
        final TestRelay a;
        final TestRelay b;
        final io.netty.handler.ssl.SslContext tls;

        TwoRelays(Path work) throws Exception {
            this(work, s -> { });
        }

        /** {@code forB} adjusts relay B's settings. */
        TwoRelays(Path work, Consumer<TestRelay.Settings> forB) throws Exception {
            this(work, s -> { }, forB);
        }

        /** {@code forA} and {@code forB} adjust each relay's settings. */
        TwoRelays(Path work, Consumer<TestRelay.Settings> forA,
                  Consumer<TestRelay.Settings> forB) throws Exception {
            PeerCertificates certs = PeerCertificates.create(work);
            TestRelay.Settings settingsA = settings(certs.certA(), certs.keyA(), certs.both());
            forA.accept(settingsA);
            a = TestRelay.start(settingsA);
            TestRelay.Settings settingsB = settings(certs.certB(), certs.keyB(), certs.both());
            forB.accept(settingsB);
            b = TestRelay.start(settingsB);
            tls = TlsContexts.client(certs.both(), false);
        }

        private static TestRelay.Settings settings(Path cert, Path key, Path cas) {
            TestRelay.Settings s = new TestRelay.Settings();
            s.cert = cert;
            s.key = key;
            s.config.caFile(cas).allowPrivateNextHops(true);
            return s;
        }

        @Override
        public void close() throws Exception {
            a.close();
            b.close();
        }
    }
}
