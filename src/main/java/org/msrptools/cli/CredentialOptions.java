package org.msrptools.cli;

import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Where the account's password comes from. */
final class CredentialOptions {

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from FILE (first line). Else MSRP_PASSWORD, else a prompt.")
    Path passwordFile;

    String password() {
        String password = PasswordInput.read(passwordFile, false);
        if (password.isEmpty()) { // no password to try: relays count the failure
            throw new CliException(ExitCodes.USAGE, "the first line of " + passwordFile + " is empty: no password");
        }
        return password;
    }

    /** A password typed at the prompt can be typed again when the relay refuses it; the others cannot. */
    Supplier<String> askAgain() {
        return PasswordInput.fromTerminal(passwordFile) ? this::password : null;
    }
}
