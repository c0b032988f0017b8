package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

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
}
