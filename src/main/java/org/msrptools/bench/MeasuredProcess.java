package org.msrptools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process whose work the bench measures from outside: its output lines
 * are kept with the moment each was read, so a phase can be timed between
 * two lines, and its CPU time is reported by a bash around it when it ends
 * (the {@code times} builtin: user and system time of the reaped command,
 * the kernel's count that /proc shows while it runs, but complete up to its
 * exit). The command itself runs unchanged.
 */
final class MeasuredProcess implements AutoCloseable {

    /** An output line and when the bench read it ({@link System#nanoTime()}). */
    record Line(String text, long nanos) {
    }

    /** How it ended: exit code and the CPU time of its whole life. */
    record Exit(int code, Proc.Cpu cpu) {
    }

    /** bash's {@code times}, second line: the children's user and system time. */
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");
    private static final String WRAPPER = "\"$@\"; rc=$?; echo; times; exit $rc";

    final String name;
    private final Process wrapper;
    private final List<Line> lines = new ArrayList<>();
    private final Thread reader;
    /** Its output has ended (guarded by {@code lines}). */
    private boolean ended;

    private MeasuredProcess(String name, Process wrapper) {
        this.name = name;
        this.wrapper = wrapper;
        this.reader = new Thread(this::read, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} with its output (stdout and stderr) read here; {@code env} adjusts the environment. */
    static MeasuredProcess start(String name, List<String> command, Consumer<Map<String, String>> env)
            throws IOException {
        List<String> all = new ArrayList<>(List.of("bash", "-c", WRAPPER, "msrp-bench"));
        all.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true);
        env.accept(pb.environment());
        return new MeasuredProcess(name, pb.start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(wrapper.getInputStream(),
                StandardCharsets.UTF_8))) {
            String text;
            while ((text = in.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (lines) {
                    lines.add(new Line(text, now));
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    /** Waits for the first line matching {@code pattern}; fails with the transcript if the process ends first. */
    Line await(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (pattern.matcher(lines.get(seen).text()).find()) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    throw new IOException(name + ": no line matching '" + pattern + "' "
                            + (ended ? "before it ended" : "within " + timeout.toSeconds() + " s") + ":\n"
                            + transcript());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** The first group of the first line so far matching {@code pattern}. */
    Optional<String> find(Pattern pattern) {
        synchronized (lines) {
            for (Line l : lines) {
                Matcher m = pattern.matcher(l.text());
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /** The command itself (the bash's child), to read /proc while it runs. */
    ProcessHandle command() throws IOException {
        return wrapper.toHandle().children().findFirst()
                .orElseThrow(() -> new IOException(name + " is not running:\n" + transcript()));
    }

    /** Waits for the end; the CPU time is that of the command and anything it waited for. */
    Exit waitFor(Duration timeout) throws IOException, InterruptedException {
        if (!wrapper.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException(name + " still runs after " + timeout.toSeconds() + " s:\n" + transcript());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (lines) {
            Matcher m = lines.isEmpty() ? null : TIMES.matcher(lines.get(lines.size() - 1).text());
            if (m == null || !m.matches()) {
                throw new IOException(name + ": no CPU times at its end:\n" + transcript());
            }
            long user = minutesSeconds(m.group(1), m.group(2));
            long system = minutesSeconds(m.group(3), m.group(4));
            return new Exit(wrapper.exitValue(), new Proc.Cpu(user, system));
        }
    }

    private static long minutesSeconds(String minutes, String seconds) {
        return Long.parseLong(minutes) * 60_000_000_000L + Math.round(Double.parseDouble(seconds) * 1e9);
    }

    /** Its output so far, for error messages. */
    String transcript() {
        StringBuilder sb = new StringBuilder();
        synchronized (lines) {
            for (Line l : lines) {
                sb.append("  ").append(name).append(" | ").append(l.text()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        wrapper.toHandle().descendants().forEach(ProcessHandle::destroy);
        wrapper.destroy();
    }
}
