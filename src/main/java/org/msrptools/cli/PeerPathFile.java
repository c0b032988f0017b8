package org.msrptools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The peer's --peer-path-file, waited for until it holds a whole line and
 * is of this run: written since this side started, or still held by the
 * client that wrote it ({@link OwnPathFile}), which may have started first.
 * Anything else is a leftover of an earlier run, whose path leads nowhere:
 * it is passed over, once said so, until the peer writes a new one. A
 * peer that ended before it had a path says so in it ({@link OwnPathFile#ENDED}).
 */
final class PeerPathFile {

    /**
     * Written this long before this side started still counts, on a file
     * system whose times are whole seconds: they are coarser than the clock.
     */
    static final Duration SLACK = Duration.ofSeconds(1);
    /**
     * The same where file times have a fraction of a second: the kernel's
     * clock for them runs a tick behind. A leftover that a script restored
     * or wrote just before starting this side is then passed over too.
     */
    static final Duration FINE_SLACK = Duration.ofMillis(50);

    private PeerPathFile() {
    }

    /**
     * The file's text once it is of this run; waits (50 ms between looks)
     * until the thread is interrupted. A file the peer's client holds with
     * no path yet (it takes the name at its start) that then goes means the
     * peer ended before it had a path (a wrong password, say): that ends the
     * wait at once, where it lasted until --peer-timeout (found by a new
     * user: a CI job with a wrong receiver password waited for it).
     */
    static String await(Path file, Instant runStart, Consumer<String> say) throws InterruptedException {
        boolean told = false;
        boolean peerRuns = false;
        while (true) {
            try {
                String text = current(file, runStart);
                if (OwnPathFile.ENDED.equals(text)) {
                    throw peerEnded(file);
                }
                if (text != null) {
                    return text;
                }
                if (OwnPathFile.held(file)) {
                    peerRuns = true;
                } else if (!told) {
                    told = true;
                    say.accept("Ignoring " + file + ": written before this side started and not held by a running "
                            + "client (left over from an earlier run? a copy?); waiting for the peer to write it "
                            + "again (a copy counts when made after this side started; or give the path with "
                            + "--to-path)");
                }
            } catch (NoSuchFileException gone) {
                if (peerRuns) {
                    throw peerEnded(file);
                }
            } catch (IOException e) {
                // being replaced: look again
            }
            Thread.sleep(50);
        }
    }

    private static CliException peerEnded(Path file) {
        return new CliException(ExitCodes.TRANSFER, "the peer ended before it wrote its path to " + file
                + " (its own output says why)");
    }

    /**
     * Why the file at {@code file}, if any, is not taken: said when no path
     * came in time, for with --quiet the line that said so was not shown.
     */
    static String passedOver(Path file, Instant runStart) {
        try {
            if (!Files.isRegularFile(file) || current(file, runStart) != null || OwnPathFile.held(file)) {
                return "";
            }
            // Found by a new user: a peer that failed just before this side started looked like a mere leftover.
            return OwnPathFile.ENDED.equals(Files.readString(file, StandardCharsets.UTF_8))
                    ? " (the file there says its client ended before it had a path, before this side started: an "
                    + "earlier run's, or the peer failed before this side was launched; its own output says why)"
                    : " (the file there is from before this side started and held by no running client: a leftover "
                    + "of an earlier run, or a copy made too early or that kept its time)";
        } catch (IOException e) {
            return "";
        }
    }

    /** The text of {@code file} if it is complete and of this run, else null. */
    static String current(Path file, Instant runStart) throws IOException {
        BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (!text.endsWith("\n") || !Objects.equals(before.fileKey(), after.fileKey())) {
            return null; // still being written, or replaced while read
        }
        Instant written = after.lastModifiedTime().toInstant();
        boolean recent = !written.isBefore(runStart.minus(written.getNano() == 0 ? SLACK : FINE_SLACK));
        return recent || OwnPathFile.held(file) ? text : null;
    }
}
