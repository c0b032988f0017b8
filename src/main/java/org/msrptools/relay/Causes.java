package org.msrptools.relay;

/** The innermost cause of an exception: what a log line says, where the wrappers only say where it passed. */
final class Causes {

    private Causes() {
    }

    static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** Causes looked at, at most: a chain that loops back on itself ends there. */
    private static final int DEPTH = 32;

    /** The innermost cause whose message says something (a closed channel's exception has none). */
    static String innermostMessage(Throwable t) {
        String message = t.toString();
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < DEPTH; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
        }
        return message;
    }

    /** The first cause in the chain of type {@code type}, or null. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < DEPTH; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
