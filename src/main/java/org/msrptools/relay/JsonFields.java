package org.msrptools.relay;

/** JSON objects written a field at a time: the relay's JSON log lines and its /sessions lines. */
public final class JsonFields {

    private JsonFields() {
    }

    /** Adds {@code "key":value} to an object begun with '{' in {@code b}: numbers and booleans bare, the rest quoted. */
    public static void field(StringBuilder b, String key, Object value) {
        if (b.length() > 1) {
            b.append(',');
        }
        quote(b, key);
        b.append(':');
        if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else if (value == null) {
            b.append("null");
        } else {
            quote(b, String.valueOf(value));
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
