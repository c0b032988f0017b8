package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.RandomIds;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.MutableClock;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.TestRelayExtension;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsEngine;

/**
 * The relay's reaction to each kind of bad input of its hardening list, one
 * row each, sent as raw bytes over real TLS by an authenticated client
 * (alice, whose peer bob is signed in too). Numbers are the sections of the
 * list: 1 start line, 2 end-line, 3 paths, 4 Byte-Range, 5 sizes, 7
 * sessions, 8 REPORTs, 10 next hops. After every row the relay still serves.
 *
 * <p>Reactions: an answer with a status code (a request the relay could
 * read far enough to know whom to answer), a message dropped unanswered
 * (framed, but its paths unreadable, or a REPORT, which is never answered),
 * a close (the framing broken: nothing after it can be trusted), or
 * forwarding (what is valid MSRP but for the receiving endpoint to judge).
 * After an answer or a drop the connection goes on.
 */
class RelayBadInputTest {

    private static final String TID = "tid12345";

    /** What the relay must do with a row. */
    sealed interface Reaction permits Answer, Dropped, Close, Forward {
    }

    record Answer(int code) implements Reaction {
    }

    record Dropped() implements Reaction {
    }

    record Close() implements Reaction {
    }

    /** Forwarded to bob as a request of {@code method}, with this body when not null. */
    record Forward(String method, String body) implements Reaction {
    }

    @RegisterExtension
    static final TestRelayExtension RELAY = new TestRelayExtension();

    /** A SEND to bob from alice with these headers after the paths, and a body unless null. */
    private static String send(String headers, String body) {
        return message(TID, "SEND", "{to}", headers, body);
    }

    private static String message(String tid, String method, String to, String headers, String body) {
        String head = "MSRP " + tid + " " + method + "\r\nTo-Path: " + to + "\r\nFrom-Path: {from}\r\n" + headers;
        String content = body == null ? "" : "Content-Type: text/plain\r\n\r\n" + body + "\r\n";
        return head + content + "-------" + tid + "$\r\n";
    }

    /** A SEND from alice to a next hop after her session. */
    private static String toNextHop(String uri) {
        return message(TID, "SEND", "{relay} " + uri, "Message-ID: n1\r\n", "x");
    }

