package org.msrptools.protocol;

/** Decimal digits in header values, checked on every message (so without streams). */
final class Digits {

    private Digits() {
    }

    /** Whether {@code s} holds only ASCII digits (true when empty). */
    static boolean only(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
