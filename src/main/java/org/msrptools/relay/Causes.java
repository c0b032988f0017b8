package org.msrptools.relay;

import java.util.ArrayList;
import java.util.List;

/** The innermost cause of an exception: what a log line says, where the wrappers only say where it passed. */
final class Causes {

    /** Causes looked at, at most: a chain that loops back on itself ends there. */
    private static final int DEPTH = 32;

    private Causes() {
    }

    static Throwable root(Throwable t) {
        List<Throwable> chain = chain(t);
        return chain.get(chain.size() - 1);
    }

    /** The innermost cause whose message says something (a closed channel's exception has none). */
    static String innermostMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c : chain(t)) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
        }
        return message;
    }

    /** The first cause in the chain of type {@code type}, or null. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c : chain(t)) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** {@code t} and its causes, outermost first. */
    private static List<Throwable> chain(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && chain.size() < DEPTH && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
