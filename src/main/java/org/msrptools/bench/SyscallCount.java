package org.msrptools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A process's system calls during some work, counted by strace attached to
 * all its threads. {@code -y} names each call's descriptor, which tells an
 * eventfd write (one event loop waking another) from a socket write; a bare
 * {@code strace -c} counts both as "write". strace stops the process at
 * every call, so this is a run of its own, never a timed one.
 */
final class SyscallCount {

    /** Writes to sockets (write, writev, sendto, sendmsg), epoll_ctl calls, writes to an eventfd. */
    record Counts(long socketWrites, long epollCtl, long eventfdWrites) {
    }

    /** "1234 sendto(40<TCP:[56789]>, ..." (a call's first line; "<... resumed>" lines are its second). */
    private static final Pattern CALL = Pattern.compile("^\\d+\\s+(\\w+)\\(\\d+<([^>]*)>");
    private static final Pattern ATTACHED = Pattern.compile("attached");

    private SyscallCount() {
    }

    /** Null when strace runs here, else what to do about it. */
    static String missing() {
        try {
            Process p = new ProcessBuilder("strace", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "strace -V failed";
        } catch (IOException e) {
            return "strace is not installed (Debian/Ubuntu: apt-get install strace)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The strace command line (also for the report). */
    static List<String> command(Object pid, Object file) {
        return List.of("strace", "-f", "-y", "-s", "0", "-e", "signal=none", "-e",
                "trace=write,writev,sendto,sendmsg,epoll_ctl", "-o", file.toString(), "-p", pid.toString());
    }

    /** Counts {@code pid}'s calls while {@code work} runs. */
    static Counts during(long pid, Path trace, Callable<?> work) throws Exception {
        try (MeasuredProcess strace = MeasuredProcess.start("strace", command(pid, trace), env -> { })) {
            strace.await(ATTACHED, Duration.ofSeconds(30));
            work.call();
            strace.command().destroy(); // SIGTERM: strace detaches and closes its output
            strace.waitFor(Duration.ofSeconds(30));
        }
        try (Stream<String> lines = Files.lines(trace)) {
            long[] counts = new long[3];
            lines.forEach(line -> {
                Matcher m = CALL.matcher(line);
                if (!m.find()) {
                    return;
                }
                String call = m.group(1);
                String fd = m.group(2);
                if (call.equals("epoll_ctl")) {
                    counts[1]++;
                } else if (fd.contains("eventfd")) {
                    counts[2]++;
                } else if (fd.startsWith("TCP") || fd.startsWith("socket:")) {
                    counts[0]++;
                }
            });
            return new Counts(counts[0], counts[1], counts[2]);
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
