package org.msrptools.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the product's commands run as a real process ({@code java -jar
 * target/msrp-tools.jar TOOL ...}), its stdout and stderr captured together
 * so a test can wait for a line and read the transcript.
 */
public final class Tool implements AutoCloseable {

    public static final Path JAR = Path.of("target", "msrp-tools.jar").toAbsolutePath();

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private Tool(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "tool-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java [jvmArgs] -jar msrp-tools.jar args...} with extra environment. */
    public static Tool start(Map<String, String> env, List<String> jvmArgs, String... args) throws IOException {
        return run(env, java(jvmArgs, args));
    }

    /**
     * The same under a limit on the size of each file it writes ({@code ulimit -f}, in KiB): writes past it fail
     * (EFBIG; the JVM ignores SIGXFSZ), as on a disk that fails or fills mid-transfer.
     */
    public static Tool startWithFileSizeLimit(long kib, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + kib + " && exec \"$@\"", "bash"));
        command.addAll(java(List.of(), args));
        return run(env, command);
    }

    private static List<String> java(List<String> jvmArgs, String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: process tests run after 'mvn package'");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts any command (a script, {@code script} for a pty) with extra environment. */
    public static Tool run(Map<String, String> env, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("MSRP_PASSWORD");
        pb.environment().remove("MSRP_JAVA_OPTS"); // the launchers' own defaults, as users get them
        pb.environment().putAll(env);
        return new Tool(pb.start());
    }

    public static Tool start(Map<String, String> env, String... args) throws IOException {
        return start(env, List.of(), args);
    }

    public String output() {
        return output.toString();
    }

    /** Waits for a line matching {@code regex}; returns its first group (or the whole match). */
    public String await(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                Matcher m = p.matcher(output);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("no line matching " + regex + " in:\n" + output);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the exit and returns the code; fails if it does not exit in time. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + timeout + ":\n" + output);
        }
        reader.join(2000);
        return process.exitValue();
    }

    /** Whether the process ends within {@code timeout}; one still running is left so. */
    public boolean endsWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Whether the process ignores {@code signal} (2: SIGINT): a build started
     * in the background of a non-interactive shell passes that on, and then
     * no test can press Ctrl-C for a user.
     */
    public boolean ignores(int signal) throws IOException {
        String mask = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        return (Long.parseUnsignedLong(mask, 16) & (1L << (signal - 1))) != 0;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Sends a signal by name (TERM, KILL, STOP, CONT). */
    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
