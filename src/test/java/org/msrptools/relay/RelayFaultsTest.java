package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/** A peer that goes away in the middle of a chunk. */
class RelayFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private TestRelay relay;

    @BeforeEach
    void start() throws Exception {
        relay = TestRelay.start();
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    private static MsrpHeaders chunk(long size) {
        return new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m").add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, size, size))
                .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
    }

    @Test
    void receiverLeavesMidChunkSenderGetsAReportAndTheSessionIsFreed() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay, "alice")) {
            TestPeer bob = TestPeer.signedIn(relay, "bob");
            assertThat(relay.server.sessionCount()).isEqualTo(2);
            MsrpRequest send = alice.sendTo(bob.path(), chunk(10_000_000));
            alice.connection.send(send, new MsrpContent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[100_000])));
            RelayForwardingTest.waitFor(() -> bob.sendBytes() > 0, WAIT);
            bob.close();
            RelayForwardingTest.waitFor(() -> relay.server.sessionCount() == 1, WAIT);
            alice.connection.send(new MsrpContent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[100_000])),
                    new MsrpEnd(send.transactionId(), Continuation.COMPLETE));
            assertThat(alice.response(send.transactionId(), WAIT).code()).isEqualTo(481);
            TestPeer.Received report = alice.request(MsrpMethod.REPORT, WAIT);
            assertThat(report).as("a failure REPORT").isNotNull();
            assertThat(report.request().headers().status().code()).isEqualTo(481);
        }
    }

    @Test
    void senderLeavesMidChunkReceiverSeesTheAbortFlagAndTheSessionIsFreed() throws Exception {
        try (TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            TestPeer alice = TestPeer.signedIn(relay, "alice");
            MsrpRequest send = alice.sendTo(bob.path(), chunk(10_000_000));
            alice.connection.send(send, new MsrpContent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[100_000])));
            RelayForwardingTest.waitFor(() -> bob.sendBytes() == 100_000, WAIT);
            alice.close();
            TestPeer.Received cut = bob.request(MsrpMethod.SEND, WAIT);
            assertThat(cut.flag()).isEqualTo(Continuation.ABORT);
            assertThat(cut.bytes()).isEqualTo(100_000);
            RelayForwardingTest.waitFor(() -> relay.server.sessionCount() == 1, WAIT);
        }
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheFirstMessageTimer() throws Exception {
        relay.close();
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.firstMessageTimeout(Duration.ofMillis(500));
        relay = TestRelay.start(s);
        try (TestPeer silent = TestPeer.connect(relay.port(), relay.clientTls())) {
            assertThat(silent.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
        try (TestPeer alice = TestPeer.signedIn(relay, "alice")) {
            assertThat(alice.closedWithin(Duration.ofSeconds(1))).as("authenticated: stays").isFalse();
        }
    }

    @Test
    void unknownMethodsAreForwardedOrRefusedAsConfigured() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            MsrpRequest odd = new MsrpRequest(TransactionId.random(), "FOO",
                    alice.usePath.concat(bob.path()), MsrpPath.of(alice.ownUri),
                    new MsrpHeaders());
            alice.send(odd, null, Continuation.COMPLETE);
            assertThat(bob.request("FOO", WAIT)).as("forwarded by default").isNotNull();
        }
        relay.close();
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.rejectUnknownMethods(true);
        relay = TestRelay.start(s);
        try (TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            MsrpRequest odd = new MsrpRequest(TransactionId.random(), "FOO",
                    alice.usePath.concat(bob.path()), MsrpPath.of(alice.ownUri),
                    new MsrpHeaders());
            alice.send(odd, null, Continuation.COMPLETE);
            assertThat(alice.response(odd.transactionId(), WAIT).code()).isEqualTo(501);
        }
    }

    /** RFC 4975 section 7.2: a method the relay does not know, addressed to the relay itself, gets 501 (not 481). */
    @Test
    void anUnknownMethodAddressedToTheRelayItselfGets501() throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer stranger = TestPeer.connect(relay.port(), relay.clientTls())) {
            MsrpUri itself = relay.server.identity().uri(null);
            for (TestPeer p : List.of(alice, stranger)) {
                MsrpRequest odd = new MsrpRequest(TransactionId.random(), "FOO",
                        MsrpPath.of(itself), MsrpPath.of(p.ownUri),
                        new MsrpHeaders());
                p.send(odd, null, Continuation.COMPLETE);
                assertThat(p.response(odd.transactionId(), WAIT).code()).isEqualTo(501);
            }
        }
    }
}
