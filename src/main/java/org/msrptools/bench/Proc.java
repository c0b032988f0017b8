package org.msrptools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What Linux says about a process in {@code /proc}: its CPU time so far
 * (user and system, all threads) and its memory. Read from outside, so the
 * process under measurement runs exactly as it would without the bench.
 */
final class Proc {

    /** Clock ticks per second, the unit of utime and stime: {@code getconf CLK_TCK}, 100 on every Linux we know. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private Proc() {
    }

    /** CPU time in nanoseconds, split as the kernel counts it. */
    record Cpu(long userNanos, long systemNanos) {
        static final Cpu ZERO = new Cpu(0, 0);

        long totalNanos() {
            return userNanos + systemNanos;
        }

        Cpu plus(Cpu other) {
            return new Cpu(userNanos + other.userNanos, systemNanos + other.systemNanos);
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
        }

        /** The one in the middle by total (with its own user/system split); of an even count, the lower. */
        static Cpu median(List<Cpu> all) {
            List<Cpu> sorted = new ArrayList<>(all);
            sorted.sort(Comparator.comparingLong(Cpu::totalNanos));
            return sorted.get((sorted.size() - 1) / 2);
        }

        /** "8.00 s (7.00 user, 1.00 sys)" per GiB of {@code bytes}. */
        String perGib(long bytes) {
            double gib = bytes / (double) (1L << 30);
            return String.format(Locale.ROOT, "%5.2f s (%.2f user, %.2f sys)", totalNanos() / 1e9 / gib, userNanos / 1e9 / gib,
                    systemNanos / 1e9 / gib);
        }

        double secondsPerGib(long bytes) {
            return totalNanos() / 1e9 / (bytes / (double) (1L << 30));
        }
    }

    /** utime and stime of a live process (fields 14 and 15 of /proc/PID/stat), all its threads. */
    static Cpu cpu(long pid) throws IOException {
        return threadCpu(Path.of("/proc", Long.toString(pid)));
    }

    /**
     * CPU time of a live JVM's JIT compiler threads (named "C1 CompilerThread0"
     * and so on, cut to 15 characters in /proc/PID/task/TID/comm): the part
     * of its CPU time that is start-up rather than work.
     */
    static Cpu compilerCpu(long pid) throws IOException {
        Cpu sum = Cpu.ZERO;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).matches("C\\d CompilerThre.*\\s*")) {
                        sum = sum.plus(threadCpu(task));
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a compiler thread that ended meanwhile (the JVM starts and stops them as work comes)
                }
            }
        }
        return sum;
    }

    /** utime and stime in {@code dir}/stat, a process's or one of its threads' (/proc/PID/task/TID). */
    private static Cpu threadCpu(Path dir) throws IOException {
        // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
        String stat = Files.readString(dir.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Cpu(ticksToNanos(Long.parseLong(f[11])), ticksToNanos(Long.parseLong(f[12])));
    }

    static long ticksToNanos(long ticks) {
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** A size field of /proc/PID/status (VmRSS, VmHWM), in bytes. */
    static long status(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    /**
     * Fails unless {@code pid} is a JVM. The bin/ launchers exec java, so the
     * process the bench started is the one to measure; were a launcher to
     * keep a shell in between, the figures would silently be the shell's.
     */
    static void expectJava(ProcessHandle process, String what) throws IOException {
        String command = process.info().command().orElse("");
        if (!command.endsWith("/java")) {
            throw new IOException(what + " (pid " + process.pid() + ") runs '" + command
                    + "', not java: the launcher no longer execs java, so its CPU and memory cannot be read here");
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
