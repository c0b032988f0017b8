package org.msrptools.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.msrptools.VersionProvider;
import org.msrptools.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jar's entry point. {@code bin/msrp-relay} and friends call it with
 * the tool's name first, and that tool then runs as a top-level command;
 * {@code java -jar msrp-tools.jar} alone lists the tools.
 */
@Command(name = "msrp-tools",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"MSRP relay (RFC 4976) and MSRP file-transfer tools (RFC 4975).",
                "Run a tool as: java -jar msrp-tools.jar TOOL [ARGS...], or with bin/TOOL."},
        subcommands = {RelayCommand.class, SendCommand.class, ReceiveCommand.class, CommandLine.HelpCommand.class})
public final class MsrpTool implements Runnable {

    private static final Map<String, Supplier<Object>> TOOLS = Map.of(
            "msrp-relay", RelayCommand::new,
            "msrp-send", SendCommand::new,
            "msrp-receive", ReceiveCommand::new,
            "msrp-bench", BenchCommand::new);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one tool (or the top command) and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cl;
        String[] rest = args;
        if (args.length > 0 && TOOLS.containsKey(args[0])) {
            cl = new CommandLine(TOOLS.get(args[0]).get());
            rest = Arrays.copyOfRange(args, 1, args.length);
        } else {
            cl = new CommandLine(new MsrpTool());
        }
        Path config = configFile(rest);
        if (config != null) {
            if (!Files.isReadable(config)) {
                System.err.println(cl.getCommandName() + ": cannot read config file " + config);
                return ExitCodes.USAGE;
            }
            cl.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(config.toFile()));
        }
        boolean verbose = Arrays.asList(rest).contains("--verbose");
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException c) {
                err.println(commandLine.getCommandName() + ": " + c.getMessage());
                if (verbose && c.getCause() != null) {
                    c.getCause().printStackTrace(err);
                }
                err.flush();
                return c.exitCode();
            }
            err.println(commandLine.getCommandName() + ": " + e);
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --verbose for details)");
            }
            err.flush();
            return ExitCodes.INTERNAL;
        });
        return cl.execute(rest);
    }

    private static Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
