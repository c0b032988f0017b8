package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.msrptools.client.Authentication;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.testing.SlowAccounts;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/**
 * The AUTH throttle against many connections from one address, over real
 * TLS on loopback: passwords are checked one at a time, so a burst is no
 * more guesses than a queue, and clients that sign in together are checked
 * one after the other, not refused.
 */
class RelayThrottleTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * Passwords sent at the same moment on many connections were all checked
     * at once, before any failure was counted (found by review: 40 guesses
     * in one lookup's time). From an address with no failure on record, a
     * few are checked at once; the others wait, and once failures are on
     * record, one at a time.
     */
    @Test
    void aBurstOfPasswordsIsCheckedAFewAtATime() throws Exception {
        SlowAccounts accounts = new SlowAccounts(user -> 300);
        assertThat(guessTogether(accounts, AuthThrottle.CLEAN_TURNS + 1, 0)).allSatisfy(code ->
                assertThat(code).as("checked, and wrong").isEqualTo(401));
        assertThat(accounts.lookups.get()).isEqualTo(AuthThrottle.CLEAN_TURNS + 1);
        assertThat(accounts.mostAtOnce.get()).as("passwords checked at once").isLessThanOrEqualTo(AuthThrottle.CLEAN_TURNS);
    }

    /**
     * From an address with failures on record, of passwords sent together
     * one is checked; the others are refused unchecked (kept waiting, a
     * right one among them came after our clients' fallback).
     */
    @Test
    void aBurstFromAGuessingAddressHasOneChecked() throws Exception {
        SlowAccounts accounts = new SlowAccounts(user -> 300);
        List<Integer> codes = guessTogether(accounts, 3, AuthThrottle.FREE_FAILURES);
        assertThat(codes).containsOnly(401, 403).containsOnlyOnce(401);
        assertThat(accounts.lookups.get()).isEqualTo(AuthThrottle.FREE_FAILURES + 1);
    }

    /**
     * A client that leaves while its password waits for a turn is passed
     * over: no lookup, no session (it would go to nobody), and the next one
     * waiting has the turn.
     */
    @Test
    void aClientThatLeftWhileItsPasswordWaitedIsPassedOver() throws Exception {
        SlowAccounts accounts = new SlowAccounts(user -> 300);
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = accounts;
        try (TestRelay relay = TestRelay.start(s)) {
            MsrpUri to = MsrpUri.of(true, "alice", "127.0.0.1", relay.port(), null);
            List<TestPeer> busy = new ArrayList<>();
            try (TestPeer leaving = TestPeer.connect(relay.port(), relay.clientTls());
                 TestPeer next = TestPeer.connect(relay.port(), relay.clientTls())) {
                List<MsrpHeaders> answers = new ArrayList<>();
                for (int i = 0; i < AuthThrottle.CLEAN_TURNS; i++) {
                    TestPeer p = TestPeer.connect(relay.port(), relay.clientTls());
                    busy.add(p);
                    answers.add(signed(p, to, "guess" + i));
                }
                MsrpHeaders leavingAnswer = signed(leaving, to, "alice-secret");
                MsrpHeaders nextAnswer = signed(next, to, "alice-secret");
                List<CompletableFuture<MsrpResponse>> guesses = new ArrayList<>();
                for (int i = 0; i < AuthThrottle.CLEAN_TURNS; i++) {
                    guesses.add(busy.get(i).authRequestLater(to, answers.get(i)));
                }
                while (accounts.lookups.get() < AuthThrottle.CLEAN_TURNS) {
                    Thread.sleep(5); // every turn taken: the next two wait
                }
                leaving.authRequestLater(to, leavingAnswer);
                CompletableFuture<MsrpResponse> nextSignedIn = next.authRequestLater(to, nextAnswer);
                Thread.sleep(50); // both in the queue, then one leaves
                leaving.close();
                assertThat(nextSignedIn.get(WAIT.toSeconds(), TimeUnit.SECONDS).code()).isEqualTo(200);
                for (CompletableFuture<MsrpResponse> g : guesses) {
                    assertThat(g.get(WAIT.toSeconds(), TimeUnit.SECONDS).code()).isEqualTo(401);
                }
                assertThat(accounts.lookups.get()).as("none for the one that left")
                        .isEqualTo(AuthThrottle.CLEAN_TURNS + 1);
                assertThat(relay.server.sessionCount()).isEqualTo(1);
            } finally {
                busy.forEach(TestPeer::close);
            }
        }
    }

    /** An answer to {@code peer}'s challenge for alice with {@code password}. */
    private static MsrpHeaders signed(TestPeer peer, MsrpUri to, String password) throws Exception {
        return new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, TestPeer.credentials(
                peer.authRequest(to, new MsrpHeaders()).headers().wwwAuthenticate(), "alice", password, to.toString()));
    }

    /** The codes that {@code guesses} wrong passwords for alice, sent at once, get after {@code before} one by one. */
    private static List<Integer> guessTogether(SlowAccounts accounts, int guesses, int before) throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = accounts;
        try (TestRelay relay = TestRelay.start(s)) {
            for (int i = 0; i < before; i++) {
                try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                    assertThat(p.auth(relay, "carol", "not-carols", null).code()).isEqualTo(401);
                }
            }
            MsrpUri to = MsrpUri.of(true, "alice", "127.0.0.1", relay.port(), null);
            List<TestPeer> peers = new ArrayList<>();
            List<MsrpHeaders> answers = new ArrayList<>();
            try {
                for (int i = 0; i < guesses; i++) {
                    TestPeer p = TestPeer.connect(relay.port(), relay.clientTls());
                    peers.add(p);
                    answers.add(signed(p, to, "guess" + i));
                }
                List<CompletableFuture<MsrpResponse>> answered = new ArrayList<>();
                for (int i = 0; i < guesses; i++) {
                    answered.add(peers.get(i).authRequestLater(to, answers.get(i)));
                }
                List<Integer> codes = new ArrayList<>();
                for (CompletableFuture<MsrpResponse> a : answered) {
                    codes.add(a.get(WAIT.toSeconds(), TimeUnit.SECONDS).code());
                }
                return codes;
            } finally {
                peers.forEach(TestPeer::close);
            }
        }
    }

    /**
     * msrp-send and msrp-receive started together on one machine, whose
     * address has failures of another user's on record and whose accounts
     * answer slowly, both sign in: the second password waits for its turn
     * (found by review: it was refused unchecked, as a wrong one).
     */
    @Test
    void twoClientsStartedTogetherBothSignIn() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new SlowAccounts(user -> 300);
        try (TestRelay relay = TestRelay.start(s)) {
            for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
                try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                    assertThat(p.auth(relay, "carol", "not-carols", null).code()).isEqualTo(401);
                }
            }
            List<CompletableFuture<Authentication.Session>> sessions = new ArrayList<>();
            for (String user : List.of("alice", "bob")) {
                var account = relay.account(user, user + "-secret");
                sessions.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return new Authentication(account, line -> { }).signIn();
                    } catch (Exception e) {
                        throw new IllegalStateException(user + ": " + e.getMessage(), e);
                    }
                }));
            }
            for (CompletableFuture<Authentication.Session> session : sessions) {
                Authentication.Session signedIn = session.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(signedIn.usePath()).isNotNull();
                signedIn.connection().close();
            }
        }
    }
}
