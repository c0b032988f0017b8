package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.MutableClock;

/** Nonces used once, remembered as long as they could be replayed, and no longer, in a bounded table. */
class NonceServiceTest {

    private static final Duration LIFETIME = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock();
    private final NonceService nonces = new NonceService(clock, LIFETIME);

    @Test
    void aUsedNonceIsAReplayUntilItIsStaleThenStale() throws Exception {
        InetAddress client = InetAddress.getLoopbackAddress();
        String nonce = nonces.issue(client);
        assertThat(nonces.check(nonce, client)).isEqualTo(NonceService.Check.VALID);
        assertThat(nonces.consume(nonce)).isTrue();
        assertThat(nonces.consume(nonce)).as("used twice").isFalse();
        assertThat(nonces.check(nonce, client)).isEqualTo(NonceService.Check.REPLAYED);
        assertThat(nonces.check(nonce, InetAddress.getByName("127.0.0.2"))).as("another address")
                .isEqualTo(NonceService.Check.INVALID);

        clock.advance(LIFETIME.plusMillis(1));
        nonces.consume("another"); // forgets what has expired
        assertThat(nonces.check(nonce, client)).as("forgotten, and refused all the same")
                .isEqualTo(NonceService.Check.STALE);
    }

    @Test
    void noncesAreForgottenOnceStaleAndNeverMoreThanTheBoundAreKept() {
        for (int i = 0; i < 1000; i++) {
            nonces.consume("n" + i);
        }
        assertThat(nonces.remembered()).isEqualTo(1000);
        clock.advance(LIFETIME);
        nonces.consume("at-the-lifetime");
        assertThat(nonces.remembered()).as("a lifetime on, still not stale: kept").isEqualTo(1001);
        clock.advance(Duration.ofMillis(1));
        nonces.consume("later");
        assertThat(nonces.remembered()).as("the stale ones gone").isEqualTo(2);

        for (int i = 0; i < NonceService.MOST_REMEMBERED + 10; i++) {
            nonces.consume("flood" + i);
        }
        assertThat(nonces.remembered()).isEqualTo(NonceService.MOST_REMEMBERED);
        assertThat(nonces.consume("flood" + (NonceService.MOST_REMEMBERED + 9))).as("the newest still known").isFalse();
    }
}
