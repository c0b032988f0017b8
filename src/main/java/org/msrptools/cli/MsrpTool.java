package org.msrptools.cli;

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
        if (args.length > 0 && (args[0].equals("msrp-send") || args[0].equals("msrp-receive"))) {
            TlsOptions.preload(args);
        }
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
        cl.setDefaultValueProvider(new ConfigFileDefaults());
        CommandErrors.install(cl);
        return cl.execute(rest);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
