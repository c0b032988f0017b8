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
    private final RecentPartialChunks ring = new RecentPartialChunks(
            (m, range, code, comment) -> told.add(m.first.headers().messageId() + " " + range + " " + code));

    private static RecentPartialChunks.Message message(String id) {
        MsrpRequest first = new MsrpRequest("tid-" + id, MsrpMethod.SEND, MsrpPath.parse("msrps://b/s;tcp"),
                MsrpPath.parse("msrps://a/s;tcp"), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, id));
        return new RecentPartialChunks.Message(null, first);
    }

    /** Chunks {@code from..to} of 10 bytes each, ids "c" + chunk number. */
    private void chunks(RecentPartialChunks.Message m, int from, int to) {
        for (int c = from; c <= to; c++) {
            ring.add("c" + c, ByteRange.ofChunk((c - 1) * 10L + 1, 10, ByteRange.UNKNOWN), m);
        }
    }

    @Test
    void aFailureIsToldOncePerMessageWithTheFailedChunksRange() {
        RecentPartialChunks.Message one = message("one");
        RecentPartialChunks.Message two = message("two");
        chunks(one, 1, 30); // the ring grows from 16 twice on the way
        chunks(two, 31, 40);
        assertThat(ring.lastMessage()).isSameAs(two);

        ring.failed("c5", 413, "no");
        ring.failed("c6", 413, "no");
        ring.failed("c35", 500, "oops");
        ring.failed("unknown", 413, "no");
        assertThat(told).containsExactly("one 41-50/* 413", "two 341-350/* 500");
    }

    @Test
    void onlyTheLatestAreKept() {
        RecentPartialChunks.Message m = message("big");
        chunks(m, 1, RecentPartialChunks.MOST + 10);
        ring.failed("c10", 413, "no");
        assertThat(told).as("overwritten").isEmpty();
        ring.failed("c11", 413, "no");
        assertThat(told).containsExactly("big 101-110/* 413");
    }

    @Test
    void aClosedConnectionFailsEachMessageOnceForItsLatestChunk() {
        chunks(message("a"), 1, 3);
        chunks(message("b"), 4, 20);
        chunks(message("c"), 21, 22);
        ring.failAll(481, "gone");
        assertThat(told).containsExactlyInAnyOrder("a 21-30/* 481", "b 191-200/* 481", "c 211-220/* 481");
        told.clear();
        ring.failAll(481, "gone");
        assertThat(told).as("nothing is left").isEmpty();
    }
}
