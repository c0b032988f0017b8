package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.msrptools.relay.AccountStore;
import org.msrptools.testing.ScriptedAccounts;
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

    /**
     * A relay that cannot check the password (its account database down)
     * is the relay's fault, not the password's: exit 3, which a job may
     * retry, where it was exit 5 as a wrong password (found by a new user).
     */
    @Test
    void aRelayThatCannotCheckThePasswordIsNotAWrongPassword() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = ScriptedAccounts.answering("down", () -> CompletableFuture.failedFuture(
                new AccountStore.Unavailable("account database unavailable: Connection refused", null)));
        try (TestRelay relay = TestRelay.start(s)) {
            assertThatThrownBy(() -> new Authentication(relay.account("alice", "alice-secret"), line -> { }).signIn())
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECTION))
                    .hasMessageStartingWith("the relay could not check the password: 500 ")
                    .hasMessageEndingWith("(a fault on the relay's side, not the password: try again later)");
        }
    }

    /**
     * An account of another domain than the relay's realm for the host it
     * was reached by: the refusal says what was checked, for a script's
     * --quiet run shows only that line (found by a new user: the right
     * password of erin@other.org, reached by 127.0.0.1, looked wrong).
     */
    @Test
    void aRefusalInAnotherRealmSaysWhichWasChecked() throws Exception {
        try (TestRelay relay = TestRelay.start()) {
            RelayAccount mine = relay.account("erin", "erin-secret");
            RelayAccount erin = new RelayAccount(mine.host(), mine.port(), mine.authHost(), "erin", "other.org",
                    "erin-secret", mine.tls(), mine.timeout());
            assertThatThrownBy(() -> new Authentication(erin, line -> { }).signIn())
                    .isInstanceOf(ClientException.class)
                    .hasMessage("authentication failed for erin@other.org (checked as erin@example.com: the relay's "
                            + "realm for the host it was reached by is example.com; an account of other.org signs in "
                            + "when the relay is reached by that name, or found by its SRV record)");
        }
    }
}
