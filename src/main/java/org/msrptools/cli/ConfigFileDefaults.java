package org.msrptools.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the file a command's {@code --config} option names
 * ({@code name=value}, option names without dashes). Picocli asks for
 * defaults after parsing, so the option's value is known by then and
 * command-line values win. An unreadable file gives no defaults here; the
 * command reports it.
 */
final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {

    static final String OPTION = "--config";

    private Path loadedFrom;
    private Properties loaded;

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.longestName().equals(OPTION)) {
            return null;
        }
        Path file = configFile(arg.command());
        Properties values = file == null ? null : load(file);
        return values == null ? null : values.getProperty(option.longestName().replaceFirst("^-+", ""));
    }

    /**
     * The names in {@code file} that are no option of {@code command}: a typo
     * there would otherwise leave an option at its default without a word.
     */
    static List<String> unknownNames(Path file, CommandSpec command) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p.stringPropertyNames().stream().sorted()
                .filter(name -> name.startsWith("-") || command.findOption("--" + name) == null).toList();
    }

    /**
     * The command's own --config value. A subcommand (passwd) gets none: it
     * reads the relay's values through its parent, where the relay's own
     * command line wins over the file.
     */
    private static Path configFile(CommandSpec command) {
        OptionSpec config = command.findOption(OPTION);
        return config == null ? null : config.getValue();
    }

    private Properties load(Path file) {
        if (!file.equals(loadedFrom)) {
            loadedFrom = file;
            loaded = null;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(in);
                loaded = p;
            } catch (IOException e) {
                // the command says "cannot read config file"
            }
        }
        return loaded;
    }
}
