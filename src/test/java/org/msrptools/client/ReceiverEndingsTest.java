package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/** How msrp-receive ends when what comes last is not the file: found by review. */
class ReceiverEndingsTest {

    private static final MsrpPath SENDER = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");

    /**
     * A bad frame right after the last chunk, while the file is being
     * stored: either the file is published and the run a success, or the
     * file is not there and the sender not told it arrived. (The bad frame
     * could fail the run after the file was published and the sender sent a
     * 200 REPORT: 4 runs in 8.)
     */
    @Test
    void aBadFrameWhileTheFileIsStoredNeverFailsAFilePublished(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 6; round++) {
            Path out = Files.createDirectories(dir.resolve("round" + round));
            try (BareRelay bare = new BareRelay(out, SENDER, true)) {
                StringBuilder wire = new StringBuilder(BareRelay.chunk("last", SENDER, "file", "1-3/3",
                        "Success-Report: yes\r\n", "abc"));
                for (int i = 0; i < 1000 + 1000 * round; i++) { // bodiless SENDs: the store thread runs meanwhile
                    wire.append("MSRP keep").append(i).append(" SEND\r\nTo-Path: ").append(BareRelay.OWN)
                            .append("\r\nFrom-Path: ").append(SENDER).append("\r\nMessage-ID: k").append(i)
                            .append("\r\nFailure-Report: no\r\nByte-Range: 1-0/0\r\n-------keep").append(i)
                            .append("$\r\n");
                }
                bare.send(wire.append("NOT MSRP\r\n").toString());
                boolean succeeded;
                try {
                    bare.receiver.outcome().get(20, TimeUnit.SECONDS);
                    succeeded = true;
                } catch (ExecutionException e) {
                    succeeded = false;
                }
                List<String> sent = bare.headsAfter(300);
                boolean toldArrived = sent.stream().anyMatch(h -> h.contains("Status: 000 200"));
                Path file = out.resolve("f.txt");
                assertThat(Files.exists(file)).as("round %d: the file is there only when the run succeeded", round)
                        .isEqualTo(succeeded);
                if (succeeded) { // its REPORT may be lost: the bad frame ends the connection
                    assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo("abc");
                } else {
                    assertThat(toldArrived).as("round %d: the sender was told it arrived", round).isFalse();
                }
            }
        }
    }

    /**
     * A stranger's whole file held, the connection lost (which a file held
     * whole does not end), then a path given that is not the stranger's:
     * nothing more can come, and the run ends at once (it waited out
     * --peer-timeout).
     */
    @Test
    void aPathGivenAfterTheConnectionWentEndsTheRun(@TempDir Path dir) throws Exception {
        MsrpPath stranger = MsrpPath.parse("msrps://127.0.0.1:9/strangerSession;tcp");
        try (BareRelay bare = new BareRelay(dir, null, true)) {
            bare.send(BareRelay.chunk("whole", stranger, "file", "1-3/3", "", "abc"));
            assertThat(bare.said.poll(5, TimeUnit.SECONDS)).contains("is arriving");
            bare.relay.close().sync();
            bare.connection.channel().closeFuture().await(5, TimeUnit.SECONDS);
            assertThat(bare.receiver.outcome()).as("a whole file is held").isNotDone();
            bare.receiver.peer(SENDER);
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECTION));
        }
    }

    /**
     * A chunk refused (its total changed) that ends the file with '#': the
     * sender gave up, and the run ends now, saying so (exit 6), not after
     * --timeout (exit 7).
     */
    @Test
    void anAbortOnARefusedChunkEndsTheRun(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, SENDER, true)) {
            bare.send(BareRelay.chunk("first", SENDER, "file", "1-3/10", "", "abc"));
            bare.send(BareRelay.chunk("second", SENDER, "file", "4-6/20", "", "def").replace("-------second$",
                    "-------second#"));
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.TRANSFER))
                    .withMessageContaining("aborted after 3 bytes");
            try (var left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("f"));
            }
        }
    }

    /**
     * A request this end does not take (NICKNAME, an unknown method) is
     * answered 501 (RFC 4975 section 12), unless its Failure-Report says
     * no: it was left unanswered, and the sender waited for its relay's
     * timeout.
     */
    @Test
    void methodsThisEndDoesNotTakeAreAnswered501(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, SENDER, true)) {
            bare.send("MSRP unknown1 FOO\r\nTo-Path: " + BareRelay.OWN + "\r\nFrom-Path: " + SENDER
                    + "\r\n-------unknown1$\r\n");
            bare.send("MSRP nick1 NICKNAME\r\nTo-Path: " + BareRelay.OWN + "\r\nFrom-Path: " + SENDER
                    + "\r\nUse-Nickname: \"x\"\r\n-------nick1$\r\n");
            bare.send("MSRP quiet1 FOO\r\nTo-Path: " + BareRelay.OWN + "\r\nFrom-Path: " + SENDER
                    + "\r\nFailure-Report: no\r\n-------quiet1$\r\n");
            bare.send("MSRP alive1 SEND\r\nTo-Path: " + BareRelay.OWN + "\r\nFrom-Path: " + SENDER
                    + "\r\nMessage-ID: m1\r\nByte-Range: 1-0/0\r\n-------alive1$\r\n");
            assertThat(bare.nextHead()).startsWith("MSRP unknown1 501");
            assertThat(bare.nextHead()).startsWith("MSRP nick1 501");
            assertThat(bare.nextHead()).as("no answer for quiet1").startsWith("MSRP alive1 200");
        }
    }
}