    static Stream<Arguments> rows() {
        Reaction closed = new Close();
        Reaction dropped = new Dropped();
        String longLine = "X-Long: " + "a".repeat(17 * 1024) + "\r\n";
        StringBuilder manyHeaders = new StringBuilder();
        for (int i = 0; i < 70; i++) {
            manyHeaders.append("X-H").append(i).append(": v\r\n");
        }
        String manyUris = "{relay}" + " msrps://example.com/x;tcp".repeat(32);
        return Stream.of(
                Arguments.of("1 transaction id too short", message("ab", "SEND", "{to}", "", null), closed),
                Arguments.of("1 transaction id over 32 characters",
                        message("a".repeat(33), "SEND", "{to}", "", null), closed),
                Arguments.of("1 transaction id with a bad character",
                        message("abc!defg", "SEND", "{to}", "", null), closed),
                Arguments.of("1 lower-case method", message(TID, "send", "{to}", "", null), closed),
                Arguments.of("1 unknown method is forwarded (--reject-unknown-methods: 501)",
                        message(TID, "FOO", "{to}", "Message-ID: u1\r\n", null), new Forward("FOO", null)),
                Arguments.of("1 MSRP with no space", "MSRP" + TID + " SEND\r\n", closed),
                Arguments.of("1 response code not 3 digits",
                        "MSRP " + TID + " 20 OK\r\nTo-Path: {relay}\r\nFrom-Path: {from}\r\n-------" + TID + "$\r\n",
                        closed),
                Arguments.of("1 bare LF", send("Message-ID: lf\r\n", null).replace("\r\n", "\n"), closed),
                Arguments.of("1 start line over 16 KiB", "MSRP " + TID + " " + "A".repeat(17 * 1024) + "\r\n", closed),
                Arguments.of("2 the end-line of another transaction inside a body stays body",
                        send("Message-ID: e1\r\nByte-Range: 1-24/24\r\n", "ab\r\n-------other999$\r\nyz"),
                        new Forward("SEND", "ab\r\n-------other999$\r\nyz")),
                Arguments.of("2 an end-line with a flag other than $, + or # is not one: body",
                        send("Message-ID: e2\r\n", "ab\r\n-------" + TID + "!\r\nyz"),
                        new Forward("SEND", "ab\r\n-------" + TID + "!\r\nyz")),
                Arguments.of("3 no To-Path",
                        "MSRP " + TID + " SEND\r\nFrom-Path: {from}\r\n-------" + TID + "$\r\n", dropped),
                Arguments.of("3 empty To-Path", message(TID, "SEND", "", "", null), dropped),
                Arguments.of("3 From-Path before To-Path",
                        "MSRP " + TID + " SEND\r\nFrom-Path: {from}\r\nTo-Path: {to}\r\n-------" + TID + "$\r\n",
                        dropped),
                Arguments.of("3 To-Path twice", send("To-Path: {to}\r\n", null), dropped),
                Arguments.of("3 more than 32 URIs in a path", message(TID, "SEND", manyUris, "", null), dropped),
                Arguments.of("3 IPv6 loopback next hop", toNextHop("msrps://[::1]:9/x;tcp"), new Answer(403)),
                Arguments.of("3 IPv6 link-local next hop", toNextHop("msrps://[fe80::1]:9/x;tcp"), new Answer(403)),
                Arguments.of("3 next hop transport not tcp", toNextHop("msrps://example.com:9/x;udp"),
                        new Answer(400)),
                Arguments.of("3 over-long session id", message(TID, "SEND",
                        "{relayhost}/" + "s".repeat(2000) + ";tcp {bob}", "", null), dropped),
                Arguments.of("3 non-ASCII session id", message(TID, "SEND",
                        "{relayhost}/s\u00e9ssion;tcp {bob}", "", null), dropped),
                Arguments.of("3 msrp:// (plain) URI of this TLS-only relay",
                        message(TID, "SEND", "{plainrelay} {bob}", "", null), new Answer(403)),
                Arguments.of("3 msrp:// (plain) next hop", toNextHop("msrp://example.com:9/x;tcp"), new Answer(403)),
                Arguments.of("4 Byte-Range 0-5/5", send("Byte-Range: 0-5/5\r\n", "hello"), new Answer(400)),
                Arguments.of("4 Byte-Range end before start", send("Byte-Range: 5-3/9\r\n", "x"), new Answer(400)),
                Arguments.of("4 Byte-Range negative", send("Byte-Range: -1-3/9\r\n", "x"), new Answer(400)),
                Arguments.of("4 Byte-Range over 2^63",
                        send("Byte-Range: 1-*/9223372036854775808\r\n", "x"), new Answer(400)),
                Arguments.of("4 Byte-Range start beyond total", send("Byte-Range: 12-*/10\r\n", "x"), new Answer(400)),
                Arguments.of("4 a range that does not match the body goes on, for the receiver to refuse",
                        send("Message-ID: r1\r\nByte-Range: 1-3/10\r\n", "0123456789"),
                        new Forward("SEND", "0123456789")),
                Arguments.of("5 header line over 16 KiB", send(longLine, null), closed),
                Arguments.of("5 header line with no colon", send("Message-ID: c1\r\nThis line has no colon\r\n", "x"),
                        new Answer(400)),
                Arguments.of("5 more than 64 headers", send(manyHeaders.toString(), null), closed),
                Arguments.of("7 SEND to an unknown session",
                        message(TID, "SEND", "{relayhost}/nosuchsession;tcp {bob}", "", null), new Answer(481)),
                Arguments.of("7 a request into another user's session",
                        message(TID, "SEND", "{bobrelay} {bob}", "", null), new Answer(403)),
                Arguments.of("8 Success-Report: maybe",
                        send("Message-ID: s1\r\nSuccess-Report: maybe\r\n", "x"), new Answer(400)),
                Arguments.of("8 REPORT for an unknown Message-ID goes on (the endpoint ignores it)",
                        message("rep12345", "REPORT", "{to}", "Message-ID: never-sent\r\nByte-Range: 1-10/10\r\n"
                                + "Status: 000 200 OK\r\n", null), new Forward("REPORT", null)),
                Arguments.of("8 REPORT with a Byte-Range beyond its total (REPORTs get no answer)",
                        message("rep12345", "REPORT", "{to}", "Message-ID: m1\r\nByte-Range: 1-20/10\r\n"
                                + "Status: 000 200 OK\r\n", null), dropped),
                Arguments.of("10 loopback next hop", toNextHop("msrps://127.0.0.1:9/x;tcp"), new Answer(403)),
                Arguments.of("10 private next hop", toNextHop("msrps://10.1.2.3:9/x;tcp"), new Answer(403)),
                Arguments.of("10 private next hop 192.168", toNextHop("msrps://192.168.1.1:9/x;tcp"), new Answer(403)),
                Arguments.of("10 link-local next hop", toNextHop("msrps://169.254.1.1:9/x;tcp"), new Answer(403)),
                Arguments.of("10 multicast next hop", toNextHop("msrps://224.0.0.1:9/x;tcp"), new Answer(403)),
                Arguments.of("10 carrier-grade NAT next hop", toNextHop("msrps://100.64.0.1:9/x;tcp"),
                        new Answer(403)),
                Arguments.of("10 host name that resolves to loopback", toNextHop("msrps://localhost:9/x;tcp"),
                        new Answer(403)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachBadInputGetsItsReaction(String what, String template, Reaction reaction) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpUri own = alice.usePath.first();
            String hostPort = own.host() + ":" + own.port();
            String wire = template.replace("{to}", alice.usePath.concat(bob.path()).toString())
                    .replace("{from}", alice.ownUri.toString())
                    .replace("{relay}", own.toString())
                    .replace("{relayhost}", "msrps://" + hostPort)
                    .replace("{plainrelay}", own.toString().replace("msrps://", "msrp://"))
                    .replace("{bobrelay}", bob.usePath.toString())
                    .replace("{bob}", bob.ownUri.toString());
            alice.connection.channel().writeAndFlush(Unpooled.wrappedBuffer(wire.getBytes(StandardCharsets.UTF_8)));
            if (reaction instanceof Answer a) {
                MsrpResponse r = alice.response(TID, Duration.ofSeconds(10));
                assertThat(r.code()).as(what + ": " + r.comment()).isEqualTo(a.code());
                assertThat(r.comment()).as("says why").isNotBlank();
            } else if (reaction instanceof Dropped) {
                assertThat(alice.next(Duration.ofMillis(300))).as(what + ": unanswered").isNull();
                assertThat(bob.next(Duration.ofMillis(100))).as("nothing reached bob").isNull();
            } else if (reaction instanceof Forward f) {
                TestPeer.Received got = bob.request(f.method(), Duration.ofSeconds(5));
                assertThat(got).as(what + ": bob got it").isNotNull();
                if (f.body() != null) {
                    assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(f.body());
                }
                assertThat(alice.connection.isOpen()).isTrue();
            } else {
                assertThat(alice.closedWithin(Duration.ofSeconds(5))).as(what).isTrue();
            }
            if (reaction instanceof Answer || reaction instanceof Dropped) {
                // The bad message was all that went: alice's next message to bob is carried as ever.
                String next = message("next1234", "SEND", "{to}", "Message-ID: n2\r\n", "next")
                        .replace("{to}", alice.usePath.concat(bob.path()).toString())
                        .replace("{from}", alice.ownUri.toString());
                alice.connection.channel().writeAndFlush(Unpooled.wrappedBuffer(next.getBytes(StandardCharsets.UTF_8)));
                assertThat(alice.response("next1234", Duration.ofSeconds(5)).code()).as(what + ": goes on").isEqualTo(200);
                TestPeer.Received got = bob.request("SEND", Duration.ofSeconds(5));
                assertThat(got).isNotNull();
                assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("next");
            }
        }
        try (TestPeer carol = TestPeer.signedIn(RELAY.get(), "carol")) {
            assertThat(carol.usePath).as("still serving").isNotNull();
        }
    }

    @Test
    void aSendBeforeAuthIntoAMadeUpSessionIs481AndGuessingFindsNothing() throws Exception {
        try (TestPeer stranger = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls());
             TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpUri own = bob.usePath.first();
            for (int i = 0; i < 200; i++) {
                String tid = "guess" + i + "x";
                String to = "msrps://" + own.host() + ":" + own.port() + "/" + RandomIds.sessionId() + ";tcp "
                        + bob.ownUri;
                String wire = message(tid, "SEND", to, "Message-ID: g" + i + "\r\n", "x")
                        .replace("{from}", stranger.ownUri.toString());
                stranger.connection.channel().writeAndFlush(
                        Unpooled.wrappedBuffer(wire.getBytes(StandardCharsets.UTF_8)));
                assertThat(stranger.response(tid, Duration.ofSeconds(5)).code()).isEqualTo(481);
            }
            assertThat(bob.request("SEND", Duration.ofMillis(200))).as("nothing reached bob").isNull();
        }
    }

