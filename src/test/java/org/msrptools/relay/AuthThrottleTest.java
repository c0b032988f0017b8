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
            assertThat(t.delayMillis(guesser)).isZero();
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser)).isEqualTo(250);
        t.failed(guesser);
        assertThat(t.delayMillis(guesser)).isEqualTo(500);
        for (int i = 0; i < 20; i++) {
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser)).isEqualTo(AuthThrottle.MAX_DELAY_MILLIS);
        assertThat(t.delayMillis(user)).as("other users are not slowed").isZero();

        clock.advance(Duration.ofMinutes(11));
        assertThat(t.delayMillis(guesser)).as("forgotten after quiet minutes").isZero();
        for (int i = 0; i < 5; i++) {
            t.failed(guesser);
        }
        assertThat(t.delayMillis(guesser)).isPositive();
        t.succeeded(guesser);
        assertThat(t.delayMillis(guesser)).as("a success forgets").isZero();
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
        assertThat(t.delayMillis(guesser)).as("9 quiet minutes: still slowed").isPositive();
        clock.advance(Duration.ofMinutes(2));
        assertThat(t.delayMillis(guesser)).as("11 quiet minutes: forgotten").isZero();
        t.failed(guesser);
        assertThat(t.delayMillis(guesser)).as("counting starts again").isZero();
        assertThat(t.trackedAddresses()).isEqualTo(2);
    }
}
