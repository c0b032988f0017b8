package org.msrptools.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.msrptools.VersionProvider;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.Progress;
import org.msrptools.client.StaleParts;
import org.msrptools.protocol.MsrpPath;
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
        footer = {"", ExitCodes.RECEIVE_HELP})
public final class ReceiveCommand extends ClientCommand {

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where to store the file (default: the current directory).")
    Path outputDir;

    @Option(names = "--max-size", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = "" + Long.MAX_VALUE,
            description = "Refuse (413) files larger than this (default: no limit but the free disk space).")
    long maxSize;

    @Override
    public Integer call() throws InterruptedException {
        ClientRun run = new ClientRun(this, "msrp-receive");
        try {
            OutputDirectory.check(outputDir); // after the run's start: its path file says so
            StaleParts.Removed stale = StaleParts.remove(outputDir, Instant.now());
            if (stale.files() > 0) {
                run.screen.say(StaleParts.describe(stale, outputDir));
            }
            Authentication.Session session = run.signIn();
            try (var connection = session.connection()) {
                Progress progress = new Progress("received", run.screen, output.quiet);
                FileReceiver receiver = new FileReceiver(session, null, outputDir, maxSize, progress, run.screen::say);
                Runtime.getRuntime().addShutdownHook(new Thread(receiver::discardNow, "msrp-receive-cleanup"));
                run.interruption.handOver(() -> receiver.stop(
                        new ClientException(ClientException.Kind.INTERRUPTED, "interrupted")));
                receiver.start(); // chunks are answered while the sender's path is awaited
                boolean asksAgain = PathExchange.prompts(paths);
                MsrpPath path = peerPath(run, session, receiver, receiver.outcome());
                CompletableFuture<String> stranger = asksAgain ? receiver.peerAskingAgain(path) : null;
                if (!asksAgain) {
                    receiver.peer(path);
                }
                FileReceiver.Result result;
                // At a prompt, a stranger refused while nothing came from the path given: that path may be the wrong
                // one (an earlier run's sender's, a typo), so it is asked for again, as msrp-send asks for the
                // receiver's, on the same session: this side's path, which the sender may have already, holds.
                // The prompt ends, and the path given stands, once a file from it is under way: from then on the
                // transfer's own limits apply, not the prompt's --peer-timeout.
                while ((result = receiver.await(run.timeout, run.peerTimeout, stranger)) == null) {
                    run.screen.line(stranger.join() + ". Give the sender's path again, the same if it was right "
                            + "(Ctrl-C stops).");
                    path = peerPath(run, session, receiver, receiver.fileFromPeerOrEnd());
                    if (path == null) {
                        run.screen.say("The file is coming from the path given before; no other path is needed.");
                    }
                    stranger = path == null ? null : receiver.peerAskingAgain(path);
                }
                run.screen.line("File transfer completed successfully.");
                run.screen.line(Progress.original("Received", result.bytes(), progress.elapsedNanos()));
                run.screen.line("Saved as: " + result.file());
                run.screen.line("SHA-256: " + result.sha256());
            }
            run.screen.say("Connection was closed cleanly.");
            return ExitCodes.OK;
        } catch (ClientException e) {
            return run.exit(e);
        } finally {
            run.close();
        }
    }

    /**
     * The sender's path as the user gives it, or null when {@code endsWait}
     * completes well first (a file from the path given before is coming);
     * no path stops the receiver, which tells the sender and removes what
     * came.
     */
    private static MsrpPath peerPath(ClientRun run, Authentication.Session session, FileReceiver receiver,
                                     Future<?> endsWait) throws ClientException, InterruptedException {
        try {
            return run.peerPath(session, endsWait);
        } catch (RuntimeException e) {
            receiver.stop(new ClientException(ClientException.Kind.TRANSFER, e.getMessage()));
            throw e;
        } catch (ClientException e) {
            receiver.stop(e); // the sender is told, and what came goes
            throw said(receiver, e);
        }
    }

    /**
     * How the receiver ended for {@code e}: a Ctrl-C at the prompt reaches it
     * first, and it says how far a file under way had come and that the
     * sender was told, which {@code e} cannot know.
     */
    private static ClientException said(FileReceiver receiver, ClientException e) throws InterruptedException {
        try {
            receiver.outcome().get(1, TimeUnit.SECONDS);
        } catch (ExecutionException ended) {
            if (ended.getCause() instanceof ClientException c && c.kind() == e.kind()) {
                return c;
            }
        } catch (TimeoutException notYet) {
            // its thread is busy: what e says is true enough
        }
        return e;
    }
}
