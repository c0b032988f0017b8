package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * Caffeine's time source for the relay's injected clock: a test's clock is
 * read as it is, so cached entries expire when the test moves it; the
 * system clock is measured with {@link System#nanoTime} instead, since it
 * can be set back (an NTP step) and entries would then outlive their time by
 * as much.
 */
final class ClockTicker implements Ticker {

    private final Clock clock;

    private ClockTicker(Clock clock) {
        this.clock = clock;
    }

    static Ticker of(Clock clock) {
        return clock.withZone(ZoneOffset.UTC).equals(Clock.systemUTC()) ? Ticker.systemTicker() : new ClockTicker(clock);
    }

    @Override
    public long read() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
