package org.msrptools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * TOOL as users run it: {@code bin/TOOL} of the checkout the jar was
     * built in (the launcher, with whatever JVM options it gives), else
     * {@code java -jar JAR TOOL} with none.
     */
    static List<String> asUsersRunIt(String tool) {
        Path launcher = jar().getParent().resolveSibling("bin").resolve(tool);
        if (Files.isExecutable(launcher)) {
            return new ArrayList<>(List.of(launcher.toString()));
        }
        return new ArrayList<>(List.of(tool("java"), "-jar", jar().toString(), tool));
    }

    /** How {@link #asUsersRunIt} starts the tool here, for the report. */
    static String launcherDescription(String tool) {
        return asUsersRunIt(tool).size() == 1 ? "bin/" + tool
                : "java -jar msrp-tools.jar " + tool + " (no bin/ next to the jar)";
    }

    /**
     * The environment of a tool run as users run it: without MSRP_JAVA_OPTS,
     * which bin/msrp-bench sets for the bench's own JVM (-Xmx3g) and which
     * the launchers would otherwise pass on.
     */
    static void userEnvironment(Map<String, String> env) {
        env.remove("MSRP_JAVA_OPTS");
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
