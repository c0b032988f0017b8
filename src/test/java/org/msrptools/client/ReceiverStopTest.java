package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * msrp-receive stopped by a Ctrl-C while a file arrives before the
 * sender's path is given: the line says where, how far the file had come
 * and that the sender was told, once, whichever part saw the Ctrl-C first
 * (the prompt's words, "interrupted while waiting for the destination
 * path", were repeated when the prompt was first: found by CI).
 */
class ReceiverStopTest {

    @Test
    void aCtrlCAtThePromptIsSaidOnce(@TempDir Path dir) throws Exception {
        MsrpPath sender = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");
        try (BareRelay bare = new BareRelay(dir, null, true)) {
            bare.send(BareRelay.chunk("t1xyz", sender, "file1", "1-1/10", "Failure-Report: yes\r\n", "x"));
            assertThat(bare.nextHead()).startsWith("MSRP t1xyz 200");
            bare.receiver.stop(new ClientException(ClientException.Kind.INTERRUPTED,
                    "interrupted while waiting for the destination path"));
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .withMessage("interrupted while waiting for the destination path after 1 bytes of \"f.txt\"; "
                            + "the sender was sent a refusal");
        }
    }

    /**
     * Stopped while the file pours in, the receiver reads on (and drops)
     * until the sender has stopped, then closes: closed at once, with bytes
     * unread, its connection was reset, and a relay that had not read its
     * 413 yet lost it (CI: the sender heard only that the next hop closed).
     */
    @Test
    void aStoppedReceiverClosesWithoutAResetOnceTheSenderHasStopped(@TempDir Path dir) throws Exception {
        MsrpPath sender = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");
        try (BareRelay bare = new BareRelay(dir, sender, true)) {
            String body = "x".repeat(16 * 1024);
            String total = Long.toString(1L << 30);
            Thread sending = new Thread(() -> {
                try {
                    // As a sender does: on until the receiver's refusal comes.
                    for (long at = 1; !bare.refused; at += body.length()) {
                        while (!bare.relay.isWritable() && !bare.refused) {
                            Thread.sleep(1);
                        }
                        bare.send(BareRelay.chunk("tid" + at, sender, "file1", at + "-" + (at + body.length() - 1)
                                + "/" + total, "Failure-Report: yes\r\n", body));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sending.start();
            assertThat(bare.nextHead()).as("the first answer, once the file flows").isNotNull();
            bare.receiver.stop(new ClientException(ClientException.Kind.INTERRUPTED, "interrupted"));
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5));
            bare.connection.close(); // as msrp-receive does next
            sending.join(5_000);
            assertThat(bare.refused).as("the 413 came").isTrue();
            assertThat(bare.relay.closeFuture().await(5_000)).as("the relay's side closed").isTrue();
            assertThat(bare.failure).as("what ended the relay's side").isNull();
        }
    }
}
