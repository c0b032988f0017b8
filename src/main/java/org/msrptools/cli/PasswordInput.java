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
import org.msrptools.client.FileProblem;

/**
 * Where a password comes from: a file, the MSRP_PASSWORD environment
 * variable, or a masked prompt on the terminal. Without a terminal and
 * without the first two, a clear error instead of a hang.
 */
final class PasswordInput {

    static final String ENV = "MSRP_PASSWORD";
    /** Times a new password may be typed twice differently before passwd gives up, as passwd(1) does. */
    static final int CONFIRM_TRIES = 3;

    private PasswordInput() {
    }

    /** A terminal prompt: what the user typed at {@code prompt}, never echoed; null at end of input. */
    private interface Prompt {
        String ask(String prompt);
    }

    /**
     * Asks until a non-empty password comes (an empty line is a slip of the
     * Enter key, not a password to try: relays count the failure); with
     * {@code confirm}, asks it twice and starts again when the two differ.
     */
    private static String ask(Prompt prompt, boolean confirm) {
        for (int tries = 1; ; tries++) {
            String password;
            do {
                password = prompt.ask("Password: ");
                if (password == null) {
                    throw new CliException(ExitCodes.USAGE, "no password given");
                }
            } while (password.isEmpty());
            if (!confirm || password.equals(prompt.ask("Password again: "))) {
                return password;
            }
            if (tries == CONFIRM_TRIES) {
                throw new CliException(ExitCodes.USAGE, "the two passwords differed " + CONFIRM_TRIES + " times");
            }
            System.err.println("The two passwords differ; type it again.");
        }
    }

    /** A terminal JLine cannot mask on: the JDK's console at least hides what is typed. */
    private static String dumbTerminal(boolean confirm) {
        return ask(p -> {
            char[] typed = System.console().readPassword(p);
            return typed == null ? null : new String(typed);
        }, confirm);
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
            if (env.isEmpty()) { // a CI secret that is not set: no password to try (relays count the failure)
                throw new CliException(ExitCodes.USAGE, ENV + " is empty: set it to the password, or unset it to "
                        + "be asked");
            }
            return env;
        }
        if (System.console() == null) {
            throw new CliException(ExitCodes.USAGE, "no terminal to ask for the password: set " + ENV
                    + " or use --password-file");
        }
        try (Terminal terminal = SystemTerminal.open()) {
            if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
                return dumbTerminal(confirm);
            }
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            return ask(p -> reader.readLine(p, '*'), confirm);
        } catch (UserInterruptException e) {
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted"); // Ctrl-C: as anywhere else
        } catch (EndOfFileException e) {
            throw new CliException(ExitCodes.USAGE, "no password given");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot open the terminal: " + e.getMessage());
        }
    }
}
