package org.msrptools.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.HtdigestAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrp-relay passwd USER@DOMAIN}: adds or changes an account. */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = {"Adds or changes an account in the htdigest accounts file.",
                "The password comes from a masked prompt (asked twice) or the MSRP_PASSWORD environment variable.",
                "A running relay picks the change up without a restart."})
public final class PasswdCommand implements Callable<Integer> {

    @Parameters(paramLabel = "USER@DOMAIN", description = "The account; DOMAIN is the digest realm.")
    String account;

    @Option(names = "--accounts", paramLabel = "FILE", description = "Accounts file; default STATE_DIR/accounts.htdigest.")
    Path accounts;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory; default ~/.msrp-relay.")
    Path stateDir;

    @Override
    public Integer call() {
        UserAtDomain who = UserAtDomain.parse(account);
        Path file = accounts != null ? accounts : StateDir.resolve(stateDir).resolve("accounts.htdigest");
        String password = PasswordInput.read(null, true);
        HtdigestAccounts.put(file, who.user(), who.domain(), DigestAlgorithm.MD5.ha1(who.user(), who.domain(), password));
        System.out.println("Account " + who + " saved in " + file.toAbsolutePath());
        return ExitCodes.OK;
    }
}
