package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.msrptools.VersionProvider;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.DefaultChunkSize;
import org.msrptools.client.FileSender;
import org.msrptools.client.Progress;
import org.msrptools.client.WaitingForPeer;
import org.msrptools.protocol.MsrpPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrp-send FILE USER@DOMAIN [RELAY_HOST] [RELAY_PORT]}. */
@Command(name = "msrp-send", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Sends a file through an MSRP relay: signs in, prints this side's path "
                + "(\"Path to send in SDP:\"), reads the receiver's path (\"Destination path:\"), "
                + "then streams the file and waits for the receiver's confirmation.",
                "Exit 0 means the receiver confirmed every byte."},
        footer = {"", ExitCodes.HELP})
public final class SendCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to send.")
    Path file;

    /**
     * A chunk is read into one buffer: larger ones would make the memory
     * follow the option (found by review: 2G overflowed the buffer's size,
     * and the send waited out --timeout).
     */
    static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

    @Option(names = "--chunk-size", paramLabel = "BYTES", converter = ByteSize.Int.class,
            description = "Bytes per SEND chunk. Default " + DefaultChunkSize.STANDARD + " (small enough for every "
                    + "relay met so far), or more when the receiver signed in at the same relay and it says it takes "
                    + "more (msrp-relay: 65536). At most 16M.")
    Integer chunkSize; // null when not given: then the relay and the receiver's path decide

    @Option(names = "--failure-report", paramLabel = "WHAT", defaultValue = "partial",
            description = "The chunks' Failure-Report: partial (the default) asks for failures only, so no hop "
                    + "answers a chunk that went well; yes has every chunk answered (RFC 4975).")
    String failureReport;

    /** Chunks sent ahead of their answers when every chunk is answered. */
    static final int DEFAULT_WINDOW = 32;

    @Option(names = "--window", paramLabel = "CHUNKS",
            description = "With --failure-report yes: chunks sent ahead of their answers (default " + DEFAULT_WINDOW
                    + "); without it, a usage error.")
    Integer window; // null when not given: it means nothing without --failure-report yes

    @Option(names = "--accept-unconfirmed",
            description = "Exit 0 even when the receiver never confirms delivery (receivers that send no REPORT, "
                    + "like the original msrp_receive_file.py); without it such a transfer exits 9.")
    boolean acceptUnconfirmed;

    @Option(names = "--report-wait", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "10",
            description = "With --accept-unconfirmed: how long after the last chunk to wait for a REPORT from a "
                    + "receiver that has confirmed nothing (default ${DEFAULT-VALUE}).")
    long reportWait;

    @Override
    public Integer call() throws InterruptedException {
        boolean everyChunkAnswered = everyChunkAnswered();
        if (chunkSize != null && chunkSize < 1) {
            throw new CliException(ExitCodes.USAGE, "--chunk-size must be at least 1, not " + chunkSize);
        }
        if (chunkSize != null && chunkSize > MAX_CHUNK_SIZE) { // each chunk is one buffer: memory stays bounded
            throw new CliException(ExitCodes.USAGE, "--chunk-size must be at most " + MAX_CHUNK_SIZE + " (16M), not "
                    + chunkSize);
        }
        if (window != null && !everyChunkAnswered) {
            throw new CliException(ExitCodes.USAGE, "--window applies only with --failure-report yes (with partial, "
                    + "the default, no chunk waits for an answer)");
        }
        if (window != null && window < 1) {
            throw new CliException(ExitCodes.USAGE, "--window must be at least 1, not " + window);
        }
        if (reportWait < 0) {
            throw new CliException(ExitCodes.USAGE, "--report-wait must not be negative");
        }
        ClientRun run = new ClientRun(this, "msrp-send");
        try {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) { // after the run's start: its path file says so
                throw new CliException(ExitCodes.LOCAL_FILE, "cannot read " + file + ": " + (!Files.exists(file)
                        ? file.toString().indexOf('\uFFFD') >= 0 ? "its name has bytes that are not valid "
                        + System.getProperty("sun.jnu.encoding") + ", which Java cannot give to the system as they are "
                        + "(rename the file)" : "no such file or directory"
                        : Files.isDirectory(file) ? "it is a directory (send one file)"
                        : !Files.isRegularFile(file) ? "not a regular file" : "permission denied"));
            }
            Authentication.Session session = run.signIn();
            try (var connection = session.connection()) {
                MsrpPath destination = run.peerPath(session, WaitingForPeer.start(session).ended());
                while (true) {
                    Progress progress = new Progress("sent", run.screen, output.quiet);
                    FileSender sender = sender(run, session, destination, progress, everyChunkAnswered);
                    try {
                        FileSender.Result result = sender.send(run.timeout, run.peerTimeout);
                        run.screen.line("File transfer completed." + (result.confirmed() ? ""
                                : " (The receiver sent no delivery report.)"));
                        run.screen.line(Progress.original("Sent", result.bytes(), progress.elapsedNanos()));
                        if (result.confirmed()) {
                            run.screen.line(result.bytes() + " bytes confirmed by the receiver.");
                        }
                        run.screen.line("SHA-256: " + result.sha256());
                        break;
                    } catch (ClientException e) {
                        // A stale or mistyped path, or a receiver given another sender's, which took none of the file:
                        // asked again on the same session, so this side's path, which the receiver may have been
                        // given already, holds.
                        if (!sender.refusedWhole(e) || !PathExchange.prompts(paths)) {
                            throw withChunkSizeHint(e, sender);
                        }
                        run.interruption.handOver(null);
                        String why = e.getMessage();
                        run.screen.line(Character.toUpperCase(why.charAt(0)) + why.substring(1)
                                + (why.endsWith("?") ? "" : ".") + " Give the receiver's path again (Ctrl-C stops).");
                        destination = run.peerPath(session, WaitingForPeer.start(session).ended());
                    }
                }
            }
            run.screen.say("Connection was closed cleanly.");
            return ExitCodes.OK;
        } catch (ClientException e) {
            return run.exit(e);
        } finally {
            run.close();
        }
    }

    /** A sender for the file to {@code destination}, which a signal from now on stops. */
    private FileSender sender(ClientRun run, Authentication.Session session, MsrpPath destination, Progress progress,
                              boolean everyChunkAnswered) throws ClientException {
        String name = file.getFileName().toString();
        run.screen.say("Starting transmission of \"" + name + "\"");
        FileSender sender = new FileSender(session, destination, file, name, contentType(),
                chunkSize != null ? chunkSize : DefaultChunkSize.forPath(session, destination),
                everyChunkAnswered, window == null ? DEFAULT_WINDOW : window,
                Duration.ofSeconds(reportWait), progress).acceptingUnconfirmed(acceptUnconfirmed);
        run.interruption.handOver(() -> sender.abort(
                new ClientException(ClientException.Kind.INTERRUPTED, "interrupted")));
        return sender;
    }

    /**
     * A large --chunk-size that ended the send at its first chunk may be
     * what a relay refused: Kamailio closes the connection, others answer
     * 413 or 501 (found by a new user, who was told nothing of it).
     */
    private ClientException withChunkSizeHint(ClientException e, FileSender sender) {
        boolean suspect = chunkSize != null && sender.endedWithinALargeFirstChunk()
                && (e.kind() == ClientException.Kind.CONNECTION || e.kind() == ClientException.Kind.TRANSFER);
        return !suspect ? e : new ClientException(e.kind(), e.getMessage() + " (chunks of " + chunkSize
                + " bytes may be more than a relay on the way takes: try without --chunk-size, or --chunk-size 10k)",
                e.getCause());
    }

    /** RFC 4975 header values are case-insensitive tokens, so is this option. */
    private boolean everyChunkAnswered() {
        if (failureReport.equalsIgnoreCase("yes")) {
            return true;
        }
        if (failureReport.equalsIgnoreCase("partial")) {
            return false;
        }
        throw new CliException(ExitCodes.USAGE, "--failure-report: partial or yes, not '" + failureReport + "'");
    }

    private String contentType() {
        try {
            String probed = Files.probeContentType(file);
            return probed != null ? probed : "application/octet-stream";
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }
}
