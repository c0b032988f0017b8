package org.msrptools.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;

/**
 * Handing paths between the two ends: this side's written to a file
 * atomically; the peer's from --to-path, a file (waiting for it), a line
 * edited on the terminal, or one line of standard input.
 */
final class PathExchange {

    private PathExchange() {
    }

    static void write(Path file, MsrpPath path) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".path-", ".tmp");
            Files.writeString(tmp, path + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot write path file " + file + ": " + e.getMessage());
        }
    }

    /**
     * The peer's path from --to-path, --peer-path-file, the terminal or
     * standard input. This side's own path is refused: pasted by mistake, it
     * would make the transfer talk to itself. At the prompt it is asked again.
     */
    static MsrpPath read(PathExchangeOptions o, MsrpUri own, Duration timeout, PrintStream out, boolean quiet)
            throws InterruptedException {
        if (o.toPath != null || o.peerPathFile != null) {
            MsrpPath path = notOwn(parse(o.toPath != null ? o.toPath : waitFor(o.peerPathFile, timeout)), own);
            if (!quiet) {
                out.println("Destination path: " + path); // the transcript reads as the interactive one
            }
            return path;
        }
        if (System.console() != null) {
            return prompt(own);
        }
        out.print("Destination path: ");
        out.flush();
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new CliException(ExitCodes.USAGE, "no destination path on standard input (or use --to-path / --peer-path-file)");
            }
            out.println(line.strip()); // piped input is not echoed: show what was read
            return notOwn(parse(line), own);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the destination path: " + e.getMessage());
        }
    }

    private static MsrpPath notOwn(MsrpPath path, MsrpUri own) {
        if (path.last().equals(own)) {
            throw new CliException(ExitCodes.USAGE, "that is this side's own path: give the path the other side printed");
        }
        return path;
    }

    private static MsrpPath prompt(MsrpUri own) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            while (true) {
                String line = reader.readLine("Destination path: ");
                try {
                    return notOwn(parse(line), own);
                } catch (CliException e) {
                    terminal.writer().println(e.getMessage());
                    terminal.flush();
                }
            }
        } catch (UserInterruptException | EndOfFileException e) {
            throw new CliException(ExitCodes.USAGE, "no destination path given");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot open the terminal: " + e.getMessage());
        }
    }

    private static String waitFor(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.isRegularFile(file)) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (text.endsWith("\n")) {
                        return text.strip();
                    }
                }
            } catch (IOException e) {
                // not there yet, or being replaced: look again
            }
            Thread.sleep(50);
        }
        throw new CliException(ExitCodes.TIMEOUT, "the peer's path did not appear in " + file + " within "
                + timeout.toSeconds() + " s");
    }

    /** A destination path: msrp(s) URIs, the last with a session id. */
    static MsrpPath parse(String text) {
        try {
            MsrpPath path = MsrpPath.parse(text);
            if (path.last().sessionId() == null) {
                throw new CliException(ExitCodes.USAGE, "bad destination path: its last URI has no session id");
            }
            return path;
        } catch (MsrpSyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: " + e.getMessage());
        }
    }
}
