package org.msrptools.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A whole number for an int option, saying what is wrong with one it cannot
 * take: picocli's own words for 3000000000 are "is not an int", which is
 * true of the type but not of the number as the user sees it.
 */
final class WholeNumber implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        String digits = value.trim();
        if (!digits.matches("[+-]?\\d+")) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is too " + (digits.startsWith("-") ? "small" : "large")
                    + " (at " + (digits.startsWith("-") ? "least " + Integer.MIN_VALUE : "most " + Integer.MAX_VALUE)
                    + ")");
        }
    }
}
