package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msrptools.protocol.AuthenticationInfo;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.MutableClock;
import org.msrptools.testing.ScriptedAccounts;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.TestRelayExtension;

/** AUTH (RFC 4976 section 5) against a real relay over real TLS on loopback. */
class RelayAuthTest {

    private static final MutableClock CLOCK = new MutableClock();
    @RegisterExtension
    static final TestRelayExtension RELAY = new TestRelayExtension(settings());

    private static TestRelay.Settings settings() {
        TestRelay.Settings s = new TestRelay.Settings();
        s.clock = CLOCK;
        return s;
    }

    private MsrpUri to(String user) {
        return MsrpUri.of(true, user, "127.0.0.1", RELAY.get().port(), null);
    }

    @Test
    void successGivesUsePathExpiresAndRspauth() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpResponse challenge = p.authRequest(to("alice"), new MsrpHeaders());
            assertThat(challenge.code()).isEqualTo(401);
            DigestChallenge c = challenge.headers().wwwAuthenticate();
            assertThat(c.realm()).isEqualTo("example.com");
            assertThat(c.offersQopAuth()).isTrue();
            assertThat(c.opaque()).isNotNull();
            assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
            assertThat(challenge.headers().get(MsrpHeaders.WWW_AUTHENTICATE)).contains("algorithm=MD5");

