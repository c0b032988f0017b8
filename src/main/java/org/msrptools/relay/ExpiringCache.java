package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/** The relay's bounded caches: at most so many entries, each forgotten some time after it was written. */
final class ExpiringCache {

    private ExpiringCache() {
    }

    static <K, V> Cache<K, V> of(long maximumSize, Duration lifetime, Clock clock) {
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(lifetime)
                .ticker(ClockTicker.of(clock))
                // Upkeep is a few map operations: done by the caller, not on a shared pool.
                .executor(Runnable::run)
                .build();
    }
}
