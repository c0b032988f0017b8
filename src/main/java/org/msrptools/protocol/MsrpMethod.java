package org.msrptools.protocol;

/** The methods this project knows; others pass as plain upper-case strings. */
public final class MsrpMethod {
    public static final String SEND = "SEND";
    public static final String REPORT = "REPORT";
    public static final String AUTH = "AUTH";
    public static final String NICKNAME = "NICKNAME";

    private MsrpMethod() {
    }

    /** RFC 4975: method = 1*UPALPHA. */
    public static boolean isValid(String method) {
        if (method.isEmpty() || method.length() > 32) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }
}
