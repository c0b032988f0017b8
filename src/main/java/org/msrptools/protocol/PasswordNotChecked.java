package org.msrptools.protocol;

/**
 * Our relay's answer to a password it did not check because another from
 * the same address was being checked (one at a time after failures): a 403
 * whose comment says so. Not RFC 4976's; relay and clients share it here so
 * that a client knows this 403 is worth trying again, where any other 403
 * is final.
 */
public final class PasswordNotChecked {

    /** The 403's comment, word for word. */
    public static final String COMMENT = "Password not checked: another from this address is being checked, one at "
            + "a time after failures; try again shortly";

    private PasswordNotChecked() {
    }

    /** Whether {@code r} is that answer. */
    public static boolean is(MsrpResponse r) {
        return r.code() == 403 && COMMENT.equals(r.comment());
    }
}
