package org.msrptools.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The headline's outside baseline: a file through a chain of socat
 * processes with OpenSSL, no MSRP: a sender, a proxy that ends TLS and opens
 * TLS again towards the sink (two TLS hops, like the relay), and a sink that
 * writes the file. The clients' sides verify the certificate, as ours do.
 * Timed from the sender's "starting data transfer loop" (its TLS handshake
 * is done) to the sink's "exiting" (the file is written), both from socat's
 * own notices ({@code -d -d}).
 */
final class SocatChain {

    /** The CPU time of each process and the time of one transfer. */
    record Result(long bytes, long nanos, Proc.Cpu sender, Proc.Cpu proxy, Proc.Cpu sink) {
        double mibPerSecond() {
            return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }
    }

    private static final Pattern LISTENING = Pattern.compile(" listening on ");
    private static final Pattern TRANSFERRING = Pattern.compile(" starting data transfer loop");
    private static final Pattern EXITING = Pattern.compile(" exiting with status");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration TRANSFER = Duration.ofMinutes(30);
    private static final Consumer<Map<String, String>> SAME_ENVIRONMENT = env -> { };

    private SocatChain() {
    }

    /** Null when socat runs here, else what to do about it. */
    static String missing() {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "socat -V failed";
        } catch (IOException e) {
            return "socat is not installed (Debian/Ubuntu: apt-get install socat)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static Result run(Path file, String sha256, Path cert, Path key, Path work) throws Exception {
        Path out = work.resolve("socat-out.bin");
        Files.deleteIfExists(out);
        String server = ",bind=127.0.0.1,reuseaddr,cert=" + cert + ",key=" + key + ",verify=0";
        String sinkPort = freePort();
        String proxyPort = freePort();
        try (MeasuredProcess sink = MeasuredProcess.start("socat sink", List.of("socat", "-d", "-d", "-u",
                     "OPENSSL-LISTEN:" + sinkPort + server, "CREATE:" + out), SAME_ENVIRONMENT);
             MeasuredProcess proxy = MeasuredProcess.start("socat proxy", List.of("socat", "-d", "-d",
                     "OPENSSL-LISTEN:" + proxyPort + server, "OPENSSL:127.0.0.1:" + sinkPort + ",cafile=" + cert),
                     SAME_ENVIRONMENT)) {
            sink.await(LISTENING, START);
            proxy.await(LISTENING, START);
            try (MeasuredProcess sender = MeasuredProcess.start("socat sender", List.of("socat", "-d", "-d", "-u",
                    "OPEN:" + file, "OPENSSL:127.0.0.1:" + proxyPort + ",cafile=" + cert), SAME_ENVIRONMENT)) {
                long start = sender.await(TRANSFERRING, START).nanos();
                long end = sink.await(EXITING, TRANSFER).nanos();
                MeasuredProcess.Exit s = sender.waitFor(START);
                MeasuredProcess.Exit p = proxy.waitFor(START);
                MeasuredProcess.Exit k = sink.waitFor(START);
                if (s.code() != 0 || p.code() != 0 || k.code() != 0) {
                    throw new IOException("the socat chain failed:\n" + sender.transcript() + proxy.transcript()
                            + sink.transcript());
                }
                long bytes = Files.size(file);
                if (Files.size(out) != bytes || !BenchFiles.sha256(out).equals(sha256)) {
                    throw new IOException("the socat chain wrote " + Files.size(out) + " bytes, not the file sent");
                }
                return new Result(bytes, end - start, s.cpu(), p.cpu(), k.cpu());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A port free on 127.0.0.1 now (socat cannot report the one it picks). */
    private static String freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return Integer.toString(s.getLocalPort());
        }
    }
}
