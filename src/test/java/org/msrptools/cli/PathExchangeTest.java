package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpPath;

/** A destination path as people paste it. */
class PathExchangeTest {

    private static final String RELAY = "msrps://relay.example.com:2855/9d7qX3a9rj0tCXatrXd9zDEy;tcp";
    private static final String PEER = "msrps://10.0.0.7:12345/0EmYITO0pNSMGpUK;tcp";

    @Test
    void surroundingWhiteSpaceLineEndsRunsOfSpacesAndQuotesAreForgiven() {
        MsrpPath expected = MsrpPath.parse(RELAY + " " + PEER);
        for (String pasted : new String[] {RELAY + " " + PEER + "\n", RELAY + " " + PEER + "\r\n",
                "  \t" + RELAY + " " + PEER + " \t ", RELAY + "    " + PEER, RELAY + "\t" + PEER,
                "\r" + RELAY + " \r\n " + PEER + "\r", "\"" + RELAY + " " + PEER + "\"",
                " '" + RELAY + " " + PEER + " '\n"}) {
            assertThat(PathExchange.parse(pasted)).as("%s", pasted).isEqualTo(expected);
        }
    }

    /** What chat programs, Markdown and mail put around a path, and the label copied on the same line. */
    @Test
    void wrappersFromChatsAndTheLabelBeforeThePathAreForgiven() {
        MsrpPath expected = MsrpPath.parse(RELAY + " " + PEER);
        String path = RELAY + " " + PEER;
        for (String pasted : new String[] {"\u201C" + path + "\u201D", "\u2018" + path + "\u2019", "`" + path + "`",
                "```" + path + "```", "<" + path + ">", "\u00AB " + path + " \u00BB", "\"<" + path + ">\"",
                "Path to send in SDP: " + path, "Path to send in SDP: `" + path + "`", "\u201C" + path, "> " + path,
                "\u2039" + path + "\u203A", "> Path to send in SDP: " + path, "\u201CPath to send in SDP: " + path + "\u201D"}) {
            assertThat(PathExchange.parse(pasted)).as("%s", pasted).isEqualTo(expected);
        }
    }

    @Test
    void oneUriAloneIsRefusedWithAHintToPasteTheWholeLine() {
        for (String half : new String[] {RELAY, PEER, " " + PEER + "\n"}) {
            assertThatThrownBy(() -> PathExchange.parse(half)).isInstanceOf(CliException.class)
                    .hasMessageContaining("one URI only")
                    .hasMessageContaining("whole line the other side printed after \"Path to send in SDP:\"")
                    .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
        }
    }

    @Test
    void aPathPastedTwiceOnOneLineIsRefused() {
        assertThatThrownBy(() -> PathExchange.parse(RELAY + " " + PEER + " " + RELAY + " " + PEER))
                .isInstanceOf(CliException.class).hasMessageContaining("names a URI twice (pasted twice?)");
    }

    /**
     * A line copied from the other terminal's prompt holds what was typed
     * there (this side's own path, most likely), not the other side's.
     */
    @Test
    void aPromptLineCopiedWithItsPathIsRefusedSayingWhatItIs() {
        for (String line : new String[] {"Destination path: " + RELAY + " " + PEER, "destination path:" + PEER}) {
            assertThatThrownBy(() -> PathExchange.parse(line)).isInstanceOf(CliException.class)
                    .hasMessage("bad destination path: that is a \"Destination path:\" line, with what was typed "
                            + "at a prompt; give the line the other side printed after \"Path to send in SDP:\"");
        }
    }

    /** ';t' and ';tc' are transport tokens to RFC 4975, but at a line's end they are ';tcp' cut short. */
    @Test
    void aTransportCutShortIsRefused() {
        for (String cut : new String[] {";t", ";tc", ";T"}) {
            assertThatThrownBy(() -> PathExchange.parse(RELAY + " " + PEER.replace(";tcp", cut)))
                    .isInstanceOf(CliException.class).hasMessageContaining("';tcp' cut short");
        }
        assertThat(PathExchange.parse(RELAY + " " + PEER.replace(";tcp", ";TCP")).last().transport()).isEqualTo("TCP");
    }

    @Test
    void whatIsNotAPathIsStillABadPath() {
        assertThatThrownBy(() -> PathExchange.parse("   ")).isInstanceOf(CliException.class)
                .hasMessageStartingWith("bad destination path");
        assertThatThrownBy(() -> PathExchange.parse(RELAY + " msrps://10.0.0.7:12345;tcp"))
                .hasMessage("bad destination path: its last URI has no session id");
    }
}
