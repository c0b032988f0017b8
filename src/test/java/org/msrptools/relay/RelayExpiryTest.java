package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.MutableClock;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/** A session past its lifetime (RFC 4976 Expires) ends with its connection, however busy it is. */
class RelayExpiryTest {

    private static TestRelay start(MutableClock clock) throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.clock = clock;
        return TestRelay.start(s);
    }

    /**
     * A busy session is looked up for every request, far more often than the
     * once-a-second sweep runs: the lookup must not be what removes it, or
     * nothing closes its owner.
     */
    @Test
    void anExpiredSessionInUseIsClosedLikeAnIdleOne() throws Exception {
        MutableClock clock = new MutableClock();
        try (LogCapture log = LogCapture.of(Level.INFO, r -> true, RelayEvents.class.getName());
             TestRelay relay = start(clock);
             TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            clock.advance(Duration.ofSeconds(601)); // past the default 600 s
            MsrpRequest send = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            alice.send(send, "hi".getBytes(), Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), Duration.ofSeconds(5)).code()).isEqualTo(481);
            assertThat(bob.closedWithin(Duration.ofSeconds(5))).as("bob, expired and idle").isTrue();
            assertThat(alice.closedWithin(Duration.ofSeconds(5))).as("alice, expired while sending").isTrue();
            // The operator's line: which session, whose, what went through it (her SEND got 481), why it ended.
            String aliceId = alice.path().first().sessionId();
            for (long deadline = System.nanoTime() + 5_000_000_000L;
                 log.events("session_ended").size() < 2 && System.nanoTime() < deadline; ) {
                Thread.sleep(20); // the lines follow the closes on the relay's side
            }
            LogEvent ended = log.events("session_ended").stream()
                    .filter(e -> "alice@example.com".equals(e.field("user"))).findFirst().orElseThrow();
            assertThat(ended.toString()).contains("session=" + aliceId.substring(0, 6) + "... address=127.0.0.1 ")
                    .contains(" messages_in=0 bytes_in=0 ").contains(" reason=expired ").doesNotContain(aliceId);
            assertThat(relay.server.metrics().sessionsEnded.labelValues("expired").getLongValue()).isEqualTo(2);
        }
    }

    /** A refresh must come before Expires runs out (RFC 4976): one after it does not bring the session back. */
    @Test
    void aRefreshAfterExpiryIsRefusedAndOneBeforeItExtends() throws Exception {
        MutableClock clock = new MutableClock();
        try (TestRelay relay = start(clock);
             TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            clock.advance(Duration.ofSeconds(500));
            assertThat(alice.auth(relay, "alice", "alice-secret", null).code()).as("in time").isEqualTo(200);
            clock.advance(Duration.ofSeconds(101)); // bob's 600 s are over, alice's new ones are not
            assertThat(bob.auth(relay, "bob", "bob-secret", null).code()).as("too late").isEqualTo(481);
            assertThat(bob.closedWithin(Duration.ofSeconds(5))).isTrue();
            assertThat(alice.closedWithin(Duration.ofSeconds(2))).as("alice's session was extended").isFalse();
        }
    }
}
