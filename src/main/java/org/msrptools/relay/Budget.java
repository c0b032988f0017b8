package org.msrptools.relay;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one connection has made the relay hold: what was read from it
 * and not yet handed to a socket (chunks and bodiless requests queued for a
 * busy or slow next hop, the relay's own answers to it that its client does
 * not read). Over the high mark the connection stops being read; below the
 * low mark it reads again. So every source of bytes is flow-controlled, and
 * memory per connection is bounded whatever the peers do.
 *
 * <p>Charged on the connection's own event loop (where reading is switched
 * off at once); given back from whichever loop wrote the bytes, with a
 * wake-up of the owner only when the low mark is crossed.
 */
final class Budget {

    private final long high;
    private final long low;
    private final EventLoop loop;
    private final ReadGate reading;
    private final RelayBudget relay;
    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean pausedForRelay = new AtomicBoolean();
    private final Runnable resume;
    private final Runnable resumeForRelay;

    Budget(long high, EventLoop loop, ReadGate reading, RelayBudget relay) {
        this.high = high;
        this.low = high / 2;
        this.loop = loop;
        this.reading = reading;
        this.relay = relay;
        this.resume = () -> {
            if (!paused.get()) {
                reading.resume(ReadGate.BUDGET);
            }
        };
        this.resumeForRelay = () -> {
            if (!pausedForRelay.get()) {
                reading.resume(ReadGate.RELAY);
            }
        };
    }

    /** Counts {@code bytes} more, here and relay-wide; on the owner's loop. */
    void take(long bytes) {
        if (held.addAndGet(bytes) > high && paused.compareAndSet(false, true)) {
            reading.pause(ReadGate.BUDGET);
            if (held.get() <= low && paused.compareAndSet(true, false)) {
                reading.resume(ReadGate.BUDGET); // given back meanwhile from another loop
            }
        }
        if (relay.take(bytes) && pausedForRelay.compareAndSet(false, true)) {
            reading.pause(ReadGate.RELAY);
            relay.paused(this);
        }
    }

    /** Gives {@code bytes} back; any thread. */
    void give(long bytes) {
        if (bytes == 0) {
            return;
        }
        relay.give(bytes);
        if (held.addAndGet(-bytes) <= low && paused.compareAndSet(true, false)) {
            run(resume);
        }
    }

    /** The relay as a whole holds little enough again; any thread. */
    void resumeRelay() {
        if (pausedForRelay.compareAndSet(true, false)) {
            run(resumeForRelay);
        }
    }

    private void run(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    long held() {
        return held.get();
    }
}
