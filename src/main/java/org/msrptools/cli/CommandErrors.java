package org.msrptools.cli;

import java.io.PrintWriter;
import org.msrptools.protocol.PrintableText;
import picocli.CommandLine;
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
        err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
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
            err.println(c.getCommandSpec().qualifiedName() + ": " + PrintableText.of(known.getMessage()));
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
