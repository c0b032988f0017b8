package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.msrptools.protocol.DigestAlgorithm;
import org.postgresql.Driver;

/**
 * Accounts in an SQL table shaped like the {@code subscriber} table of
 * OpenSIPS and Kamailio (username, domain, password, ha1), through a small
 * HikariCP pool. Queries run on their own threads, never on an event loop;
 * answers (found or not) are cached for a short while so that a burst of
 * AUTHs does not become a burst of queries. The HA1 column wins; where it is
 * empty, HA1 is computed from the clear-text password.
 */
public final class JdbcAccounts implements AccountStore {

    private static final Logger LOG = Logger.getLogger(JdbcAccounts.class.getName());

    /** Table and column names, defaulting to the OpenSIPS/Kamailio schema. */
    public record Schema(String table, String userColumn, String domainColumn, String passwordColumn,
                         String ha1Column) {
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

        public static Schema subscriber() {
            return new Schema("subscriber", "username", "domain", "password", "ha1");
        }

        public Schema {
            for (String name : new String[] {table, userColumn, domainColumn, passwordColumn, ha1Column}) {
                if (!IDENTIFIER.matcher(name).matches()) {
                    throw new IllegalArgumentException("'" + name + "' is not a plain SQL identifier");
                }
            }
        }
    }

    /**
     * Answers kept at once (a few hundred bytes each, so a few MiB): a
     * guesser's random user names are answered "not found" and cached too,
     * so without a bound they would grow the cache for ever. Beyond it the
     * answers used least are evicted.
     */
    static final int MAX_CACHED_ANSWERS = 10_000;
    /**
     * Seconds a query may take. A database that hangs (a lock held, a
     * stalled server) then fails the AUTH waiting for it, which is answered,
     * instead of holding it and a query thread for ever.
     */
    static final int QUERY_TIMEOUT_S = 5;
    /**
     * Seconds a connection may wait for any answer from the server before
     * it is given up (the driver's {@code socketTimeout}). The query timeout
     * works by asking the server to cancel, which a stalled server or a
     * network that dropped the connection never acts on: without this, a
     * lookup waited there for good, holding its query thread and its pooled
     * connection, and once all four were held AUTH failed long after the
     * database was back (found by review). A URL's own
     * {@code socketTimeout} wins.
     */
    static final int SOCKET_TIMEOUT_S = 2 * QUERY_TIMEOUT_S;
    /** Threads that query, and connections in the pool. */
    static final int QUERY_THREADS = 4;
    /**
     * Lookups that may wait for a query thread; one more is answered at once
     * as unavailable. Without a bound, a burst of AUTHs while the database
     * was slow queued without end, and each waited behind all the others
     * (found by review: the 20th of 20 was answered after 10 s).
     */
    static final int MOST_WAITING = 64;
    /** How soon the accounts' domains are asked again while they have never been read. */
    static final long NOT_READ_RETRY_MILLIS = 1000;

    private record Account(String user, String realm) {
    }

