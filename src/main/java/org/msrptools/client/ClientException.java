package org.msrptools.client;

/** Why a client run failed, in one line, with the category that picks the exit code. */
public final class ClientException extends Exception {

    /** What kind of failure: each maps to one exit code of the commands. */
    public enum Kind { CONNECTION, TLS, AUTHENTICATION, TRANSFER, TIMEOUT, LOCAL_FILE }

    private final Kind kind;

    public ClientException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
