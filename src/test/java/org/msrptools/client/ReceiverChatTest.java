package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * A chat line and an is-composing notice sent before the file (a chat
 * client at the other end, RFC 4975 and RFC 3994): each is refused with
 * 415, the user is told once, and the file that follows is the one stored
 * (found by review: the chat line was stored as "received-file" and the
 * receiver reported success). An empty one is a keep-alive, answered 200
 * (found by CI: some clients' keep-alives carry a Content-Type).
 */
class ReceiverChatTest {

    private static String message(String tid, MsrpPath from, String contentType, String body) {
        return "MSRP " + tid + " SEND\r\nTo-Path: " + BareRelay.OWN + "\r\nFrom-Path: " + from + "\r\n"
                + "Message-ID: " + tid + "\r\nContent-Type: " + contentType + "\r\n\r\n"
                + body + "\r\n-------" + tid + "$\r\n";
    }

    @Test
    void chatBeforeTheFileIsRefusedAndTheFileIsStored(@TempDir Path dir) throws Exception {
        MsrpPath sender = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");
        try (BareRelay bare = new BareRelay(dir, sender, true)) {
            bare.send(message("alive", sender, "text/plain", ""));
            assertThat(bare.nextHead()).as("an empty one: a keep-alive").startsWith("MSRP alive 200");
            bare.send(message("chat1", sender, "text/plain; charset=UTF-8", "hello"));
            assertThat(bare.nextHead()).startsWith("MSRP chat1 415");
            bare.send(message("chat2", sender, "application/im-iscomposing+xml",
                    "<isComposing><state>active</state></isComposing>"));
            assertThat(bare.nextHead()).startsWith("MSRP chat2 415");

            bare.send(BareRelay.chunk("file1", sender, "file", "1-3/3", "Failure-Report: yes\r\n", "abc"));
            assertThat(bare.nextHead()).as("a text/plain file named in its Content-Disposition")
                    .startsWith("MSRP file1 200");
            FileReceiver.Result received = bare.receiver.outcome().get(5, TimeUnit.SECONDS);
            assertThat(received.file().getFileName()).hasToString("f.txt");
            assertThat(Files.readString(received.file())).isEqualTo("abc");
            assertThat(bare.said).filteredOn(line -> line.startsWith("Refused a chat message")).singleElement()
                    .isEqualTo("Refused a chat message (text/plain; charset=UTF-8) from the sender: this end "
                            + "receives a file only; still waiting for the file");
        }
    }
}
