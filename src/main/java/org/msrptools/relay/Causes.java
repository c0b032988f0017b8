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
}
