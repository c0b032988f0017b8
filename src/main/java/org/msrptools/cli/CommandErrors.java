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
        cl.setParameterExceptionHandler(CommandErrors::badArguments);
        cl.setExecutionExceptionHandler(CommandErrors::failed);
    }

    /** A bad command line: the error and a suggestion, never the whole help. */
    private static int badArguments(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return ExitCodes.USAGE;
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
