package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.TestRelayExtension;

/** Forwarding (RFC 4976 section 7) between authenticated test peers, over real TLS. */
class RelayForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long HUNDRED_MIB = 100L * 1024 * 1024;
    @RegisterExtension
    static final TestRelayExtension RELAY = new TestRelayExtension();

    private static MsrpHeaders message(String id, ByteRange range) {
        return new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, id).add(MsrpHeaders.BYTE_RANGE, range)
                .add(MsrpHeaders.SUCCESS_REPORT, "yes").add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
    }

    @Test
    void aMessageReachesThePeerWithRewrittenPathsAndTheSenderGets200() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            byte[] body = "Hey Bob, are you there?".getBytes(StandardCharsets.UTF_8);
            MsrpRequest send = alice.sendTo(bob.path(), message("m1", new ByteRange(1, body.length, body.length)));
            alice.send(send, body, Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), WAIT).code()).isEqualTo(200);

            TestPeer.Received got = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(got.body()).isEqualTo(body);
            assertThat(got.flag()).isEqualTo(Continuation.COMPLETE);
            MsrpRequest r = got.request();
            assertThat(r.toPath()).isEqualTo(MsrpPath.of(bob.ownUri));
            assertThat(r.fromPath()).isEqualTo(bob.usePath.concat(alice.usePath).append(alice.ownUri));
            assertThat(r.transactionId()).as("a fresh id per hop").isNotEqualTo(send.transactionId());
            assertThat(r.headers().messageId()).isEqualTo("m1");

            // Bob's success REPORT travels back the same way, and is not answered.
            MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m1")
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, body.length, body.length))
                    .add(MsrpHeaders.STATUS, Status.of(200, "OK"));
            MsrpRequest report = new MsrpRequest(TransactionId.random(), MsrpMethod.REPORT,
                    bob.usePath.concat(alice.path()), MsrpPath.of(bob.ownUri), h);
            bob.send(report, null, Continuation.COMPLETE);
            TestPeer.Received back = alice.request(MsrpMethod.REPORT, WAIT);
            assertThat(back.request().headers().status().code()).isEqualTo(200);
            assertThat(back.request().toPath()).isEqualTo(MsrpPath.of(alice.ownUri));
        }
    }

    @Test
    void hundredMibIn64KibChunks() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Random random = new Random(42);
            int chunk = 64 * 1024;
            String last = null;
            for (long at = 0; at < HUNDRED_MIB; at += chunk) {
                MsrpRequest send = alice.sendTo(bob.path(), message("big", ByteRange.ofChunk(at + 1, chunk, HUNDRED_MIB)));
                boolean end = at + chunk >= HUNDRED_MIB;
                alice.stream(send, chunk, random, md, end ? Continuation.COMPLETE : Continuation.MORE);
                last = send.transactionId();
            }
            assertThat(alice.response(last, Duration.ofSeconds(60)).code()).isEqualTo(200);
            waitFor(() -> bob.sendBytes() == HUNDRED_MIB, Duration.ofSeconds(60));
            assertThat(bob.sendBodiesSha256()).isEqualTo(HexFormat.of().formatHex(md.digest()));
        }
    }

    @Test
    void hundredMibAsOneSingleChunk() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpRequest send = alice.sendTo(bob.path(), message("one", new ByteRange(1, HUNDRED_MIB, HUNDRED_MIB)));
            String sha = alice.stream(send, HUNDRED_MIB, 7, Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), Duration.ofSeconds(60)).code()).isEqualTo(200);
            TestPeer.Received got = bob.request(MsrpMethod.SEND, Duration.ofSeconds(60));
            assertThat(got.bytes()).isEqualTo(HUNDRED_MIB);
            assertThat(got.sha256()).isEqualTo(sha);
        }
    }

    @Test
    void originalSenderFormatWithFailureReportNoPassesAndIsNotAnswered() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            byte[] body = "whole file in one SEND".getBytes(StandardCharsets.US_ASCII);
            MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "1")
                    .add(MsrpHeaders.FAILURE_REPORT, "no")
                    .add(MsrpHeaders.CONTENT_DISPOSITION, "attachment;filename=TODO")
                    .add(MsrpHeaders.CONTENT_TYPE, "binary/octet-stream");
            MsrpRequest send = alice.sendTo(bob.path(), h);
            alice.send(send, body, Continuation.COMPLETE);
            assertThat(bob.request(MsrpMethod.SEND, WAIT).body()).isEqualTo(body);
            assertThat(alice.next(Duration.ofMillis(500))).as("no response with Failure-Report: no").isNull();
        }
    }

    /**
     * A URI with this relay's host and port is never forwarded, whatever its
     * session: msrp-send's larger chunks (DefaultChunkSize) rely on it.
     */
    @Test
    void unknownSessionGets481() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice");
             TestPeer stranger = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpUri ghost = RELAY.get().server.identity().uri(RandomIds.sessionId());
            MsrpRequest viaAlice = alice.sendTo(MsrpPath.of(ghost, MsrpUri.parse("msrps://127.0.0.1:9/x;tcp")),
                    message("g", new ByteRange(1, 1, 1)));
            alice.send(viaAlice, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(viaAlice.transactionId(), WAIT).code()).isEqualTo(481);

            MsrpRequest direct = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND,
                    MsrpPath.of(ghost, MsrpUri.parse("msrps://127.0.0.1:9/x;tcp")), MsrpPath.of(stranger.ownUri),
                    message("g", new ByteRange(1, 1, 1)));
            stranger.send(direct, new byte[] {1}, Continuation.COMPLETE);
            assertThat(stranger.response(direct.transactionId(), WAIT).code()).isEqualTo(481);
        }
    }

    @Test
    void noOpenRelay() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob");
             TestPeer stranger = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            // A client may only send through its own session, not someone else's.
            MsrpRequest foreign = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND,
                    bob.path(), MsrpPath.of(alice.ownUri), message("f", new ByteRange(1, 1, 1)));
            alice.send(foreign, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(foreign.transactionId(), WAIT).code()).isEqualTo(403);

            // Without a session, only delivery into a local client's session: not elsewhere.
            MsrpRequest elsewhere = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND,
                    MsrpPath.parse("msrps://relay.example.net:2855/x;tcp msrps://203.0.113.5:2855/y;tcp"),
                    MsrpPath.of(stranger.ownUri), message("e", new ByteRange(1, 1, 1)));
            stranger.send(elsewhere, new byte[] {1}, Continuation.COMPLETE);
            assertThat(stranger.response(elsewhere.transactionId(), WAIT).code()).isEqualTo(403);

            // A next hop on a private address is refused.
            MsrpRequest inward = alice.sendTo(MsrpPath.parse("msrps://127.0.0.1:2855/x;tcp msrps://10.1.2.3/y;tcp"),
                    message("p", new ByteRange(1, 1, 1)));
            alice.send(inward, new byte[] {1}, Continuation.COMPLETE);
            MsrpResponse r = alice.response(inward.transactionId(), WAIT);
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.comment()).contains("private address");

            // Plain msrp:// next hops are not used by a TLS-only relay.
            MsrpRequest plain = alice.sendTo(MsrpPath.parse("msrp://relay.example.net:2855/x;tcp msrp://b/y;tcp"),
                    message("q", new ByteRange(1, 1, 1)));
            alice.send(plain, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(plain.transactionId(), WAIT).code()).isEqualTo(403);
        }
    }

    @Test
    void aSecondConnectionBindingABoundSessionGets506() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob");
             TestPeer first = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls());
             TestPeer second = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpRequest one = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(),
                    MsrpPath.of(first.ownUri), message("b1", new ByteRange(1, 1, 1)));
            first.send(one, new byte[] {1}, Continuation.COMPLETE);
            assertThat(first.response(one.transactionId(), WAIT).code()).isEqualTo(200);
            assertThat(bob.request(MsrpMethod.SEND, WAIT)).isNotNull();

            MsrpRequest two = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(),
                    MsrpPath.of(second.ownUri), message("b2", new ByteRange(1, 1, 1)));
            second.send(two, new byte[] {2}, Continuation.COMPLETE);
            assertThat(second.response(two.transactionId(), WAIT).code()).isEqualTo(506);
        }
    }

    /**
     * A client that refuses the sender bound to its session (403: not the
     * one it was given) lets the next sender take it: the sender it waits
     * for is not kept out with 506 by a refused one that keeps its
     * connection. The refused one, sending again, gets 506. A connection
     * not signed in here (a link from another relay, carrying many senders)
     * keeps its binding however its requests are answered.
     */
    @Test
    void aSenderTheClientRefusedGivesWayToTheNext() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob"); TestPeer carol = TestPeer.signedIn(RELAY.get(), "carol");
             TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
            bob.autoRespond = 403;
            MsrpRequest c1 = carol.sendTo(bob.path(), message("c1", new ByteRange(1, 1, 1)));
            carol.send(c1, new byte[] {1}, Continuation.COMPLETE);
            assertThat(carol.request(MsrpMethod.REPORT, WAIT).request().headers().status().code()).isEqualTo(403);
            bob.autoRespond = 200;

            MsrpRequest a1 = alice.sendTo(bob.path(), message("a1", new ByteRange(1, 1, 1)));
            alice.send(a1, new byte[] {2}, Continuation.COMPLETE);
            assertThat(alice.response(a1.transactionId(), WAIT).code()).isEqualTo(200);
            assertThat(bob.request(MsrpMethod.SEND, WAIT).request().headers().messageId()).isEqualTo("c1");
            assertThat(bob.request(MsrpMethod.SEND, WAIT).request().headers().messageId()).isEqualTo("a1");

            MsrpRequest c2 = carol.sendTo(bob.path(), message("c2", new ByteRange(1, 1, 1)));
            carol.send(c2, new byte[] {3}, Continuation.COMPLETE);
            assertThat(carol.response(c2.transactionId(), WAIT).code()).isEqualTo(506);
        }
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob");
             TestPeer link = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls());
             TestPeer outsider = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            bob.autoRespond = 403;
            MsrpRequest s1 = into(bob, link, "s1");
            link.send(s1, new byte[] {1}, Continuation.COMPLETE);
            assertThat(link.request(MsrpMethod.REPORT, WAIT).request().headers().status().code()).isEqualTo(403);
            MsrpRequest o1 = into(bob, outsider, "o1");
            outsider.send(o1, new byte[] {1}, Continuation.COMPLETE);
            assertThat(outsider.response(o1.transactionId(), WAIT).code()).as("the link keeps it").isEqualTo(506);
        }
    }

    /**
     * The client's REPORT on what a sender here sent is its word too (a file
     * refused whole once it came): 403 lets the next sender in, a 200 after
     * it keeps the session the sender's.
     */
    @Test
    void aClientsReportOnItsSenderDecidesWhetherTheSessionGivesWay() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob"); TestPeer carol = TestPeer.signedIn(RELAY.get(), "carol");
             TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
            MsrpRequest c1 = carol.sendTo(bob.path(), message("c1", new ByteRange(1, 1, 1)));
            carol.send(c1, new byte[] {1}, Continuation.COMPLETE);
            assertThat(carol.response(c1.transactionId(), WAIT).code()).isEqualTo(200);
            MsrpRequest a1 = alice.sendTo(bob.path(), message("a1", new ByteRange(1, 1, 1)));
            alice.send(a1, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(a1.transactionId(), WAIT).code()).as("carol holds bob's session").isEqualTo(506);

            bob.send(bob.reportTo(carol.path(), "c1", new ByteRange(1, 1, 1), 403), null, Continuation.COMPLETE);
            assertThat(carol.request(MsrpMethod.REPORT, WAIT).request().headers().status().code()).isEqualTo(403);
            bob.send(bob.reportTo(carol.path(), "c1", new ByteRange(1, 1, 1), 200), null, Continuation.COMPLETE);
            assertThat(carol.request(MsrpMethod.REPORT, WAIT).request().headers().status().code()).isEqualTo(200);
            MsrpRequest a2 = alice.sendTo(bob.path(), message("a2", new ByteRange(1, 1, 1)));
            alice.send(a2, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(a2.transactionId(), WAIT).code()).as("taken from again").isEqualTo(506);

            bob.send(bob.reportTo(carol.path(), "c1", new ByteRange(1, 1, 1), 403), null, Continuation.COMPLETE);
            assertThat(carol.request(MsrpMethod.REPORT, WAIT).request().headers().status().code()).isEqualTo(403);
            MsrpRequest a3 = alice.sendTo(bob.path(), message("a3", new ByteRange(1, 1, 1)));
            alice.send(a3, new byte[] {1}, Continuation.COMPLETE);
            assertThat(alice.response(a3.transactionId(), WAIT).code()).isEqualTo(200);
            MsrpRequest c2 = carol.sendTo(bob.path(), message("c2", new ByteRange(1, 1, 1)));
            carol.send(c2, new byte[] {1}, Continuation.COMPLETE);
            assertThat(carol.response(c2.transactionId(), WAIT).code()).isEqualTo(506);
        }
    }

    /** A SEND of one byte into {@code to}'s session from {@code from}, a far side not signed in here. */
    private static MsrpRequest into(TestPeer to, TestPeer from, String messageId) {
        return new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, to.path(), MsrpPath.of(from.ownUri),
                message(messageId, new ByteRange(1, 1, 1)));
    }

    @Test
    void theReceiversErrorComesBackAsAFailureReport() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            bob.autoRespond = 413;
            MsrpRequest send = alice.sendTo(bob.path(), message("big", new ByteRange(1, 3, 3)));
            alice.send(send, new byte[] {1, 2, 3}, Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), WAIT).code()).isEqualTo(200); // hop by hop
            TestPeer.Received report = alice.request(MsrpMethod.REPORT, WAIT);
            assertThat(report.request().headers().status().code()).isEqualTo(413);
            assertThat(report.request().headers().messageId()).isEqualTo("big");
        }
    }

    /**
     * A receiver that never answers: the heads of the requests it owes a
     * response are kept for their failure REPORTs, four session buffers' worth
     * per connection; beyond that the oldest fail at once with 408, each
     * reported once, and the newest still wait.
     */
    @Test
    void requestsANextHopNeverAnswersAreFailedOldestFirstBeyondTheirBound() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.sessionBufferBytes(64 * 1024); // 256 KiB of heads: about 200 requests here
        int sent = 600;
        try (TestRelay relay = TestRelay.start(s); TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            bob.autoRespond = 0;
            bob.keep = r -> false;
            for (int i = 0; i < sent; i++) {
                alice.send(alice.sendTo(bob.path(), message("m" + i, new ByteRange(1, 1, 1))), new byte[] {1},
                        Continuation.COMPLETE);
            }
            Set<Integer> failed = new TreeSet<>();
            for (TestPeer.Received r; (r = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(2))) != null; ) {
                MsrpHeaders h = r.request().headers();
                assertThat(h.status().code()).isEqualTo(408);
                assertThat(h.status().comment()).isEqualTo("Too many requests awaiting a response from the next hop");
                assertThat(failed.add(Integer.parseInt(h.messageId().substring(1)))).as("reported once").isTrue();
            }
            assertThat(failed).as("the oldest, in a row").hasSizeBetween(sent / 4, sent * 3 / 4)
                    .containsExactlyElementsOf(IntStream.range(0, failed.size()).boxed().toList());
        }
    }

    /**
     * A body past its Byte-Range's total could not be split for others
     * and could trickle in front of them for ever: it is ended downstream with
     * '#' where it runs past, and its sender gets 400 (found by review).
     */
    @Test
    void aBodyPastItsByteRangeTotalIsAbortedDownstreamAndRefused() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpRequest overrun = alice.sendTo(bob.path(), message("long", new ByteRange(1, 1, 1)));
            alice.send(overrun, "abcde".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            MsrpResponse refused = alice.response(overrun.transactionId(), WAIT);
            assertThat(refused.code()).isEqualTo(400);
            assertThat(refused.comment()).isEqualTo("Body past its Byte-Range total");
            TestPeer.Received cut = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(cut.flag()).isEqualTo(Continuation.ABORT);
            assertThat(cut.bytes()).isLessThanOrEqualTo(1);

            byte[] body = "after it".getBytes(StandardCharsets.US_ASCII);
            MsrpRequest next = alice.sendTo(bob.path(), message("next", new ByteRange(1, body.length, body.length)));
            alice.send(next, body, Continuation.COMPLETE);
            assertThat(alice.response(next.transactionId(), WAIT).code()).isEqualTo(200);
            assertThat(bob.request(MsrpMethod.SEND, WAIT).body()).isEqualTo(body);
        }
    }

    /**
     * A sender that goes between two chunks of a message leaves it
     * unfinished: the relay ends it for the receiver with an empty '#'
     * chunk, where it stopped, as a dropped connection would tell it without
     * a relay (found by a new user: msrp-send killed between chunks, and
     * msrp-receive waited for its own timeout, then blamed a timeout). A
     * message sent whole is left alone.
     */
    @Test
    void aMessageItsSenderLeftUnfinishedIsEndedForTheReceiver() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpPath from;
            try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
                MsrpRequest first = alice.sendTo(bob.path(), message("half", new ByteRange(1, 5, 10)));
                alice.send(first, "abcde".getBytes(StandardCharsets.US_ASCII), Continuation.MORE);
                assertThat(alice.response(first.transactionId(), WAIT).code()).isEqualTo(200);
                byte[] body = "whole".getBytes(StandardCharsets.US_ASCII);
                MsrpRequest whole = alice.sendTo(bob.path(), message("whole", new ByteRange(1, 5, 5)));
                alice.send(whole, body, Continuation.COMPLETE);
                assertThat(alice.response(whole.transactionId(), WAIT).code()).isEqualTo(200);
                from = bob.request(MsrpMethod.SEND, WAIT).request().fromPath();
                assertThat(bob.request(MsrpMethod.SEND, WAIT).body()).isEqualTo(body);
            }
            TestPeer.Received ended = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(ended).as("the rest of the message, ended").isNotNull();
            assertThat(ended.flag()).isEqualTo(Continuation.ABORT);
            assertThat(ended.bytes()).isZero();
            assertThat(ended.request().headers().messageId()).isEqualTo("half");
            assertThat(ended.request().headers().byteRange()).isEqualTo(new ByteRange(6, ByteRange.UNKNOWN, 10));
            assertThat(ended.request().fromPath()).as("from the sender, as its chunks were").isEqualTo(from);
            assertThat(ended.request().headers().failureReport()).as("answered by nobody").isEqualTo("no");
            assertThat(bob.request(MsrpMethod.SEND, Duration.ofMillis(500))).as("nothing for the whole one").isNull();
        }
    }

    /**
     * The same for a message another relay's link delivers: the link drops
     * between two chunks, and the relay ends the message for its client
     * (found by review: the receiver got nothing, waited for its own
     * timeout, and blamed it).
     */
    @Test
    void aMessageALinkLeftUnfinishedIsEndedForTheReceiver() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpPath from = MsrpPath.parse("msrps://relay-a.example.net:2855/" + RandomIds.sessionId() + ";tcp"
                    + " msrps://192.0.2.1:4000/alice;tcp");
            try (TestPeer link = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
                MsrpRequest first = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(), from,
                        message("half", new ByteRange(1, 5, 10)));
                link.send(first, "abcde".getBytes(StandardCharsets.US_ASCII), Continuation.MORE);
                assertThat(link.response(first.transactionId(), WAIT).code()).isEqualTo(200);
                assertThat(bob.request(MsrpMethod.SEND, WAIT).flag()).isEqualTo(Continuation.MORE);
            }
            TestPeer.Received ended = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(ended).as("the rest of the message, ended").isNotNull();
            assertThat(ended.flag()).isEqualTo(Continuation.ABORT);
            assertThat(ended.request().headers().messageId()).isEqualTo("half");
            assertThat(ended.request().headers().byteRange()).isEqualTo(new ByteRange(6, ByteRange.UNKNOWN, 10));
        }
    }

    /**
     * A chunk whose range no later chunk could continue (at the last byte a
     * file can have) leaves nothing to end; its sender's connection still
     * ends in order (found by review: the abort's range overflowed, threw,
     * and the session and all that waited for the connection were kept).
     */
    @Test
    void aRangeNoChunkCouldContinueLeavesNothingToEnd() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            int before = RELAY.get().server.sessionCount();
            try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
                MsrpRequest last = alice.sendTo(bob.path(), message("last", new ByteRange(Long.MAX_VALUE,
                        ByteRange.UNKNOWN, ByteRange.UNKNOWN)));
                alice.send(last, "z".getBytes(StandardCharsets.US_ASCII), Continuation.MORE);
                assertThat(alice.response(last.transactionId(), WAIT).code()).isEqualTo(200);
                assertThat(bob.request(MsrpMethod.SEND, WAIT)).isNotNull();
            }
            waitFor(() -> RELAY.get().server.sessionCount() == before, WAIT);
            assertThat(RELAY.get().server.sessionCount()).as("alice's session ended").isEqualTo(before);
            assertThat(bob.request(MsrpMethod.SEND, Duration.ofMillis(500))).as("no end to send").isNull();
        }
    }

    /** Failure-Report partial (RFC 4975): no hop answers a chunk that went well; a failure still comes back. */
    @Test
    void failureReportPartialIsAnsweredOnlyWhenItFails() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpRequest first = alice.sendTo(bob.path(), message("p", new ByteRange(1, 3, 6))
                    .add(MsrpHeaders.FAILURE_REPORT, "partial"));
            alice.send(first, new byte[] {1, 2, 3}, Continuation.MORE);
            assertThat(bob.request(MsrpMethod.SEND, WAIT).body()).containsExactly(1, 2, 3);

            bob.autoRespond = 413;
            MsrpRequest second = alice.sendTo(bob.path(), message("p", new ByteRange(4, 6, 6))
                    .add(MsrpHeaders.FAILURE_REPORT, "partial"));
            alice.send(second, new byte[] {4, 5, 6}, Continuation.COMPLETE);
            TestPeer.Received report = alice.next(WAIT);
            assertThat(report.head()).as("no 200 for either chunk: the REPORT comes first").isInstanceOf(MsrpRequest.class);
            assertThat(report.request().method()).isEqualTo(MsrpMethod.REPORT);
            assertThat(report.request().headers().status().code()).isEqualTo(413);
            assertThat(report.request().headers().messageId()).isEqualTo("p");
            assertThat(report.request().headers().byteRange()).isEqualTo(new ByteRange(4, 6, 6));
            assertThat(alice.next(Duration.ofMillis(500))).as("nothing else").isNull();
        }
    }

    /**
     * A next hop that closes fails, once each, the messages sent with
     * Failure-Report partial that had not gone out whole; one sent whole was
     * delivered as far as the relay knows, and is not called failed.
     */
    @Test
    void aNextHopThatClosesFailsEachUnfinishedPartialMessageOnce() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice")) {
            TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob");
            MsrpRequest whole = alice.sendTo(bob.path(), message("whole", new ByteRange(1, 2, 2))
                    .add(MsrpHeaders.FAILURE_REPORT, "partial"));
            alice.send(whole, new byte[] {1, 2}, Continuation.COMPLETE);
            for (int c = 0; c < 40; c++) { // two messages' chunks in turn, neither finished
                MsrpRequest chunk = alice.sendTo(bob.path(), message(c % 2 == 0 ? "q" : "r",
                        ByteRange.ofChunk(c / 2 * 2L + 1, 2, 80)).add(MsrpHeaders.FAILURE_REPORT, "partial"));
                alice.send(chunk, new byte[] {(byte) c, (byte) c}, Continuation.MORE);
            }
            for (int c = 0; c < 41; c++) {
                assertThat(bob.request(MsrpMethod.SEND, WAIT)).isNotNull();
            }
            bob.close();
            java.util.Map<String, ByteRange> reported = new java.util.HashMap<>();
            for (int n = 0; n < 2; n++) {
                TestPeer.Received report = alice.request(MsrpMethod.REPORT, WAIT);
                assertThat(report.request().headers().status().code()).isEqualTo(481);
                reported.put(report.request().headers().messageId(), report.request().headers().byteRange());
            }
            assertThat(reported).as("each unfinished message, for its latest chunk")
                    .containsEntry("q", new ByteRange(39, 40, 80)).containsEntry("r", new ByteRange(39, 40, 80));
            assertThat(alice.next(Duration.ofMillis(500))).as("one REPORT each, none for \"whole\", no 200s").isNull();
        }
    }

    @Test
    void aReportWithAHugeBodyIs413() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpRequest nick = new MsrpRequest(TransactionId.random(), MsrpMethod.NICKNAME,
                    alice.usePath.concat(bob.path()), MsrpPath.of(alice.ownUri),
                    new MsrpHeaders().add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            alice.send(nick, new byte[ConnectionState.MAX_NON_SEND_BODY + 1], Continuation.COMPLETE);
            assertThat(alice.response(nick.transactionId(), WAIT).code()).isEqualTo(413);
            assertThat(bob.request(MsrpMethod.NICKNAME, Duration.ofSeconds(1)))
                    .as("held whole until its end-line, so nothing of it went out").isNull();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A NICKNAME (or REPORT) body trickling in cannot be interrupted like a
     * SEND, so the relay passes such a message on only once it is whole:
     * meanwhile the connection it goes to carries everything else (found by
     * review: the relay's answers to Bob waited behind it for ever).
     */
    @Test
    void aTricklingNonSendBodyHoldsNothingElseUp() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(RELAY.get(), "alice"); TestPeer bob = TestPeer.signedIn(RELAY.get(), "bob")) {
            MsrpRequest nick = new MsrpRequest(TransactionId.random(), MsrpMethod.NICKNAME, alice.usePath.concat(bob.path()),
                    MsrpPath.of(alice.ownUri), new MsrpHeaders().add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            alice.streamHead(nick); // (so her automatic answers wait until its end)
            alice.connection.send(new org.msrptools.protocol.MsrpContent(
                    io.netty.buffer.Unpooled.wrappedBuffer("Ali".getBytes(StandardCharsets.UTF_8))));
            byte[] chat = "Alice?".getBytes(StandardCharsets.UTF_8);
            MsrpRequest send = bob.sendTo(alice.path(), message("c1", new ByteRange(1, chat.length, chat.length)));
            bob.send(send, chat, Continuation.COMPLETE);
            assertThat(bob.response(send.transactionId(), WAIT).code()).as("Bob's answer, while the NICKNAME trickles")
                    .isEqualTo(200);
            alice.connection.send(new org.msrptools.protocol.MsrpContent(
                    io.netty.buffer.Unpooled.wrappedBuffer("ce".getBytes(StandardCharsets.UTF_8))));
            alice.streamEnd(nick, Continuation.COMPLETE);
            TestPeer.Received got = bob.request(MsrpMethod.NICKNAME, WAIT);
            assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("Alice");
        }
    }
}
