package org.msrptools.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time in seconds as people type it: 90, 90s, 5m, 2h, 1d. At most a year:
 * longer is as good as never for every time the tools take, and a deadline
 * in nanoseconds from now must not overflow (it would fall in the past, and
 * close every connection at once rather than none).
 */
final class Seconds implements ITypeConverter<Long> {

    static final long MOST = 365L * 24 * 3600;
    private static final Pattern TIME = Pattern.compile("(\\d+)\\s*([smhd])?");
    private static final String UNITS = "smhd";
    private static final long[] SECONDS = {1, 60, 3600, 24 * 3600};

    @Override
    public Long convert(String value) {
        Matcher m = TIME.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a time in seconds ("
                    + (value.trim().startsWith("-") ? "it is negative; " : "") + "a number, or one with s, m, h or d: "
                    + "e.g. 90, 5m)");
        }
        long unit = m.group(2) == null ? 1 : SECONDS[UNITS.indexOf(m.group(2))];
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", ""); // 090 is 90
        if (digits.length() > 12 || Long.parseLong(digits) * unit > MOST) {
            throw new TypeConversionException("'" + value + "' is more than a year (" + MOST + " seconds)");
        }
        return Long.parseLong(digits) * unit;
    }
}
