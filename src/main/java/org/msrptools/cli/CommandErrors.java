package org.msrptools.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msrptools.protocol.PrintableText;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command reports a failure: one line on stderr with the
 * command's name, and the exit code from {@link ExitCodes}; a stack trace
 * only with --verbose.
 */
final class CommandErrors {

    private CommandErrors() {
    }

    static void install(CommandLine cl) {
        WholeNumber numbers = new WholeNumber(); // a number out of range is said as one too
        cl.registerConverter(Integer.class, numbers);
        cl.registerConverter(Integer.TYPE, numbers);
        cl.setParameterExceptionHandler(CommandErrors::badArguments);
        cl.setExecutionExceptionHandler(CommandErrors::failed);
    }

    /** A bad command line: the error and a suggestion, never the whole help. */
    private static int badArguments(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage() + fromConfigFile(e, args));
        String parents = parentsOption(e);
        if (parents != null) {
            err.println("'" + parents + "' is an option of " + c.getParent().getCommandSpec().qualifiedName()
                    + ": give it before '" + c.getCommandName() + "'");
        } else if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Where a bad value came from when the command line did not give it:
     * the --config file (found by a new user: the line named an option
     * that was nowhere on the command line).
     */
    private static String fromConfigFile(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        if (!(e.getArgSpec() instanceof OptionSpec option) || !fromFile(c, option)) {
            return "";
        }
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return "";
                }
            }
        }
        return " (in the config file " + configFile(c) + ")";
    }

    /**
     * The options a refusal names that the config file gave, not the command
     * line (found by a new user: under systemd nobody typed them).
     */
    private static String fromConfigFile(String message, CommandLine c, ParseResult parsed) {
        List<String> fromFile = new ArrayList<>();
        Matcher named = Pattern.compile("--[a-z][a-z-]*").matcher(message);
        while (named.find()) {
            OptionSpec option = c.getCommandSpec().findOption(named.group());
            if (option != null && !parsed.hasMatchedOption(option) && !fromFile.contains(named.group())
                    && fromFile(c, option)) {
                fromFile.add(named.group());
            }
        }
        return fromFile.isEmpty() ? "" : " (" + String.join(", ", fromFile) + ": from the config file "
                + configFile(c) + ")";
    }

    /** Whether a --config file was given and has a value for the option. */
    private static boolean fromFile(CommandLine c, OptionSpec option) {
        try {
            return configFile(c) != null && c.getDefaultValueProvider() != null
                    && c.getDefaultValueProvider().defaultValue(option) != null;
        } catch (Exception unreadable) {
            return false;
        }
    }

    private static Object configFile(CommandLine c) {
        OptionSpec config = c.getCommandSpec().findOption(ConfigFileDefaults.OPTION);
        return config == null ? null : config.getValue();
    }

    /** An unknown option of a subcommand that its parent command has (msrp-relay passwd --config), or null. */
    private static String parentsOption(ParameterException e) {
        CommandLine parent = e.getCommandLine().getParent();
        if (parent == null || !(e instanceof UnmatchedArgumentException u)) {
            return null;
        }
        for (String arg : u.getUnmatched()) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.startsWith("-") && parent.getCommandSpec().findOption(name) != null) {
                return name;
            }
        }
        return null;
    }

    private static int failed(Exception e, CommandLine c, ParseResult parsed) {
        PrintWriter err = c.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose");
        if (e instanceof CliException known) {
            err.println(c.getCommandSpec().qualifiedName() + ": " + PrintableText.of(known.getMessage())
                    + (known.exitCode() == ExitCodes.USAGE ? fromConfigFile(known.getMessage(), c, parsed) : ""));
            if (verbose && known.getCause() != null) {
                known.getCause().printStackTrace(err);
            }
            err.flush();
            return known.exitCode();
        }
        err.println(c.getCommandSpec().qualifiedName() + ": " + e);
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(run with --verbose for details)");
        }
        err.flush();
        return ExitCodes.INTERNAL;
    }
}
