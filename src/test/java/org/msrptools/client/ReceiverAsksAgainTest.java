package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * A receiver that asks for the sender's path again (msrp-receive at its
 * prompt): when a stranger is refused, once per message, never for an
 * empty SEND, and at most 16 times, which is then said once; the file
 * from the path given still comes.
 */
class ReceiverAsksAgainTest {

    private static final MsrpPath SENDER = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");
    private static final MsrpPath STRANGER = MsrpPath.parse("msrps://127.0.0.1:9/strangerSession;tcp");
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void asksOncePerMessageAtMostSixteenTimesAndNeverForAnEmptySend(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, null, true)) {
            CompletableFuture<String> ask = bare.receiver.peerAskingAgain(SENDER);
            bare.send(BareRelay.chunk("keep1", STRANGER, "keep", "1-0/0", "", ""));
            assertThat(bare.nextHead()).startsWith("MSRP keep1 403");
            assertThat(ask).as("an empty SEND carries no file to ask about").isNotDone();
            for (int i = 1; i <= 16; i++) {
                bare.send(BareRelay.chunk("head" + i, STRANGER, "m" + i, "1-1/2", "", "x"));
                assertThat(bare.nextHead()).startsWith("MSRP head" + i + " 403");
                assertThat(ask).succeedsWithin(WAIT).asString()
                        .isEqualTo("Refused a message from " + STRANGER.last() + ": not the path given");
                ask = bare.receiver.peerAskingAgain(SENDER);
                bare.send(BareRelay.chunk("tail" + i, STRANGER, "m" + i, "2-2/2", "", "y"));
                assertThat(bare.nextHead()).startsWith("MSRP tail" + i + " 403");
                assertThat(ask).as("the rest of a message asked about").isNotDone();
            }
            bare.send(BareRelay.chunk("head17", STRANGER, "m17", "1-1/2", "", "x"));
            assertThat(bare.nextHead()).startsWith("MSRP head17 403");
            assertThat(ask).as("a 17th time").isNotDone();
            assertThat(bare.said).anyMatch(line -> line.endsWith("asked for the path 16 times, not again: still "
                    + "waiting for the file from the path given (Ctrl-C stops)"));
            bare.send(BareRelay.chunk("file1", SENDER, "file", "1-4/4", "", "body"));
            assertThat(bare.receiver.outcome()).succeedsWithin(WAIT);
        }
        assertThat(Files.readString(dir.resolve("f.txt"))).isEqualTo("body");
    }
}
