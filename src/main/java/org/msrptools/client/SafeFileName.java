package org.msrptools.client;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a file name chosen by a stranger into one that is safe to create in
 * the output directory: only the last path segment, no control characters,
 * no "." or "..", no Windows device names, NFC-normalised, bounded length.
 */
public final class SafeFileName {

    public static final String FALLBACK = "received-file";
    private static final int MAX_BYTES = 200;
    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private SafeFileName() {
    }

    public static String clean(String offered) {
        return clean(offered, fileNameEncoding());
    }

    /** {@link #clean} for file names written in {@code names}. */
    static String clean(String offered, CharsetEncoder names) {
        if (offered == null) {
            return FALLBACK;
        }
        String name = Normalizer.normalize(offered, Normalizer.Form.NFC);
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(cut + 1);
        StringBuilder sb = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean unsafe = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == ':' || c == '*' || c == '?'
                    || c == '"' || c == '<' || c == '>' || c == '|' || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            if (unsafe) {
                sb.append('_');
            } else if (names.canEncode(new String(Character.toChars(c)))) {
                sb.appendCodePoint(c);
            } else {
                sb.append(withoutAccents(c, names));
            }
        });
        String s = sb.toString().strip();
        while (s.startsWith(".")) {
            s = s.substring(1); // no hidden files, no "." or ".."
        }
        while (s.endsWith(".") || s.endsWith(" ")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return FALLBACK;
        }
        String stem = s.contains(".") ? s.substring(0, s.indexOf('.')) : s;
        if (RESERVED.contains(stem.toUpperCase(Locale.ROOT)) || s.startsWith("-")) {
            s = "_" + s; // and "-rf" is not taken for an option by the next command a script hands it to
        }
        return truncate(s);
    }

    /**
     * How this JVM writes file names: the locale's (ASCII under the C locale
     * that cron, bare systemd units and many containers run in, where a name
     * it cannot write would fail only once the whole file had come).
     */
    private static CharsetEncoder fileNameEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).newEncoder();
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8.newEncoder();
        }
    }

    /** A character file names cannot hold, as its letters without accents ("é" as "e"), else "_". */
    private static String withoutAccents(int c, CharsetEncoder names) {
        String base = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
        return !base.isEmpty() && names.canEncode(base) ? base : "_";
    }

    /** Keeps the extension and cuts the stem so the UTF-8 name fits in MAX_BYTES. */
    private static String truncate(String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return s;
        }
        int dot = extensionAt(s); // .tar.gz whole (found by a new user: a long name kept only .gz)
        String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
        String stem = ext.isEmpty() ? s : s.substring(0, dot);
        int budget = MAX_BYTES - ext.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length();) {
            int cp = stem.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return out + ext;
    }

    /** Where the extension starts, or -1: a compressed tar archive's is both its parts ({@code .tar.gz}). */
    private static int extensionAt(String name) {
        int dot = name.lastIndexOf('.');
        int tar = dot > 0 ? name.toLowerCase(Locale.ROOT).lastIndexOf(".tar.", dot) : -1;
        return tar > 0 && tar + 4 == dot && name.length() - dot <= 5 ? tar : dot;
    }

    /** {@code name}, or {@code name (n).ext} for the n-th copy ({@code report (1).tar.gz}). */
    public static String numbered(String name, int n) {
        if (n == 0) {
            return name;
        }
        int dot = extensionAt(name);
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }
}
