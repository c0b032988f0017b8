package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.testing.DelayingProxy;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.MutableClock;
import org.msrptools.testing.PostgresServer;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/** Accounts from a real PostgreSQL subscriber table, the database going away and coming back. */
class JdbcAccountsIT {

    private static PostgresServer db;
    private static TestRelay relay;

    @BeforeAll
    static void start() throws Exception {
        Path bin = PostgresServer.binaries().orElse(null);
        Assumptions.assumeTrue(bin != null,
                "PostgreSQL tests skipped: no /usr/lib/postgresql/*/bin/pg_ctl (.ci/run installs Debian's postgresql)");
        db = PostgresServer.start(bin);
        String aliceHa1 = DigestAlgorithm.MD5.ha1("alice", "example.com", "alice-secret");
        db.sql("INSERT INTO subscriber (username, domain, password, ha1) VALUES "
                + "('alice', 'example.com', '', '" + aliceHa1 + "'), "
                + "('bob', 'example.com', 'bob-secret', ''), "
                + "('carol', 'example.com', 'carol-secret', ''), "
                + "('dave', 'example.com', 'dave-secret', '')");
        TestRelay.Settings s = new TestRelay.Settings();
        s.accounts = new JdbcAccounts(db.url(), "postgres", null, JdbcAccounts.Schema.subscriber(),
                Duration.ofMillis(500), Clock.systemUTC());
        relay = TestRelay.start(s);
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static int auth(String user, String password) throws Exception {
        try (TestPeer p = TestPeer.connect(relay.port(), relay.clientTls())) {
            return p.auth(relay, user, password, null).code();
        }
    }

    @Test
    void ha1RowsCleartextRowsAndUnknownUsers() throws Exception {
        assertThat(auth("alice", "alice-secret")).as("row with ha1").isEqualTo(200);
        assertThat(auth("bob", "bob-secret")).as("row with a clear-text password only").isEqualTo(200);
        assertThat(auth("bob", "wrong")).isEqualTo(401);
        assertThat(auth("mallory", "x")).as("unknown user").isEqualTo(401);
    }

    /**
     * A user name PostgreSQL refuses (a NUL, which MSRP's digest takes) is
     * no account, and fails no lookup waiting with it (found by review: its
     * query's error was taken for the database's, and failed up to 56 of 59
     * healthy lookups asked with it).
     */
    @Test
    void aNameWithANulIsNoAccountAndFailsNoOtherLookup() throws Exception {
        try (JdbcAccounts store = new JdbcAccounts(db.url(), "postgres", null, JdbcAccounts.Schema.subscriber(),
                Duration.ofSeconds(30), Clock.systemUTC())) {
            List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                lookups.add(store.ha1("someone-" + i, "example.com"));
                if (i == 3) {
                    lookups.add(store.ha1("mallory\u0000", "example.com"));
                }
            }
            allNotFound(lookups);
            assertThat(store.ha1("alice", "example.com").get()).isPresent();
        }
    }

