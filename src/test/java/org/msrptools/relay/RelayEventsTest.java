package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PasswordNotChecked;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/**
 * The operator's log: each event of {@link RelayEvents} happens when it
 * should, as one line with its fields, and is counted in the metrics; and no
 * line ever carries a password, a digest response or a whole session id.
 */
class RelayEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static LogCapture events() {
        return LogCapture.of(Level.INFO, r -> true, RelayEvents.class.getName());
    }

    private static MsrpRequest hello(TestPeer from, MsrpPath to) {
        return from.sendTo(to, new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "hello-1")
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 5, 5)).add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
    }

    private static void awaitCount(LogCapture log, String name, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (log.events(name).size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(log.events(name)).as(name + " events").hasSize(n);
    }

    private static LogEvent of(LogCapture log, String name, String user) {
        return log.events(name).stream().filter(e -> user.equals(e.field("user"))).findFirst().orElseThrow();
    }

    @Test
    void aSessionFromSignInToItsEndIsLoggedWithWhatWentThroughItEachWay() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start()) {
            try (TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
                assertThat(alice.auth(relay, "alice", "alice-secret", null).code()).as("a refresh").isEqualTo(200);
                MsrpRequest send = hello(alice, bob.path());
                alice.send(send, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
                assertThat(bob.request(MsrpMethod.SEND, WAIT).bytes()).isEqualTo(5);
                assertThat(alice.response(send.transactionId(), WAIT).code()).isEqualTo(200);
            }
            awaitCount(log, "session_ended", 2);
            assertThat(log.events("connection_accepted")).hasSize(2)
                    .allSatisfy(e -> assertThat(e.toString()).matches("event=connection_accepted address=127\\.0\\.0\\.1 port=\\d+ open=[12]"));
            assertThat(of(log, "auth_ok", "alice@example.com").toString())
                    .matches("event=auth_ok user=alice@example\\.com address=127\\.0\\.0\\.1 session=[A-Za-z0-9_-]{6}\\.\\.\\.");
            assertThat(of(log, "session_created", "bob@example.com").toString())
                    .matches("event=session_created user=bob@example\\.com session=[A-Za-z0-9_-]{6}\\.\\.\\. "
                            + "address=127\\.0\\.0\\.1 expires_s=600 expires_at=\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(of(log, "session_refreshed", "alice@example.com").field("expires_s")).isEqualTo(600L);
            assertThat(of(log, "session_ended", "alice@example.com").toString())
                    .contains(" address=127.0.0.1 duration_s=0 messages_in=1 bytes_in=5 messages_out=0 bytes_out=0 "
                            + "reason=closed_by_client");
            assertThat(of(log, "session_ended", "bob@example.com").toString())
                    .contains(" messages_in=0 bytes_in=0 messages_out=1 bytes_out=5 reason=closed_by_client");

            RelayMetrics m = relay.server.metrics();
            assertThat(m.connectionsAccepted.getLongValue()).isEqualTo(2);
            assertThat(m.auth.labelValues("ok").getLongValue()).isEqualTo(3);
            assertThat(m.sessionsCreated.getLongValue()).isEqualTo(2);
            assertThat(m.sessionsEnded.labelValues("closed_by_client").getLongValue()).isEqualTo(2);
            assertThat(m.responses.labelValues("401").getLongValue()).isEqualTo(3);
            assertThat(m.responses.labelValues("200").getLongValue()).as("3 AUTHs and the SEND").isEqualTo(4);
            String page;
            try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store())) {
                page = get(endpoint, "/metrics");
                assertThat(get(endpoint, "/health")).isEqualTo("200 ok\n");
                assertThat(get(endpoint, "/other")).startsWith("404 ");
            }
            assertThat(page).contains("msrp_relay_forwarded_bytes_total{direction=\"client_to_client\"} 5.0")
                    .contains("msrp_relay_forwarded_messages_total{direction=\"client_to_client\"} 1.0")
                    .contains("msrp_relay_sessions_active 0.0").contains("msrp_relay_connections_paused_total_buffer 0.0")
                    .contains("msrp_relay_connections_closed_total{reason=\"no_valid_message\"} 0.0")
                    .contains("msrp_relay_next_hop_failures_total{reason=\"tls\"} 0.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("process_cpu_seconds_total");
        }
    }

    /**
     * GET /sessions, when asked for: who is signed in, from where, who sends
     * into each session (no key before anyone does) and what went through
     * it, one JSON line each, oldest first; session ids only as the log
     * shows them (a whole one lets anyone send into the session).
     */
    @Test
    void sessionsListsWhoIsSignedInAndWhatWentThroughEachSession() throws Exception {
        try (TestRelay relay = TestRelay.start();
             MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store(), true);
             MetricsEndpoint without = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store())) {
            assertThat(get(endpoint, "/sessions")).isEqualTo("200 ");
            try (TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
                MsrpRequest send = hello(alice, bob.path());
                alice.send(send, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
                assertThat(bob.request(MsrpMethod.SEND, WAIT).bytes()).isEqualTo(5);
                assertThat(alice.response(send.transactionId(), WAIT).code()).isEqualTo(200);
                Thread.sleep(1100); // a page is made once a second at most: the empty one above stands until then
                assertThat(get(without, "/sessions")).as("only when the operator asks").startsWith("404 ");
                String page = get(endpoint, "/sessions");
                String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
                assertThat(page.substring(4).lines().toList()).satisfiesExactly(
                        line -> assertThat(line).matches("\\{\"user\":\"alice@example.com\",\"session\":\""
                                + alice.usePath.last().sessionId().substring(0, 6) + "\\.\\.\\.\",\"address\":\"127.0.0.1\","
                                + "\"since\":\"" + time + "\",\"expires_at\":\"" + time + "\","
                                + "\"messages_in\":1,\"bytes_in\":5,\"messages_out\":0,\"bytes_out\":0}"),
                        line -> assertThat(line).matches("\\{\"user\":\"bob@example.com\",\"session\":\"[A-Za-z0-9_-]{6}"
                                + "\\.\\.\\.\",\"address\":\"127.0.0.1\",\"since\":\"" + time + "\",\"expires_at\":\""
                                + time + "\",\"peer\":\"127.0.0.1\",\"messages_in\":0,\"bytes_in\":0,"
                                + "\"messages_out\":1,\"bytes_out\":5}"));
                assertThat(page).startsWith("200 ").doesNotContain(alice.usePath.last().sessionId())
                        .doesNotContain(bob.usePath.last().sessionId());
            }
        }
    }

    @Test
    void failedAndThrottledAuthsAreLoggedWithTheirReason() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start()) {
            for (int i = 0; i < AuthThrottle.FREE_FAILURES + 1; i++) {
                try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                    assertThat(p.auth(relay, "bob", "not-bobs-password", null).code()).isEqualTo(401);
                }
            }
            assertThat(log.events("auth_failed")).hasSize(AuthThrottle.FREE_FAILURES + 1).allSatisfy(e ->
                    assertThat(e.toString()).isEqualTo("event=auth_failed user=bob@example.com address=127.0.0.1 "
                            + "reason=\"wrong password\" attempt=1"));
            assertThat(log.events("auth_throttled")).as("the 4th attempt's answer").hasSize(1)
                    .allSatisfy(e -> assertThat(e.toString()).startsWith("event=auth_throttled address=127.0.0.1 "
                            + "reason=\"recent failed attempts from this address\" delay_ms="));
            RelayMetrics m = relay.server.metrics();
            assertThat(m.auth.labelValues("failed").getLongValue()).isEqualTo(AuthThrottle.FREE_FAILURES + 1);
            assertThat(m.authThrottled.getLongValue()).isEqualTo(1);
        }
    }

    /**
     * Many connections from a guessing address do not multiply its guesses:
     * while one AUTH from there has its password checked (its failure's
     * answer held back), another's password is refused at once, unchecked
     * (our clients try again shortly); one that only asks for a challenge
     * takes no turn, and a signed-in client's refresh is neither held nor
     * refused; once that answer is out, the next one has its turn.
     */
    @Test
    void aThrottledAddressHasOnePasswordCheckedAtATime() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start();
             TestPeer signedIn = TestPeer.signedIn(relay, "alice")) {
            for (int i = 0; i < AuthThrottle.FREE_FAILURES + 2; i++) { // the next failure's answer waits 1 s
                try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                    assertThat(p.auth(relay, "bob", "not-bobs-password", null).code()).isEqualTo(401);
                }
            }
            MsrpUri relayUri = MsrpUri.of(true, "bob", "127.0.0.1", relay.port(), null);
            try (TestPeer first = TestPeer.connect(relay.port(), relay.clientTls());
                 TestPeer second = TestPeer.connect(relay.port(), relay.clientTls())) {
                MsrpResponse firstChallenge = first.authRequest(relayUri, new MsrpHeaders());
                MsrpResponse secondChallenge = second.authRequest(relayUri, new MsrpHeaders());
                assertThat(secondChallenge.code()).as("a challenge, asked for meanwhile").isEqualTo(401);
                int heldBefore = log.events("auth_throttled").size();
                CompletableFuture<MsrpResponse> firstAnswer = first.authRequestLater(relayUri,
                        signed(firstChallenge, relayUri, "bob", "not-bobs-password"));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (log.events("auth_throttled").size() == heldBefore && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                MsrpResponse refused = second.authRequest(relayUri, signed(secondChallenge, relayUri, "bob",
                        "bob-secret"));
                assertThat(refused.code()).as("the right password, unchecked").isEqualTo(403);
                assertThat(refused.comment()).isEqualTo(PasswordNotChecked.COMMENT);
                int throttledBefore = log.events("auth_throttled").size();
                assertThat(signedIn.auth(relay, "alice", "alice-secret", null).code()).isEqualTo(200);
                assertThat(log.events("auth_throttled")).as("a refresh, from a connection that proved its password: "
                        + "neither refused nor held back").hasSize(throttledBefore);
                assertThat(firstAnswer.get(WAIT.toSeconds(), TimeUnit.SECONDS).code()).as("the one checked")
                        .isEqualTo(401);
                assertThat(second.authRequest(relayUri, signed(secondChallenge, relayUri, "bob", "bob-secret")).code())
                        .as("the same again, its turn now: answered at once").isEqualTo(200);
            }
            assertThat(log.events("auth_throttled")).anySatisfy(e -> assertThat(e.toString()).isEqualTo(
                    "event=auth_throttled address=127.0.0.1 reason=\"a password from this address is being checked "
                            + "already\" delay_ms=0"));
        }
    }

    /** {@code user}'s answer to {@code challenge} with {@code password}. */
    private static MsrpHeaders signed(MsrpResponse challenge, MsrpUri to, String user, String password) {
        return new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, TestPeer.credentials(
                challenge.headers().wwwAuthenticate(), user, password, to.toString()));
    }

    @Test
    void anAccountStoreThatCannotAnswerIsLogged() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new DownAccounts();
        try (LogCapture log = events(); TestRelay relay = TestRelay.start(s);
             TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
            assertThat(p.auth(relay, "alice", "alice-secret", null).code()).isEqualTo(500);
            assertThat(log.awaitEvent("auth_unavailable", WAIT).toString()).isEqualTo("event=auth_unavailable "
                    + "user=alice@example.com address=127.0.0.1 reason=\"account database unavailable: it is down\"");
            assertThat(relay.server.metrics().auth.labelValues("unavailable").getLongValue()).isEqualTo(1);
            assertThat(relay.server.metrics().accountLookupSeconds.collect().getDataPoints().get(0).getCount())
                    .isEqualTo(1);
            try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store())) {
                assertThat(awaitHealth(endpoint, 503)).isEqualTo("503 unavailable: the account store does not answer\n");
            }
        }
    }

    @Test
    void aChunkRefusedAgainAndAgainIsOneLineAndACloseMidMessageIsNoBadInput() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start();
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            try (TestPeer alice = TestPeer.signedIn(relay, "alice")) {
                MsrpPath nowhere = MsrpPath.of(bob.path().first().withSessionId("AAAAAAAAAAAAAAAAAAAAAAAA"))
                        .append(bob.path().last());
                for (int chunk = 0; chunk < 3; chunk++) {
                    MsrpRequest lost = hello(alice, nowhere);
                    alice.send(lost, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.MORE);
                    assertThat(alice.response(lost.transactionId(), WAIT).code()).isEqualTo(481);
                }
                // A head and part of a body to bob, then the sender hangs up.
                MsrpRequest cut = alice.sendTo(bob.path(), new MsrpHeaders()
                        .add(MsrpHeaders.MESSAGE_ID, "cut-1").add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 100, 100))
                        .add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
                alice.connection.send(cut, new org.msrptools.protocol.MsrpContent(
                        io.netty.buffer.Unpooled.wrappedBuffer(new byte[50])));
            }
            TestPeer.Received aborted = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(aborted).as("the head went on, then the message was ended").isNotNull();
            assertThat(aborted.flag()).isEqualTo(Continuation.ABORT);
            LogEvent ended = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ended == null && System.nanoTime() < deadline) {
                ended = log.events("session_ended").stream().filter(e -> "alice@example.com".equals(e.field("user")))
                        .findFirst().orElse(null);
                Thread.sleep(20);
            }
            assertThat(ended).as("alice's session_ended").isNotNull();
            assertThat(ended.field("reason")).isEqualTo("closed_by_client");
            assertThat(log.events("request_refused")).as("one line for the message's three chunks").hasSize(1);
        }
    }

    @Test
    void refusedRequestsAndFailureReportsAreLoggedWithCodeMethodAndSession() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.allowPrivateNextHops(true);
        try (LogCapture log = events(); TestRelay relay = TestRelay.start(s);
             TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            String unknownId = "AAAAAAAAAAAAAAAAAAAAAAAA";
            MsrpUri bobsRelayUri = bob.path().first();
            MsrpPath nowhere = MsrpPath.of(bobsRelayUri.withSessionId(unknownId)).append(bob.path().last());
            MsrpRequest lost = hello(alice, nowhere);
            alice.send(lost, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            assertThat(alice.response(lost.transactionId(), WAIT).code()).isEqualTo(481);
            // The session named is the first of To-Path: for a client, its own.
            assertThat(log.awaitEvent("request_refused", WAIT).toString()).isEqualTo("event=request_refused code=481 "
                    + "comment=\"No such session\" method=SEND session="
                    + alice.path().first().sessionId().substring(0, 6) + "... address=127.0.0.1");

            // Bob refuses a chunk sent asking for failures only: the relay tells the sender in a REPORT.
            MsrpRequest refusedByBob = hello(alice, bob.path());
            refusedByBob.headers().add(MsrpHeaders.FAILURE_REPORT, "partial");
            bob.autoRespond = 415;
            alice.send(refusedByBob, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            assertThat(alice.request(MsrpMethod.REPORT, WAIT).head().headers().status().code()).isEqualTo(415);
            LogEvent report = log.awaitEvent("failure_report_sent", WAIT);
            assertThat(report.field("to_user")).isEqualTo("alice@example.com");
            assertThat(report.field("message_id")).isEqualTo("hello-1");
            assertThat(report.field("code")).isEqualTo(415);
            RelayMetrics m = relay.server.metrics();
            assertThat(m.failureReports.labelValues(String.valueOf(report.field("code"))).getLongValue()).isEqualTo(1);
            assertThat(m.responses.labelValues("481").getLongValue()).isEqualTo(1);
        }
    }

    @Test
    void aFloodOfRefusalsIsLoggedAtABoundedRateAndCountedWhole() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start(); SSLSocket s = relay.rawTlsSocket()) {
            StringBuilder b = new StringBuilder();
            int n = 200;
            for (int i = 0; i < n; i++) {
                String tid = String.format("f%04d", i);
                b.append("MSRP ").append(tid).append(" SEND\r\nTo-Path: msrps://127.0.0.1:").append(relay.port())
                        .append("/nosuchsession").append(i).append(";tcp msrps://127.0.0.1:9/x;tcp\r\n")
                        .append("From-Path: msrps://127.0.0.1:9/xyz;tcp\r\nMessage-ID: m").append(i)
                        .append("\r\n-------").append(tid).append("$\r\n");
            }
            long start = System.nanoTime();
            s.getOutputStream().write(b.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            RelayMetrics m = relay.server.metrics();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (m.responses.labelValues("481").getLongValue() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(m.responses.labelValues("481").getLongValue()).as("every refusal counted").isEqualTo(n);
            long windows = 2 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start); // a second each
            assertThat(log.events("request_refused")).as("lines").hasSizeGreaterThanOrEqualTo(
                    RelayEvents.OUTSIDER_LINES_PER_SECOND).hasSizeLessThanOrEqualTo(
                    (int) (RelayEvents.OUTSIDER_LINES_PER_SECOND * windows));
        }
    }

    @Test
    void durationsAreRoundedToTheSecondNotCut() throws Exception {
        try (LogCapture log = LogCapture.of(Level.INFO, r -> true, RelayEvents.class.getName())) {
            RelayEvents events = new RelayEvents(new RelayMetrics());
            RelayEvents.Traffic none = new RelayEvents.Traffic(0, 0, 0, 0);
            events.nextHopClosed("relay-b.example.net:2855", InetAddress.getLoopbackAddress(),
                    Duration.ofMillis(29_999), none, "idle_timeout", "idle for 30 s");
            events.nextHopClosed("relay-b.example.net:2855", InetAddress.getLoopbackAddress(),
                    Duration.ofMillis(400), none, "closed_by_next_hop", null);
            assertThat(log.events("next_hop_closed")).extracting(e -> e.field("duration_s")).containsExactly(30L, 0L);
        }
    }

    /**
     * A connection that ends after the event loop of a sender it forwarded for
     * has stopped (as when the relay stops: its loops end one by one, each as
     * soon as it is idle) still logs its end: the failure REPORT it owes that
     * sender cannot go, and is no reason to lose the session_ended line.
     */
    @Test
    void aSessionEndingAfterItsSendersLoopHasStoppedIsStillLogged() throws Exception {
        try (LogCapture log = events(); TestRelay relay = TestRelay.start();
             TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            bob.autoRespond = 0; // alice's chunk waits for bob's answer: bob's end fails it back to alice
            alice.send(hello(alice, bob.path()), "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            assertThat(bob.request(MsrpMethod.SEND, WAIT)).isNotNull();
            List<RelaySession> live = relay.server.sessions().live();
            EventLoop aliceLoop = live.stream().filter(s -> s.user().startsWith("alice"))
                    .findFirst().orElseThrow().owner().eventLoop();
            assertThat(live.stream().filter(s -> s.user().startsWith("bob")).findFirst().orElseThrow()
                    .owner().eventLoop()).as("one loop each").isNotSameAs(aliceLoop);
            assertThat(aliceLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(WAIT.toMillis())).isTrue();
            bob.close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (log.events("session_ended").stream().noneMatch(e -> "bob@example.com".equals(e.field("user")))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(of(log, "session_ended", "bob@example.com").toString()).endsWith(" reason=closed_by_client");
        }
    }

    @Test
    void sessionsEndedByTheRelaySayWhy() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.idleTimeout(Duration.ofSeconds(1));
        try (LogCapture log = events()) {
            try (TestRelay relay = TestRelay.start(s); TestPeer idle = TestPeer.signedIn(relay, "carol")) {
                assertThat(idle.closedWithin(WAIT)).isTrue();
                assertThat(log.awaitEvent("session_ended", WAIT).toString())
                        .contains(" reason=idle_timeout detail=\"idle for 1 s\"");
            }
            TestRelay relay = TestRelay.start();
            TestPeer staying = TestPeer.signedIn(relay, "alice");
            TestPeer notSignedIn = TestPeer.connect(relay.port(), relay.clientTls());
            relay.close();
            staying.close();
            notSignedIn.close();
            awaitCount(log, "session_ended", 2);
            assertThat(log.events("session_ended").get(1).toString()).endsWith(" reason=relay_stopping");
            assertThat(log.awaitEvent("connection_closed", WAIT).toString()).endsWith(" reason=relay_stopping");
            assertThat(relay.server.metrics().connectionsClosed.labelValues("relay_stopping").getLongValue())
                    .isEqualTo(1);
        }
    }

    @Test
    void tlsFailuresAndBadInputAreLoggedInOneLineAndNothingSecretIsEver() throws Exception {
        String digestResponse = "5f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
        // Everything the relay's side logs, at every level (the in-process test peers' own wire trace aside).
        try (LogCapture everything = LogCapture.of(Level.ALL, r -> true, "org.msrptools.relay", "org.msrptools.protocol",
                "org.msrptools.tls", "io.netty");
             TestRelay relay = TestRelay.start()) {
            // Plain MSRP on the TLS port, an Authorization header and all.
            int plainPort;
            try (Socket plain = new Socket("127.0.0.1", relay.port())) {
                plainPort = plain.getLocalPort(); // the port the relay names, to pair its lines for one connection
                OutputStream out = plain.getOutputStream();
                out.write(("MSRP a1 AUTH\r\nTo-Path: msrps://127.0.0.1:" + relay.port() + ";tcp\r\n"
                        + "From-Path: msrps://127.0.0.1:9;tcp\r\nAuthorization: Digest username=\"alice\", "
                        + "response=\"" + digestResponse + "\"\r\n-------a1$\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                everything.awaitEvent("tls_handshake_failed", WAIT);
            }
            assertThat(everything.events("tls_handshake_failed").get(0).toString()).isEqualTo("event=tls_handshake_failed "
                    + "address=127.0.0.1 port=" + plainPort + " reason=\"not TLS (plain MSRP, or another protocol, on the TLS port)\"");
            assertThat(relay.server.metrics().tlsHandshakeFailures.getLongValue()).isEqualTo(1);
            assertThat(everything.events("connection_closed")).as("said once, as the TLS failure").isEmpty();

            try (SSLSocket garbage = relay.rawTlsSocket()) {
                garbage.getOutputStream().write("HELLO relay\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                garbage.getOutputStream().flush();
                assertThat(everything.awaitEvent("connection_closed", WAIT).toString())
                        .matches("event=connection_closed address=127\\.0\\.0\\.1 port=\\d+ reason=bad_input detail=.*");
            }

            TestPeer alice = TestPeer.signedIn(relay, "alice");
            TestPeer bob = TestPeer.signedIn(relay, "bob");
            // A URI that cannot be parsed is quoted back in the error: here with bob's session id in it.
            try (SSLSocket bad = relay.rawTlsSocket()) {
                String bobs = bob.path().first().sessionId();
                bad.getOutputStream().write(("MSRP bad1 SEND\r\nTo-Path: msrps://127.0.0.1:" + relay.port() + "/" + bobs
                        + ";tcp msrps://127.0.0.1:99999/" + bobs + ";tcp\r\nFrom-Path: msrps://127.0.0.1:9/xyz;tcp\r\n"
                        + "Message-ID: m1\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                        + "-------bad1$\r\n").getBytes(StandardCharsets.US_ASCII));
                bad.getOutputStream().flush();
                // Framed, so dropped (its paths unreadable: nobody to answer), and the connection goes on.
                assertThat(everything.awaitEvent("message_dropped", WAIT).toString())
                        .contains("/" + bobs.substring(0, 6) + "...;tcp");
                assertThat(relay.server.metrics().messagesDropped.getLongValue()).isEqualTo(1);
            }
            assertThat(relay.server.metrics().connectionsClosed.labelValues("bad_input").getLongValue())
                    .as("counted, the TLS failure apart").isEqualTo(1);
            assertThat(relay.server.metrics().connectionsClosed.labelValues("head_timeout").getLongValue()).isZero();
            try (TestPeer guesser = TestPeer.connect(relay.port(), relay.clientTls())) {
                guesser.auth(relay, "carol", "carols-wrong-guess", null);
            }
            MsrpRequest send = hello(alice, bob.path());
            alice.send(send, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            bob.request(MsrpMethod.SEND, WAIT);
            Set<String> sessionIds = Set.of(alice.path().first().sessionId(), bob.path().first().sessionId(),
                    alice.path().last().sessionId(), bob.path().last().sessionId());
            alice.close();
            bob.close();
            awaitCount(everything, "session_ended", 2);

            List<String> lines = everything.lines();
            assertThat(lines).as("the log was captured").hasSizeGreaterThan(10);
            Pattern hex32 = Pattern.compile("[0-9a-fA-F]{32}"); // digest responses, HA1s, cnonces
            for (String line : lines) {
                assertThat(line).doesNotContain("alice-secret", "bob-secret", "carols-wrong-guess", digestResponse)
                        .doesNotContainPattern(hex32);
                for (String id : sessionIds) {
                    assertThat(line).doesNotContain(id);
                }
            }
        }
    }

    /** The status code of a GET on {@code endpoint}'s {@code path}, a blank, and the body. */
    static String get(MetricsEndpoint endpoint, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** /health's answer once its code is {@code code} (it follows the store's checks, every 2 s), or the last one. */
    static String awaitHealth(MetricsEndpoint endpoint, int code) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(4L * MetricsEndpoint.CHECK_SECONDS + 5).toNanos();
        String answer = get(endpoint, "/health");
        while (!answer.startsWith(code + " ") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = get(endpoint, "/health");
        }
        return answer;
    }

    /** An account store whose database is down. */
    private static final class DownAccounts implements AccountStore {
        @Override
        public CompletableFuture<Optional<String>> ha1(String user, String realm) {
            return CompletableFuture.failedFuture(new Unavailable("account database unavailable: it is down", null));
        }

        @Override
        public Set<String> realms() {
            return Set.of("example.com");
        }

        @Override
        public int size() {
            return -1;
        }

        @Override
        public String describe() {
            return "a database that is down";
        }

        @Override
        public boolean answers() {
            return false;
        }
    }
}
