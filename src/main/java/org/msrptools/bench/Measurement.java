package org.msrptools.bench;

/**
 * One timed transfer through a middle process (the relay or the pipe's
 * proxy): bytes, time from the first byte sent to the last received, the
 * middle process's CPU time meanwhile and the part of it its JIT compiler
 * threads took, and the bench's own (its source and sink, which share the
 * machine's cores with the middle).
 */
record Measurement(long bytes, long nanos, Proc.Cpu cpu, Proc.Cpu compilerCpu, Proc.Cpu endpointsCpu) {

    /** The middle process's CPU and its compiler threads' at one moment: both taken together. */
    record Sample(Proc.Cpu all, Proc.Cpu compiler, Proc.Cpu endpoints) {
        static Sample of(long pid) throws java.io.IOException {
            return new Sample(Proc.cpu(pid), Proc.compilerCpu(pid), endpointsNow());
        }
    }

    /** From {@code before} to now, in the middle process {@code pid}. */
    static Measurement since(Sample before, long pid, long bytes, long nanos) throws java.io.IOException {
        Sample after = Sample.of(pid);
        return new Measurement(bytes, nanos, after.all().minus(before.all()), after.compiler().minus(before.compiler()),
                after.endpoints().minus(before.endpoints()));
    }

    /** The bench's JVM, whose threads are the endpoints' (and, idle meanwhile, the bench's). */
    private static Proc.Cpu endpointsNow() throws java.io.IOException {
        return Proc.cpu(ProcessHandle.current().pid());
    }

    double mibPerSecond() {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
