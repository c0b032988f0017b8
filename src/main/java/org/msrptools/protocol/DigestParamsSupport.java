package org.msrptools.protocol;

import java.util.Map;

/** Shared parsing of the {@code Digest k=v, ...} header form. */
final class DigestParamsSupport {

    private DigestParamsSupport() {
    }

    /** The parameters after the {@code Digest} scheme word (none for Authentication-Info). */
    static Map<String, String> params(String text, String header) {
        String v = text.strip();
        if (!header.equals(MsrpHeaders.AUTHENTICATION_INFO)) {
            if (v.length() < 7 || !v.regionMatches(true, 0, "Digest", 0, 6)
                    || (v.charAt(6) != ' ' && v.charAt(6) != '\t')) {
                throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                        "bad " + header + ": scheme is not Digest");
            }
            v = v.substring(7);
        }
        return HeaderParams.parse(v, ',', header);
    }

    static String require(Map<String, String> p, String name, String header) {
        String v = p.get(name);
        if (v == null) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad " + header + ": missing " + name);
        }
        return v;
    }
}
