package org.msrptools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msrptools.protocol.DigestAlgorithm;

/**
 * The relay being measured: the real msrp-relay as a child process on
 * 127.0.0.1, so its CPU time and memory are its own; accounts
 * user0..userN@bench.example with password "secret".
 */
final class RelayUnderTest implements AutoCloseable {

    static final String REALM = "bench.example";
    static final String PASSWORD = "secret";

    final Process process;
    final int port;
    final Path state;

    private RelayUnderTest(Process process, int port, Path state) {
        this.process = process;
        this.port = port;
        this.state = state;
    }

    /**
     * The relay as a user starts it: {@code bin/msrp-relay --state-dir DIR
     * --listen 127.0.0.1:0} and {@code args}, with the launcher's JVM options
     * and no others ({@code javaOptions} only when asked for, to profile).
     */
    static RelayUnderTest asUsersStartIt(Path state, int accounts, List<String> args, List<String> javaOptions)
            throws IOException {
        List<String> cmd = Java.asUsersRunIt("msrp-relay");
        cmd.addAll(List.of("--state-dir", state.toString(), "--listen", "127.0.0.1:0"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Java.userEnvironment(pb.environment());
        if (!javaOptions.isEmpty()) {
            pb.environment().put("MSRP_JAVA_OPTS", String.join(" ", javaOptions));
        }
        return start(pb, state, accounts);
    }

    /**
     * The relay on a fixed, pre-touched heap, so its RSS and heap per session
     * show what it uses; the connection caps are off, since every bench
     * client comes from 127.0.0.1, up to 10,000 sessions of them.
     */
    static RelayUnderTest withFixedHeap(Path state, int accounts, String tlsEngine, List<String> jvmArgs)
            throws IOException {
        List<String> cmd = new ArrayList<>(Java.command(jvmArgs));
        cmd.addAll(List.of("msrp-relay", "--state-dir", state.toString(), "--listen", "127.0.0.1:0", "--hostname",
                "localhost", "--tls-engine", tlsEngine, "--first-message-timeout", "600",
                "--max-connections", "0", "--max-connections-per-address", "0"));
        return start(new ProcessBuilder(cmd), state, accounts);
    }

    private static RelayUnderTest start(ProcessBuilder pb, Path state, int accounts) throws IOException {
        Files.createDirectories(state);
        Path file = state.resolve("accounts.htdigest");
        if (!Files.exists(file)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                lines.add("user" + i + ":" + REALM + ":" + DigestAlgorithm.MD5.ha1("user" + i, REALM, PASSWORD));
            }
            Files.write(file, lines);
        }
        Process p = pb.redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("Listening on: +127\\.0\\.0\\.1:(\\d+)");
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Java.drain(out);
                RelayUnderTest relay = new RelayUnderTest(p, Integer.parseInt(m.group(1)), state);
                try {
                    Proc.expectJava(p.toHandle(), "msrp-relay");
                } catch (IOException e) {
                    relay.close();
                    throw e;
                }
                return relay;
            }
        }
        throw new IOException("the relay did not start: " + String.join(" ", pb.command()));
    }

    Path cert() {
        return state.resolve("cert.pem");
    }

    Path key() {
        return state.resolve("key.pem");
    }

    /** Resident set size now, in bytes. */
    long rss() throws IOException {
        return Proc.status(process.pid(), "VmRSS");
    }

    /** Peak resident set size so far, in bytes. */
    long peakRss() throws IOException {
        return Proc.status(process.pid(), "VmHWM");
    }

    /** CPU time so far, all its threads. */
    Proc.Cpu cpu() throws IOException {
        return Proc.cpu(process.pid());
    }

    /** Java heap in use after a full GC, from jcmd (the JDK's own tool). */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        Java.run(List.of(Java.tool("jcmd"), Long.toString(process.pid()), "GC.run"));
        String info = Java.run(List.of(Java.tool("jcmd"), Long.toString(process.pid()), "GC.heap_info"));
        Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        long used = 0;
        while (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
        }
        return used;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
