package org.msrptools.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.msrptools.protocol.MsrpPath;

/**
 * Lines given at the "Destination path:" prompt, joined while they come as
 * one paste: a path copied from a narrow terminal can come cut into lines,
 * at the space between its URIs or inside one. Lines of one paste are all
 * there at once, so the next is read within moments of the prompt; a line
 * typed or pasted later starts afresh, and is never joined with one refused
 * before it (a half path, this side's own path, a path of the peer's last
 * run), which could make a wrong path that parses.
 */
final class PastedLines {

    /** A line whose first character comes sooner than this after a line refused came with it. */
    static final Duration SAME_PASTE = Duration.ofMillis(200);
    /** A path these tools print is two URIs: in more than four pieces it is not one paste of it. */
    private static final int MOST_LINES = 4;

    private final List<String> paste = new ArrayList<>();
    /** The last path taken was joined from lines: the screen shows only the lines, so it is said. */
    private boolean joined;

    /**
     * The path in {@code line}: alone, or with the lines of the same paste
     * before it ({@code samePaste}: it was there at once after the line
     * refused before it); else this line's own error.
     */
    MsrpPath take(String line, boolean samePaste) {
        if (!samePaste || paste.size() >= MOST_LINES) {
            paste.clear();
        }
        paste.add(unquoted(line.strip()));
        // Joined first: a path of three URIs cut at its first space leaves a second line that is a path alone,
        // without the first relay.
        MsrpPath path = paste.size() > 1 ? fromLines() : null;
        joined = path != null;
        if (path == null) {
            path = PathExchange.parse(line); // refused: the line stays, for the next line of this paste
        }
        paste.clear();
        return path;
    }

    /**
     * The line without the '>' marks a mail or chat quote puts before each
     * line (found by a new user: "> URI" then "> URI" was refused, the same
     * on one line taken); no URI starts with one.
     */
    private static String unquoted(String line) {
        int from = 0;
        while (from < line.length() && (line.charAt(from) == '>' || Character.isWhitespace(line.charAt(from)))) {
            from++;
        }
        return line.substring(from);
    }

    /** Whether the last path {@link #take} gave was joined from several lines. */
    boolean joined() {
        return joined;
    }

    /**
     * The lines of this paste as one path: all of them, else from the second
     * on (a line copied with the path, "Path to send in SDP:"), and so on up
     * to the last two (the last alone is the caller's);
     * each cut a space or nothing, spaces first. Null if no way parses.
     */
    private MsrpPath fromLines() {
        for (int first = 0; first < paste.size() - 1; first++) {
            List<String> lines = paste.subList(first, paste.size());
            for (int way = 0; way < 1 << (lines.size() - 1); way++) {
                StringBuilder text = new StringBuilder(lines.get(0));
                for (int i = 1; i < lines.size(); i++) {
                    text.append((way & 1 << (i - 1)) == 0 ? " " : "").append(lines.get(i));
                }
                try {
                    return PathExchange.parse(text.toString()); // a URI twice, two pastes of one, is refused there
                } catch (CliException e) {
                    // not cut so: the next way
                }
            }
        }
        return null;
    }
}