    private final HikariDataSource pool;
    private final String lookup;
    private final String realmsQuery;
    private final String countQuery;
    private volatile long realmsRefreshedMillis;
    private final Duration cacheTtl;
    private final Clock clock;
    private final ThreadPoolExecutor queries = new ThreadPoolExecutor(QUERY_THREADS, QUERY_THREADS, 0,
            TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MOST_WAITING), r -> {
                Thread t = new Thread(r, "accounts-db");
                t.setDaemon(true);
                return t;
            });
    /**
     * When (System.nanoTime) the last query failed, and why: a lookup that
     * was asked before that fails at once when its turn comes, instead of
     * waiting for the database again behind the others. One asked later
     * tries, so AUTH works again as soon as the database does.
     */
    private volatile long lastFailureNanos = System.nanoTime() - 1;
    private volatile String lastFailure;
    /** Lookups that went to the database (for the tests of failing fast). */
    private final AtomicLong queriesTried = new AtomicLong();
    private final Cache<Account, Optional<String>> answers;
    private volatile Set<String> realms = Set.of();
    private volatile int size = -1;
    /** Why the accounts were not counted, while {@link #size} is unknown: the database's words, on one line. */
    private volatile String unread = "not asked";
    private final String url;
    /** Whether the last query got through; null before the first. Its changes are logged. */
    private Boolean available;

    public JdbcAccounts(String url, String user, String password, Schema schema, Duration cacheTtl, Clock clock) {
        checkUrl(url);
        this.url = url;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
        this.answers = ExpiringCache.of(MAX_CACHED_ANSWERS, cacheTtl, clock);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(QUERY_THREADS);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2000); // a database that is down gives a quick, clear answer
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(-1); // the relay starts even when the database is down
        config.setPoolName("msrp-relay-accounts");
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_S));
        config.addDataSourceProperty("tcpKeepAlive", "true"); // an idle pooled connection's peer gone is noticed
        this.pool = new HikariDataSource(config);
        this.lookup = "SELECT " + schema.ha1Column() + ", " + schema.passwordColumn() + " FROM " + schema.table()
                + " WHERE " + schema.userColumn() + " = ? AND " + schema.domainColumn() + " = ?";
        this.realmsQuery = "SELECT DISTINCT " + schema.domainColumn() + " FROM " + schema.table();
        this.countQuery = "SELECT COUNT(*) FROM " + schema.table();
        // At once, not in the background: an AUTH right after the start would otherwise be challenged with the
        // machine's host name as realm, before the accounts' domains are known, and fail. A database that is
        // down delays the start by the pool's connection timeout (2 s), no more.
        refreshRealms();
    }

    /**
     * A URL the driver takes, and no password in it: the URL is shown in the
     * start block and the log, and the driver itself logs a URL it cannot parse.
     */
    private static void checkUrl(String url) {
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("--accounts-jdbc-url must not carry the password: "
                    + "put it in a file named by --accounts-jdbc-password-file");
        }
        if (Driver.parseURL(url, new Properties()) == null) {
            throw new IllegalArgumentException("'" + url + "' is not a PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://HOST[:PORT]/DATABASE)");
        }
    }

    @Override
    public CompletableFuture<Optional<String>> ha1(String user, String realm) {
        // Never read since the start: the realm a challenge named came from no account, and a right password would
        // fail as a wrong one (found by a new user: exit 5 for 30 s after the database came back). Read again within
        // a second, and the client, told to try again, gets the right realm.
        boolean neverRead = size < 0;
        if (clock.millis() - realmsRefreshedMillis > (neverRead ? NOT_READ_RETRY_MILLIS : cacheTtl.toMillis())) {
            realmsRefreshedMillis = clock.millis();
            try {
                queries.execute(this::refreshRealms);
            } catch (RejectedExecutionException busy) {
                realmsRefreshedMillis = 0; // the lookups come first; the next one asks again
            }
        }
        if (neverRead) {
            return CompletableFuture.failedFuture(new Unavailable("account database not read yet: " + unread, null));
        }
        if (hasControlCharacter(user) || hasControlCharacter(realm)) {
            // No account has such a name, and PostgreSQL refuses a NUL: not asked (found by review: one such
            // query's error was taken for the database's, and failed the lookups waiting with it).
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Account account = new Account(user, realm);
        Optional<String> hit = answers.getIfPresent(account);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit);
        }
        // Only answers are kept; a query that failed (database down) is asked again next time.
        long asked = System.nanoTime();
        try {
            return CompletableFuture.supplyAsync(() -> {
                Optional<String> ha1 = query(user, realm, asked);
                answers.put(account, ha1);
                return ha1;
            }, queries);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.failedFuture(new Unavailable("account database busy: " + MOST_WAITING
                    + " lookups are waiting already", busy));
        }
    }

    private Optional<String> query(String user, String realm, long asked) {
        if (lastFailureNanos - asked > 0) {
            throw new Unavailable("account database unavailable: " + lastFailure, null);
        }
        queriesTried.incrementAndGet();
        try (Connection c = pool.getConnection(); PreparedStatement st = timed(c.prepareStatement(lookup))) {
            st.setString(1, user);
            st.setString(2, realm);
            try (ResultSet rs = st.executeQuery()) {
                reached(null);
                if (!rs.next()) {
                    return Optional.empty();
                }
                String ha1 = rs.getString(1);
                if (ha1 != null && ha1.matches("[0-9a-fA-F]{32}")) {
                    return Optional.of(ha1.toLowerCase(Locale.ROOT));
                }
                String password = rs.getString(2);
                return password == null ? Optional.empty()
                        : Optional.of(DigestAlgorithm.MD5.ha1(user, realm, password));
            }
        } catch (SQLException e) {
            reached(e);
            if (databaseFailed(e)) {
                lastFailure = e.getMessage();
                lastFailureNanos = System.nanoTime();
            }
            throw new Unavailable("account database unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code e} is the database's failure, which the lookups waiting
     * behind this one would meet too: no connection (SQLState class 08, or
     * the pool's timeout) or a query cancelled or refused by the server
     * (class 57: the query timeout, a shutdown). Another error is this
     * query's own.
     */
    private static boolean databaseFailed(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || state != null && (state.startsWith("08") || state.startsWith("57"));
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
    }

    @Override
    public boolean answers() {
        try (Connection c = pool.getConnection()) {
            boolean valid = c.isValid(1);
            reached(valid ? null : new SQLException("the connection is not valid"));
            return valid;
        } catch (SQLException e) {
            reached(e);
            return false;
        }
    }

    /**
     * The outcome of a query: the operator hears when the database stops
     * answering and when it answers again, once each time, not once per AUTH.
     */
    private synchronized void reached(SQLException failure) {
        boolean now = failure == null;
        if (available != null && available == now) {
            return;
        }
        if (!now) {
            // The pool says it timed out; the driver's cause says why.
            LogEvent.of("accounts_unavailable").with("store", describeUrl())
                    .with("reason", Causes.root(failure).getMessage())
                    .log(LOG, Level.WARNING);
        } else if (available != null) {
            LogEvent.of("accounts_available").with("store", describeUrl()).log(LOG, Level.INFO);
        }
        available = now;
    }

    /** The URL without its parameters, which may carry a password. */
    private String describeUrl() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static PreparedStatement timed(PreparedStatement st) throws SQLException {
        st.setQueryTimeout(QUERY_TIMEOUT_S);
        return st;
    }

    /** Domains and the account count, for the realm choice and the start block; refreshed with the cache. */
    private void refreshRealms() {
        realmsRefreshedMillis = clock.millis();
        try (Connection c = pool.getConnection(); PreparedStatement domains = timed(c.prepareStatement(realmsQuery));
             PreparedStatement count = timed(c.prepareStatement(countQuery));
             ResultSet rs = domains.executeQuery(); ResultSet n = count.executeQuery()) {
            Set<String> found = new TreeSet<>();
            while (rs.next()) {
                found.add(rs.getString(1));
            }
            realms = Collections.unmodifiableSet(found); // sorted: the first is the default realm
            size = n.next() ? n.getInt(1) : -1;
            reached(null);
        } catch (SQLException e) {
            reached(e);
            // The pool's timeout wraps the driver's reason (found by review).
            unread = Causes.innermostMessage(e).replaceAll("\\s+", " ").strip();
            // Unknown for now: AUTH then takes its realm from --domain or the To-Path host.
        }
    }

    @Override
    public Set<String> realms() {
        return realms;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String describe() {
        // Why not, in the start block: a wrong password or table name is not for the log alone (found by a new user).
        return describeUrl() + (size >= 0 ? " (" + size + (size == 1 ? " account)" : " accounts)")
                : " (not read yet: " + unread + ")");
    }

    /** Lookups that went to the database so far. */
    long queriesTried() {
        return queriesTried.get();
    }

    /** Answers cached now, for the bound's test. */
    long cachedAnswers() {
        answers.cleanUp();
        return answers.estimatedSize();
    }

    @Override
    public void close() {
        queries.shutdownNow();
        pool.close();
    }
}
