package org.msrptools.bench;

/**
 * One timed transfer through a middle process (the relay or the pipe's
 * proxy): bytes, time from the first byte sent to the last received, the
 * middle process's CPU time meanwhile, and the bench's own (its source and
 * sink, which share the machine's cores with the middle).
 */
record Measurement(long bytes, long nanos, Proc.Cpu cpu, Proc.Cpu endpointsCpu) {

    /** The bench's JVM, whose threads are the endpoints' (and, idle meanwhile, the bench's). */
    static Proc.Cpu endpointsNow() throws java.io.IOException {
        return Proc.cpu(ProcessHandle.current().pid());
    }

    double mibPerSecond() {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
