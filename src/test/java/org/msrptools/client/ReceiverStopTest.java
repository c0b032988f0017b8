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
}
