package org.msrptools.protocol;

/**
 * The one error type of the protocol package: input that is not valid MSRP.
 * It names what was wrong ({@link Violation}) and where (a human-readable
 * location such as "line 3" or "byte 1204"), so a relay can answer with a
 * specific status and a command-line tool can print one clear line.
 */
public final class MsrpSyntaxException extends RuntimeException {

    /** What kind of rule the input broke. Each maps to a wire status. */
    public enum Violation {
        TRANSACTION_ID(400),
        METHOD(400),
        STATUS_CODE(400),
        START_LINE(400),
        BARE_LF(400),
        BARE_CR(400),
        LINE_TOO_LONG(400),
        TOO_MANY_HEADERS(400),
        HEAD_TOO_LARGE(400),
        HEADER_SYNTAX(400),
        NON_UTF8(400),
        MISSING_TO_PATH(400),
        MISSING_FROM_PATH(400),
        PATH_ORDER(400),
        URI(400),
        BYTE_RANGE(400),
        HEADER_VALUE(400),
        END_LINE_TRANSACTION_ID(400),
        END_LINE_FLAG(400),
        END_LINE_SYNTAX(400),
        TRUNCATED(400);

        private final int status;

        Violation(int status) {
            this.status = status;
        }

        /** The MSRP status code a receiver answers with. */
        public int status() {
            return status;
        }
    }

    private final Violation violation;
    private final String where;

    public MsrpSyntaxException(Violation violation, String message) {
        this(violation, message, null);
    }

    public MsrpSyntaxException(Violation violation, String message, String where) {
        super(where == null ? message : where + ": " + message);
        this.violation = violation;
        this.where = where;
    }

    public Violation violation() {
        return violation;
    }

    /** Location in the input, or null when the error is about a lone value. */
    public String where() {
        return where;
    }

    /** The same error, placed at a location in a stream. */
    public MsrpSyntaxException at(String location) {
        if (where != null) {
            return this;
        }
        return new MsrpSyntaxException(violation, getMessage(), location);
    }
}
