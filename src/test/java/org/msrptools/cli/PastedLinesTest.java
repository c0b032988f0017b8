package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpPath;

/** A path pasted from a narrow terminal, cut into lines; and lines that are not one paste, never joined. */
class PastedLinesTest {

    private static final String RELAY = "msrps://relay.example.com:2855/9d7qX3a9rj0tCXatrXd9zDEy;tcp";
    private static final String PEER = "msrps://10.0.0.7:12345/0EmYITO0pNSMGpUK;tcp";
    private static final MsrpPath PATH = MsrpPath.parse(RELAY + " " + PEER);
    /** The next line of a paste: there at once. */
    private static final boolean AT_ONCE = true;
    /** A line typed or pasted after the user read the error. */
    private static final boolean LATER = false;

    private static void refused(PastedLines lines, String line, boolean samePaste) {
        assertThatThrownBy(() -> lines.take(line, samePaste)).as("%s", line).isInstanceOf(CliException.class);
    }

    @Test
    void aPathCutIntoTwoLinesAnywhereIsTakenWhole() {
        String whole = RELAY + " " + PEER;
        for (int cut : new int[] {RELAY.length(), RELAY.length() + 1, 20, RELAY.length() + 12, whole.length() - 4,
                whole.length() - 2, whole.length() - 1, RELAY.length() - 1}) {
            PastedLines lines = new PastedLines();
            refused(lines, whole.substring(0, cut), LATER);
            assertThat(lines.take(whole.substring(cut), AT_ONCE)).as("cut at %d", cut).isEqualTo(PATH);
            assertThat(lines.joined()).isTrue();
        }
    }

    @Test
    void threeLinesQuotesAndTheHeaderLineCopiedWithIt() {
        PastedLines lines = new PastedLines();
        refused(lines, RELAY, LATER);
        refused(lines, " " + PEER.substring(0, 20), AT_ONCE);
        assertThat(lines.take(PEER.substring(20), AT_ONCE)).isEqualTo(PATH);

        refused(lines, "\"" + RELAY, LATER);
        assertThat(lines.take(PEER + "\"", AT_ONCE)).as("quoted").isEqualTo(PATH);

        refused(lines, "> " + RELAY, LATER);
        assertThat(lines.take("> " + PEER, AT_ONCE)).as("quoted as in a mail").isEqualTo(PATH);
        refused(lines, ">>" + RELAY, LATER);
        assertThat(lines.take("> >" + PEER, AT_ONCE)).as("quoted twice").isEqualTo(PATH);

        refused(lines, "Path to send in SDP:", LATER);
        refused(lines, RELAY, AT_ONCE);
        assertThat(lines.take(PEER, AT_ONCE)).as("with the line above it").isEqualTo(PATH);
    }

    /** What the trial met: a line refused earlier made a wrong path with the first line of the next paste. */
    @Test
    void aLineRefusedBeforeIsNeverJoinedWithALaterOne() {
        PastedLines lines = new PastedLines();
        refused(lines, RELAY, LATER); // half of it, as the hint then says
        refused(lines, RELAY, LATER); // the whole path pasted again, cut in two: not "RELAY RELAY"
        assertThat(lines.take(PEER, AT_ONCE)).isEqualTo(PATH);

        refused(lines, PEER, LATER); // the peer's own URI alone
        refused(lines, RELAY, LATER); // then the whole path in two lines: not "PEER RELAY"
        assertThat(lines.take(PEER, AT_ONCE)).isEqualTo(PATH);

        refused(lines, RELAY, LATER);
        refused(lines, PEER, LATER); // the second half typed after reading the error: not joined
    }

    /** Cut at its first space, a path through two relays leaves a second line that is a path by itself. */
    @Test
    void aPathThroughTwoRelaysCutAtItsFirstSpaceKeepsItsFirstRelay() {
        String first = "msrps://relay.example.net:2855/x7Tq0aFf3k2LmN8p;tcp";
        PastedLines lines = new PastedLines();
        refused(lines, first, LATER);
        assertThat(lines.take(RELAY + " " + PEER, AT_ONCE)).isEqualTo(MsrpPath.parse(first + " " + RELAY + " " + PEER));
        assertThat(lines.joined()).isTrue();

        refused(lines, first, LATER);
        assertThat(lines.take(RELAY + " " + PEER, LATER)).as("typed after the error: alone").isEqualTo(PATH);
        assertThat(lines.joined()).isFalse();
    }

    @Test
    void aUriTwiceIsNeverAJoinedPath() {
        PastedLines lines = new PastedLines();
        refused(lines, RELAY, LATER);
        refused(lines, RELAY, AT_ONCE); // half of it, then at once the whole path in two lines
        assertThat(lines.take(PEER, AT_ONCE)).isEqualTo(PATH);
    }

    @Test
    void aWholePathIsTakenAloneAndTwoWrongLinesStayWrong() {
        PastedLines lines = new PastedLines();
        refused(lines, RELAY, LATER);
        assertThat(lines.take(RELAY + " " + PEER, AT_ONCE)).as("the whole line after half of it").isEqualTo(PATH);
        assertThat(lines.joined()).isFalse();
        refused(lines, "bogus", LATER);
        assertThatThrownBy(() -> lines.take("nonsense", AT_ONCE)).hasMessageStartingWith("bad destination path");
    }
}
