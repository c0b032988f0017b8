package org.msrptools.protocol;

/**
 * The Status header of a REPORT: {@code namespace SP status-code [SP comment]},
 * e.g. {@code 000 200 OK}. Namespace 000 is MSRP's own.
 */
public record Status(int namespace, int code, String comment) {

    /** Both numbers are three digits on the wire. */
    public Status {
        if (namespace < 0 || namespace > 999 || code < 0 || code > 999) {
            throw new IllegalArgumentException("a Status is two numbers of three digits: " + namespace + " " + code);
        }
    }

    public static Status of(int code, String comment) {
        return new Status(0, code, comment);
    }

    public static Status parse(String text) {
        String v = text.strip();
        if (v.length() < 7 || v.charAt(3) != ' ' || !digits(v, 0) || !digits(v, 4)
                || (v.length() > 7 && v.charAt(7) != ' ')) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad Status: '" + v + "' is not 'NNN NNN [comment]'");
        }
        String comment = v.length() > 8 ? v.substring(8) : null;
        return new Status(Integer.parseInt(v.substring(0, 3)), Integer.parseInt(v.substring(4, 7)), comment);
    }

    private static boolean digits(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code 000 200 OK}: made for every REPORT, so without String.format's parse of its pattern. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(8 + (comment == null ? 0 : comment.length()));
        threeDigits(s, namespace).append(' ');
        threeDigits(s, code);
        return (comment == null ? s : s.append(' ').append(comment)).toString();
    }

    private static StringBuilder threeDigits(StringBuilder s, int n) {
        if (n < 100) {
            s.append(n < 10 ? "00" : "0");
        }
        return s.append(n);
    }
}