    @Test
    void aSendToAnExpiredSessionIs481() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        MutableClock clock = new MutableClock();
        s.clock = clock;
        try (TestRelay timed = TestRelay.start(s);
             TestPeer alice = TestPeer.connect(timed.port(), timed.clientTls());
             TestPeer bob = TestPeer.signedIn(timed, "bob")) {
            assertThat(alice.auth(timed, "alice", "alice-secret", new MsrpHeaders().add(MsrpHeaders.EXPIRES, 3600))
                    .code()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(601)); // bob's 600 s are over, alice's 3600 are not
            assertThat(bob.closedWithin(Duration.ofSeconds(5))).as("the expired session's connection closed").isTrue();
            var send = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "late")
                    .add(MsrpHeaders.BYTE_RANGE, "1-1/1").add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            alice.send(send, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), Duration.ofSeconds(5)).code()).isEqualTo(481);
        }
    }

    static Stream<Arguments> flawedAuthorizations() {
        return Stream.of(
                Arguments.of("qop other than auth", (UnaryOperator<String>) a -> a.replace("qop=auth", "qop=auth-int")),
                Arguments.of("no username", (UnaryOperator<String>) a -> a.replaceAll("username=\"[^\"]*\",\\s*", "")),
                Arguments.of("no nonce", (UnaryOperator<String>) a -> a.replaceAll("nonce=\"[^\"]*\",\\s*", "")),
                Arguments.of("no response", (UnaryOperator<String>) a -> a.replaceAll(",\\s*response=\"[^\"]*\"", "")),
                Arguments.of("broken quoting", (UnaryOperator<String>) a -> a.replaceFirst("\"", "")),
                Arguments.of("not Digest at all", (UnaryOperator<String>) a -> "Basic YWxpY2U6YWxpY2Utc2VjcmV0"));
    }

    @ParameterizedTest(name = "6 Authorization with {0}: 401 and a new challenge")
    @MethodSource("flawedAuthorizations")
    void aFlawedAuthorizationIsAFailedAttempt(String what, UnaryOperator<String> flaw) throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpUri to = MsrpUri.of(true, "alice", "127.0.0.1", RELAY.get().port(), null);
            var challenge = p.authRequest(to, new MsrpHeaders()).headers().wwwAuthenticate();
            String good = TestPeer.credentials(challenge, "alice", "alice-secret", to.toString()).toString();
            String bad = flaw.apply(good);
            assertThat(bad).as("the flaw changed something").isNotEqualTo(good);
            MsrpResponse r = p.authRequest(to, new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, bad));
            assertThat(r.code()).as(what).isEqualTo(401);
            assertThat(r.headers().wwwAuthenticate()).as("a new challenge").isNotNull();
            assertThat(p.usePath).as("no session").isNull();
        }
    }

    @Test
    void aNextHopThatNeverAnswersGets408OnceAsAResponse() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.allowPrivateNextHops(true);
        s.config.transactionTimeout(Duration.ofSeconds(2));
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestRelay lab = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(lab, "alice")) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(mute.accept()); // and never says a word
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.start();
            MsrpResponse response = sendToNextHop(alice, TID, "msrps://127.0.0.1:" + mute.getLocalPort() + "/x;tcp");
            assertThat(response.code()).as(response.comment()).isEqualTo(408);
            assertThat(response.comment()).contains("timed out");
            // Nothing had gone on: the response is the whole answer, no failure REPORT besides.
            TestPeer.Received more = alice.next(Duration.ofSeconds(1));
            assertThat(more).as("anything after the response").isNull();
        } finally {
            for (Socket a : accepted) {
                a.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aNextHopWhoseCertificateIsNotTrustedIsRefusedSayingWhy(TlsEngine engine) throws Exception {
        Assumptions.assumeTrue(engine.available(), engine + " is not available here");
        TestRelay.Settings s = new TestRelay.Settings();
        // No --ca-file: the stranger's self-signed certificate is not trusted.
        s.config.allowPrivateNextHops(true).tlsEngine(engine);
        try (LogCapture log = LogCapture.of(Level.INFO,
                r -> true, RelayEvents.class.getName());
             TestRelay lab = TestRelay.start(s); TestRelay stranger = TestRelay.start();
             TestPeer alice = TestPeer.signedIn(lab, "alice")) {
            MsrpResponse r = sendToNextHop(alice, "untrusted1", "msrps://127.0.0.1:" + stranger.port() + "/x;tcp");
            assertThat(r.code()).as(r.comment()).isEqualTo(403);
            assertThat(r.comment()).startsWith("TLS with next hop 127.0.0.1:" + stranger.port() + " failed: ")
                    .contains("certification path").doesNotContain("OpenSslEngine");
            // The lab's own handshake is no client's failed handshake: the refusal above says it, naming the hop.
            assertThat(log.events("tls_handshake_failed")).as("the lab's own side of it")
                    .noneMatch(e -> String.valueOf(e.field("reason")).contains("certification path"));
        }
    }

    /** A lab relay that forwards to loopback next hops, on {@code clock}. */
    private static TestRelay.Settings privateHopsAllowed(MutableClock clock) {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.allowPrivateNextHops(true);
        s.clock = clock;
        return s;
    }

    /** A loopback port nothing listens on (just closed): connections to it are refused. */
    private static int refusingPort() throws IOException {
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return gone.getLocalPort();
        }
    }

    @Test
    void aNextHopThatFailedIsNotTriedAgainForEveryChunk() throws Exception {
        MutableClock clock = new MutableClock();
        TestRelay.Settings s = privateHopsAllowed(clock);
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestRelay lab = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(lab, "alice")) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket ignored = closer.accept()) { // closed before TLS says a word
                            attempts.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.start();
            int port = closer.getLocalPort();
            String hop = "msrps://127.0.0.1:" + port + "/x;tcp";
            for (int i = 0; i < 5; i++) {
                MsrpResponse r = sendToNextHop(alice, "c" + i + "tid", hop);
                assertThat(r.code()).as(r.comment()).isEqualTo(408);
                assertThat(r.comment()).isEqualTo("Next hop 127.0.0.1:" + port
                        + " closed the connection during the TLS handshake" + (i == 0 ? ""
                        : " (an attempt in the last 5 s; not tried again sooner)"));
            }
            assertThat(attempts).as("connections to the hop for five chunks in a row").hasValue(1);
            assertThat(lab.server.metrics().nextHopFailures.labelValues("closed").getLongValue())
                    .as("failed attempts counted, answers from memory not").isEqualTo(1);
            clock.advance(PeerConnector.FAILURE_MEMORY.plusSeconds(1));
            assertThat(sendToNextHop(alice, "late1tid", hop).code()).isEqualTo(408);
            assertThat(attempts).as("tried again once the failure is old").hasValue(2);
            assertThat(lab.server.metrics().nextHopFailures.labelValues("closed").getLongValue()).isEqualTo(2);
        }
    }

    @Test
    void aUserCanMakeTheRelayTryOnlySoManyNewNextHopsAMinute() throws Exception {
        MutableClock clock = new MutableClock();
        TestRelay.Settings s = privateHopsAllowed(clock);
        int port = refusingPort();
        try (TestRelay lab = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(lab, "alice");
             TestPeer bob = TestPeer.signedIn(lab, "bob")) {
            // 127.0.0.N: as many loopback addresses, each a new hop to try.
            IntFunction<String> hop = n -> "msrps://127.0.0." + n + ":" + port + "/x;tcp";
            for (int n = 1; n <= NextHopAttempts.PER_WINDOW; n++) {
                assertThat(sendToNextHop(alice, "scan" + n, hop.apply(n)).code()).isEqualTo(408);
            }
            MsrpResponse over = sendToNextHop(alice, "scanover", hop.apply(NextHopAttempts.PER_WINDOW + 1));
            assertThat(over.code()).isEqualTo(403);
            assertThat(over.comment()).isEqualTo("Too many new next hops for alice@example.com: at most "
                    + NextHopAttempts.PER_WINDOW + " a minute");
            assertThat(lab.server.metrics().nextHopFailures.labelValues("connect").getLongValue())
                    .as("attempts made").isEqualTo(NextHopAttempts.PER_WINDOW);
            assertThat(sendToNextHop(alice, "again1", hop.apply(1)).comment())
                    .as("a failure remembered is answered, no new attempt").contains("not tried again sooner");
            assertThat(sendToNextHop(bob, "bobs1", hop.apply(100)).code()).as("another user's share").isEqualTo(408);
            clock.advance(NextHopAttempts.WINDOW.plusSeconds(1));
            assertThat(sendToNextHop(alice, "later1", hop.apply(101)).code()).as("a new minute").isEqualTo(408);
        }
    }

    @Test
    void anAddressThatRefusesConnectionsIsRememberedWhateverItsSpelling() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.allowPrivateNextHops(true);
        int port = refusingPort();
        try (TestRelay lab = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(lab, "alice")) {
            List<String> spellings = List.of("127.0.0.1", "127.1", "2130706433", "127.0.1");
            for (int i = 0; i < spellings.size(); i++) {
                MsrpResponse r = sendToNextHop(alice, "sp" + i + "tid", "msrps://" + spellings.get(i) + ":" + port
                        + "/x;tcp");
                assertThat(r.code()).as(r.comment()).isEqualTo(408);
                assertThat(r.comment()).startsWith("Cannot connect to next hop ")
                        .contains(":" + port + " (127.0.0.1): connection refused").doesNotContain("finishConnect");
            }
            assertThat(lab.server.metrics().nextHopFailures.labelValues("connect").getLongValue())
                    .as("one attempt for the four spellings").isEqualTo(1);
        }
    }

    @Test
    void aTlsFailureForOneNameDoesNotRefuseAnotherNameAtTheSameAddress(@org.junit.jupiter.api.io.TempDir
                                                                        Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CertificateFiles.createSelfSigned(cert, key, List.of("localhost"), Duration.ofDays(1));
        TestRelay.Settings peer = new TestRelay.Settings();
        peer.cert = cert;
        peer.key = key;
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.allowPrivateNextHops(true).caFile(cert);
        try (TestRelay b = TestRelay.start(peer); TestRelay lab = TestRelay.start(s);
             TestPeer alice = TestPeer.signedIn(lab, "alice")) {
            MsrpResponse byAddress = sendToNextHop(alice, "byaddr1", "msrps://127.0.0.1:" + b.port() + "/x;tcp");
            assertThat(byAddress.code()).as(byAddress.comment()).isEqualTo(403); // the certificate names localhost only
            MsrpResponse byName = sendToNextHop(alice, "byname1", "msrps://localhost:" + b.port() + "/x;tcp");
            assertThat(byName.comment()).as("the name the certificate holds").doesNotContain("TLS");
            assertThat(byName.code()).as("relay b reached").isIn(200, 481);
        }
    }

    /** Sends a one-chunk SEND from alice to {@code hop} after her session, and waits for its response. */
    private static MsrpResponse sendToNextHop(TestPeer alice, String tid, String hop) throws Exception {
        String wire = message(tid, "SEND", "{relay} " + hop, "Message-ID: m" + tid + "\r\nByte-Range: 1-1/1\r\n", "x")
                .replace("{relay}", alice.usePath.first().toString())
                .replace("{from}", alice.ownUri.toString());
        alice.connection.channel().writeAndFlush(Unpooled.wrappedBuffer(wire.getBytes(StandardCharsets.UTF_8)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            TestPeer.Received r = alice.next(Duration.ofSeconds(1));
            if (r != null && r.head() instanceof MsrpResponse resp && resp.transactionId().equals(tid)) {
                return resp;
            }
        }
        throw new AssertionError("no response to " + tid);
    }
}
