package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msrptools.client.ClientException;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.SlowAccounts;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.TestRelayExtension;

/** Bad input on the wire: the relay answers or closes, never hangs, and goes on serving everyone else. */
class RelayHardeningTest {

    @RegisterExtension
    static final TestRelayExtension RELAY = new TestRelayExtension(settings());

    private static TestRelay.Settings settings() {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.firstMessageTimeout(Duration.ofSeconds(1));
        return s;
    }

    /** Whether the relay closes the socket within the time (read gives end of stream or a reset). */
    private static boolean closedWithin(Socket socket, Duration timeout) throws Exception {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // whatever the relay answered first (a 400, an alert): read on until it closes
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    private static SSLSocket tls() throws Exception {
        return RELAY.get().rawTlsSocket();
    }

    private static void stillServes() throws Exception {
        try (TestPeer p = TestPeer.signedIn(RELAY.get(), "alice")) {
            assertThat(p.usePath).isNotNull();
        }
    }

    @Test
    void plaintextOnTheTlsPortIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", RELAY.get().port())) {
            OutputStream out = s.getOutputStream();
            out.write("MSRP abcd1234 AUTH\r\nTo-Path: msrps://x;tcp\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(closedWithin(s, Duration.ofSeconds(5))).isTrue();
        }
        stillServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "MSRP ab SEND\r\n", "MSRP abcd1234 send\r\n",
            "MSRPabcd1234 SEND\r\n", "MSRP abcd1234 20 OK\r\n", "MSRP abcd1234 SEND\n"})
    void aBrokenStartLineClosesTheConnection(String start) throws Exception {
        try (SSLSocket s = tls()) {
            s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(closedWithin(s, Duration.ofSeconds(5))).isTrue();
        }
        stillServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void tlsBelow12IsRefused(String protocol) throws Exception {
        var old = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols(protocol)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        assertThatThrownBy(() -> TestPeer.connect(RELAY.get().port(), old))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("TLS");
        stillServes();
    }

    @Test
    void connectionsThatNeverSpeakAreClosedAfterTheFirstMessageTimer() throws Exception {
        List<SSLSocket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                silent.add(tls());
            }
            for (SSLSocket s : silent) {
                assertThat(closedWithin(s, Duration.ofSeconds(10))).isTrue();
            }
        } finally {
            for (SSLSocket s : silent) {
                s.close();
            }
        }
        stillServes();
    }

    @Test
    void thousandsOfConnectionsThatNeverSpeakAreClosedAndOthersAreServedMeanwhile() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.firstMessageTimeout(Duration.ofSeconds(2));
        s.config.maxConnectionsPerAddress(0);
        try (TestRelay quiet = TestRelay.start(s)) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 2000; i++) {
                    silent.add(new Socket("127.0.0.1", quiet.port()));
                }
                try (TestPeer p = TestPeer.signedIn(quiet, "alice")) {
                    assertThat(p.usePath).as("served while 2,000 sockets sit idle").isNotNull();
                }
                for (Socket q : silent) {
                    assertThat(closedWithin(q, Duration.ofSeconds(10))).isTrue();
                }
            } finally {
                for (Socket q : silent) {
                    q.close();
                }
            }
        }
    }

    @Test
    void connectionsOverTheCapsAreClosedAtOnceAndCountedNoMoreOnceClosed() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.maxConnections(30);
        s.config.maxConnectionsPerAddress(20);
        try (LogCapture warnings = LogCapture.of(Level.WARNING, r -> r.getLevel() == Level.WARNING,
                RelayEvents.class.getName()); TestRelay capped = TestRelay.start(s)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    held.add(plain(capped, "127.0.0.1"));
                }
                try (Socket over = plain(capped, "127.0.0.1")) {
                    assertThat(closedWithin(over, Duration.ofSeconds(2))).as("21st from one address").isTrue();
                }
                assertThat(answersAuth(capped, "127.0.0.2")).as("another address is served").isTrue();
                // That probe has closed, but the relay may not have seen it yet: it would still count, and refuse
                // one of the ten below by the cap for all (seen once).
                RelayForwardingTest.waitFor(() -> capped.server.openConnections() == 20, Duration.ofSeconds(5));
                for (int i = 0; i < 10; i++) {
                    held.add(plain(capped, "127.0.0.2"));
                }
                try (Socket over = plain(capped, "127.0.0.3")) {
                    assertThat(closedWithin(over, Duration.ofSeconds(2))).as("31st in all").isTrue();
                }
            } finally {
                for (Socket q : held) {
                    q.close();
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            // A probe may be refused too (by either cap, while the relay still counts the closed ones) and counted.
            int refusedProbes = 0;
            while (!answersAuth(capped, "127.0.0.1") && System.nanoTime() < deadline) {
                refusedProbes++;
                Thread.sleep(100); // the relay sees the closes a moment later
            }
            assertThat(answersAuth(capped, "127.0.0.1")).as("closed connections no longer count").isTrue();
            // The operator hears of it, once a second at most, each line saying which cap; each refusal is counted.
            List<LogEvent> refused = warnings.events("connection_refused");
            assertThat(refused).isNotEmpty().hasSizeLessThanOrEqualTo(2);
            assertThat(refused.get(0).toString()).contains("address=127.0.0.1 cap=max-connections-per-address open=");
            var counted = capped.server.metrics().connectionsRefused;
            long perAddress = counted.labelValues("max-connections-per-address").getLongValue();
            long inAll = counted.labelValues("max-connections").getLongValue();
            assertThat(perAddress).isPositive();
            assertThat(inAll).isPositive();
            assertThat(perAddress + inAll - 2).as("refusals beyond the two made on purpose").isLessThanOrEqualTo(refusedProbes);
        }
    }

    private static Socket plain(TestRelay to, String from) throws Exception {
        return new Socket(InetAddress.getByName("127.0.0.1"), to.port(),
                InetAddress.getByName(from), 0);
    }

    /** Whether a TLS connection from {@code from} gets an answer (401) to an AUTH. */
    private static boolean answersAuth(TestRelay to, String from) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain(to, from), "127.0.0.1", to.port(),
                true)) {
            s.setSoTimeout(5000);
            String auth = "MSRP capcheck AUTH\r\nTo-Path: msrps://alice@127.0.0.1:" + to.port() + ";tcp\r\n"
                    + "From-Path: msrps://" + from + ":9/x;tcp\r\n-------capcheck$\r\n";
            s.getOutputStream().write(auth.getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("MSRP capcheck 401");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aMessageTrickledOneByteAtATimeIsStillUnderstood() throws Exception {
        try (SSLSocket s = tls()) {
            String auth = "MSRP trickle1 AUTH\r\nTo-Path: msrps://alice@127.0.0.1:" + RELAY.get().port() + ";tcp\r\n"
                    + "From-Path: msrps://127.0.0.1:9/x;tcp\r\n-------trickle1$\r\n";
            OutputStream out = s.getOutputStream();
            for (byte b : auth.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            s.setSoTimeout(5000);
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("MSRP trickle1 401");
        }
    }

    @Test
    void aClientThatLeavesHalfwayThroughAHeadIsForgotten() throws Exception {
        try (SSLSocket s = tls()) {
            s.getOutputStream().write("MSRP half1234 SEND\r\nTo-Path: msrps://127.0.0.1".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        stillServes();
    }

    @Test
    void aNonceIsBoundToTheAddressItWasGivenTo() throws Exception {
        try (TestPeer first = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            var to = MsrpUri.of(true, "alice", "127.0.0.1", RELAY.get().port(), null);
            var challenge = first.authRequest(to, new MsrpHeaders()).headers().wwwAuthenticate();
            var answer = TestPeer.credentials(challenge, "alice", "alice-secret", to.toString());
            // The same answer from another address of this machine (127.0.0.2) is refused.
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (SSLSocket other = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", RELAY.get().port(),
                    InetAddress.getByName("127.0.0.2"), 0)) {
                String auth = "MSRP other123 AUTH\r\nTo-Path: " + to + "\r\nFrom-Path: msrps://127.0.0.2:9/x;tcp\r\n"
                        + "Authorization: " + answer + "\r\n-------other123$\r\n";
                other.getOutputStream().write(auth.getBytes(StandardCharsets.US_ASCII));
                other.setSoTimeout(5000);
                byte[] buf = new byte[4096];
                int n = other.getInputStream().read(buf);
                assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("MSRP other123 401");
            }
        }
    }

    @Test
    void nextHopsThatResolveToLoopbackAreRefused() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
            var send = alice.sendTo(MsrpPath.parse(
                    "msrps://localhost:9/x;tcp msrps://bob.example/y;tcp"), new MsrpHeaders()
                    .add("Message-ID", "lo").add("Byte-Range", "1-1/1").add("Content-Type", "text/plain"));
            alice.send(send, new byte[] {1}, Continuation.COMPLETE);
            var r = alice.response(send.transactionId(), Duration.ofSeconds(10));
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.comment()).contains("private address");
        }
    }

    @Test
    void aBodyThatNeverEndsIsFreedByTheIdleTimeout() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.idleTimeout(Duration.ofSeconds(1));
        try (TestRelay quick = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(quick, "alice");
             TestPeer bob = TestPeer.signedIn(quick, "bob")) {
            var send = alice.sendTo(bob.path(), new MsrpHeaders().add("Message-ID", "q")
                    .add("Byte-Range", "1-100/100").add("Content-Type", "text/plain"));
            alice.connection.send(send, new MsrpContent(
                    io.netty.buffer.Unpooled.wrappedBuffer(new byte[10])));
            assertThat(alice.closedWithin(Duration.ofSeconds(10))).as("the stalled sender is closed").isTrue();
            var cut = bob.request("SEND", Duration.ofSeconds(10));
            assertThat(cut == null || cut.flag() == Continuation.ABORT).isTrue();
        }
    }

    @Test
    void aReceiverThatStopsReadingHoldsUpItsSenderUntilTheIdleTimeoutClosesBoth() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.idleTimeout(Duration.ofSeconds(3));
        try (TestRelay quick = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(quick, "alice");
             TestPeer bob = TestPeer.signedIn(quick, "bob")) {
            bob.connection.pauseReading();
            long size = 512L * 1024 * 1024;
            var send = alice.sendTo(bob.path(), TestPeer.fileHeaders("big", size));
            alice.connection.send(send);
            byte[] piece = new byte[64 * 1024];
            long pushed = 0;
            long stalledSince = System.nanoTime();
            var channel = alice.connection.channel();
            while (pushed < size && System.nanoTime() - stalledSince < Duration.ofSeconds(1).toNanos()) {
                if (channel.isWritable()) {
                    alice.connection.send(new MsrpContent(
                            io.netty.buffer.Unpooled.wrappedBuffer(piece)));
                    pushed += piece.length;
                    stalledSince = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
            }
            // Socket buffers on four sides of loopback plus the relay's 1 MiB: far less than the file.
            assertThat(pushed).as("bytes the sender got rid of before it was held up").isLessThan(64L * 1024 * 1024);
            assertThat(alice.closedWithin(Duration.ofSeconds(15))).as("the stuck sender is closed").isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (quick.server.sessionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(quick.server.sessionCount()).as("both sessions freed").isZero();
            try (TestPeer carol = TestPeer.signedIn(quick, "carol")) {
                assertThat(carol.usePath).isNotNull();
            }
        }
    }

    @Test
    void aHeadTrickledTooSlowlyIsCutOff() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.headTimeout(Duration.ofSeconds(1));
        try (TestRelay quick = TestRelay.start(s)) {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (SSLSocket slow = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", quick.port())) {
                slow.startHandshake();
                byte[] head = "MSRP loris123 AUTH\r\nTo-Path: msrps://alice@127.0.0.1;tcp\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
                boolean cut = false;
                for (int i = 0; i < head.length && !cut; i++) {
                    try {
                        slow.getOutputStream().write(head[i]);
                        slow.getOutputStream().flush();
                        Thread.sleep(100);
                    } catch (IOException e) {
                        cut = true;
                    }
                }
                assertThat(cut || closedWithin(slow, Duration.ofSeconds(3))).as("closed before the head was complete")
                        .isTrue();
            }
            try (TestPeer p = TestPeer.signedIn(quick, "alice")) {
                assertThat(p.usePath).as("normal clients are not affected").isNotNull();
            }
        }
    }

    /**
     * A head that stops half-way is cut off at --head-timeout, not later:
     * the check came at a fixed rate of half the limit, so up to half the
     * limit late (15 s for the documented 10). The bound leaves the relay's
     * loop half the limit's slack, no less than the fixed rate's own error.
     */
    @Test
    void aHeadThatStopsHalfWayIsCutOffAtTheLimit() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.headTimeout(Duration.ofSeconds(2));
        try (TestRelay quick = TestRelay.start(s); SSLSocket slow = quick.rawTlsSocket()) {
            slow.startHandshake();
            Thread.sleep(1000); // the head starts after the connection: the fixed rate's checks were then late
            slow.getOutputStream().write("MSRP half123 AUTH\r\nTo-Path: msrps://alice@127.0.0.1;tcp\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            long started = System.nanoTime();
            assertThat(closedWithin(slow, Duration.ofSeconds(10))).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("not before the limit").isGreaterThan(Duration.ofMillis(1900))
                    .as("nor long after it").isLessThan(Duration.ofMillis(2600));
        }
    }

    /**
     * Time the relay itself held reading back is not the peer's: a head that
     * began in the same read as an AUTH whose account lookup took most of
     * the limit still has the whole limit once reading starts again (it was
     * cut off 0.3 s after, by the check at the limit from its start; found
     * by the review).
     */
    @Test
    void aHeadIsNotChargedForTheTimeTheRelayHeldReadingBack() throws Exception {
        TestRelay.Settings s = slowAccounts(1700);
        s.config.headTimeout(Duration.ofSeconds(2));
        try (TestRelay quick = TestRelay.start(s); SSLSocket c = quick.rawTlsSocket()) {
            String to = "msrps://alice@127.0.0.1:" + quick.port() + ";tcp";
            String credentials = challengeAnswered(c, to);
            // The signed AUTH and the start of the next head in one write: the relay reads both, then waits.
            c.getOutputStream().write(("MSRP auth2 AUTH\r\nTo-Path: " + to + "\r\nFrom-Path: msrps://127.0.0.1:9/x;tcp\r\n"
                    + "Authorization: " + credentials + "\r\n-------auth2$\r\nMSRP send1 SEND\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(c, "-------auth2$")).startsWith("MSRP auth2 200");
            assertThat(closedWithin(c, Duration.ofMillis(1200))).as("open a while after reading started again").isFalse();
            assertThat(closedWithin(c, Duration.ofSeconds(5))).as("and cut off in the end").isTrue();
        }
    }

    /**
     * A connection that sends requests behind its first AUTH, before the
     * answer, is closed: it has no session to send into yet, and heads of
     * many URIs each, decoded from the read the AUTH came in, made the relay
     * hold some 200 KB per connection, uncounted (found by review). What it
     * held is given back at the close, not when its AUTH is decided (which
     * may be seconds later: found by the next review).
     */
    @ParameterizedTest(name = "Byte-Range {0}")
    @ValueSource(strings = {"1-0/0", "0-0/0"}) // the second is bad: skipped messages are held as much (found by review)
    void requestsBehindAnUnansweredAuthAreAFlood(String byteRange) throws Exception {
        try (TestRelay quick = TestRelay.start(slowAccounts(60_000)); SSLSocket c = quick.rawTlsSocket()) {
            String to = "msrps://alice@127.0.0.1:" + quick.port() + ";tcp";
            String flood = floodBehindAuth(challengeAnswered(c, to), to, 10, byteRange);
            assertThat(flood.length()).as("one TLS record: read at once with the AUTH").isLessThan(16_000);
            c.getOutputStream().write(flood.getBytes(StandardCharsets.US_ASCII));
            assertThat(closedWithin(c, Duration.ofMillis(2500))).as("closed before its AUTH is decided").isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (quick.server.bufferedBytes() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(quick.server.bufferedBytes()).as("given back, its AUTH still undecided").isZero();
        }
    }

    /**
     * What connections not signed in hold behind their AUTHs is counted
     * apart, and bounded (an eighth of the total buffer): it stops no
     * signed-in connection being read (found by review: three such
     * connections held a 256 KiB relay's total, and a transfer between
     * signed-in clients waited seconds for their AUTHs).
     */
    @Test
    void connectionsNotSignedInDoNotHoldUpThoseSignedIn() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new SlowAccounts(user -> user.equals("alice") ? 60_000 : 0);
        s.config.totalBufferBytes(256 * 1024);
        try (TestRelay quick = TestRelay.start(s); TestPeer bob = TestPeer.signedIn(quick, "bob");
             TestPeer carol = TestPeer.signedIn(quick, "carol")) {
            String to = "msrps://alice@127.0.0.1:" + quick.port() + ";tcp";
            List<SSLSocket> floods = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    SSLSocket c = quick.rawTlsSocket();
                    floods.add(c);
                    c.getOutputStream().write(floodBehindAuth(challengeAnswered(c, to), to, 1, "1-0/0")
                            .getBytes(StandardCharsets.US_ASCII));
                }
                assertThat(closedWithin(floods.get(2), Duration.ofSeconds(5))).as("past the share of those not "
                        + "signed in").isTrue();
                assertThat(quick.server.connectionsPausedForTotal()).isZero();
                int n = 512 * 1024;
                MsrpRequest send = bob.sendTo(carol.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m1")
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, n, n))
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));
                bob.stream(send, n, 1, Continuation.COMPLETE);
                assertThat(bob.response(send.transactionId(), Duration.ofSeconds(10)).code()).isEqualTo(200);
            } finally {
                for (SSLSocket c : floods) {
                    c.close();
                }
            }
        }
    }

    /** A signed AUTH to {@code to}, then {@code heads} SENDs of 30 URIs each, before the AUTH's answer. */
    private static String floodBehindAuth(String credentials, String to, int heads, String byteRange) {
        StringBuilder flood = new StringBuilder("MSRP auth2 AUTH\r\nTo-Path: " + to
                + "\r\nFrom-Path: msrps://127.0.0.1:9/x;tcp\r\nAuthorization: " + credentials + "\r\n-------auth2$\r\n");
        for (int i = 0; i < heads; i++) {
            StringBuilder path = new StringBuilder();
            for (int u = 0; u < 30; u++) {
                path.append(u == 0 ? "" : " ").append("msrps://h").append(i * 100 + u).append(".example.net/s;tcp");
            }
            flood.append("MSRP flood").append(i).append(" SEND\r\nTo-Path: ").append(path)
                    .append("\r\nFrom-Path: msrps://127.0.0.1:9/x;tcp\r\nMessage-ID: m").append(i)
                    .append("\r\nByte-Range: ").append(byteRange).append("\r\n-------flood").append(i).append("$\r\n");
        }
        return flood.toString();
    }

    /** A relay whose account store answers alice's lookup after {@code millis}, others' at once. */
    private static TestRelay.Settings slowAccounts(long millis) {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new SlowAccounts(user -> user.equals("alice") ? millis : 0);
        return s;
    }

    /** Sends an AUTH to {@code to} without credentials; returns alice's answer to the challenge (Authorization). */
    private static String challengeAnswered(SSLSocket c, String to) throws Exception {
        String auth = "MSRP auth1 AUTH\r\nTo-Path: " + to + "\r\nFrom-Path: msrps://127.0.0.1:9/x;tcp\r\n-------auth1$\r\n";
        c.getOutputStream().write(auth.getBytes(StandardCharsets.US_ASCII));
        String challenge = readUntil(c, "-------auth1$").lines().filter(l -> l.startsWith("WWW-Authenticate: "))
                .findFirst().orElseThrow().substring("WWW-Authenticate: ".length());
        return TestPeer.credentials(DigestChallenge.parse(challenge), "alice", "alice-secret", to)
                .toString();
    }

    /** What {@code socket} reads up to and including the line {@code last}. */
    private static String readUntil(Socket socket, String last) throws Exception {
        socket.setSoTimeout(10_000);
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!text.toString().contains(last + "\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after: " + text);
            }
            text.append((char) b);
        }
        return text.toString();
    }

    /**
     * The relay binds before it knows its port-dependent state; a connection
     * accepted in between must still be served. A client hammers the port
     * while the relay starts; its first connection gets the AUTH challenge.
     */
    @Test
    void aConnectionMadeTheMomentTheRelayListensIsServed() throws Exception {
        for (int round = 0; round < 3; round++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                        socket.setSoTimeout(5000);
                        socket.getOutputStream().write(("MSRP a1b2c3d4 AUTH\r\nTo-Path: msrps://alice@127.0.0.1:" + port
                                + ";tcp\r\nFrom-Path: msrps://127.0.0.1:1/x1;tcp\r\n-------a1b2c3d4$\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] buf = new byte[64];
                        int n = socket.getInputStream().read(buf);
                        return n <= 0 ? "closed" : new String(buf, 0, n, StandardCharsets.US_ASCII);
                    } catch (ConnectException notYet) {
                        Thread.onSpinWait();
                    } catch (IOException e) {
                        return "failed: " + e;
                    }
                }
                return "never connected";
            });
            TestRelay.Settings s = new TestRelay.Settings();
            s.config.listenPort(port);
            try (TestRelay relay = TestRelay.start(s)) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).startsWith("MSRP a1b2c3d4 401");
            }
        }
    }

    private static String longParameters() {
        StringBuilder params = new StringBuilder();
        for (int p = 0; p < 60; p++) {
            params.append(";p").append(p).append('=').append("v".repeat(240));
        }
        return params.toString();
    }

    private static io.netty.buffer.ByteBuf request(String tid, MsrpUri to, String from) {
        return io.netty.buffer.Unpooled.wrappedBuffer(("MSRP " + tid + " SEND\r\nTo-Path: " + to + "\r\nFrom-Path: " + from
                + "\r\nMessage-ID: m\r\nByte-Range: 1-4/4\r\nContent-Type: text/plain\r\n\r\nabcd\r\n-------" + tid
                + "$\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * A client that does not read gets answers that hold its long paths (a
     * 15 KiB From-Path each); they count as what they hold, so the relay stops
     * reading it near its session buffer (found by review: they counted 512
     * bytes each, and 256 KiB of budget held 18 MiB).
     */
    @Test
    void answersToAClientThatDoesNotReadCountAsWhatTheyHold() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        int buffer = 256 * 1024;
        s.config.sessionBufferBytes(buffer);
        try (TestRelay relay = TestRelay.start(s);
             TestPeer stranger = TestPeer.connect(relay.port(), relay.clientTls())) {
            var ghost = MsrpUri.of(true, null, "localhost", relay.port(),
                    RandomIds.sessionId());
            stranger.connection.pauseReading();
            io.netty.channel.Channel ch = stranger.connection.channel();
            long before = heapAfterGc();
            for (int i = 0; i < 1500; i++) {
                long stall = System.nanoTime();
                while (!ch.isWritable() && System.nanoTime() - stall < 2_000_000_000L) {
                    Thread.sleep(5);
                }
                if (!ch.isWritable()) {
                    break; // the relay stopped reading
                }
                ch.writeAndFlush(request(String.format("tid%06d", i), ghost,
                        "msrps://127.0.0.1:40000/s" + i + ";tcp" + longParameters()));
            }
            Thread.sleep(1000);
            assertThat(heapAfterGc() - before).as("heap held for one connection that does not read")
                    .isLessThan(16L * buffer);
        }
    }

    /**
     * The heads of requests a next hop has not answered are kept (for their
     * failure REPORTs) up to four session buffers' worth; a head's URIs are
     * objects of their own, and count so (found by measuring: a head of 33
     * URIs held about 17 KB of heap and was counted as 3.4 KB; here the relay
     * kept 19 MB for a bound of 4 MiB).
     */
    @Test
    void headsAwaitingAResponseCountAsWhatTheirUrisHold() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        int buffer = 1024 * 1024;
        s.config.sessionBufferBytes(buffer);
        try (TestRelay relay = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            bob.autoRespond = 0;
            bob.keep = r -> false;
            alice.keep = r -> false;
            long before = heapAfterGc();
            for (int i = 0; i < 2000; i++) {
                StringBuilder to = new StringBuilder(alice.usePath.concat(bob.path()).toString());
                for (int u = 0; u < 28; u++) { // 31 URIs in all, the most a path may have is 32
                    to.append(String.format(" msrps://10.1.2.3:4444/%05d%05d;tcp", i, u)); // none alike
                }
                MsrpRequest send = new MsrpRequest(
                        TransactionId.random(), MsrpMethod.SEND,
                        MsrpPath.parse(to.toString()),
                        MsrpPath.of(alice.ownUri), new MsrpHeaders()
                        .add(MsrpHeaders.MESSAGE_ID, "m" + i)
                        .add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
                alice.send(send, new byte[] {'x'}, Continuation.COMPLETE);
            }
            Thread.sleep(1000);
            assertThat(heapAfterGc() - before).as("heap held for requests awaiting Bob's answer")
                    .isLessThan(6L * buffer);
        }
    }

    /**
     * A client that does not read its answers and then breaks the syntax is
     * closed all the same: the relay stops reading it (its answers fill its
     * budget) and closes it once it has read nothing for the transaction
     * timeout (found by review: it could stay open for ever).
     */
    @Test
    void aClientThatDoesNotReadIsClosedAfterItsSyntaxError() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.transactionTimeout(Duration.ofSeconds(2));
        try (TestRelay relay = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(relay, "alice")) {
            var ghost = MsrpUri.of(true, null, "localhost", relay.port(),
                    RandomIds.sessionId());
            alice.connection.pauseReading();
            io.netty.channel.Channel ch = alice.connection.channel();
            for (int i = 0; i < 1000; i++) { // answers enough to fill its socket
                ch.writeAndFlush(request(String.format("tid%06d", i), ghost,
                        "msrps://127.0.0.1:40000/s;tcp" + longParameters()));
            }
            ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer("MSRP bad\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ch.isActive() && System.nanoTime() < deadline) { // its writes fail once the relay has closed
                ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[1024]));
                Thread.sleep(100);
            }
            assertThat(ch.isActive()).as("closed by the relay after its syntax error").isFalse();
        }
    }

    /**
     * Each connection holds little, but there may be thousands: over its
     * total buffer the relay stops reading any connection that adds to it.
     * Six signed-in clients pipeline requests and read none of the answers:
     * the relay stops reading some of them for its total, not only each for
     * its own session buffer, and holds about its total, not six session
     * buffers; once they are gone, others are served. What is asserted is
     * the mechanism, connections paused for the total: the bytes the relay
     * holds vary with what the kernel's socket buffers take of the answers
     * (up to megabytes each on loopback), and a relay without the bound once
     * held little enough to pass a test on bytes alone (found by review). The
     * transaction timeout outlasts the test: with a short one the relay
     * closed the clients that read nothing while others were still writing,
     * and on a slow run held nothing by the time it was measured.
     */
    @Test
    void theRelayAsAWholeHoldsAboutItsTotalBuffer() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        int buffer = 256 * 1024;
        s.config.sessionBufferBytes(buffer).totalBufferBytes(2L * buffer).transactionTimeout(Duration.ofMinutes(10));
        try (TestRelay relay = TestRelay.start(s)) {
            var ghost = MsrpUri.of(true, null, "localhost", relay.port(),
                    RandomIds.sessionId());
            List<TestPeer> abusers = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // all sign in first: a relay over its total reads no new AUTH either
                    abusers.add(TestPeer.signedIn(relay, List.of("alice", "bob", "carol").get(i % 3)));
                }
                for (TestPeer p : abusers) {
                    p.connection.pauseReading();
                    io.netty.channel.Channel ch = p.connection.channel();
                    long quiet = System.nanoTime();
                    for (int n = 0; System.nanoTime() - quiet < Duration.ofSeconds(1).toNanos(); ) {
                        if (ch.isWritable()) {
                            for (int batch = 0; batch < 32; batch++, n++) { // one flush a batch: a TLS record, a write
                                ch.write(request(String.format("tid%06d", n), ghost, p.ownUri.toString()));
                            }
                            ch.flush();
                            quiet = System.nanoTime();
                        } else {
                            Thread.sleep(5);
                        }
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (relay.server.connectionsPausedForTotal() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(relay.server.connectionsPausedForTotal()).as("connections paused for the relay's total")
                        .isPositive();
                assertThat(relay.server.bufferedBytes()).as("held for six clients that do not read")
                        .isLessThan(3L * buffer);
            } finally {
                abusers.forEach(TestPeer::close);
            }
            try (TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
                var send = alice.sendTo(bob.path(), TestPeer.fileHeaders("after", 5));
                alice.send(send, "hello".getBytes(StandardCharsets.UTF_8), Continuation.COMPLETE);
                assertThat(alice.response(send.transactionId(), Duration.ofSeconds(10)).code()).isEqualTo(200);
                assertThat(relay.server.connectionsPausedForTotal()).isZero();
            }
        }
    }
}
