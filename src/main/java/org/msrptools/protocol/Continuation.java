package org.msrptools.protocol;

/** The continuation flag of an end-line (RFC 4975 section 7.1). */
public enum Continuation {
    /** {@code $}: this chunk ends the message. */
    COMPLETE('$'),
    /** {@code +}: more chunks of this message follow. */
    MORE('+'),
    /** {@code #}: the message is aborted. */
    ABORT('#');

    private final char symbol;

    Continuation(char symbol) {
        this.symbol = symbol;
    }

    public char symbol() {
        return symbol;
    }

    /** The flag for a byte, or null when the byte is not a flag. */
    public static Continuation of(int b) {
        return switch (b) {
            case '$' -> COMPLETE;
            case '+' -> MORE;
            case '#' -> ABORT;
            default -> null;
        };
    }
}
