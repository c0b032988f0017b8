package org.msrptools.protocol;

/**
 * Text from the wire made fit to print on one line: a status comment, a
 * realm, an error quoting what a peer sent. A control character (an escape
 * sequence that would recolour or retitle the user's terminal, a line break
 * that would forge a log line, a direction override) becomes '?'.
 */
public final class PrintableText {

    private PrintableText() {
    }

    public static String of(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(printable(c) ? c : '?'));
        return b.toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return !Character.isISOControl(c) && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.FORMAT; // bidirectional overrides would show the text reversed
    }
}
