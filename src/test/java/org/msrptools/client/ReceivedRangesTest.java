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
