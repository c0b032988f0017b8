package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing from one address: after a few failed AUTHs
 * every further answer to that address waits, twice as long each time (up
 * to a cap), and only one password from it is checked at a time (else many
 * connections would each have one checked at once, the wait slowing only
 * the answers); a success or ten quiet minutes forget it. An IPv6 address
 * counts by its /64 (a host can pick any address in its network's /64).
 * Other addresses are not affected, and nothing blocks: the answer is only
 * scheduled later.
 */
final class AuthThrottle {

    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 8000;
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    /**
     * The longest an answer to a password (an AUTH with credentials) is held
     * back; the challenge before it is held the whole delay. Our clients take
     * 4 s of silence after their credentials for the original relay's (which
     * drops a digest with a uri) and sign in again on a new connection: held
     * longer, a right password was signed in twice, or refused while the
     * client's own first try held the address's turn.
     */
    static final long MOST_HELD_PASSWORD_MILLIS = 3000;
    /**
     * Addresses remembered at once (a few hundred bytes each, so a few MiB):
     * more guessers than a relay meets. Beyond it the cache evicts the
     * addresses seen least often, so a flood of one-off addresses (easy with
     * IPv6) neither grows memory nor pushes out a persistent guesser.
     */
    static final int MAX_ADDRESSES = 10_000;

    /** Failed AUTHs per address; each failure restarts the address's quiet period. */
    private final Cache<InetAddress, Integer> failures;
    /** Addresses with a password being checked or its answer held back now: one each, so bounded by connections. */
    private final Set<InetAddress> deciding = ConcurrentHashMap.newKeySet();

    AuthThrottle(Clock clock) {
        this.failures = ExpiringCache.of(MAX_ADDRESSES, FORGET_AFTER, clock);
    }

    /** How long to hold back the next answer to {@code address}: to a {@code password}, or a challenge. */
    long delayMillis(InetAddress address, boolean password) {
        Integer count = failures.getIfPresent(guesser(address));
        if (count == null || count < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(count - FREE_FAILURES, 10);
        long delay = Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
        return password ? Math.min(delay, MOST_HELD_PASSWORD_MILLIS) : delay;
    }

    void failed(InetAddress address) {
        failures.asMap().merge(guesser(address), 1, Integer::sum);
    }

    void succeeded(InetAddress address) {
        failures.invalidate(guesser(address));
    }

    /** The one turn of a throttled address to have a password checked; false while another has it. */
    boolean takeTurn(InetAddress address) {
        return deciding.add(guesser(address));
    }

    /** The AUTH that took the turn is answered. */
    void endTurn(InetAddress address) {
        deciding.remove(guesser(address));
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
