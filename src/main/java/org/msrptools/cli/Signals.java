package org.msrptools.cli;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as an orderly stop, so the relay can let chunks finish
 * and exit 0 (a JVM killed by SIGTERM otherwise exits 143), and a client
 * can tell its peer before it exits.
 */
final class Signals {

    private Signals() {
    }

    static void onTerminate(Runnable action) {
        Signal.handle(new Signal("TERM"), s -> action.run());
        Signal.handle(new Signal("INT"), s -> action.run());
    }

    /**
     * {@code action} gets the exit code a shell reports for the signal: 143
     * for TERM, 130 for INT, 129 for HUP (the terminal closed: found by a new
     * user, the peer heard only that the connection went). Under nohup the
     * JVM leaves HUP ignored, and this too.
     */
    static void onInterrupt(IntConsumer action) {
        Signal.handle(new Signal("TERM"), s -> action.accept(ExitCodes.TERMINATED));
        Signal.handle(new Signal("INT"), s -> action.accept(ExitCodes.INTERRUPTED));
        Signal.handle(new Signal("HUP"), s -> action.accept(ExitCodes.HUNG_UP));
    }
}
