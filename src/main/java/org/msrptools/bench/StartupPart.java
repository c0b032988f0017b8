package org.msrptools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up as users meet it: from launching msrp-receive or msrp-send by
 * its launcher to the path it prints after "Path to send in SDP:" (JVM
 * start, TLS, AUTH), the median of several launches each.
 */
final class StartupPart extends Part {

    StartupPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        report.line("");
        report.line("6. Start-up: launch to the path printed, median of %d launches each (MSRP_PASSWORD, --ca-file)",
                options.startupRuns);
        Path file = Files.writeString(work.resolve("startup.txt"), "hello\n");
        try (RelayUnderTest relay = RelayUnderTest.asUsersStartIt(work.resolve("relay-startup"), 2, List.of(),
                options.relayJavaOptions)) {
            median(relay, "msrp-receive", List.of());
            median(relay, "msrp-send", List.of(file.toString()));
        }
    }

    private void median(RelayUnderTest relay, String tool, List<String> first) throws Exception {
        double[] ms = new double[options.startupRuns];
        for (int i = 0; i < ms.length; i++) {
            List<String> cmd = Java.asUsersRunIt(tool);
            cmd.addAll(first);
            cmd.addAll(List.of("user0@" + RelayUnderTest.REALM, "127.0.0.1", Integer.toString(relay.port),
                    "--ca-file", relay.cert().toString(), "--peer-path-file", work.resolve("no-peer.path").toString()));
            ms[i] = launchToPath(cmd);
        }
        Arrays.sort(ms);
        double median = ms[(ms.length - 1) / 2];
        report.line("   %-17s median %4.0f ms (fastest %.0f, slowest %.0f; target < 400 ms)",
                Java.launcherDescription(tool), median, ms[0], ms[ms.length - 1]);
        report.put("startup_" + tool.replace("msrp-", "") + "_ms", median);
    }

    /** Milliseconds from the launch to the line after "Path to send in SDP:"; then the tool is stopped. */
    private static double launchToPath(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Java.userEnvironment(pb.environment());
        pb.environment().put("MSRP_PASSWORD", RelayUnderTest.PASSWORD);
        long start = System.nanoTime();
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder transcript = new StringBuilder();
            String line;
            boolean next = false;
            while ((line = out.readLine()) != null) {
                if (next) {
                    return (System.nanoTime() - start) / 1e6;
                }
                next = line.startsWith("Path to send in SDP:");
                transcript.append("  | ").append(line).append('\n');
            }
            throw new IOException(String.join(" ", cmd) + " printed no path:\n" + transcript);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
