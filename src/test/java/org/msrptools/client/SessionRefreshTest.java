package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.relay.HtdigestAccounts;
import org.msrptools.testing.TestRelay;

/**
 * A signed-in client keeps its session past the lifetime the relay granted
 * at sign-in: it refreshes it with AUTH on the same connection, beside
 * whatever its listener reads, so a late path or a long file does not end
 * with the relay's Expires.
 */
class SessionRefreshTest {

    @Test
    void aSessionOutlivesItsExpiresAndTheListenerNeverSeesTheRefresh() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.defaultExpires(4); // refreshed a second before each end
        try (TestRelay relay = TestRelay.start(s)) {
            RelayAccount alice = relay.account("alice", "alice-secret");
            Authentication.Session session = new Authentication(alice, line -> { }).signIn();
            try (MsrpConnection connection = session.connection()) {
                CollectingListener listener = new CollectingListener();
                List<MsrpFrame> seen = listener.frames;
                connection.listener(listener);
                assertThat(session.refreshed()).isTrue();
                Thread.sleep(9_000); // past two lifetimes of 4 s
                assertThat(connection.isOpen()).as("the relay kept the session").isTrue();
                assertThat(relay.server.sessionCount()).isEqualTo(1);
                assertThat(session.left()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(4));
                assertThat(seen).as("the refresh's answers are not the listener's").isEmpty();
            }
        }
    }

    /** An Expires of centuries is a year here: its time in nanoseconds overflowed, and sign-in failed. */
    @Test
    void aHugeExpiresIsCapped() {
        var auth = new MsrpRequest("tid12345", MsrpMethod.AUTH,
                MsrpPath.parse("msrps://relay.example.com;tcp"),
                MsrpPath.parse("msrps://127.0.0.1:1/own;tcp"),
                new MsrpHeaders());
        var ok = auth.respond(200, "OK");
        ok.headers().add(MsrpHeaders.EXPIRES, 9_999_999_999L);
        assertThat(Authentication.lifetime(ok)).isEqualTo(Duration.ofDays(366));
        assertThat(Duration.ofDays(366).toNanos()).isPositive();
    }

    /** A refresh the relay does not take is given up, said, and the session ends when the relay said. */
    @Test
    void aRefusedRefreshIsSaidAndTheSessionEndsAsGranted() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.defaultExpires(4);
        try (TestRelay relay = TestRelay.start(s)) {
            RelayAccount alice = relay.account("alice", "alice-secret");
            Authentication.Session session = new Authentication(alice, line -> { }).signIn();
            try (MsrpConnection connection = session.connection()) {
                connection.listener(new MsrpConnection.Listener() {
                    @Override
                    public void frame(MsrpFrame frame) {
                    }

                    @Override
                    public void closed() {
                    }
                });
                HtdigestAccounts.remove(relay.accounts, "alice", TestRelay.REALM);
                Thread.sleep(6_000); // the refresh at 3 s is refused (no such account); the session ends at 4 s
                assertThat(session.refreshed()).isFalse();
                assertThat(session.lifetimeSaid()).isEqualTo("the lifetime it granted (Expires: 4 s) ran out; it did "
                        + "not take this side's refresh (it answered 401 Unauthorized)");
                assertThat(connection.isOpen()).as("the relay ended the session").isFalse();
            }
        }
    }
}
