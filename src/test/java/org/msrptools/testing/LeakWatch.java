package org.msrptools.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * A window in which Netty tracks every buffer, so that a test can say no
 * buffer leaked while it ran and mean its own. Netty finds a leak only once
 * the garbage collector has taken the buffer, and reports it only when it
 * next tracks a buffer: a test that collects garbage would otherwise hear
 * of what earlier tests in the same JVM leaked. Opening reports those first
 * (they go to the log as always, outside the window); {@link #report()}
 * brings in what leaked inside it. Closing puts the tracking level back.
 */
public final class LeakWatch implements AutoCloseable {

    private final ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();

    private LeakWatch() {
    }

    public static LeakWatch open() throws InterruptedException {
        LeakWatch w = new LeakWatch();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // every buffer, not one in 128
        w.report();
        return w;
    }

    /** Collects garbage and has Netty report the leaks it then finds. */
    public void report() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // the reference handler queues what was collected
            ByteBufAllocator.DEFAULT.directBuffer(1).release(); // tracking a buffer reports what is queued
        }
    }

    @Override
    public void close() {
        ResourceLeakDetector.setLevel(previous);
    }
}
