package org.msrptools.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ctrl-C, SIGTERM and SIGHUP in a client. While there is nothing to wind
 * down the tool exits at once, with the code a shell reports for the signal
 * (130, 143, 129). Once a transfer runs, the signal goes to it, so that the
 * peer is told and nothing is left behind; the tool then exits with the same
 * code. A second signal exits at once, but for a second hangup.
 */
final class Interruption {

    private final String tool;
    private final CompletableFuture<Integer> signalled = new CompletableFuture<>();
    private volatile Runnable handler;
    private volatile boolean watched;

    Interruption(String tool) {
        this.tool = tool;
    }

    /** One that the process's signals raise. */
    static Interruption ofSignals(String tool) {
        Interruption i = new Interruption(tool);
        Signals.onInterrupt(i::raise);
        return i;
    }

    /** A signal, or Ctrl-C read by a prompt that holds the terminal (and so the signal) itself. */
    void raise(int exitCode) {
        if (!signalled.complete(exitCode)) {
            if (exitCode == ExitCodes.HUNG_UP) {
                // A terminal that closes hangs up twice, the kernel and the shell each (found by a new user: the
                // second ended the tool before it told its peer): one stop.
                return;
            }
            // Asked twice: do not wait for the winding down (the shutdown hooks still remove temporary files).
            // Said, as a first signal is (found by a new user: the tool ended without a word).
            System.err.println(tool + ": interrupted again: exiting at once");
            System.exit(exitCode);
        }
        Runnable h = handler;
        if (h != null) {
            h.run();
        } else if (!watched) {
            System.err.println(tool + ": interrupted");
            System.exit(exitCode);
        }
    }

    /**
     * From now on a signal runs {@code stop} (on the signal's thread); one
     * that came while the main thread watched, and after its last look, runs
     * it now. Ends the watch.
     */
    void handOver(Runnable stop) {
        handler = stop;
        watched = false;
        if (stop != null && signalled.isDone()) {
            stop.run(); // run twice when the signal comes just now too: stopping is done once
        }
    }

    /** While true, the main thread watches {@link #signalled} itself. */
    void watch(boolean on) {
        watched = on;
    }

    boolean signalled() {
        return signalled.isDone();
    }

    /** Whether a signal came, or comes within {@code wait}. */
    boolean awaitSignal(Duration wait) throws InterruptedException {
        try {
            signalled.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never: the future is only ever completed
        }
    }

    int exitCode() {
        return signalled.getNow(ExitCodes.INTERRUPTED);
    }
}
