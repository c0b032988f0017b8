package org.msrptools.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** One-line logs on stderr, as text or JSON; --verbose shows the protocol-level detail. */
final class Logging {

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger PROJECT = Logger.getLogger("org.msrptools");
    private static final java.util.List<Logger> QUIETED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Logging() {
    }

    static void configure(boolean verbose) {
        configure(verbose, false);
    }

    static void configure(boolean verbose, boolean json) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new LogLineFormatter(json));
        Level level = verbose ? Level.FINE : Level.INFO;
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        PROJECT.setLevel(level);
        // Libraries whose own lines would say what the relay's events say better, or worse: the PostgreSQL
        // driver logs a URL it cannot parse whole. The relay logs the account store's state itself
        // (accounts_unavailable).
        quiet("org.postgresql", Level.OFF);
        quiet("com.zaxxer.hikari", verbose ? Level.WARNING : Level.SEVERE);
    }

    private static void quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        QUIETED.add(logger);
    }
}
