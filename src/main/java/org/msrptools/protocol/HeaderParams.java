package org.msrptools.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses and writes the {@code name=value} lists of digest headers
 * (comma-separated, RFC 7235 auth-params) and of Content-Disposition
 * (semicolon-separated, RFC 6266), with RFC 7230 quoted-string handling:
 * a value is a token or a quoted string in which a backslash escapes the
 * next character. Names are case-insensitive (kept lower-case).
 */
public final class HeaderParams {

    private HeaderParams() {
    }

    /**
     * Parses {@code text} as a list of parameters separated by
     * {@code separator}. Throws {@link MsrpSyntaxException} for unclosed
     * quotes, missing names or stray characters.
     */
    public static Map<String, String> parse(String text, char separator, String headerName) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (true) {
            i = skipSpace(text, i);
            if (i >= n) {
                return params;
            }
            if (text.charAt(i) == separator) {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < n && isTokenChar(text.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw bad(headerName, "unexpected '" + text.charAt(i) + "' at position " + i);
            }
            String name = text.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipSpace(text, i);
            if (i >= n || text.charAt(i) != '=') {
                throw bad(headerName, "parameter '" + name + "' has no value");
            }
            i = skipSpace(text, i + 1);
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\') {
                        if (i >= n) {
                            break;
                        }
                        value.append(text.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw bad(headerName, "unclosed quoted string in parameter '" + name + "'");
                }
            } else {
                int valueStart = i;
                while (i < n && isTokenChar(text.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    throw bad(headerName, "parameter '" + name + "' has an empty value");
                }
                value.append(text, valueStart, i);
            }
            if (params.put(name, value.toString()) != null) {
                throw bad(headerName, "parameter '" + name + "' appears twice");
            }
            i = skipSpace(text, i);
            if (i < n && text.charAt(i) != separator) {
                throw bad(headerName, "expected '" + separator + "' after parameter '" + name + "'");
            }
        }
    }

    /** Writes a value as a quoted string, escaping quotes and backslashes. */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /**
     * RFC 7230 tchar, plus '/' and ':' which unquoted values in the wild
     * (Byte-Range-like nc values, URIs of lax clients) carry; by character
     * code, as every header name of every head read is checked with it.
     */
    private static final boolean[] TOKEN_CHAR = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            TOKEN_CHAR[c] = c > 32 && c < 127 && "\"(),;<=>?@[\\]{}".indexOf(c) < 0 || c == '/' || c == ':';
        }
    }

    static boolean isTokenChar(char c) {
        return c < 128 && TOKEN_CHAR[c];
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static MsrpSyntaxException bad(String header, String why) {
        return new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE, "bad " + header + ": " + why);
    }
}
