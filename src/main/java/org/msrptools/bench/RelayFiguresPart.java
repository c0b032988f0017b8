package org.msrptools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's own figures (issue 11), in the same run as the pipe: its
 * throughput and CPU time per GiB and per chunk at each chunk size, and its
 * system calls per chunk in a separate, traced run. The load is
 * {@link MsrpLoad} (MSRP and nothing else at both ends, on the same
 * endpoints as the pipe's source and sink), so the relay, not the clients,
 * sets the pace.
 */
final class RelayFiguresPart extends Part {

    /** Unmeasured transfers of each kind first: they warm the relay's and the pipe proxy's JIT. */
    private static final long WARM_UP = 256 * MIB;
    /**
     * The relay is warm once its JIT compiler threads took less than this
     * share of its CPU in a round of warm-ups: a relay in service compiled
     * its code long ago, and C2 compiling on one of two cores during a
     * measured transfer had cost the relay a fifth of its rate (perf: 38 %
     * of its samples in C2's thread after one 256 MiB warm-up).
     */
    private static final double WARM = 0.05;
    private static final int MAX_WARM_UP_ROUNDS = 8;

    /** The measured runs: the pipe's, the relay's at each chunk size, the traced counts at each. */
    private record Runs(List<Measurement> pipe, Map<Integer, List<Measurement>> relay,
                        Map<Integer, SyscallCount.Counts> syscalls) {
    }

    /** The relay's warm-up: rounds run, and whether the last was under {@link #WARM}. */
    private record WarmUp(int rounds, boolean warm) {
    }

    /** Set by {@link #measure}. */
    private WarmUp warmUp;

    RelayFiguresPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        long bytes = options.sizeMib * MIB;
        long traced = Math.min(bytes, options.syscallMib * MIB);
        report.line("");
        report.line("2. Relay: throughput and cost, %d MiB per transfer", options.sizeMib);
        report.put("relay_load_failure_report", options.failureReport);
        report.line("   relay: %s with its defaults (TLS engine %s); load: an MSRP sender and receiver in the",
                Java.launcherDescription("msrp-relay"), Endpoints.DEFAULT_ENGINE);
        report.line("   bench's JVM, nothing but MSRP (%s), on the same endpoints as the",
                options.everyChunkAnswered() ? "Failure-Report yes: every chunk answered, window " + MsrpLoad.WINDOW
                        : "Failure-Report partial, as msrp-send's chunks: no chunk that went well answered");
        report.line("   pipe's source and sink. Best of %d rounds (MiB/s), median CPU time of the middle process,",
                options.repeat);
        String straceMissing = SyscallCount.missing();
        Runs runs = measure(bytes, straceMissing == null ? traced : 0);
        report.line("   after unmeasured %d MiB transfers: one through the pipe, %d round(s) at each chunk size through",
                Math.min(bytes, WARM_UP) / MIB, warmUp.rounds());
        report.line("   the relay, until its JIT compiler threads took under %.0f%% of its CPU in a round (at most %d: %s).",
                WARM * 100, MAX_WARM_UP_ROUNDS, warmUp.warm() ? "reached" : "NOT reached, the relay still compiles");
        report.put("relay_warm_up_rounds", warmUp.rounds());
        report.put("relay_warm_up_reached", warmUp.warm());
        rates(runs, bytes);
        if (straceMissing != null) {
            report.line("   system calls per chunk: not counted, %s", straceMissing);
        } else {
            syscalls(runs, traced);
        }
    }

    /** Rounds of the pipe and the relay at each chunk size; then, when {@code traced} > 0, the traced transfers. */
    private Runs measure(long bytes, long traced) throws Exception {
        Runs runs = new Runs(new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        try (RelayUnderTest relay = RelayUnderTest.asUsersStartIt(work.resolve("relay-throughput"), 2, List.of(),
                options.relayJavaOptions);
             Endpoints endpoints = new Endpoints();
             TlsPipe pipe = new TlsPipe(endpoints, relay.cert(), relay.key(), Endpoints.DEFAULT_ENGINE)) {
            pipe.transfer(Math.min(bytes, WARM_UP));
            warmUp = warmUp(endpoints, relay, Math.min(bytes, WARM_UP));
            for (int chunk : options.chunkSizes) {
                runs.relay().put(chunk, new ArrayList<>());
            }
            for (int i = 0; i < options.repeat; i++) {
                runs.pipe().add(pipe.transfer(bytes));
                for (int chunk : options.chunkSizes) {
                    runs.relay().get(chunk).add(through(endpoints, relay, bytes, chunk));
                }
            }
            for (int chunk : traced > 0 ? options.chunkSizes : List.<Integer>of()) {
                try (MsrpLoad load = MsrpLoad.signIn(endpoints, relay, options.everyChunkAnswered())) {
                    runs.syscalls().put(chunk, SyscallCount.during(relay.process.pid(), work.resolve("strace.txt"),
                            () -> load.transfer(traced, chunk)));
                }
            }
        }
        return runs;
    }

    /**
     * Rounds of a transfer at each chunk size until the relay is warm
     * ({@link #WARM}), at most {@link #MAX_WARM_UP_ROUNDS}. A compiler
     * thread that ended during a round takes its CPU time out of the sum
     * (a JVM on more cores stops idle ones): such a round is not warm.
     */
    private WarmUp warmUp(Endpoints endpoints, RelayUnderTest relay, long bytes) throws Exception {
        for (int round = 1; ; round++) {
            long all = 0;
            long compiling = 0;
            for (int chunk : options.chunkSizes) {
                Measurement m = through(endpoints, relay, bytes, chunk);
                all += m.cpu().totalNanos();
                compiling += m.compilerCpu().totalNanos();
            }
            boolean warm = compiling >= 0 && compiling < WARM * all;
            if (warm || round == MAX_WARM_UP_ROUNDS) {
                return new WarmUp(round, warm);
            }
        }
    }

    private void rates(Runs runs, long bytes) {
        double pipeRate = best(runs.pipe(), Measurement::mibPerSecond);
        Proc.Cpu pipeCpu = Proc.Cpu.median(cpus(runs.pipe(), Measurement::cpu));
        report.line("   Netty TLS pipe, no MSRP (baseline)  %7.1f MiB/s           proxy CPU per GiB %s; source and sink %s",
                pipeRate, pipeCpu.perGib(bytes), Proc.Cpu.median(cpus(runs.pipe(), Measurement::endpointsCpu)).perGib(bytes));
        report.put("pipe_mib_s", pipeRate);
        report.put("pipe_proxy_cpu_s_per_gib", pipeCpu.secondsPerGib(bytes));
        Map<Integer, Proc.Cpu> relayCpu = new LinkedHashMap<>();
        Map<Integer, Double> relayRate = new LinkedHashMap<>();
        for (var e : runs.relay().entrySet()) {
            int chunk = e.getKey();
            double rate = best(e.getValue(), Measurement::mibPerSecond);
            Proc.Cpu cpu = Proc.Cpu.median(cpus(e.getValue(), Measurement::cpu));
            relayCpu.put(chunk, cpu);
            relayRate.put(chunk, rate);
            double usPerChunk = cpu.totalNanos() / 1e3 / chunks(bytes, chunk);
            Proc.Cpu load = Proc.Cpu.median(cpus(e.getValue(), Measurement::endpointsCpu));
            double compiling = compilerShare(e.getValue());
            report.line("   relay, %6d-byte chunks            %7.1f MiB/s  %.2fx pipe  relay CPU per GiB %s (JIT compiling %.1f%%), all of it %.1f us a chunk; load CPU per GiB %s",
                    chunk, rate, rate / pipeRate, cpu.perGib(bytes), compiling * 100, usPerChunk, load.perGib(bytes));
            report.put(key(chunk) + "_compiler_share", compiling);
            String key = key(chunk);
            report.put(key + "_mib_s", rate);
            report.put(key + "_vs_pipe", rate / pipeRate);
            report.put(key + "_cpu_s_per_gib", cpu.secondsPerGib(bytes));
            report.put(key + "_cpu_us_per_chunk", usPerChunk);
            report.put(key + "_load_cpu_s_per_gib", load.secondsPerGib(bytes));
        }
        int small = Collections.min(options.chunkSizes);
        int large = Collections.max(options.chunkSizes);
        if (small != large) {
            double usPerExtraChunk = (relayCpu.get(small).totalNanos() - relayCpu.get(large).totalNanos()) / 1e3
                    / (chunks(bytes, small) - chunks(bytes, large));
            report.line("   relay CPU per chunk: %.1f us (its extra CPU at %d-byte chunks over %d-byte ones, divided by",
                    usPerExtraChunk, small, large);
            report.line("     the extra chunks; target <= 10 us)");
            report.line("   relay throughput, %d- vs %d-byte chunks: %.2fx (target >= 0.9x); %d-byte chunks vs the pipe:",
                    small, large, relayRate.get(small) / relayRate.get(large), large);
            report.line("     %.2fx (target >= 1.0x)", relayRate.get(large) / pipeRate);
            report.put("relay_cpu_us_per_chunk", usPerExtraChunk);
            report.put("relay_small_vs_large_chunks", relayRate.get(small) / relayRate.get(large));
            report.put("relay_large_chunks_vs_pipe", relayRate.get(large) / pipeRate);
        }
    }

    private void syscalls(Runs runs, long traced) {
        report.line("   relay system calls per chunk (a separate %d MiB transfer each, traced: %s):", traced / MIB,
                String.join(" ", SyscallCount.command("PID", "FILE")));
        for (var e : runs.syscalls().entrySet()) {
            double n = chunks(traced, e.getKey());
            SyscallCount.Counts c = e.getValue();
            report.line("     %6d-byte chunks: socket writes %.2f, epoll_ctl %.2f, eventfd writes %.2f", e.getKey(),
                    c.socketWrites() / n, c.epollCtl() / n, c.eventfdWrites() / n);
            String key = "syscalls_chunk_" + e.getKey();
            report.put(key + "_socket_writes", c.socketWrites() / n);
            report.put(key + "_epoll_ctl", c.epollCtl() / n);
            report.put(key + "_eventfd_writes", c.eventfdWrites() / n);
        }
    }

    private Measurement through(Endpoints endpoints, RelayUnderTest relay, long bytes, int chunk)
            throws Exception {
        try (MsrpLoad load = MsrpLoad.signIn(endpoints, relay, options.everyChunkAnswered())) {
            return load.transfer(bytes, chunk);
        }
    }

    private static String key(int chunk) {
        return "relay_chunk_" + chunk;
    }

    /** The share of the relay's CPU in these runs that its JIT compiler threads took (at least: see warmUp). */
    private static double compilerShare(List<Measurement> runs) {
        long compiling = runs.stream().mapToLong(m -> m.compilerCpu().totalNanos()).sum();
        long all = runs.stream().mapToLong(m -> m.cpu().totalNanos()).sum();
        return Math.max(0, compiling) / (double) all;
    }

    private static double chunks(long bytes, int chunk) {
        return Math.ceil(bytes / (double) chunk);
    }
}
