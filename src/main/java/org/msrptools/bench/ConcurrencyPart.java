package org.msrptools.bench;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.msrptools.tls.TlsContexts;

/**
 * Many transfers at once through one relay, with the product's client code
 * in this JVM: aggregate rate against one transfer alone, completion times,
 * every SHA-256 checked.
 */
final class ConcurrencyPart extends Part {

    ConcurrencyPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        int concurrent = options.concurrent;
        long bytes = options.concurrentMib * MIB;
        Path file = BenchFiles.sparse(work.resolve("concurrent.bin"), bytes);
        int chunk = Collections.max(options.chunkSizes);
        report.line("");
        report.line("3. Concurrency: %d simultaneous transfers of %s%d MiB (%d-byte chunks), every SHA-256 checked",
                concurrent, options.concurrentRandom ? "random sizes up to " : "", options.concurrentMib, chunk);
        report.line("   clients: the product's client code in this JVM; relay: fixed, pre-touched 256 MiB heap");
        try (RelayUnderTest relay = RelayUnderTest.withFixedHeap(work.resolve("relay-concurrency"), 2 * concurrent + 2,
                Endpoints.DEFAULT_ENGINE.toString(), options.fixedHeapJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            double single = 0;
            for (int i = 0; i <= options.repeat; i++) { // the first is the warm-up
                double rate = InProcessTransfer.run(relay.port, tls, file, work.resolve("out-single"), 0, 1, chunk)
                        .mibPerSecond();
                single = i == 0 ? 0 : Math.max(single, rate);
            }
            List<Path> files = new ArrayList<>();
            Random random = new Random(concurrent);
            long totalBytes = 0;
            for (int i = 0; i < concurrent; i++) {
                long size = 1 + (long) (random.nextDouble() * bytes);
                Path f = file;
                if (options.concurrentRandom) {
                    f = work.resolve("load-" + i + ".bin");
                    BenchFiles.random(f, size, i);
                }
                files.add(f);
                totalBytes += Files.size(f);
            }
            ExecutorService pool = Executors.newFixedThreadPool(concurrent);
            List<Future<InProcessTransfer.Result>> all = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < concurrent; i++) {
                int n = i;
                all.add(pool.submit(() -> InProcessTransfer.run(relay.port, tls, files.get(n), work.resolve("out-" + n),
                        2 * n + 2, 2 * n + 3, chunk)));
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
            report.line("   one transfer alone (same run)          %8.1f MiB/s", single);
            report.line("   aggregate                              %8.1f MiB/s   %.2fx one alone", aggregate,
                    aggregate / single);
            report.line("   completion time p50 %.2f s, p99 %.2f s (each measured from its first chunk)", p50, p99);
            report.line("   relay peak RSS %.1f MiB (heap fixed at 256 MiB)", relay.peakRss() / (double) MIB);
            report.put("concurrency_relay_peak_rss_mib", relay.peakRss() / (double) MIB);
            report.put("concurrency_single_mib_s", single);
            report.put("concurrency_aggregate_mib_s", aggregate);
            report.put("concurrency_vs_single", aggregate / single);
            report.put("concurrency_p50_s", p50);
            report.put("concurrency_p99_s", p99);
        }
    }
}
