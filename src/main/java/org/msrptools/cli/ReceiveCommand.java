package org.msrptools.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.msrptools.VersionProvider;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.Progress;
import org.msrptools.protocol.MsrpPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrp-receive USER@DOMAIN [RELAY_HOST] [RELAY_PORT]}. */
@Command(name = "msrp-receive", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Receives one file through an MSRP relay: signs in, prints this side's path "
                + "(\"Path to send in SDP:\"), reads the sender's path (\"Destination path:\"), "
                + "then stores the file in the output directory and closes.",
                "The file appears under its (cleaned) name only when it is complete; an existing file is "
                        + "never overwritten."},
        footer = {"", ExitCodes.HELP})
public final class ReceiveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER@DOMAIN", description = ClientOptions.ACCOUNT)
    String account;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RELAY_HOST", description = ClientOptions.RELAY_HOST)
    String relayHost;

    @Parameters(index = "2", arity = "0..1", paramLabel = "RELAY_PORT", description = ClientOptions.RELAY_PORT)
    String relayPort;

    @Mixin
    ClientOptions client;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where to store the file (default: the current directory).")
    Path outputDir;

    @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "" + Long.MAX_VALUE,
            description = "Refuse (413) files larger than this (default: no limit but the free disk space).")
    long maxSize;

    @Override
    public Integer call() throws InterruptedException {
        client.target(account, relayHost, relayPort);
        ClientRun run = new ClientRun(client, System.out);
        try {
            Authentication.Session session = run.signIn();
            try (var connection = session.connection()) {
                MsrpPath peer = run.peerPath();
                Progress progress = new Progress("received", System.out, System.console() != null, client.quiet);
                long started = System.nanoTime();
                FileReceiver.Result result = new FileReceiver(session, peer, outputDir, maxSize, progress,
                        run.console()).receive(run.timeout);
                System.out.println("File transfer completed successfully.");
                System.out.println(ClientRun.rate("Received", result.bytes(), started));
                System.out.println("Saved as: " + result.file());
                System.out.println("SHA-256: " + result.sha256());
            }
            run.console().accept("Connection was closed cleanly.");
            return ExitCodes.OK;
        } catch (ClientException e) {
            return ClientRun.exit("msrp-receive", e, client.verbose);
        }
    }
}
