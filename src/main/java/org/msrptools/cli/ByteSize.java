package org.msrptools.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A size in bytes as people type it: 10485760, 10M, 10MiB, 64k; k, M, G and
 * T count in 1024s (as the tools' own sizes are given: KiB, MiB).
 */
final class ByteSize implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?");
    /** A size with a minus sign, said as such (not as "not a size"). */
    private static final Pattern NEGATIVE = Pattern.compile("\\s*-\\s*\\d.*");

    @Override
    public Long convert(String value) {
        if (NEGATIVE.matcher(value).matches()) {
            throw new TypeConversionException("'" + value + "' is negative: a size is 0 bytes or more");
        }
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                int shift = m.group(2) == null ? 0 : 10 * ("kmgt".indexOf(m.group(2)) + 1);
                long n = Long.parseLong(m.group(1));
                if (n <= Long.MAX_VALUE >> shift) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // too many digits: said below
            }
        }
        throw new TypeConversionException("'" + value + "' is not a size in bytes (a number, or one with k, M, G or T: "
                + "1024s; e.g. 10M)");
    }

    /** The same, for options held in an int. */
    static final class Int implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = new ByteSize().convert(value);
            if (n > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is more than " + Integer.MAX_VALUE + " bytes");
            }
            return (int) n;
        }
    }
}
