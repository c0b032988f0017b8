package org.msrptools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The relay's memory as shipped (issue 11): started as a user starts it,
 * with the launcher's JVM options and no others, its peak RSS after a small
 * and after a huge transfer by the commands at their defaults. A relay
 * that streams keeps it flat; a heap left to grow shows here.
 */
final class MemoryPart extends Part {

    private static final long SMALL = 10 * MIB;

    MemoryPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        report.line("");
        report.line("5. Memory: relay peak RSS (VmHWM) after a 10 MiB and after a %d MiB transfer", options.hugeMib);
        report.line("   relay: %s, no JVM options but the launcher's; msrp-send and msrp-receive at their defaults",
                Java.launcherDescription("msrp-relay"));
        try (RelayUnderTest relay = RelayUnderTest.asUsersStartIt(work.resolve("relay-memory"), 2, List.of(),
                options.relayJavaOptions)) {
            long small = peakAfter(relay, SMALL);
            long huge = peakAfter(relay, options.hugeMib * MIB);
            report.line("   after 10 MiB %.1f MiB, after %d MiB %.1f MiB: growth %.1f MiB (target < 32)",
                    small / (double) MIB, options.hugeMib, huge / (double) MIB, (huge - small) / (double) MIB);
            report.put("memory_peak_rss_small_mib", small / (double) MIB);
            report.put("memory_peak_rss_huge_mib", huge / (double) MIB);
            report.put("memory_growth_mib", (huge - small) / (double) MIB);
        }
    }

    private long peakAfter(RelayUnderTest relay, long bytes) throws Exception {
        Path file = BenchFiles.sparse(work.resolve("memory.bin"), bytes);
        try {
            CommandTransfer.run(relay, file, BenchFiles.sha256(file), work, List.of());
            return relay.peakRss();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
