package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.MutableClock;

/**
 * A database that takes connections and never answers (no PostgreSQL
 * needed), from the relay's start: its accounts were never read, so every
 * lookup is answered at once as unavailable, none waits for it (found by
 * review: a burst queued without end, the 20th of 20 answered after 10 s);
 * once read, the bound on waiting lookups is JdbcAccountsIT's.
 */
class JdbcAccountsUnreachableTest {

    @Test
    void lookupsWhileTheAccountsWereNeverReadAreAnsweredAtOnce() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
             JdbcAccounts accounts = new JdbcAccounts("jdbc:postgresql://127.0.0.1:" + blackHole.getLocalPort()
                     + "/x?connectTimeout=1&socketTimeout=1", "u", "p", JdbcAccounts.Schema.subscriber(),
                     Duration.ofSeconds(30), new MutableClock())) {
            int burst = JdbcAccounts.QUERY_THREADS + JdbcAccounts.MOST_WAITING + 1;
            List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                lookups.add(accounts.ha1("user" + i, "example.com"));
            }
            for (CompletableFuture<Optional<String>> lookup : lookups) {
                assertThat(lookup).isCompletedExceptionally();
                assertThatThrownBy(lookup::join).hasCauseInstanceOf(AccountStore.Unavailable.class)
                        .hasMessageContaining("account database not read yet");
            }
            assertThat(accounts.queriesTried()).as("no lookup went to the database").isZero();
        }
    }

    /** The start block says why no account was counted in the driver's words, not the pool's (found by review). */
    @Test
    void accountsNotReadSayTheDriversReason() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (JdbcAccounts accounts = new JdbcAccounts("jdbc:postgresql://127.0.0.1:" + closed + "/x", "u", "p",
                JdbcAccounts.Schema.subscriber(), Duration.ofSeconds(30), new MutableClock())) {
            assertThat(accounts.describe()).contains("(not read yet: Connection refused");
        }
    }
}
