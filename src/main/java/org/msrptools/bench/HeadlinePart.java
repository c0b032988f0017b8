package org.msrptools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The headline (issue 13): what users get from the three commands run as
 * they run them, at their defaults, against two baselines in the same run:
 * a chain of socat processes (two TLS hops with OpenSSL, no MSRP) and the
 * Netty TLS pipe. Rounds alternate the three, so that whatever else the
 * machine does falls on all of them alike.
 */
final class HeadlinePart extends Part {

    /** Unmeasured first transfer: warms the relay's and the pipe proxy's JIT. */
    private static final long WARM_UP = 128 * MIB;

    HeadlinePart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        long bytes = options.sizeMib * MIB;
        report.line("");
        report.line("1. Headline: %d MiB of random data end to end, the commands as users run them", options.sizeMib);
        report.line("   %s, msrp-receive and msrp-send started alike: separate processes, default options, the relay's",
                Java.launcherDescription("msrp-relay"));
        report.line("   certificate verified (--ca-file), MSRP_PASSWORD, paths through --path-file/--peer-path-file.");
        report.line("   Timed from the sender's \"Starting transmission of\" to the receiver's \"SHA-256:\" line (JVM start");
        report.line("   and AUTH taken off); exit codes, the SHA-256 printed and that of the stored file checked every time.");
        String socatMissing = SocatChain.missing();
        Rounds rounds = measure(bytes, socatMissing == null);
        report.line("   Best of %d rounds (MiB/s) and median CPU time, after one unmeasured %d MiB transfer through",
                options.repeat, Math.min(bytes, WARM_UP) / MIB);
        report.line("   the relay and the pipe (their JIT warm); every client is a new JVM, as for users.");
        rates(rounds, socatMissing);
        cpuTimes(rounds, bytes);
    }

    /** The measured rounds: the commands', socat's (none when it is missing), the pipe's. */
    private record Rounds(List<CommandTransfer.Result> ours, List<SocatChain.Result> socat, List<Measurement> pipe) {
    }

    private Rounds measure(long bytes, boolean withSocat) throws Exception {
        Rounds rounds = new Rounds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Path file = work.resolve("headline.bin");
        String sha = BenchFiles.random(file, bytes, 1);
        Path warmUp = work.resolve("warm-up.bin");
        String warmUpSha = BenchFiles.random(warmUp, Math.min(bytes, WARM_UP), 2);
        try (RelayUnderTest relay = RelayUnderTest.asUsersStartIt(work.resolve("relay-headline"), 2, List.of(),
                options.relayJavaOptions);
             Endpoints endpoints = new Endpoints();
             TlsPipe tlsPipe = new TlsPipe(endpoints, relay.cert(), relay.key(), Endpoints.DEFAULT_ENGINE)) {
            CommandTransfer.run(relay, warmUp, warmUpSha, work, List.of());
            tlsPipe.transfer(Math.min(bytes, WARM_UP));
            for (int i = 0; i < options.repeat; i++) {
                rounds.ours().add(CommandTransfer.run(relay, file, sha, work, List.of()));
                if (withSocat) {
                    rounds.socat().add(SocatChain.run(file, sha, relay.cert(), relay.key(), work));
                }
                rounds.pipe().add(tlsPipe.transfer(bytes));
            }
            return rounds;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(warmUp);
        }
    }

    private void rates(Rounds rounds, String socatMissing) {
        List<CommandTransfer.Result> ours = rounds.ours();
        double oursRate = best(ours, CommandTransfer.Result::mibPerSecond);
        double pipeRate = best(rounds.pipe(), Measurement::mibPerSecond);
        report.line("   our three commands, defaults               %8.1f MiB/s", oursRate);
        report.put("headline_commands_mib_s", oursRate);
        if (socatMissing == null) {
            double socatRate = best(rounds.socat(), SocatChain.Result::mibPerSecond);
            report.line("   socat chain, two TLS hops, no MSRP         %8.1f MiB/s   ours %.2fx (target >= 1.0x)",
                    socatRate, oursRate / socatRate);
            report.put("headline_socat_mib_s", socatRate);
            report.put("headline_vs_socat", oursRate / socatRate);
        } else {
            report.line("   socat chain: not run, %s", socatMissing);
        }
        report.line("   Netty TLS pipe, two hops, no MSRP          %8.1f MiB/s   ours %.2fx", pipeRate, oursRate / pipeRate);
        report.put("headline_pipe_mib_s", pipeRate);
        report.put("headline_vs_pipe", oursRate / pipeRate);
    }

    private void cpuTimes(Rounds rounds, long bytes) {
        List<CommandTransfer.Result> ours = rounds.ours();
        report.line("   CPU per GiB during the transfer (utime+stime; each client from the moment the transfer started");
        report.line("   to its exit, from bash's `times` when it ended; start-up until then: JVM, AUTH, waiting):");
        cpu("msrp-send", "send", bytes, cpus(ours, CommandTransfer.Result::sender),
                cpus(ours, CommandTransfer.Result::senderStartup), "target <= 2.0 s");
        cpu("msrp-receive", "receive", bytes, cpus(ours, CommandTransfer.Result::receiver),
                cpus(ours, CommandTransfer.Result::receiverStartup), "target <= 2.5 s, hash and write included");
        cpu("msrp-relay", "relay", bytes, cpus(ours, CommandTransfer.Result::relay), null,
                "from the same moment until both clients ended");
        if (!rounds.socat().isEmpty()) {
            List<SocatChain.Result> socat = rounds.socat();
            cpu("socat sender", "socat_sender", bytes, cpus(socat, SocatChain.Result::sender), null, "whole life");
            cpu("socat proxy", "socat_proxy", bytes, cpus(socat, SocatChain.Result::proxy), null, "whole life");
            cpu("socat sink", "socat_sink", bytes, cpus(socat, SocatChain.Result::sink), null, "whole life");
        }
        cpu("pipe proxy", "pipe_proxy", bytes, cpus(rounds.pipe(), Measurement::cpu), null, "during the transfer");
    }

    private void cpu(String who, String key, long bytes, List<Proc.Cpu> transfer, List<Proc.Cpu> startup,
                     String note) {
        Proc.Cpu median = Proc.Cpu.median(transfer);
        String start = "";
        if (startup != null) {
            double seconds = Proc.Cpu.median(startup).totalNanos() / 1e9;
            start = String.format(Locale.ROOT, "   start-up %.2f s", seconds);
            report.put("headline_" + key + "_startup_cpu_s", seconds);
        }
        report.line("     %-14s %s%s   (%s)", who, median.perGib(bytes), start, note);
        report.put("headline_" + key + "_cpu_s_per_gib", median.secondsPerGib(bytes));
    }
}
