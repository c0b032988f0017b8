package org.msrptools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jar's entry point: one top command whose subcommands are the tools. */
@Command(name = "msrp-tools",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "MSRP relay (RFC 4976) and MSRP file-transfer tools (RFC 4975).",
        subcommands = {CommandLine.HelpCommand.class})
public final class MsrpTool implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new MsrpTool());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
