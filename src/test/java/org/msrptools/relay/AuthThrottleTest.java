package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.client.Authentication;
import org.msrptools.testing.MutableClock;

class AuthThrottleTest {

    @Test
    void guessingFromOneAddressSlowsDownWithoutTouchingOthers() throws Exception {
        MutableClock clock = new MutableClock();
        AuthThrottle t = new AuthThrottle(clock);
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        InetAddress user = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            assertThat(t.delayMillis(guesser)).isZero();
            t.failed(guesser, "bob@example.com");
        }
        assertThat(t.delayMillis(guesser)).isEqualTo(250);
        t.failed(guesser, "bob@example.com");
        assertThat(t.delayMillis(guesser)).isEqualTo(500);
        for (int i = 0; i < 20; i++) {
            t.failed(guesser, "bob@example.com");
        }
        assertThat(t.delayMillis(guesser)).isEqualTo(AuthThrottle.MAX_DELAY_MILLIS)
                .as("never taken by our clients for the original relay's silence")
                .isLessThan(Authentication.NO_ANSWER_MILLIS);
        assertThat(t.delayMillis(user)).as("other users are not slowed").isZero();

        clock.advance(Duration.ofMinutes(11));
        assertThat(t.delayMillis(guesser)).as("forgotten after quiet minutes").isZero();
        for (int i = 0; i < 5; i++) {
            t.failed(guesser, "bob@example.com");
        }
        assertThat(t.delayMillis(guesser)).isPositive();
        t.succeeded(guesser, "bob@example.com");
        assertThat(t.delayMillis(guesser)).as("a success forgets its own user's typos").isZero();
    }

    /**
     * An account of one's own is no way to wipe the count while guessing
     * another's (found by review: a success forgot every failure of the
     * address, so two guesses and a sign-in of one's own went on forever).
     */
    @Test
    void aSuccessForgetsOnlyFailuresThatWereAllItsOwnUsers() throws Exception {
        AuthThrottle t = new AuthThrottle(new MutableClock());
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < AuthThrottle.FREE_FAILURES + 1; i++) {
            t.failed(guesser, "alice@example.com");
        }
        t.succeeded(guesser, "mallory@example.com");
        assertThat(t.delayMillis(guesser)).as("another user's success").isPositive();
        t.failed(guesser, "mallory@example.com");
        t.succeeded(guesser, "alice@example.com");
        assertThat(t.delayMillis(guesser)).as("failures of several users: only quiet forgets them").isPositive();
    }

    /**
     * Passwords from an address with no failure on record are checked a few
     * at a time, more waiting their turn, and beyond those refused; once it
     * has one, those waiting go one at a time, and no new one waits.
     */
    @Test
    void anAddressHasAFewTurnsThenOne() throws Exception {
        AuthThrottle t = new AuthThrottle(new MutableClock());
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < AuthThrottle.CLEAN_TURNS; i++) {
            int n = i;
            assertThat(t.whenTurn(guesser, () -> ran.add(n))).isTrue();
        }
        assertThat(ran).as("at once").hasSize(AuthThrottle.CLEAN_TURNS);
        for (int i = 1; i <= AuthThrottle.MOST_WAITING; i++) {
            int n = 100 + i;
            assertThat(t.whenTurn(guesser, () -> ran.add(n))).as("waits its turn").isTrue();
        }
        assertThat(t.whenTurn(guesser, () -> ran.add(-1))).as("one too many waiting").isFalse();
        t.failed(guesser, "bob@example.com");
        assertThat(t.whenTurn(InetAddress.getByName("192.0.2.2"), () -> ran.add(-2))).as("another address").isTrue();
        for (int i = 0; i < AuthThrottle.CLEAN_TURNS - 1; i++) {
            t.endTurn(guesser);
        }
        assertThat(ran).as("one at a time now: none yet").hasSize(AuthThrottle.CLEAN_TURNS + 1);
        t.endTurn(guesser);
        t.endTurn(guesser);
        assertThat(ran).as("in order, one per turn ended").endsWith(-2, 101, 102);
        assertThat(t.whenTurn(guesser, () -> ran.add(-3))).as("a failure on record: none waits").isFalse();
        for (int i = 0; i < AuthThrottle.MOST_WAITING; i++) {
            t.endTurn(guesser);
        }
        assertThat(ran).doesNotContain(-1, -3).hasSize(AuthThrottle.CLEAN_TURNS + 1 + AuthThrottle.MOST_WAITING);
        assertThat(t.whenTurn(guesser, () -> ran.add(7))).isTrue();
        assertThat(ran).as("free again: at once").endsWith(7);
    }

    /** One host is given a /64: guessing from all its addresses is one guesser, its neighbours are not slowed. */
    @Test
    void anIpv6HostGuessesAsItsSlash64() throws Exception {
        AuthThrottle t = new AuthThrottle(new MutableClock());
        for (int i = 1; i <= AuthThrottle.FREE_FAILURES + 1; i++) {
            t.failed(InetAddress.getByName("2001:db8:0:7::" + Integer.toHexString(i * 4099)), "bob@example.com");
        }
        assertThat(t.delayMillis(InetAddress.getByName("2001:db8:0:7:ffff::1"))).isPositive();
        List<String> ran = new ArrayList<>();
        assertThat(t.whenTurn(InetAddress.getByName("2001:db8:0:7::1"), () -> ran.add("first"))).isTrue();
        assertThat(t.whenTurn(InetAddress.getByName("2001:db8:0:7::2"), () -> ran.add("second")))
                .as("the same guesser's turn").isFalse();
        assertThat(ran).containsExactly("first");
        assertThat(t.delayMillis(InetAddress.getByName("2001:db8:0:8::1"))).as("the next /64").isZero();
        assertThat(t.delayMillis(InetAddress.getByName("192.0.2.9"))).isZero();
    }

    @Test
    void boundedWhateverTheNumberOfGuessingAddresses() throws Exception {
        MutableClock clock = new MutableClock();
        AuthThrottle t = new AuthThrottle(clock);
        // Many addresses guessing within a minute: none of them is quiet long enough to be forgotten.
        int addresses = AuthThrottle.MAX_ADDRESSES + 5_000;
        for (int i = 0; i < addresses; i++) {
            t.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), "x@y");
            if (i % 1000 == 0) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        assertThat(t.trackedAddresses()).isLessThanOrEqualTo(AuthThrottle.MAX_ADDRESSES);
    }

    @Test
    void tenQuietMinutesForgetEvenWhileOthersGuess() throws Exception {
        MutableClock clock = new MutableClock();
        AuthThrottle t = new AuthThrottle(clock);
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        InetAddress other = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 10; i++) {
            t.failed(guesser, "bob@example.com");
        }
        clock.advance(Duration.ofMinutes(9));
        t.failed(other, "bob@example.com");
        assertThat(t.delayMillis(guesser)).as("9 quiet minutes: still slowed").isPositive();
        clock.advance(Duration.ofMinutes(2));
        assertThat(t.delayMillis(guesser)).as("11 quiet minutes: forgotten").isZero();
        t.failed(guesser, "bob@example.com");
        assertThat(t.delayMillis(guesser)).as("counting starts again").isZero();
        assertThat(t.trackedAddresses()).isEqualTo(2);
    }
}
