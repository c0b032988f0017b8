package org.msrptools.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Locale;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;

/**
 * The peer's path: from --to-path, a file (waiting for it), a line edited
 * on the terminal, or one line of standard input; pasted text is forgiven
 * its surrounding white space and line ends. How long it may take is the
 * caller's to bound.
 */
final class PathExchange {

    static final String PROMPT = "Destination path: ";

    private PathExchange() {
    }

    /**
     * The peer's path from --to-path, --peer-path-file, the terminal or
     * standard input. This side's own path is refused: pasted by mistake, it
     * would make the transfer talk to itself. At the prompt a bad path is
     * asked again.
     */
    static MsrpPath read(PathExchangeOptions o, MsrpUri own, Instant runStart, Screen screen)
            throws InterruptedException {
        if (o.toPath != null || o.peerPathFile != null) {
            String text = o.toPath != null ? o.toPath : PeerPathFile.await(o.peerPathFile, runStart, screen::say);
            MsrpPath path = notOwn(parse(text), own);
            screen.say(PROMPT + path); // the transcript reads as the interactive one
            return path;
        }
        if (prompts(o)) {
            return prompt(own, screen);
        }
        screen.ask(PROMPT);
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new CliException(ExitCodes.USAGE, "no destination path on standard input (or use --to-path / --peer-path-file)");
            }
            screen.answered(line.strip()); // piped input is not echoed: show what was read
            return notOwn(parse(line), own);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the destination path: " + e.getMessage());
        }
    }

    /** Whether the path is asked on the terminal (not given by an option, and a person is there to ask). */
    static boolean prompts(PathExchangeOptions o) {
        return o.toPath == null && o.peerPathFile == null && System.console() != null;
    }

    private static MsrpPath notOwn(MsrpPath path, MsrpUri own) {
        if (path.last().equals(own)) {
            throw new CliException(ExitCodes.USAGE, "that is this side's own path: give the path the other side printed");
        }
        return path;
    }

    /** Asks on the terminal until a usable path is given; Ctrl-C there is a Ctrl-C like anywhere else. */
    private static MsrpPath prompt(MsrpUri own, Screen screen) {
        try (Terminal terminal = SystemTerminal.open()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    // A pasted path with its line end is given at once, as typed Enter is, not held for another.
                    .option(LineReader.Option.BRACKETED_PASTE, false).build();
            // Between two reads (the peeks below) JLine leaves SIGINT to the JVM's default, which would end it at
            // once with the terminal raw: a Ctrl-C there is noted and becomes the prompt's own interruption.
            AtomicBoolean ctrlC = new AtomicBoolean();
            terminal.handle(Terminal.Signal.INT, signal -> ctrlC.set(true));
            screen.opened(reader);
            try {
                PastedLines pasted = new PastedLines();
                // Whether the line read next was there at once after one refused: of the same paste. Not the time
                // readLine took, which on a busy machine can pass the mark while JLine echoes a long line (found
                // by a new user: a quoted path in two lines was refused now and then).
                boolean samePaste = false;
                // A refusal not said because more of the paste was there: said if the paste ends without a path.
                String unsaid = null;
                while (true) {
                    String line = reader.readLine(PROMPT);
                    if (line.isBlank()) {
                        // Enter alone: asked again, as a shell does. A paste that ends so (a blank line after it, CRLF
                        // line ends) has its refusal said, and is never joined with a line typed later (found by
                        // review: a later path was glued to a line refused before).
                        if (samePaste && !morePasted(terminal)) {
                            samePaste = false;
                            if (unsaid != null) {
                                reader.printAbove(unsaid);
                                unsaid = null;
                            }
                        }
                        continue;
                    }
                    try {
                        MsrpPath path = notOwn(pasted.take(line, samePaste), own);
                        if (pasted.joined()) {
                            reader.printAbove("Taken as one path: " + path);
                        }
                        List<String> rest = restOfPaste(terminal);
                        interruptedMeanwhile(ctrlC);
                        MsrpPath longer = rest.isEmpty() ? null : longer(path, rest, own);
                        if (longer != null) {
                            path = longer;
                            reader.printAbove("Taken as one path: " + path);
                        } else if (!rest.isEmpty()) {
                            reader.printAbove("Ignored " + (rest.size() == 1 ? "a line" : rest.size() + " lines")
                                    + " pasted after the path");
                        }
                        return path;
                    } catch (CliException e) {
                        boolean more = morePasted(terminal);
                        samePaste = more;
                        unsaid = more ? e.getMessage() : null;
                        interruptedMeanwhile(ctrlC);
                        if (!more) {
                            reader.printAbove(e.getMessage());
                        }
                    }
                }
            } finally {
                screen.closed();
            }
        } catch (UserInterruptException e) {
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (EndOfFileException e) {
            throw new CliException(ExitCodes.USAGE, "no destination path given");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot open the terminal: " + e.getMessage());
        }
    }

    /**
     * Whether more of a paste follows a refused line: its next line is there
     * at once, and is joined with this one, so the refusal of a part would
     * only be noise (an error and a prompt for every cut line).
     */
    private static boolean morePasted(Terminal terminal) {
        return raw(terminal, () -> terminal.reader().peek(PastedLines.SAME_PASTE.toMillis()) >= 0, false);
    }

    /** A read between prompts, from the terminal what JLine reads from. */
    private interface TerminalRead<T> {
        T read() throws IOException;
    }

    /**
     * {@code read} in raw mode, as while a line is edited: a terminal's own
     * line mode holds a read until a line end, past any timeout. On an I/O
     * error, {@code otherwise} (the next prompt says what is wrong).
     */
    private static <T> T raw(Terminal terminal, TerminalRead<T> read, T otherwise) {
        Attributes lineMode = terminal.enterRawMode();
        try {
            return read.read();
        } catch (IOException e) {
            return otherwise;
        } finally {
            terminal.setAttributes(lineMode);
        }
    }

    private static void interruptedMeanwhile(AtomicBoolean ctrlC) {
        if (ctrlC.get()) {
            throw new UserInterruptException("");
        }
    }

    /**
     * Reads what was pasted with the path after its line (the path twice, a
     * line below it, the rest of a longer path): nothing else reads the
     * terminal, and it would go to the shell as a command once the tool
     * exits. Returns its lines that hold more than white space, stripped.
     */
    private static List<String> restOfPaste(Terminal terminal) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        raw(terminal, () -> {
            long until = System.nanoTime() + 5 * PastedLines.SAME_PASTE.toNanos(); // a paste, not a stream, is read
            for (int c; System.nanoTime() < until
                    && (c = terminal.reader().read(PastedLines.SAME_PASTE.toMillis())) >= 0; ) {
                if (c == '\r' || c == '\n') {
                    keep(lines, line);
                } else if (line.length() < 4096) {
                    line.append((char) c);
                }
            }
            return null;
        }, null); // what was read until an I/O error is kept
        keep(lines, line);
        return lines;
    }

    private static void keep(List<String> lines, StringBuilder line) {
        if (!line.toString().isBlank()) {
            lines.add(line.toString().strip());
        }
        line.setLength(0);
    }

    /**
     * The path taken with the rest of its paste, when together they are a
     * longer path (one of three URIs). Joined at a space only: the path
     * taken ends in a whole URI, and a join without one would only make its
     * transport another token.
     */
    private static MsrpPath longer(MsrpPath path, List<String> rest, MsrpUri own) {
        try {
            MsrpPath whole = notOwn(parse(path + " " + String.join(" ", rest)), own);
            return whole.size() > path.size() ? whole : null;
        } catch (CliException e) {
            return null;
        }
    }

    /** Without one pair of matching quotes around it: a path copied from a shell line keeps them. */
    /** What the other side prints before its path: copied on the same line with it, it is passed over. */
    static final String PATH_LABEL = "Path to send in SDP:";
    /** What every refusal of a path asks for instead. */
    private static final String WHOLE_LINE = "line the other side printed after \"" + PATH_LABEL + "\"";
    /**
     * What a path picks up around it on its way through chat programs, mail
     * and documents: quotes (straight and typographic, in pairs or one left
     * over), backticks (Markdown, once or three times), angle brackets, a
     * mail's quoting "> ". No path starts or ends with any of them.
     */
    private static final String AROUND = "\"'\u201C\u201D\u2018\u2019\u201E\u00AB\u00BB\u2039\u203A`<>";

    /** The path without the label or what came around it (found by new users pasting from chats). */
    private static String unwrapped(String text) {
        String t = around(text); // first: a quote mark may come before the label too (found by review)
        if (t.regionMatches(true, 0, PATH_LABEL, 0, PATH_LABEL.length())) {
            t = around(t.substring(PATH_LABEL.length()));
        }
        return t;
    }

    /** {@code t} without the quote marks, brackets and white space around it. */
    private static String around(String t) {
        int from = 0;
        int to = t.length();
        while (from < to && (AROUND.indexOf(t.charAt(from)) >= 0 || Character.isWhitespace(t.charAt(from)))) {
            from++;
        }
        while (to > from && (AROUND.indexOf(t.charAt(to - 1)) >= 0 || Character.isWhitespace(t.charAt(to - 1)))) {
            to--;
        }
        return t.substring(from, to);
    }

    /**
     * A destination path as pasted (the label before it, quotes, backticks or angle brackets around it forgiven
     * too): msrp(s) URIs separated by any white
     * space, the last with a session id. One URI alone is the peer's relay
     * or the peer without its relay: never a whole path these tools print.
     */
    static MsrpPath parse(String text) {
        String label = PROMPT.strip();
        if (text.strip().regionMatches(true, 0, label, 0, label.length())) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: that is a \"" + label + "\" line, with "
                    + "what was typed at a prompt; give the " + WHOLE_LINE);
        }
        String[] uris = unwrapped(text).split("\\s+");
        MsrpPath path;
        try {
            path = MsrpPath.parse(String.join(" ", uris));
        } catch (MsrpSyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: " + e.getMessage() + "; give the whole "
                    + WHOLE_LINE);
        }
        for (MsrpUri uri : path.uris()) {
            // RFC 4975 allows any token as a transport, but ";t" and ";tc" are ";tcp" cut at a line end: refused, a
            // path pasted in lines is then joined with the line that holds the rest.
            if (uri.transport().length() < 3 && "tcp".startsWith(uri.transport().toLowerCase(Locale.ROOT))) {
                throw new CliException(ExitCodes.USAGE, "bad destination path: " + uri + " ends in ';"
                        + uri.transport() + "', ';tcp' cut short; give the whole " + WHOLE_LINE);
            }
        }
        if (new HashSet<>(path.uris()).size() < path.size()) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: it names a URI twice (pasted twice?); "
                    + "give the line the other side printed once");
        }
        if (path.last().sessionId() == null) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: its last URI has no session id");
        }
        if (path.size() < 2) {
            throw new CliException(ExitCodes.USAGE, "bad destination path: one URI only; give the whole "
                    + WHOLE_LINE + " (its relay's URI, then its own)");
        }
        return path;
    }
}
