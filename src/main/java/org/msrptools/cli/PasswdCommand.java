package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.msrptools.VersionProvider;
import org.msrptools.client.FileProblem;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.HtdigestAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code msrp-relay passwd [--delete] USER@DOMAIN}: adds, changes or removes an account. */
@Command(name = "passwd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Adds or changes an account in the htdigest accounts file; --delete removes it.",
                "The password comes from a masked prompt (asked twice), --password-file or the MSRP_PASSWORD "
                        + "environment variable.",
                "A running relay picks the change up without a restart."},
        footer = {"", ExitCodes.PASSWD_HELP})
public final class PasswdCommand implements Callable<Integer> {

    @Parameters(paramLabel = "USER@DOMAIN", description = "The account; DOMAIN is the digest realm.")
    String account;

    @Option(names = "--accounts", paramLabel = "FILE", description = "Accounts file; default STATE_DIR/accounts.htdigest.")
    Path accounts;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory; default the relay's --state-dir, else ~/.msrp-relay.")
    Path stateDir;

    @Option(names = "--delete", description = "Remove the account (no password asked). Sessions already signed in "
            + "go on until they end; no new AUTH succeeds.")
    boolean delete;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE instead of asking (or MSRP_PASSWORD).")
    Path passwordFile;

    /**
     * The relay's options given before {@code passwd} (or in its --config):
     * {@code msrp-relay --state-dir DIR passwd USER} must change the accounts
     * of the relay started with {@code --state-dir DIR}, not those in ~.
     */
    @ParentCommand
    RelayCommand relay;

    /**
     * The file a link names: the rewrite puts a new file in place, which
     * would replace the link (found by a new user: a file shared through a
     * link was no longer shared). A link to nothing is refused, as the relay
     * refuses it.
     */
    private static Path linkFollowed(Path file) throws IOException {
        if (!Files.isSymbolicLink(file)) {
            return file;
        }
        RelayCommand.refuseLinkToNothing(file);
        return file.toRealPath();
    }

    @Override
    public Integer call() throws IOException {
        relay.checkConfigFile();
        UserAtDomain who = UserAtDomain.parse(account);
        if (accounts == null && relay.jdbcUrl != null) {
            throw new CliException(ExitCodes.USAGE, "passwd changes an htdigest accounts file, and this relay reads "
                    + "its accounts from --accounts-jdbc-url: change them in that database's table");
        }
        if (delete && passwordFile != null) {
            throw new CliException(ExitCodes.USAGE, "--delete takes no password (--password-file)");
        }
        String password = delete ? null : PasswordInput.read(passwordFile, true);
        if (password != null && password.isEmpty()) { // the prompt asks again; a file or variable cannot
            throw new CliException(ExitCodes.USAGE, "the password is empty");
        }
        Path file = linkFollowed(accounts != null ? accounts
                : stateDir == null && relay.accounts != null ? relay.accounts
                : StateDir.resolve(stateDir != null ? stateDir : relay.stateDir).resolve("accounts.htdigest"));
        // A relay ran there (its certificate) and made no accounts file: it reads a database, not this file.
        boolean created = !Files.exists(file) && Files.exists(file.resolveSibling("cert.pem"));
        try {
            HtdigestAccounts.Rewritten rewritten = delete ? HtdigestAccounts.remove(file, who.user(), who.domain())
                    : HtdigestAccounts.put(file, who.user(), who.domain(),
                            DigestAlgorithm.MD5.ha1(who.user(), who.domain(), password));
            for (int line : rewritten.notAccounts()) {
                System.err.println("Warning: line " + line + " of " + file.toAbsolutePath() + " is not user:realm:HA1 "
                        + "(the relay skips it); it was left as it is");
            }
            if (delete && !rewritten.found()) {
                throw new CliException(ExitCodes.USAGE, "no account " + who + " in " + file.toAbsolutePath());
            }
            System.out.println("Account " + who + (delete ? " removed from " : " saved in ") + file.toAbsolutePath());
            if (created) { // found by a new user: given a database relay's --state-dir, it made a file nobody reads
                System.out.println("Note: " + file.toAbsolutePath() + " is new, where a relay ran: a relay started "
                        + "with --accounts-jdbc-url reads its database, not this file");
            }
            if (!delete && relay.domain != null && !who.domain().equalsIgnoreCase(relay.domain)) {
                System.out.println("Note: this relay's --domain is " + relay.domain + ": only accounts of "
                        + relay.domain + " sign in there");
            } else if (!delete && relay.domain == null && !who.domain().equalsIgnoreCase(rewritten.firstRealm())) {
                // Found by a new user: such an account's clients, given the relay's address, were refused.
                System.out.println("Note: " + who.domain() + " is not the file's first domain (" + rewritten.firstRealm()
                        + "): " + who + " signs in when the client finds the relay by DNS SRV for " + who.domain()
                        + ", or is given the host name " + who.domain() + "; clients given the relay's address or "
                        + "another name sign in to " + rewritten.firstRealm());
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot update accounts file " + file + ": "
                    + FileProblem.of(e), e);
        }
        return ExitCodes.OK;
    }
}
