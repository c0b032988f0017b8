package org.msrptools.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as an orderly stop, so the relay can let chunks finish
 * and exit 0 (a JVM killed by SIGTERM otherwise exits 143).
 */
final class Signals {

    private Signals() {
    }

    static void onTerminate(Runnable action) {
        Signal.handle(new Signal("TERM"), s -> action.run());
        Signal.handle(new Signal("INT"), s -> action.run());
    }
}
