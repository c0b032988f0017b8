package org.msrptools.bench;

import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.msrptools.VersionProvider;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrp-bench}: how much the relay carries and what it costs, on
 * loopback with real TLS, every figure next to a baseline measured in the
 * same run. The clients are the product's own client code, in this JVM; the
 * relay and the baseline TLS pipe run as child processes.
 */
@Command(name = "msrp-bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Benchmarks the relay on loopback with real TLS and prints a table (--json for machines):",
                "1 throughput through the relay vs. a two-hop TLS pipe with no MSRP; 2 concurrent transfers; "
                        + "3 authenticated idle sessions; 4 relay memory during a small and a huge transfer; "
                        + "5 msrp-receive start-up.",
                "Clients run in this JVM (the product's client code); the relay (-Xms/-Xmx 256m, pre-touched) "
                        + "and the baseline pipe are child processes."})
public final class BenchCommand implements Callable<Integer> {

    private static final long MIB = 1024 * 1024;
    private static final List<String> RELAY_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

    @Option(names = "--size", paramLabel = "MIB", defaultValue = "1024", description = "Throughput transfer size (default ${DEFAULT-VALUE}).")
    long sizeMib;

    @Option(names = "--chunk-sizes", split = ",", defaultValue = "10240,65536", description = "Sender chunk sizes to measure (default ${DEFAULT-VALUE}).")
    List<Integer> chunkSizes;

    @Option(names = "--tls-engines", split = ",", defaultValue = "jdk,bc,openssl", description = "Relay TLS engines to compare (default ${DEFAULT-VALUE}; also bc-pure).")
    List<String> engines;

    @Option(names = "--concurrent", defaultValue = "100", description = "Simultaneous transfers (default ${DEFAULT-VALUE}).")
    int concurrent;

    @Option(names = "--concurrent-size", paramLabel = "MIB", defaultValue = "10", description = "Size of each (default ${DEFAULT-VALUE}).")
    long concurrentMib;

    @Option(names = "--concurrent-random", description = "Random content and random sizes up to --concurrent-size, "
            + "one file each (the load test: every transfer's SHA-256 is checked, as always).")
    boolean concurrentRandom;

    @Option(names = "--sessions", defaultValue = "10000", description = "Idle authenticated sessions (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--huge", paramLabel = "MIB", defaultValue = "4096", description = "The large transfer of the memory test (default ${DEFAULT-VALUE}).")
    long hugeMib;

    @Option(names = "--startup-runs", defaultValue = "5", description = "msrp-receive launches to time (default ${DEFAULT-VALUE}).")
    int startupRuns;

    @Option(names = "--only", split = ",", description = "Run only these parts: throughput, engines, concurrency, sessions, memory, startup.")
    Set<String> only;

    @Option(names = "--relay-java-option", paramLabel = "OPTION",
            description = "Extra JVM option for the relay processes, e.g. -XX:StartFlightRecording=filename=relay.jfr "
                    + "to profile them (repeatable).")
    List<String> relayJavaOptions = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    @Option(names = "--work-dir", description = "Where files and relay state go (default: a temporary directory, removed after).")
    Path workDir;

    private final Map<String, Object> results = new LinkedHashMap<>();

    /** The relay's default engine (what msrp-relay picks with no --tls-engine). */
    private static final TlsEngine DEFAULT_ENGINE = TlsEngine.OPENSSL.available() ? TlsEngine.OPENSSL : TlsEngine.JDK;

    private List<String> relayJvm() {
        List<String> all = new ArrayList<>(RELAY_HEAP);
        all.addAll(relayJavaOptions);
        return all;
    }

    private boolean runs(String part) {
        return only == null || only.contains(part);
    }

    private void report(String line) {
        if (!json) {
            System.out.println(line);
            System.out.flush();
        }
    }

