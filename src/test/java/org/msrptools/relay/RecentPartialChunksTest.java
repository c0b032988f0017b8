package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;

/** The ring of chunks sent with Failure-Report partial: which failure is told to whom, and how often. */
class RecentPartialChunksTest {

    private final List<String> told = new ArrayList<>();
    private RecentPartialChunks ring = ring(1 << 22);

    private RecentPartialChunks ring(long maxMessageBytes) {
        return new RecentPartialChunks(maxMessageBytes,
                (m, range, code, comment) -> told.add(m.messageId + " " + range + " " + code + " " + m.replyTo));
    }

    /** Chunk {@code c} (10 bytes at 10 * (c - 1) + 1) of message {@code id}, transaction id "c" + c. */
    private void chunk(String id, int c, boolean last) {
        MsrpRequest r = new MsrpRequest("tid-" + c, MsrpMethod.SEND, MsrpPath.parse("msrps://relay/b;tcp"),
                MsrpPath.parse("msrps://a/" + id + ";tcp"), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, id)
                .add(MsrpHeaders.BYTE_RANGE, ByteRange.ofChunk((c - 1) * 10L + 1, 10, ByteRange.UNKNOWN)));
        ring.add("c" + c, r, null, last);
    }

    private void chunks(String id, int from, int to, boolean lastIsLast) {
        for (int c = from; c <= to; c++) {
            chunk(id, c, lastIsLast && c == to);
        }
    }

    @Test
    void aFailureIsToldOncePerMessageWithTheFailedChunksRangeToItsSender() {
        chunks("one", 1, 30, false); // the ring grows from 16 twice on the way
        chunks("two", 31, 40, false);
        ring.failed("c5", 413, "no", source -> { });
        ring.failed("c6", 413, "no", source -> { });
        ring.failed("c35", 500, "oops", source -> { });
        ring.failed("unknown", 413, "no", source -> { });
        assertThat(told).containsExactly("one 41-50/* 413 msrps://a/one;tcp", "two 341-350/* 500 msrps://a/two;tcp");
    }

    @Test
    void interleavedMessagesAreToldOnceEach() {
        for (int c = 1; c <= 40; c++) {
            chunk(c % 2 == 0 ? "a" : "b", c, false);
        }
        ring.failAll(481, "gone");
        assertThat(told).containsExactlyInAnyOrder("a 391-400/* 481 msrps://a/a;tcp", "b 381-390/* 481 msrps://a/b;tcp");
    }

    @Test
    void onlyTheLatestAreKept() {
        chunks("big", 1, RecentPartialChunks.MOST + 10, false);
        ring.failed("c10", 413, "no", source -> { });
        assertThat(told).as("overwritten").isEmpty();
        ring.failed("c11", 413, "no", source -> { });
        assertThat(told).containsExactly("big 101-110/* 413 msrps://a/big;tcp");
    }

    @Test
    void aClosedConnectionFailsOnlyTheMessagesNotSentWhole() {
        chunks("whole", 1, 3, true);
        chunks("cut", 4, 20, false);
        chunks("also", 21, 22, false);
        ring.failAll(481, "gone");
        assertThat(told).containsExactlyInAnyOrder("cut 191-200/* 481 msrps://a/cut;tcp",
                "also 211-220/* 481 msrps://a/also;tcp");
        told.clear();
        ring.failAll(481, "gone");
        assertThat(told).as("nothing is left").isEmpty();
    }

    @Test
    void messagesBeyondTheirBudgetAreForgottenLeastRecentFirst() {
        ring = ring(1200); // a message weighs 512 and twice its head as read (none here): two fit, not three
        chunk("first", 1, false);
        chunk("second", 2, false);
        chunk("third", 3, false);
        ring.failAll(481, "gone");
        assertThat(told).extracting(t -> t.split(" ")[0]).containsExactlyInAnyOrder("second", "third");
    }
}
