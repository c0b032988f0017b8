package org.msrptools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.msrptools.VersionProvider;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.Progress;
import org.msrptools.client.StaleParts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code msrp-receive USER@DOMAIN [RELAY_HOST] [RELAY_PORT]}. */
@Command(name = "msrp-receive", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Receives one file through an MSRP relay: signs in, prints this side's path "
                + "(\"Path to send in SDP:\"), reads the sender's path (\"Destination path:\"), "
                + "then stores the file in the output directory and closes.",
                "The sender may start before its path is given here: what it sends waits in a hidden "
                        + "temporary file and is checked against the path once given (refused if from anyone else).",
                "The file appears under its (cleaned) name only when it is complete; an existing file is "
                        + "never overwritten. Temporary files are removed on every exit, and ones that killed "
                        + "receivers left behind are removed once a day old."},
        footer = {"", ExitCodes.HELP})
public final class ReceiveCommand extends ClientCommand {

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where to store the file (default: the current directory).")
    Path outputDir;

    @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "" + Long.MAX_VALUE,
            description = "Refuse (413) files larger than this (default: no limit but the free disk space).")
    long maxSize;

    @Override
    public Integer call() throws InterruptedException {
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new CliException(ExitCodes.LOCAL_FILE, "--output-dir " + outputDir + " is not a directory");
        }
        if (maxSize < 0) {
            throw new CliException(ExitCodes.USAGE, "--max-size must not be negative");
        }
        ClientRun run = new ClientRun(this, "msrp-receive");
        StaleParts.Removed stale = StaleParts.remove(outputDir, Instant.now());
        if (stale.files() > 0) {
            run.console().accept(StaleParts.describe(stale, outputDir));
        }
        try {
            Authentication.Session session = run.signIn();
            try (var connection = session.connection()) {
                Progress progress = new Progress("received", System.out, System.console() != null, output.quiet);
                FileReceiver receiver = new FileReceiver(session, null, outputDir, maxSize, progress, run.console());
                Runtime.getRuntime().addShutdownHook(new Thread(receiver::discardNow, "msrp-receive-cleanup"));
                run.interruption.handOver(() -> receiver.stop(
                        new ClientException(ClientException.Kind.INTERRUPTED, "interrupted")));
                receiver.start(); // chunks are answered while the sender's path is awaited
                try {
                    receiver.peer(run.peerPath(session, receiver.outcome()));
                } catch (RuntimeException e) {
                    receiver.stop(new ClientException(ClientException.Kind.TRANSFER, e.getMessage()));
                    throw e;
                }
                FileReceiver.Result result = receiver.await(run.timeout);
                System.out.println("File transfer completed successfully.");
                System.out.println(ClientRun.originalRate("Received", result.bytes(), result.nanos()));
                System.out.println(Progress.summary(result.bytes(), result.nanos()));
                System.out.println("Saved as: " + result.file());
                System.out.println("SHA-256: " + result.sha256());
            }
            run.console().accept("Connection was closed cleanly.");
            return ExitCodes.OK;
        } catch (ClientException e) {
            return run.exit(e);
        }
    }
}
