package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * msrp-receive when writing the file fails (its temporary file's channel
 * closed under it): the transfer ends, and the sender hears why, whether
 * the write failed in a chunk of the file, between chunks, or while another
 * message's chunk was being read (found by review: the sender heard nothing,
 * or the failure was blamed on the other message).
 */
class ReceiverWriteFailureTest {

    private static final MsrpPath PEER = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");

    @Test
    void aWriteFailingBetweenChunksIsReportedToTheSender(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, PEER, true)) {
            firstByteThenTheDiskFails(bare);
            bare.send(chunk("t2xyz", "file1", 2, "y"));
            assertThat(bare.nextHead()).startsWith("MSRP t2xyz 200"); // read whole before the write before the wait
            assertThat(bare.nextHead()).as("what the sender hears").contains("REPORT").contains("Status=000 500");
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void aWriteFailingWhileAnotherMessageIsReadIsNotBlamedOnIt(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, null, true)) { // no path yet: a sender's doing would be remembered
            firstByteThenTheDiskFails(bare);
            String other = chunk("t9xyz", "other", 1, "z");
            int body = other.indexOf("\r\n\r\n") + 4;
            bare.send(chunk("t2xyz", "file1", 2, "y") + other.substring(0, body)); // the other one's head only
            assertThat(bare.nextHead()).startsWith("MSRP t2xyz 200");
            assertThat(bare.nextHead()).as("what the file's sender hears").contains("REPORT")
                    .contains("Message-ID=file1").contains("Status=000 500");
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void aWriteFailingInAChunkAnswersThatChunk(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir, PEER, true)) {
            firstByteThenTheDiskFails(bare);
            String second = chunk("t2xyz", "file1", 2, "y");
            int end = second.indexOf("\r\n-------");
            bare.send(second.substring(0, end)); // its byte, and the end-line still to come
            Thread.sleep(200);
            bare.send(second.substring(end));
            assertThat(bare.nextHead()).as("the chunk's answer").startsWith("MSRP t2xyz 500");
            assertThat(bare.receiver.outcome()).failsWithin(Duration.ofSeconds(5));
        }
    }

    /** The file's first byte arrives and is answered; then writing fails. */
    private static void firstByteThenTheDiskFails(BareRelay bare) throws Exception {
        bare.send(chunk("t1xyz", "file1", 1, "x"));
        assertThat(bare.nextHead()).startsWith("MSRP t1xyz 200");
        bare.breakFile();
    }

    /** Byte {@code at} of a ten-byte file, every chunk answered. */
    private static String chunk(String tid, String messageId, int at, String body) {
        return BareRelay.chunk(tid, PEER, messageId, at + "-" + at + "/10", "Failure-Report: yes\r\n", body);
    }
}