            DigestCredentials creds = TestPeer.credentials(c, "alice", "alice-secret", to("alice").toString());
            MsrpResponse ok = p.authRequest(to("alice"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, creds));
            assertThat(ok.code()).isEqualTo(200);
            MsrpUri use = ok.headers().usePath().first();
            assertThat(use.secure()).isTrue();
            assertThat(use.host()).isEqualTo("localhost");
            assertThat(use.port()).isEqualTo(RELAY.get().port());
            assertThat(use.sessionId()).hasSizeGreaterThanOrEqualTo(22); // >= 128 random bits
            assertThat(ok.headers().expires()).isEqualTo(600L);
            assertThat(ok.headers().maxChunkSize()).as("the chunks it passes whole").isEqualTo(65536L);
            AuthenticationInfo info = ok.headers().authenticationInfo();
            String ha1 = DigestAlgorithm.MD5.ha1("alice", "example.com", "alice-secret");
            assertThat(info.rspauth()).isEqualTo(DigestAlgorithm.MD5.rspauth(ha1, creds));
        }
    }

    @Test
    void wrongPasswordGets401AndThreeFailuresClose() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            assertThat(p.auth(RELAY.get(), "alice", "wrong", null).code()).isEqualTo(401);
            assertThat(p.auth(RELAY.get(), "alice", "wrong", null).code()).isEqualTo(401);
            MsrpResponse third = p.auth(RELAY.get(), "alice", "wrong", null);
            assertThat(third.code()).isEqualTo(403);
            assertThat(p.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void unknownUserIsAFailureLikeAWrongPassword() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            assertThat(p.auth(RELAY.get(), "mallory", "x", null).code()).isEqualTo(401);
        }
    }

    @Test
    void expiredNonceGetsStaleTrue() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("bob"), new MsrpHeaders()).headers().wwwAuthenticate();
            CLOCK.advance(Duration.ofSeconds(31));
            MsrpResponse r = p.authRequest(to("bob"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                    TestPeer.credentials(c, "bob", "bob-secret", to("bob").toString())));
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.headers().wwwAuthenticate().stale()).isTrue();
            // The fresh nonce works, and a stale answer is not counted as a failure.
            DigestChallenge fresh = r.headers().wwwAuthenticate();
            MsrpResponse ok = p.authRequest(to("bob"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                    TestPeer.credentials(fresh, "bob", "bob-secret", to("bob").toString())));
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void aNonceGivesAtMostOneSession() throws Exception {
        DigestCredentials used;
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("bob"), new MsrpHeaders()).headers().wwwAuthenticate();
            used = TestPeer.credentials(c, "bob", "bob-secret", to("bob").toString());
            assertThat(p.authRequest(to("bob"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, used)).code())
                    .isEqualTo(200);
        }
        try (TestPeer replay = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpResponse r = replay.authRequest(to("bob"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, used));
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.headers().wwwAuthenticate().stale()).isFalse();
        }
    }

    @Test
    void authorizationWithoutUriAsTheOriginalClientsSendIt() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("carol"), new MsrpHeaders()).headers().wwwAuthenticate();
            DigestCredentials noUri = TestPeer.credentials(c, "carol", "carol-secret", to("carol").toString())
                    .withoutUri();
            MsrpResponse ok = p.authRequest(to("carol"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, noUri));
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void digestUriMustNameTheAuthsToPath() throws Exception {
        String elsewhere = MsrpUri.of(true, "alice", "relay.example.net", RELAY.get().port(), null).toString();
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("alice"), new MsrpHeaders()).headers().wwwAuthenticate();
            for (int attempt = 1; attempt <= 3; attempt++) {
                // A correct answer, but for another target: RFC 2617's digest-uri names the request's.
                MsrpResponse r = p.authRequest(to("alice"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                        TestPeer.credentials(c, "alice", "alice-secret", elsewhere)));
                if (attempt < 3) {
                    assertThat(r.code()).as("attempt %d: a new challenge", attempt).isEqualTo(401);
                    assertThat(r.headers().wwwAuthenticate().nonce()).isNotEqualTo(c.nonce());
                    c = r.headers().wwwAuthenticate();
                } else {
                    assertThat(r.code()).as("counted as a failed attempt").isEqualTo(403);
                }
            }
            assertThat(p.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void digestUriIsComparedAsAnMsrpUri() throws Exception {
        // RFC 4975 section 6.1: scheme and transport case-insensitive, userinfo left out of the comparison.
        String sameTarget = "MSRPS://127.0.0.1:" + RELAY.get().port() + ";TCP";
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("carol"), new MsrpHeaders()).headers().wwwAuthenticate();
            MsrpResponse ok = p.authRequest(to("carol"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                    TestPeer.credentials(c, "carol", "carol-secret", sameTarget)));
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void usernameMayCarryTheDomain() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("carol"), new MsrpHeaders()).headers().wwwAuthenticate();
            DigestCredentials withDomain = TestPeer.credentials(c, "carol", "carol-secret", to("carol").toString());
            withDomain = new DigestCredentials("carol@example.com", withDomain.realm(), withDomain.nonce(),
                    withDomain.uri(), "auth", withDomain.nc(), withDomain.cnonce(), withDomain.response(),
                    withDomain.opaque(), withDomain.algorithm());
            assertThat(p.authRequest(to("carol"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, withDomain))
                    .code()).isEqualTo(200);
        }
    }

    @Test
    void realmMismatchIsRefused() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            DigestChallenge c = p.authRequest(to("alice"), new MsrpHeaders()).headers().wwwAuthenticate();
            DigestChallenge other = new DigestChallenge("evil.example", c.nonce(), c.opaque(), "auth",
                    DigestAlgorithm.MD5, false);
            MsrpResponse r = p.authRequest(to("alice"), new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                    TestPeer.credentials(other, "alice", "alice-secret", to("alice").toString())));
            assertThat(r.code()).isEqualTo(401);
        }
    }

    @Test
    void expiresOutOfBoundsGets423WithTheBound() throws Exception {
        try (TestPeer p = TestPeer.connect(RELAY.get().port(), RELAY.get().clientTls())) {
            MsrpResponse low = p.auth(RELAY.get(), "alice", "alice-secret", new MsrpHeaders().add(MsrpHeaders.EXPIRES, 30));
            assertThat(low.code()).isEqualTo(423);
            assertThat(low.headers().minExpires()).isEqualTo(60L);
            MsrpResponse high = p.auth(RELAY.get(), "alice", "alice-secret", new MsrpHeaders().add(MsrpHeaders.EXPIRES, 4000));
            assertThat(high.code()).isEqualTo(423);
            assertThat(high.headers().maxExpires()).isEqualTo(3600L);
            MsrpResponse ok = p.auth(RELAY.get(), "alice", "alice-secret", new MsrpHeaders().add(MsrpHeaders.EXPIRES, 120));
            assertThat(ok.code()).isEqualTo(200);
            assertThat(ok.headers().expires()).isEqualTo(120L);
        }
    }

    @Test
    void reAuthOnALiveSessionExtendsIt() throws Exception {
        try (TestPeer p = TestPeer.signedIn(RELAY.get(), "bob")) {
            String session = p.usePath.first().sessionId();
            MsrpResponse again = p.auth(RELAY.get(), "bob", "bob-secret", new MsrpHeaders().add(MsrpHeaders.EXPIRES, 900));
            assertThat(again.code()).isEqualTo(200);
            assertThat(again.headers().usePath().first().sessionId()).isEqualTo(session);
            assertThat(again.headers().expires()).isEqualTo(900L);
            // Still alive after the first lifetime would have run out.
            CLOCK.advance(Duration.ofSeconds(700));
            assertThat(p.closedWithin(Duration.ofMillis(1500))).isFalse();
            CLOCK.advance(Duration.ofSeconds(300));
            assertThat(p.closedWithin(Duration.ofSeconds(5))).as("closed when the session expires").isTrue();
        }
    }

    /**
     * An AUTH on a signed-in connection refreshes that session only: another
     * user's password, even the right one, is not checked there (refreshes
     * are not held back by the throttle, so any account would otherwise test
     * others' passwords at full speed; found by review).
     */
    @Test
    void aRefreshIsForTheSessionsOwnUserOnly() throws Exception {
        try (TestPeer p = TestPeer.signedIn(RELAY.get(), "alice")) {
            MsrpResponse other = p.auth(RELAY.get(), "bob", "bob-secret", null);
            assertThat(other.code()).isEqualTo(403);
            assertThat(other.comment()).isEqualTo("This connection is signed in as alice@example.com: an AUTH on it "
                    + "refreshes that session only");
            assertThat(p.auth(RELAY.get(), "alice", "alice-secret", null).code()).as("its own").isEqualTo(200);
        }
    }

    /**
     * A client that closes while its refresh AUTH is being looked up: its
     * session ends at the close (found by review: with what a closed client
     * sent before kept going on, it stayed while the lookup never came back).
     */
    @Test
    void aClientThatClosesDuringItsRefreshLookupEndsItsSession() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        String ha1 = DigestAlgorithm.MD5.ha1("alice", "example.com", "alice-secret");
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = ScriptedAccounts.answering("answers once", () -> lookups.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(Optional.of(ha1)) : new CompletableFuture<>()); // then never
        try (TestRelay relay = TestRelay.start(s)) {
            TestPeer p = TestPeer.signedIn(relay, "alice");
            assertThat(relay.server.sessionCount()).isEqualTo(1);
            MsrpUri to = MsrpUri.of(true, "alice", "127.0.0.1", relay.port(), null);
            DigestChallenge c = p.authRequest(to, new MsrpHeaders()).headers().wwwAuthenticate();
            DigestCredentials creds = TestPeer.credentials(c, "alice", "alice-secret", to.toString());
            p.send(new MsrpRequest(TransactionId.random(), MsrpMethod.AUTH, MsrpPath.of(to), MsrpPath.of(p.ownUri),
                    new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, creds)), null, Continuation.COMPLETE);
            RelayForwardingTest.waitFor(() -> lookups.get() == 2, Duration.ofSeconds(10));
            p.close();
            RelayForwardingTest.waitFor(() -> relay.server.sessionCount() == 0, Duration.ofSeconds(10));
        }
    }

    /**
     * An account store whose answer breaks the AUTH's continuation (here a
     * null where an Optional belongs): the client gets 500 at once, and the
     * connection goes on being read (it used to stay silent with reading off).
     */
    @Test
    void anAuthWhoseDecisionFailsIsAnswered500AndTheConnectionReadsOn() throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = ScriptedAccounts.answering("broken", () -> CompletableFuture.supplyAsync(() -> null));
        try (TestRelay broken = TestRelay.start(s);
             TestPeer p = TestPeer.connect(broken.port(), broken.clientTls())) {
            MsrpUri to = MsrpUri.of(true, "alice", "127.0.0.1", broken.port(), null);
            DigestChallenge c = p.authRequest(to, new MsrpHeaders()).headers().wwwAuthenticate();
            DigestCredentials creds = TestPeer.credentials(c, "alice", "alice-secret", to.toString());
            MsrpResponse failed = p.authRequest(to, new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, creds));
            assertThat(failed.code()).isEqualTo(500);
            assertThat(p.authRequest(to, new MsrpHeaders()).code()).as("still read and answered").isEqualTo(401);
        }
    }

    /**
     * Users who reach the relay by its address get the accounts' one domain
     * as realm. An operator adding a user of a second domain to the running
     * relay must not lock them out: the earlier domain stays theirs.
     */
    @Test
    void addingAnAccountOfAnotherDomainKeepsTheRealmOfThoseWhoConnectByAddress() throws Exception {
        try (TestRelay relay = TestRelay.start()) {
            try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                assertThat(p.auth(relay, "alice", "alice-secret", null).code()).isEqualTo(200);
            }
            HtdigestAccounts.put(relay.accounts, "erin", "other.org", DigestAlgorithm.MD5.ha1("erin", "other.org", "e"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (relay.store().realms().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(relay.store().realms()).as("the new domain was read").hasSize(2);
            try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
                MsrpResponse challenge = p.authRequest(to(relay, "bob"), new MsrpHeaders());
                assertThat(challenge.headers().wwwAuthenticate().realm()).isEqualTo(TestRelay.REALM);
                assertThat(p.auth(relay, "bob", "bob-secret", null).code()).isEqualTo(200);
            }
        }
    }

    /** After a restart with accounts of two domains, those who sign in by address keep the file's first domain. */
    @Test
    void withSeveralDomainsTheAccountsFilesFirstIsTheRealmOfThoseWhoConnectByAddress() throws Exception {
        Path dir = Files.createTempDirectory("realm");
        Path file = dir.resolve("accounts.htdigest");
        HtdigestAccounts.put(file, "zed", "zeta.org", DigestAlgorithm.MD5.ha1("zed", "zeta.org", "z")); // first line
        HtdigestAccounts.put(file, "erin", "other.org", DigestAlgorithm.MD5.ha1("erin", "other.org", "e"));
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new HtdigestAccounts(file);
        try (TestRelay relay = TestRelay.start(s);
             TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
            MsrpResponse challenge = p.authRequest(to(relay, "zed"), new MsrpHeaders());
            assertThat(challenge.headers().wwwAuthenticate().realm()).isEqualTo("zeta.org");
            assertThat(p.auth(relay, "zed", "z", null).code()).isEqualTo(200);
        } finally {
            TestRelay.deleteTree(dir);
        }
    }

    private static MsrpUri to(TestRelay relay, String user) {
        return MsrpUri.of(true, user, "127.0.0.1", relay.port(), null);
    }
}
