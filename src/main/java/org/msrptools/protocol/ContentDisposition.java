package org.msrptools.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Content-Disposition (RFC 6266): the disposition type and the file name,
 * preferring {@code filename*} (RFC 8187 ext-value) over {@code filename}.
 * The name is returned as the sender wrote it: never use it as a path
 * without cleaning it.
 */
public record ContentDisposition(String type, String filename) {

    public static ContentDisposition parse(String text) {
        int semi = text.indexOf(';');
        String type = (semi < 0 ? text : text.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad Content-Disposition: no disposition type");
        }
        Map<String, String> params = semi < 0 ? Map.of()
                : HeaderParams.parse(text.substring(semi + 1), ';', "Content-Disposition");
        String name = params.containsKey("filename*") ? decodeExtValue(params.get("filename*"))
                : params.get("filename");
        return new ContentDisposition(type, name);
    }

    /** {@code attachment; filename="..."}, adding {@code filename*} for non-ASCII names. */
    public static ContentDisposition attachment(String filename) {
        return new ContentDisposition("attachment", filename);
    }

    @Override
    public String toString() {
        if (filename == null) {
            return type;
        }
        StringBuilder sb = new StringBuilder(type).append("; filename=");
        boolean ascii = filename.chars().allMatch(c -> c >= 32 && c < 127);
        if (ascii) {
            return sb.append(HeaderParams.quote(filename)).toString();
        }
        // Old receivers read the ASCII fallback; RFC 6266 ones prefer filename*.
        String fallback = filename.chars()
                .mapToObj(c -> c >= 32 && c < 127 ? String.valueOf((char) c) : "_")
                .reduce("", String::concat);
        return sb.append(HeaderParams.quote(fallback))
                .append("; filename*=UTF-8''").append(encodeExtValue(filename)).toString();
    }

    private static String encodeExtValue(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static String decodeExtValue(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad Content-Disposition: filename* is not charset'lang'value");
        }
        Charset charset;
        try {
            charset = Charset.forName(value.substring(0, first));
        } catch (IllegalArgumentException e) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                    "bad Content-Disposition: unknown charset '" + value.substring(0, first) + "'");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String encoded = value.substring(second + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                            "bad Content-Disposition: bad percent escape in filename*");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '%') {
                throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                        "bad Content-Disposition: truncated percent escape in filename*");
            } else {
                out.write(c);
            }
        }
        return new String(out.toByteArray(), charset);
    }
}
