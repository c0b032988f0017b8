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
 * 127.0.0.1, so its memory is its own; accounts user0..userN@bench.example
 * with password "secret".
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

    static RelayUnderTest start(Path state, int accounts, String tlsEngine, List<String> jvmArgs) throws IOException {
        Files.createDirectories(state);
        Path file = state.resolve("accounts.htdigest");
        if (!Files.exists(file)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                lines.add("user" + i + ":" + REALM + ":" + DigestAlgorithm.MD5.ha1("user" + i, REALM, PASSWORD));
            }
            Files.write(file, lines);
        }
        List<String> cmd = new ArrayList<>(Java.command(jvmArgs));
        cmd.addAll(List.of("msrp-relay", "--state-dir", state.toString(), "--listen", "127.0.0.1:0", "--hostname",
                "localhost", "--tls-engine", tlsEngine, "--first-message-timeout", "600",
                // every benchmark client comes from 127.0.0.1, up to 10,000 sessions of them
                "--max-connections", "0", "--max-connections-per-address", "0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("Listening on: +127\\.0\\.0\\.1:(\\d+)");
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Java.drain(out);
                return new RelayUnderTest(p, Integer.parseInt(m.group(1)), state);
            }
        }
        throw new IOException("the relay did not start");
    }

    Path cert() {
        return state.resolve("cert.pem");
    }

    /** Resident set size now, in bytes. */
    long rss() throws IOException {
        return status("VmRSS");
    }

    /** Peak resident set size so far, in bytes. */
    long peakRss() throws IOException {
        return status("VmHWM");
    }

    private long status(String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
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
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
