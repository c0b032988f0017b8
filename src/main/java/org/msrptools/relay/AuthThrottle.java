package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing from one address. Passwords from an
 * address with no failure on record are checked a few at a time, more
 * waiting their turn; from its first failure on, one at a time, and one
 * that comes while another is checked (or its failure's answer held back)
 * is refused unchecked, so many connections cannot each have one checked
 * at once. (Kept waiting instead, a right password behind a guesser's
 * queue came after our clients' 4 s fallback and its connection's
 * first-message timer: refused at once, the client tries again.) After a
 * few failed AUTHs, each further failure's answer waits, twice as
 * long each time (up to a cap), and the address's next check waits with
 * it; a right password is answered at once, and a challenge too (a nonce
 * serves any number of tries, so holding challenges back slowed only
 * honest clients). A success forgets the failures only when they were all
 * that user's own (typos); ten quiet minutes forget them in any case. So
 * an account of one's own is no way to wipe the count while guessing
 * another's. An IPv6 address counts by its /64 (a host can pick any
 * address in its network's /64). Other addresses are not affected, and
 * nothing blocks: answers and turns are only scheduled later.
 */
final class AuthThrottle {

    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MILLIS = 250;
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    /**
     * The longest the answer to a wrong password is held back, and the
     * address's turn with it: about 1,200 guesses an hour from one address.
     * Our clients take 4 s of silence after their credentials for the
     * original relay's (which drops a digest with a uri) and sign in again
     * on a new connection: held longer, a password typed wrong was answered
     * only after that second, needless sign-in.
     */
    static final long MAX_DELAY_MILLIS = 3000;
    /**
     * Addresses remembered at once (a few hundred bytes each, so a few MiB):
     * more guessers than a relay meets. Beyond it the cache evicts the
     * addresses seen least often, so a flood of one-off addresses (easy with
     * IPv6) neither grows memory nor pushes out a persistent guesser.
     */
    static final int MAX_ADDRESSES = 10_000;
    /**
     * Passwords checked at once from an address with no failure on record:
     * users behind one NAT signing in together are not queued behind one
     * slow lookup, and a burst of guesses gets this many before its first
     * failure makes the address take turns.
     */
    static final int CLEAN_TURNS = 8;
    /**
     * Passwords from an address with no failure on record that may wait for
     * a turn: clients started together behind one NAT are checked one after
     * the other; beyond this, a password is refused unchecked.
     */
    static final int MOST_WAITING = 64;

    /** Failed AUTHs of an address, and whose they were: one user's, or (null) several users'. */
    private record Failures(int count, String user) {
        Failures and(Failures next) {
            return new Failures(count + next.count, Objects.equals(user, next.user) ? user : null);
        }
    }

    /** Failures per address; each failure restarts the address's quiet period. */
    private final Cache<InetAddress, Failures> failures;
    /** An address's turns taken (checks under way or failures' answers held back), and the checks waiting. */
    private static final class Turns {
        int taken;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    }

    /** Addresses with turns taken or checks waiting: at most {@link #MOST_WAITING} each, addresses bounded by connections. */
    private final Map<InetAddress, Turns> turns = new ConcurrentHashMap<>();

    AuthThrottle(Clock clock) {
        this.failures = ExpiringCache.of(MAX_ADDRESSES, FORGET_AFTER, clock);
    }

    /** How long the answer to the next wrong password from {@code address} is held back. */
    long delayMillis(InetAddress address) {
        Failures f = failures.getIfPresent(guesser(address));
        if (f == null || f.count() < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(f.count() - FREE_FAILURES, 10);
        return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
    }

    /** A password of {@code user} (as the AUTH named it) from {@code address} was wrong. */
    void failed(InetAddress address, String user) {
        failures.asMap().merge(guesser(address), new Failures(1, user), Failures::and);
    }

    /** {@code user} signed in from {@code address}: the address's failures are forgotten if they were all theirs. */
    void succeeded(InetAddress address, String user) {
        failures.asMap().computeIfPresent(guesser(address), (a, f) -> user.equals(f.user()) ? null : f);
    }

    /**
     * Runs {@code check} when {@code address} has a turn for it: now, or
     * once a check before it has ended (then on the thread that ends that
     * one's turn). False, and {@code check} never runs, when the address
     * has failures on record and its turn is taken, or too many wait.
     */
    boolean whenTurn(InetAddress address, Runnable check) {
        InetAddress guesser = guesser(address);
        int allowed = turnsFor(guesser);
        boolean[] now = new boolean[1];
        boolean[] queued = new boolean[1];
        turns.compute(guesser, (a, t) -> {
            Turns turns = t == null ? new Turns() : t;
            if (turns.taken < allowed) {
                turns.taken++;
                now[0] = true;
            } else if (allowed == CLEAN_TURNS && turns.waiting.size() < MOST_WAITING) {
                turns.waiting.add(check);
                queued[0] = true;
            }
            return turns.taken == 0 && turns.waiting.isEmpty() ? null : turns;
        });
        if (now[0]) {
            check.run();
        }
        return now[0] || queued[0];
    }

    /** A check that had a turn of {@code address} is answered: the next one waiting, if any, runs. */
    void endTurn(InetAddress address) {
        InetAddress guesser = guesser(address);
        int allowed = turnsFor(guesser);
        Runnable[] next = new Runnable[1];
        turns.computeIfPresent(guesser, (a, turns) -> {
            turns.taken--;
            if (turns.taken < allowed && !turns.waiting.isEmpty()) {
                next[0] = turns.waiting.poll();
                turns.taken++;
            }
            return turns.taken == 0 && turns.waiting.isEmpty() ? null : turns;
        });
        if (next[0] != null) {
            next[0].run();
        }
    }

    /** Checks at once for {@code guesser}: a few while it has no failure on record, else one. */
    private int turnsFor(InetAddress guesser) {
        return failures.getIfPresent(guesser) == null ? CLEAN_TURNS : 1;
    }

    /** Who guesses from {@code address}: the address, or for IPv6 its /64. */
    static InetAddress guesser(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] block = address.getAddress();
        Arrays.fill(block, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(block);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    /** Addresses remembered now, for the bound's test. */
    long trackedAddresses() {
        failures.cleanUp();
        return failures.estimatedSize();
    }
}
