package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** Caffeine's time source read from the relay's injected clock, so cached entries expire when a test moves it. */
final class ClockTicker implements Ticker {

    private final Clock clock;

    ClockTicker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long read() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
