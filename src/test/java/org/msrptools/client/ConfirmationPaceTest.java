package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfirmationPaceTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aReceiverThatConfirmsAsItGoesKeepsTheSenderWithinTwoMib() {
        ConfirmationPace pace = new ConfirmationPace();
        assertThat(pace.allows(2 * MIB - 1, 0)).isTrue();
        assertThat(pace.allows(2 * MIB, 0)).isFalse();
        pace.confirmed();
        assertThat(pace.allows(3 * MIB - 1, MIB)).isTrue();
        assertThat(pace.allows(3 * MIB, MIB)).isFalse();
    }

    @Test
    void noConfirmationAtAllMeansAReceiverThatReportsOnlyAtTheEnd() {
        ConfirmationPace pace = new ConfirmationPace();
        assertThat(pace.patienceMillis()).isEqualTo(ConfirmationPace.FIRST_REPORT_MILLIS);
        assertThat(pace.relax()).contains("only at the end");
        assertThat(pace.allows(1L << 40, 0)).isTrue();
        // One comes after all (late, not absent): paced again from the first limit.
        pace.confirmed();
        assertThat(pace.allows(3 * MIB, MIB)).isFalse();
    }

    @Test
    void oneConfirmationThenSilenceDoublesTheLimitAfterTheLongerPatience() {
        ConfirmationPace pace = new ConfirmationPace();
        pace.confirmed();
        assertThat(pace.patienceMillis()).isEqualTo(ConfirmationPace.STALL_MILLIS);
        assertThat(pace.relax()).contains("less often");
        assertThat(pace.limit()).isEqualTo(4 * MIB);
        for (int i = 0; i < 70; i++) {
            pace.relax();
        }
        assertThat(pace.limit()).isEqualTo(Long.MAX_VALUE);
    }

    /** Kamailio drops a receiver 4 MiB behind: one that confirmed as it went and stopped is waited for, no further. */
    @Test
    void aReceiverThatConfirmedAsItWentIsWaitedForAtTheLimit() {
        ConfirmationPace pace = new ConfirmationPace();
        pace.confirmed();
        pace.confirmed();
        assertThat(pace.relax()).isNull();
        assertThat(pace.limit()).isEqualTo(2 * MIB);
    }
}
