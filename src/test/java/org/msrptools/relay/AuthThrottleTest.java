package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.MutableClock;

class AuthThrottleTest {

    @Test
    void guessingFromOneAddressSlowsDownWithoutTouchingOthers() throws Exception {
        MutableClock clock = new MutableClock();
        AuthThrottle t = new AuthThrottle(clock);
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        InetAddress user = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            assertThat(t.delayMillis(guesser, false)).isZero();
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser, false)).isEqualTo(250);
        t.failed(guesser);
        assertThat(t.delayMillis(guesser, false)).isEqualTo(500);
        for (int i = 0; i < 20; i++) {
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser, false)).isEqualTo(AuthThrottle.MAX_DELAY_MILLIS);
        assertThat(t.delayMillis(guesser, true)).as("a password's answer: the challenge before it took the rest")
                .isEqualTo(AuthThrottle.MOST_HELD_PASSWORD_MILLIS)
                .as("never taken by our clients for the original relay's silence")
                .isLessThan(org.msrptools.client.Authentication.NO_ANSWER_MILLIS);
        assertThat(t.delayMillis(user, false)).as("other users are not slowed").isZero();

        clock.advance(Duration.ofMinutes(11));
        assertThat(t.delayMillis(guesser, false)).as("forgotten after quiet minutes").isZero();
        for (int i = 0; i < 5; i++) {
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser, false)).isPositive();
        t.succeeded(guesser);
        assertThat(t.delayMillis(guesser, false)).as("a success forgets").isZero();
    }

    @Test
    void anAddressHasOneTurnAtATime() throws Exception {
        AuthThrottle t = new AuthThrottle(new MutableClock());
        InetAddress guesser = InetAddress.getByName("192.0.2.1");
        assertThat(t.takeTurn(guesser)).isTrue();
        assertThat(t.takeTurn(guesser)).as("while its turn is taken").isFalse();
        assertThat(t.takeTurn(InetAddress.getByName("192.0.2.2"))).as("another address").isTrue();
        t.endTurn(guesser);
        assertThat(t.takeTurn(guesser)).isTrue();
    }

    /** One host is given a /64: guessing from all its addresses is one guesser, its neighbours are not slowed. */
    @Test
    void anIpv6HostGuessesAsItsSlash64() throws Exception {
        AuthThrottle t = new AuthThrottle(new MutableClock());
        for (int i = 1; i <= AuthThrottle.FREE_FAILURES + 1; i++) {
            t.failed(InetAddress.getByName("2001:db8:0:7::" + Integer.toHexString(i * 4099)));
        }
        assertThat(t.delayMillis(InetAddress.getByName("2001:db8:0:7:ffff::1"), false)).isPositive();
        assertThat(t.takeTurn(InetAddress.getByName("2001:db8:0:7::1"))).isTrue();
        assertThat(t.takeTurn(InetAddress.getByName("2001:db8:0:7::2"))).isFalse();
        assertThat(t.delayMillis(InetAddress.getByName("2001:db8:0:8::1"), false)).as("the next /64").isZero();
        assertThat(t.delayMillis(InetAddress.getByName("192.0.2.9"), false)).isZero();
    }

    @Test
    void boundedWhateverTheNumberOfGuessingAddresses() throws Exception {
        MutableClock clock = new MutableClock();
        AuthThrottle t = new AuthThrottle(clock);
        // Many addresses guessing within a minute: none of them is quiet long enough to be forgotten.
        int addresses = AuthThrottle.MAX_ADDRESSES + 5_000;
        for (int i = 0; i < addresses; i++) {
            t.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
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
            t.failed(guesser);
        }
        clock.advance(Duration.ofMinutes(9));
        t.failed(other);
        assertThat(t.delayMillis(guesser, false)).as("9 quiet minutes: still slowed").isPositive();
        clock.advance(Duration.ofMinutes(2));
        assertThat(t.delayMillis(guesser, false)).as("11 quiet minutes: forgotten").isZero();
        t.failed(guesser);
        assertThat(t.delayMillis(guesser, false)).as("counting starts again").isZero();
        assertThat(t.trackedAddresses()).isEqualTo(2);
    }
}
