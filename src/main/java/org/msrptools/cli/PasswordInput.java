package org.msrptools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.EndOfFileException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.msrptools.client.FileProblem;

/**
 * Where a password comes from: a file, the MSRP_PASSWORD environment
 * variable, or a masked prompt on the terminal. Without a terminal and
 * without the first two, a clear error instead of a hang.
 */
final class PasswordInput {

    static final String ENV = "MSRP_PASSWORD";

    private PasswordInput() {
    }

    private static String dumbTerminal(boolean confirm) {
        char[] first;
        do { // an empty line is a slip of the Enter key, not a password to try
            first = System.console().readPassword("Password: ");
            if (first == null) {
                throw new CliException(ExitCodes.USAGE, "no password given");
            }
        } while (first.length == 0);
        if (confirm && !java.util.Arrays.equals(first, System.console().readPassword("Password again: "))) {
            throw new CliException(ExitCodes.USAGE, "the two passwords differ");
        }
        return new String(first);
    }

    /** Whether {@link #read} would ask on the terminal: no file, no MSRP_PASSWORD, a console. */
    static boolean fromTerminal(Path passwordFile) {
        return passwordFile == null && System.getenv(ENV) == null && System.console() != null;
    }

    static String read(Path passwordFile, boolean confirm) {
        if (passwordFile != null) {
            try {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                return text.lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new CliException(ExitCodes.LOCAL_FILE, "cannot read password file " + passwordFile + ": "
                        + FileProblem.of(e));
            }
        }
        String env = System.getenv(ENV);
        if (env != null) {
            return env;
        }
        if (System.console() == null) {
            throw new CliException(ExitCodes.USAGE, "no terminal to ask for the password: set " + ENV
                    + " or use --password-file");
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
                return dumbTerminal(confirm); // JLine cannot mask there; the JDK can at least hide it
            }
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            String password;
            do { // an empty line is a slip of the Enter key, not a password to try (relays count the failure)
                password = reader.readLine("Password: ", '*');
            } while (password.isEmpty());
            if (confirm) {
                String again = reader.readLine("Password again: ", '*');
                if (!password.equals(again)) {
                    throw new CliException(ExitCodes.USAGE, "the two passwords differ");
                }
            }
            return password;
        } catch (UserInterruptException e) {
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted"); // Ctrl-C: as anywhere else
        } catch (EndOfFileException e) {
            throw new CliException(ExitCodes.USAGE, "no password given");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot open the terminal: " + e.getMessage());
        }
    }
}
