package org.msrptools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.msrptools.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrp-bench}: what the commands deliver and what the relay costs,
 * on loopback with real TLS, every figure next to a baseline measured in
 * the same run. Each part is a class of its own; this one holds the options
 * and runs the parts asked for.
 */
@Command(name = "msrp-bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Benchmarks the commands and the relay on loopback with real TLS and prints a table "
                + "(--json for machines). Parts:",
                "headline: msrp-send -> msrp-relay -> msrp-receive as users run them vs. a socat chain and a TLS pipe; "
                        + "throughput: the relay's rate, CPU per GiB and per chunk, system calls (strace) vs. the pipe; "
                        + "engines: the relay's TLS engines; concurrency: simultaneous transfers; "
                        + "sessions: authenticated idle sessions; memory: relay peak RSS, small vs. huge transfer; "
                        + "startup: launch to path printed."})
public final class BenchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final List<String> PARTS = List.of("headline", "throughput", "engines", "concurrency", "sessions", "memory",
            "startup");
    private static final List<String> FIXED_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

    @Option(names = "--only", split = ",", paramLabel = "PART",
            description = "Run only these parts: headline, throughput, engines, concurrency, sessions, memory, startup.")
    Set<String> only;

    @Option(names = "--size", paramLabel = "MIB", defaultValue = "1024",
            description = "Size of the headline's and the throughput transfers (default ${DEFAULT-VALUE}).")
    long sizeMib;

    @Option(names = "--repeat", defaultValue = "3",
            description = "Measured runs of each figure after the warm-up; the best rate counts, and the median "
                    + "CPU time (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--chunk-sizes", split = ",", defaultValue = "10240,65536",
            description = "Chunk sizes of the relay figures (default ${DEFAULT-VALUE}).")
    List<Integer> chunkSizes;

    @Option(names = "--failure-report", paramLabel = "WHAT", defaultValue = "partial",
            description = "Failure-Report of the relay figures' MSRP load: partial (the default, as msrp-send sends "
                    + "its chunks by default: no chunk that went well is answered) or yes (every chunk answered, "
                    + "at most " + MsrpLoad.WINDOW + " unanswered).")
    String failureReport;

    @Option(names = "--syscall-size", paramLabel = "MIB", defaultValue = "100",
            description = "Size of each transfer traced with strace (default ${DEFAULT-VALUE}).")
    long syscallMib;

    @Option(names = "--tls-engines", split = ",", defaultValue = "jdk,bc,openssl",
            description = "Relay TLS engines to compare (default ${DEFAULT-VALUE}; also bc-pure).")
    List<String> engines;

    @Option(names = "--concurrent", defaultValue = "100", description = "Simultaneous transfers (default ${DEFAULT-VALUE}).")
    int concurrent;

    @Option(names = "--concurrent-size", paramLabel = "MIB", defaultValue = "10",
            description = "Size of each (default ${DEFAULT-VALUE}).")
    long concurrentMib;

    @Option(names = "--concurrent-random", description = "Random content and random sizes up to --concurrent-size, "
            + "one file each (the load test: every transfer's SHA-256 is checked, as always).")
    boolean concurrentRandom;

    @Option(names = "--sessions", defaultValue = "10000", description = "Idle authenticated sessions (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--huge", paramLabel = "MIB", defaultValue = "2048",
            description = "The large transfer of the memory part (default ${DEFAULT-VALUE}).")
    long hugeMib;

    @Option(names = "--startup-runs", defaultValue = "10",
            description = "Launches of msrp-receive and of msrp-send to time (default ${DEFAULT-VALUE}).")
    int startupRuns;

    @Option(names = "--relay-java-option", paramLabel = "OPTION",
            description = "Extra JVM option for the relay processes, e.g. -XX:StartFlightRecording=filename=relay.jfr "
                    + "to profile them (repeatable; given to bin/msrp-relay as MSRP_JAVA_OPTS, so it replaces "
                    + "the launcher's).")
    List<String> relayJavaOptions = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    @Option(names = "--work-dir", description = "Where files and relay state go (default: a temporary directory, removed after).")
    Path workDir;

    /** Whether the relay figures' load has every chunk answered (Failure-Report yes). */
    boolean everyChunkAnswered() {
        return failureReport.equalsIgnoreCase("yes");
    }

    /** JVM options of the relays that run on a fixed heap (concurrency, sessions). */
    List<String> fixedHeapJvm() {
        List<String> all = new ArrayList<>(FIXED_HEAP);
        all.addAll(relayJavaOptions);
        return all;
    }

    @Override
    public Integer call() throws Exception {
        if (!failureReport.equalsIgnoreCase("partial") && !failureReport.equalsIgnoreCase("yes")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--failure-report: partial or yes, not '" + failureReport + "'");
        }
        if (only != null && !PARTS.containsAll(only)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--only takes " + String.join(", ", PARTS));
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("msrp-bench");
        Report report = new Report(json);
        try {
            report.line("msrp-bench %s: loopback, real TLS, %d cores, Java %s, %s", VersionProvider.version(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"));
            if (!relayJavaOptions.isEmpty()) {
                report.line("relay JVM options from --relay-java-option: %s", String.join(" ", relayJavaOptions));
            }
            for (String part : PARTS) {
                if (only == null || only.contains(part)) {
                    part(part, report, work).run();
                }
            }
            if (json) {
                System.out.println(report.json());
            }
            return 0;
        } finally {
            if (workDir == null) {
                BenchFiles.deleteTree(work);
            }
        }
    }

    private Part part(String name, Report report, Path work) {
        return switch (name) {
            case "headline" -> new HeadlinePart(this, report, work);
            case "throughput" -> new RelayFiguresPart(this, report, work);
            case "engines" -> new EnginesPart(this, report, work);
            case "concurrency" -> new ConcurrencyPart(this, report, work);
            case "sessions" -> new SessionsPart(this, report, work);
            case "memory" -> new MemoryPart(this, report, work);
            case "startup" -> new StartupPart(this, report, work);
            default -> throw new IllegalArgumentException(name);
        };
    }
}