    @Override
    public Integer call() throws Exception {
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("msrp-bench");
        try {
            report("msrp-bench " + VersionProvider.version() + ": loopback, real TLS, " + Runtime.getRuntime()
                    .availableProcessors() + " cores, Java " + System.getProperty("java.version"));
            report("clients: in this JVM (the product's client code); relay and TLS pipe: child processes");
            if (runs("throughput")) {
                throughput(work);
            }
            if (runs("engines")) {
                engines(work);
            }
            if (runs("concurrency")) {
                concurrency(work);
            }
            if (runs("sessions")) {
                sessions(work);
            }
            if (runs("memory")) {
                memory(work);
            }
            if (runs("startup")) {
                startup(work);
            }
            if (json) {
                System.out.println(Json.of(results));
            }
            return 0;
        } finally {
            if (workDir == null) {
                deleteTree(work);
            }
        }
    }

    @Option(names = "--repeat", defaultValue = "3", description = "Runs of each throughput figure; the best counts (default ${DEFAULT-VALUE}).")
    int repeat;

    /** The best of {@link #repeat} runs, after one unmeasured warm-up run (JIT compilation in every process). */
    private double best(Callable<InProcessTransfer.Result> run) throws Exception {
        run.call();
        double best = 0;
        for (int i = 0; i < repeat; i++) {
            best = Math.max(best, run.call().mibPerSecond());
        }
        return best;
    }

    private static Path randomFile(Path dir, String name, long bytes, java.util.Random random) throws Exception {
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(dir.resolve(name))) {
            for (long left = bytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return dir.resolve(name);
    }

    private static Path sparseFile(Path dir, String name, long bytes) throws Exception {
        Path f = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        return f;
    }

    private void throughput(Path work) throws Exception {
        long bytes = sizeMib * MIB;
        Path file = sparseFile(work, "throughput.bin", bytes);
        report("");
        report(String.format("1. Throughput: one transfer of %d MiB", sizeMib));
        try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-throughput"), 2, DEFAULT_ENGINE.toString(),
                relayJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            double pipe = best(() -> TlsPipe.run(relay.cert(), relay.state.resolve("key.pem"), bytes, DEFAULT_ENGINE));
            report(String.format("   (relay and pipe on the %s TLS engine, the relay's default; clients on jdk)",
                    DEFAULT_ENGINE));
            report(String.format("   two-hop TLS pipe, no MSRP (baseline)   %8.1f MiB/s", pipe));
            results.put("pipe_mib_s", pipe);
            for (int chunk : chunkSizes) {
                double relayRate = best(() -> InProcessTransfer.run(relay.port, tls, file, work.resolve("out"), 0, 1,
                        chunk, 32));
                report(String.format("   through the relay, %6d-byte chunks   %8.1f MiB/s   %.2fx the pipe", chunk,
                        relayRate, relayRate / pipe));
                results.put("relay_chunk_" + chunk + "_mib_s", relayRate);
                results.put("relay_chunk_" + chunk + "_vs_pipe", relayRate / pipe);
            }
        }
        Files.deleteIfExists(file);
    }

