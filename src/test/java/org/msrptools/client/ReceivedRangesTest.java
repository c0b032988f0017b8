package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReceivedRangesTest {

    @Test
    void outOfOrderAndOverlappingChunksMerge() {
        ReceivedRanges r = new ReceivedRanges();
        r.add(11, 20);
        assertThat(r.covers(20)).isFalse();
        r.add(1, 5);
        r.add(4, 12);
        assertThat(r.covers(20)).isTrue();
        assertThat(r.received()).isEqualTo(20);
        r.add(30, 29); // empty chunk
        assertThat(r.received()).isEqualTo(20);
        assertThat(new ReceivedRanges().covers(0)).isTrue();
        ReceivedRanges gap = new ReceivedRanges();
        gap.add(1, 5);
        gap.add(7, 10);
        assertThat(gap.covers(10)).isFalse();
        gap.add(6, 6);
        assertThat(gap.covers(10)).isTrue();
    }

    /** A bound on pieces leaves out a range that would be one more, and still takes ranges that join others. */
    @Test
    void aRangeBeyondThePieceLimitIsLeftOutUnlessItJoinsAnother() {
        ReceivedRanges r = new ReceivedRanges();
        assertThat(r.add(1, 1, 2)).isTrue();
        assertThat(r.add(3, 3, 2)).isTrue();
        assertThat(r.add(5, 5, 2)).as("a third piece").isFalse();
        assertThat(r.pieces()).isEqualTo(2);
        assertThat(r.received()).isEqualTo(2);
        assertThat(r.add(4, 4, 2)).as("joins 3").isTrue();
        assertThat(r.add(2, 2, 2)).as("joins all").isTrue();
        assertThat(r.pieces()).isEqualTo(1);
        assertThat(r.covers(4)).isTrue();
        assertThat(r.add(10, 12, 2)).isTrue();
        assertThat(r.add(5, 8, 2)).as("joins the first").isTrue();
        assertThat(r.pieces()).isEqualTo(2);
    }

    /** Whatever ranges come, in any order and overlap, the count is that of the distinct bytes among them. */
    @Property
    void receivedCountsEachByteOnce(@ForAll @Size(max = 40) List<@IntRange(min = 1, max = 200) Integer> starts,
                                    @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 30) Integer> lengths) {
        ReceivedRanges r = new ReceivedRanges();
        BitSet bytes = new BitSet();
        for (int i = 0; i < Math.min(starts.size(), lengths.size()); i++) {
            int start = starts.get(i);
            int end = start + lengths.get(i) - 1;
            r.add(start, end);
            if (end >= start) {
                bytes.set(start, end + 1);
            }
            assertThat(r.received()).isEqualTo(bytes.cardinality());
            assertThat(r.prefix()).isEqualTo(bytes.get(1) ? bytes.nextClearBit(1) - 1 : 0);
        }
    }
}
