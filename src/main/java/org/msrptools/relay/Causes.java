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

    /** The message of the innermost cause that has one (a closed channel's exception has none). */
    static String innermostMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }
}
