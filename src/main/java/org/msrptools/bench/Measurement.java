package org.msrptools.bench;

/**
 * One timed transfer through a middle process (the relay or the pipe's
 * proxy): bytes, time from the first byte sent to the last received, and
 * the middle process's CPU time meanwhile.
 */
record Measurement(long bytes, long nanos, Proc.Cpu cpu) {

    double mibPerSecond() {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