    private void engines(Path work) throws Exception {
        long bytes = Math.min(sizeMib, 512) * MIB;
        Path file = sparseFile(work, "engines.bin", bytes);
        int chunk = chunkSizes.get(chunkSizes.size() - 1);
        report("");
        report(String.format("   TLS engines (%d MiB, %d-byte chunks; relay and pipe on the same engine, clients on jdk)",
                bytes / MIB, chunk));
        for (String name : engines) {
            TlsEngine engine = TlsEngine.of(name);
            if (!engine.available()) {
                report("   " + name + ": not available here");
                continue;
            }
            try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-" + name), 2, name, relayJvm())) {
                SslContext tls = TlsContexts.client(relay.cert(), false);
                double pipe = best(() -> TlsPipe.run(relay.cert(), relay.state.resolve("key.pem"), bytes, engine));
                double rate = best(() -> InProcessTransfer.run(relay.port, tls, file, work.resolve("out"), 0, 1,
                        chunk, 32));
                report(String.format("   %-8s relay %8.1f MiB/s   pipe %8.1f MiB/s   %.2fx", name, rate, pipe, rate / pipe));
                results.put("engine_" + name + "_relay_mib_s", rate);
                results.put("engine_" + name + "_pipe_mib_s", pipe);
            }
        }
        Files.deleteIfExists(file);
    }

    private void concurrency(Path work) throws Exception {
        long bytes = concurrentMib * MIB;
        Path file = sparseFile(work, "concurrent.bin", bytes);
        int chunk = chunkSizes.get(chunkSizes.size() - 1);
        report("");
        report(String.format("2. Concurrency: %d simultaneous transfers of %s%d MiB (%d-byte chunks), every SHA-256 checked",
                concurrent, concurrentRandom ? "random sizes up to " : "", concurrentMib, chunk));
        try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-concurrency"), 2 * concurrent + 2,
                DEFAULT_ENGINE.toString(), relayJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            double single = best(() -> InProcessTransfer.run(relay.port, tls, file, work.resolve("out-single"), 0, 1,
                    chunk, 32));
            ExecutorService pool = Executors.newFixedThreadPool(concurrent);
            List<Future<InProcessTransfer.Result>> all = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            java.util.Random random = new java.util.Random(concurrent);
            for (int i = 0; i < concurrent; i++) {
                long size = 1 + (long) (random.nextDouble() * bytes);
                files.add(concurrentRandom ? randomFile(work, "load-" + i + ".bin", size, random) : file);
            }
            long totalBytes = 0;
            for (Path f : files) {
                totalBytes += Files.size(f);
            }
            long start = System.nanoTime();
            for (int i = 0; i < concurrent; i++) {
                int n = i;
                all.add(pool.submit(() -> InProcessTransfer.run(relay.port, tls, files.get(n), work.resolve("out-" + n),
                        2 * n + 2, 2 * n + 3, chunk, 32)));
            }
            double[] seconds = new double[concurrent];
            for (int i = 0; i < concurrent; i++) {
                seconds[i] = all.get(i).get(10, TimeUnit.MINUTES).nanos() / 1e9;
            }
            double wall = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            Arrays.sort(seconds);
            double aggregate = totalBytes / (double) MIB / wall;
            double p50 = seconds[(int) Math.floor(0.50 * (concurrent - 1))];
            double p99 = seconds[(int) Math.floor(0.99 * (concurrent - 1))];
            report(String.format("   one transfer alone (same run)          %8.1f MiB/s", single));
            report(String.format("   aggregate                              %8.1f MiB/s   %.2fx one alone", aggregate,
                    aggregate / single));
            report(String.format("   completion time p50 %.2f s, p99 %.2f s (each measured from its first chunk)", p50, p99));
            report(String.format("   relay peak RSS %.1f MiB (heap fixed at 256 MiB)", relay.peakRss() / (double) MIB));
            results.put("concurrency_relay_peak_rss_mib", relay.peakRss() / (double) MIB);
            results.put("concurrency_single_mib_s", single);
            results.put("concurrency_aggregate_mib_s", aggregate);
            results.put("concurrency_vs_single", aggregate / single);
            results.put("concurrency_p50_s", p50);
            results.put("concurrency_p99_s", p99);
        }
        Files.deleteIfExists(file);
    }

    private void sessions(Path work) throws Exception {
        report("");
        report(String.format("3. Sessions: %d authenticated idle sessions", sessions));
        try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-sessions"), sessions, DEFAULT_ENGINE.toString(),
                relayJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            long heapBefore = relay.heapUsedAfterGc();
            long rssBefore = relay.rss();
            try (SessionFlood flood = new SessionFlood()) {
                double secs = flood.open(relay.port, tls, sessions, 64);
                long heap = relay.heapUsedAfterGc();
                long rss = relay.rss();
                report(String.format("   established in %.1f s: %.0f AUTH/s", secs, sessions / secs));
                report(String.format("   relay heap after GC %.1f MiB (%.1f MiB before: %.1f KiB a session), limit 256 MiB",
                        heap / (double) MIB, heapBefore / (double) MIB, (heap - heapBefore) / 1024.0 / sessions));
                report(String.format("   relay RSS %.1f MiB (%.1f MiB before: %.1f KiB a session)", rss / (double) MIB,
                        rssBefore / (double) MIB, (rss - rssBefore) / 1024.0 / sessions));
                results.put("sessions", sessions);
                results.put("sessions_auth_per_s", sessions / secs);
                results.put("sessions_heap_mib", heap / (double) MIB);
                results.put("sessions_heap_kib_each", (heap - heapBefore) / 1024.0 / sessions);
                results.put("sessions_rss_mib", rss / (double) MIB);
                results.put("sessions_rss_kib_each", (rss - rssBefore) / 1024.0 / sessions);
            }
        }
    }

    private void memory(Path work) throws Exception {
        int chunk = chunkSizes.get(chunkSizes.size() - 1);
        report("");
        report(String.format("4. Memory flatness: relay peak RSS during a 10 MiB and a %d MiB transfer", hugeMib));
        try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-memory"), 2, DEFAULT_ENGINE.toString(), relayJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            Path small = sparseFile(work, "small.bin", 10 * MIB);
            InProcessTransfer.run(relay.port, tls, small, work.resolve("out"), 0, 1, chunk, 32);
            long peakSmall = relay.peakRss();
            Path huge = sparseFile(work, "huge.bin", hugeMib * MIB);
            InProcessTransfer.run(relay.port, tls, huge, work.resolve("out"), 0, 1, chunk, 32);
            long peakHuge = relay.peakRss();
            Files.deleteIfExists(small);
            Files.deleteIfExists(huge);
            report(String.format("   peak RSS after 10 MiB %.1f MiB, after %d MiB %.1f MiB: growth %.1f MiB (target < 32)",
                    peakSmall / (double) MIB, hugeMib, peakHuge / (double) MIB, (peakHuge - peakSmall) / (double) MIB));
            results.put("memory_peak_rss_small_mib", peakSmall / (double) MIB);
            results.put("memory_peak_rss_huge_mib", peakHuge / (double) MIB);
            results.put("memory_growth_mib", (peakHuge - peakSmall) / (double) MIB);
        }
    }

    private void startup(Path work) throws Exception {
        report("");
        report("5. Start-up: launching msrp-receive until its path is printed (warm disk)");
        try (RelayUnderTest relay = RelayUnderTest.start(work.resolve("relay-startup"), 2, DEFAULT_ENGINE.toString(), relayJvm())) {
            double[] ms = new double[startupRuns];
            for (int i = 0; i < startupRuns; i++) {
                List<String> cmd = new ArrayList<>(Java.command(List.of()));
                cmd.addAll(List.of("msrp-receive", "user0@" + RelayUnderTest.REALM, "127.0.0.1",
                        Integer.toString(relay.port), "--ca-file", relay.cert().toString(),
                        "--to-path", "msrps://localhost:1/x;tcp", "--timeout", "1"));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().put("MSRP_PASSWORD", RelayUnderTest.PASSWORD);
                long start = System.nanoTime();
                Process p = pb.start();
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null && !line.startsWith("msrps://")) {
                        // until the path itself
                    }
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Arrays.sort(ms);
            double median = ms[ms.length / 2];
            report(String.format("   median of %d: %.0f ms (target < 1000 ms)", startupRuns, median));
            results.put("startup_ms", median);
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Just enough JSON for a flat map of numbers and strings. */
    static final class Json {
        private Json() {
        }

        static String of(Map<String, Object> map) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append('"').append(e.getKey()).append("\": ");
                Object v = e.getValue();
                sb.append(v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "\"" + v + "\"");
            }
            return sb.append('}').toString();
        }
    }
}
