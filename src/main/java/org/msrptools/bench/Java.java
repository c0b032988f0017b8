package org.msrptools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starting this project's jar, and the JDK's tools, as child processes. */
final class Java {

    private Java() {
    }

    static Path jar() {
        try {
            return Path.of(Java.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** {@code java [jvmArgs] -cp JAR org.msrptools.cli.MsrpTool}: then the tool name and its arguments. */
    static List<String> command(List<String> jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("java"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", jar().toString(), "org.msrptools.cli.MsrpTool"));
        return cmd;
    }

    /** Runs a command to its end and returns its output. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Reads and drops a child's output so it never blocks on a full pipe. */
    static void drain(BufferedReader reader) {
        Thread t = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    // dropped
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }

    static void drain(InputStream in) {
        drain(new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)));
    }
}
