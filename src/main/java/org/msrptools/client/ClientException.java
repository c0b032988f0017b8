package org.msrptools.client;

/** Why a client run failed, in one line, with the category that picks the exit code. */
public final class ClientException extends Exception {

    /**
     * What kind of failure: each maps to one exit code of the commands.
     * UNCONFIRMED: every byte was sent but the receiver did not confirm it;
     * INTERRUPTED: the user stopped this end (a signal), and the peer was sent word (it may have gone already).
     */
    public enum Kind { CONNECTION, TLS, AUTHENTICATION, TRANSFER, TIMEOUT, LOCAL_FILE, UNCONFIRMED, INTERRUPTED }

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