    /**
     * Established sessions go on while the database is down; new AUTHs get a
     * clear 500; the operator hears once that it went away and once that it
     * came back, and /health says 503 meanwhile.
     */
    @Test
    void databaseDownThenBack() throws Exception {
        try (LogCapture log = LogCapture.of(Level.INFO, r -> true, JdbcAccounts.class.getName(),
                RelayEvents.class.getName());
             MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store());
             TestPeer alice = TestPeer.signedIn(relay, "alice"); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            assertThat(RelayEventsTest.get(endpoint, "/health")).isEqualTo("200 ok\n");
            db.stopServer();
            try {
                assertThat(RelayEventsTest.awaitHealth(endpoint, 503))
                        .isEqualTo("503 unavailable: the account store does not answer\n");
                assertThat(log.awaitEvent("accounts_unavailable", Duration.ofSeconds(5)).toString())
                        .startsWith("event=accounts_unavailable store=" + db.url() + " reason=");
                Thread.sleep(600); // past the cache
                MsrpRequest send = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "db")
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 2, 2))
                        .add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
                alice.send(send, "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Continuation.COMPLETE);
                assertThat(alice.response(send.transactionId(), Duration.ofSeconds(10)).code())
                        .as("established sessions go on").isEqualTo(200);
                assertThat(bob.request(MsrpMethod.SEND, Duration.ofSeconds(10)).body()).hasSize(2);
                try (TestPeer carol = TestPeer.connect(relay.port(), relay.clientTls())) {
                    MsrpResponse r = carol.auth(relay, "carol", "carol-secret", null);
                    assertThat(r.code()).as("a clear 500-class answer").isEqualTo(500);
                    assertThat(r.comment()).contains("database");
                }
                assertThat(log.events("auth_unavailable")).singleElement().satisfies(e ->
                        assertThat(e.toString()).startsWith("event=auth_unavailable user=carol@example.com "
                                + "address=127.0.0.1 reason=\"account database unavailable: "));
            } finally {
                db.startServer();
            }
            assertThat(auth("dave", "dave-secret")).as("works again").isEqualTo(200);
            assertThat(RelayEventsTest.awaitHealth(endpoint, 200)).isEqualTo("200 ok\n");
            assertThat(log.events("accounts_unavailable")).as("once, however often it was asked").hasSize(1);
            assertThat(log.events("accounts_available")).singleElement().hasToString("event=accounts_available store="
                    + db.url());
        }
    }

    /** A lookup that the database holds (here a lock on the table) fails within the query timeout. */
    @Test
    void aLookupTheDatabaseHoldsFailsWithinTheQueryTimeout() throws Exception {
        Properties user = new Properties();
        user.setProperty("user", "postgres");
        try (JdbcAccounts store = new JdbcAccounts(db.url(), "postgres", null, JdbcAccounts.Schema.subscriber(),
                Duration.ofSeconds(30), Clock.systemUTC());
             Connection locker = DriverManager.getConnection(db.url(), user)) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE subscriber IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<Optional<String>> held = store.ha1("held-" + System.nanoTime(), "example.com");
            assertThatThrownBy(() -> held.get(JdbcAccounts.QUERY_TIMEOUT_S + 10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("account database unavailable");
            locker.rollback();
        }
    }

    /**
     * Connections that the network lost silently (or a server that stalled)
     * are given up within the socket timeout, and AUTH works again once the
     * database can be reached. Found by review: the query timeout asks the
     * server to cancel, which never happened, so each lookup on such a
     * connection held its query thread for good; four of them, and every
     * AUTH failed long after the database was back.
     */
    @Test
    void connectionsTheNetworkLostAreGivenUp() throws Exception {
        try (DelayingProxy network = new DelayingProxy(db.port, 0);
             JdbcAccounts store = new JdbcAccounts("jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres",
                     "postgres", null, JdbcAccounts.Schema.subscriber(), Duration.ofSeconds(30), Clock.systemUTC())) {
            List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
            for (int i = 0; i < 2 * JdbcAccounts.QUERY_THREADS; i++) {
                lookups.add(store.ha1("before-" + i, "example.com")); // every pooled connection used
            }
            allNotFound(lookups);
            network.stallOpenConnections(); // at once: connections used that recently are not checked again
            // A burst meanwhile: at most MOST_WAITING wait (found by review: without a bound, the 20th of 20 was
            // answered after 10 s), the rest are answered busy at once.
            int burst = JdbcAccounts.QUERY_THREADS + JdbcAccounts.MOST_WAITING + 1;
            for (int i = 0; i < burst; i++) {
                lookups.add(store.ha1("during-" + i, "example.com"));
            }
            assertThatThrownBy(lookups.get(lookups.size() - 1)::join).as("beyond those waiting: refused at once")
                    .hasCauseInstanceOf(AccountStore.Unavailable.class).hasMessageContaining("busy");
            for (CompletableFuture<Optional<String>> l : lookups) {
                try {
                    l.get(JdbcAccounts.SOCKET_TIMEOUT_S + 10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e).hasMessageContaining("account database"); // answered, not held
                }
            }

            assertThat(store.ha1("alice", "example.com").get(10, TimeUnit.SECONDS)).as("works again").isPresent();
        }
    }

    /**
     * A relay started while the database was down: until the accounts' domains
     * are read, a lookup is unavailable (a 500, which the client tries
     * again), not a wrong password in a realm no account has (found by a new
     * user: exit 5 for 30 s after the database came back); read within a
     * second or so of the next lookup.
     */
    @Test
    void accountsNeverReadAreUnavailableUntilRead() throws Exception {
        JdbcAccounts started;
        db.stopServer();
        try {
            started = new JdbcAccounts(db.url(), "postgres", null, JdbcAccounts.Schema.subscriber(),
                    Duration.ofSeconds(30), Clock.systemUTC());
            assertThat(started.describe()).contains("(not read yet: ");
        } finally {
            db.startServer();
        }
        try (JdbcAccounts store = started) {
            assertThatThrownBy(() -> store.ha1("alice", "example.com").get()).hasMessageContaining("not read yet");
            Optional<String> found = null;
            for (int i = 0; i < 50 && found == null; i++) {
                try {
                    found = store.ha1("alice", "example.com").get();
                } catch (ExecutionException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(found).as("read, then answered").isPresent();
            assertThat(store.realms()).containsExactly("example.com");
        }
    }

    /** A table that is not there: the start block says why no account was counted, not only the log. */
    @Test
    void accountsNotReadSayWhyInTheStartBlock() throws Exception {
        try (JdbcAccounts store = new JdbcAccounts(db.url(), "postgres", null,
                new JdbcAccounts.Schema("nosuch", "username", "domain", "password", "ha1"), Duration.ofSeconds(30),
                Clock.systemUTC())) {
            assertThat(store.describe()).startsWith(db.url() + " (not read yet: ERROR: relation \"nosuch\" does not "
                    + "exist Position: ").doesNotContain("\n");
        }
    }

    private static void allNotFound(List<CompletableFuture<Optional<String>>> lookups) throws Exception {
        for (CompletableFuture<Optional<String>> l : lookups) {
            assertThat(l.get()).isEmpty();
        }
        lookups.clear();
    }

    @Test
    void answerCacheIsBoundedAndExpiresOnTheRelayClock() throws Exception {
        MutableClock clock = new MutableClock();
        try (JdbcAccounts store = new JdbcAccounts(db.url(), "postgres", null, JdbcAccounts.Schema.subscriber(),
                Duration.ofSeconds(30), clock)) {
            // Random user names, as a guesser sends them: each answer "no such user" is cached.
            List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
            for (int i = 0; i < JdbcAccounts.MAX_CACHED_ANSWERS + 2_000; i++) {
                lookups.add(store.ha1("guess" + i, "example.com"));
                if (lookups.size() == JdbcAccounts.MOST_WAITING) { // as many as may wait at once
                    allNotFound(lookups);
                }
            }
            allNotFound(lookups);
            assertThat(store.cachedAnswers()).isLessThanOrEqualTo(JdbcAccounts.MAX_CACHED_ANSWERS);

            assertThat(store.ha1("erin", "example.com").get()).isEmpty();
            db.sql("INSERT INTO subscriber (username, domain, password) VALUES ('erin', 'example.com', 'erin-secret')");
            try {
                assertThat(store.ha1("erin", "example.com").get()).as("cached").isEmpty();
                clock.advance(Duration.ofSeconds(31));
                assertThat(store.ha1("erin", "example.com").get()).as("expired on the injected clock")
                        .contains(DigestAlgorithm.MD5.ha1("erin", "example.com", "erin-secret"));
            } finally {
                db.sql("DELETE FROM subscriber WHERE username = 'erin'");
            }
        }
    }
}
