package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/**
 * The records of messages a connection left unfinished count in its
 * budget, but never so much that they alone keep it from being read (found
 * by review: 64 unfinished messages from a link, with long From-Paths or at
 * the smallest --session-buffer, stopped the link being read for good, for
 * the chunks that would end them could no longer come in).
 */
class UnfinishedMessagesBudgetTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MESSAGES = UnfinishedMessages.MOST;

    private static MsrpHeaders message(String id, ByteRange range) {
        return new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, id).add(MsrpHeaders.BYTE_RANGE, range)
                .add(MsrpHeaders.SUCCESS_REPORT, "yes").add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
    }

    /** A From-Path of {@code relays} relays before the sender, each URI with a user part {@code user} long. */
    private static MsrpPath from(int relays, int user) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < relays; i++) {
            b.append("msrps://").append(user == 0 ? "" : "u".repeat(user) + "@").append("relay-").append(i)
                    .append(".example.net:2855/").append(RandomIds.sessionId()).append(";tcp ");
        }
        return MsrpPath.parse(b + "msrps://192.0.2.1:4000/alice;tcp");
    }

    /** A link sends MESSAGES halves of messages, then {@code burst} bytes of another, then one whole: all answered. */
    private static void halvesThenMore(int sessionBuffer, MsrpPath from, int burst) throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.sessionBufferBytes(sessionBuffer);
        try (TestRelay relay = TestRelay.start(s); TestPeer bob = TestPeer.signedIn(relay, "bob");
             TestPeer link = TestPeer.connect(relay.port(), relay.clientTls())) {
            for (int i = 0; i < MESSAGES; i++) {
                MsrpRequest half = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(), from,
                        message("m" + i, new ByteRange(1, 1, 100)));
                link.send(half, "a".getBytes(StandardCharsets.US_ASCII), Continuation.MORE);
                assertThat(link.response(half.transactionId(), WAIT).code()).as("half " + i).isEqualTo(200);
            }
            MsrpRequest big = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(), from,
                    message("big", new ByteRange(1, burst, burst)));
            link.send(big, new byte[burst], Continuation.COMPLETE);
            assertThat(link.response(big.transactionId(), WAIT).code()).isEqualTo(200);
            MsrpRequest next = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, bob.path(), from,
                    message("next", new ByteRange(1, 5, 5)));
            link.send(next, "hello".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            assertThat(link.response(next.transactionId(), WAIT).code()).as("the link is still read").isEqualTo(200);
        }
    }

    /** Three relays before the sender, at the smallest --session-buffer (64 KiB), and a chunk that pauses reading. */
    @Test
    void aLinkAtTheSmallestBufferIsStillRead() throws Exception {
        halvesThenMore(64 * 1024, from(3, 0), 60 * 1024);
    }

    /** Long From-Paths (about 9 KB each) at the default buffer. */
    @Test
    void longPathsDoNotStopALink() throws Exception {
        halvesThenMore(1024 * 1024, from(30, 250), 1024);
    }
}
