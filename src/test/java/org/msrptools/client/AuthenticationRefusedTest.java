package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.msrptools.testing.TestRelay;

/**
 * A sign-in the relay refuses with 403 says what the relay said: it may be
 * more than a wrong password (too many attempts on the connection, or from
 * the address while a guess from there is checked).
 */
class AuthenticationRefusedTest {

    @Test
    void aRefusalSaysTheRelaysReason() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.maxAuthFailures(1);
        try (TestRelay relay = TestRelay.start(s)) {
            RelayAccount alice = relay.account("alice", "not-alices-password");
            assertThatThrownBy(() -> new Authentication(alice, line -> { }).askingAgain(() -> "wrong again").signIn())
                    .isInstanceOf(ClientException.class)
                    .hasMessage("authentication failed for alice@example.com (403 Too many failed attempts)");
        }
    }
}
