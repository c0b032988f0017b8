package org.msrptools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.msrptools.tls.TlsEngine;

/**
 * The relay's TLS engines compared: for each, the relay and the pipe's
 * proxy on that engine, the same load as {@link RelayFiguresPart} at the
 * largest chunk size, in one run.
 */
final class EnginesPart extends Part {

    EnginesPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        long bytes = Math.min(options.sizeMib, 512) * MIB;
        int chunk = Collections.max(options.chunkSizes);
        report.line("");
        report.line("   TLS engines (%d MiB, %d-byte chunks; relay and pipe proxy on the engine, endpoints on %s;",
                bytes / MIB, chunk, Endpoints.DEFAULT_ENGINE);
        report.line("   best of %d after one unmeasured transfer each)", options.repeat);
        for (String name : options.engines) {
            TlsEngine engine = TlsEngine.of(name);
            if (!engine.available()) {
                report.line("   %-8s not available here", name);
                continue;
            }
            List<Measurement> relayRuns = new ArrayList<>();
            List<Measurement> pipeRuns = new ArrayList<>();
            try (RelayUnderTest relay = RelayUnderTest.asUsersStartIt(work.resolve("relay-" + name), 2,
                    List.of("--tls-engine", name), options.relayJavaOptions);
                 Endpoints endpoints = new Endpoints();
                 TlsPipe pipe = new TlsPipe(endpoints, relay.cert(), relay.key(), engine)) {
                for (int i = 0; i <= options.repeat; i++) { // the first of each is the warm-up
                    try (MsrpLoad load = MsrpLoad.signIn(endpoints, relay, options.everyChunkAnswered())) {
                        relayRuns.add(load.transfer(bytes, chunk));
                    }
                    pipeRuns.add(pipe.transfer(bytes));
                }
            }
            relayRuns.remove(0);
            pipeRuns.remove(0);
            double rate = best(relayRuns, Measurement::mibPerSecond);
            double pipeRate = best(pipeRuns, Measurement::mibPerSecond);
            Proc.Cpu cpu = Proc.Cpu.median(cpus(relayRuns, Measurement::cpu));
            report.line("   %-8s relay %7.1f MiB/s   pipe %7.1f MiB/s   %.2fx   relay CPU per GiB %s", name, rate,
                    pipeRate, rate / pipeRate, cpu.perGib(bytes));
            report.put("engine_" + name + "_relay_mib_s", rate);
            report.put("engine_" + name + "_pipe_mib_s", pipeRate);
            report.put("engine_" + name + "_relay_cpu_s_per_gib", cpu.secondsPerGib(bytes));
        }
    }
}
