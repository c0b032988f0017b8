package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfirmationPaceTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aReceiverThatConfirmsAsItGoesKeepsTheSenderWithinTwoMib() {
        ConfirmationPace pace = new ConfirmationPace(true);
        assertThat(pace.allows(2 * MIB - 1, 0)).isTrue();
        assertThat(pace.allows(2 * MIB, 0)).isFalse();
        pace.confirmed();
        assertThat(pace.allows(3 * MIB - 1, MIB)).isTrue();
        assertThat(pace.allows(3 * MIB, MIB)).isFalse();
    }

    @Test
    void noConfirmationAtAllMeansAReceiverThatReportsOnlyAtTheEnd() {
        ConfirmationPace pace = new ConfirmationPace(true);
        assertThat(pace.patienceMillis()).isEqualTo(ConfirmationPace.FIRST_REPORT_MILLIS);
        assertThat(pace.relax()).contains("only at the end");
        assertThat(pace.allows(1L << 40, 0)).isTrue();
        // One comes after all (late, not absent): paced again from the first limit.
        pace.confirmed();
        assertThat(pace.allows(3 * MIB, MIB)).isFalse();
    }

    @Test
    void sparseConfirmationsDoubleTheLimitAfterTheLongerPatience() {
        ConfirmationPace pace = new ConfirmationPace(true);
        pace.confirmed();
        assertThat(pace.patienceMillis()).isEqualTo(ConfirmationPace.STALL_MILLIS);
        pace.relax();
        assertThat(pace.limit()).isEqualTo(4 * MIB);
        pace.confirmed(); // stays relaxed: the receiver was shown to confirm sparsely
        assertThat(pace.limit()).isEqualTo(4 * MIB);
        for (int i = 0; i < 70; i++) {
            pace.relax();
        }
        assertThat(pace.limit()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void unpacedWhenDeliveryNeedNotBeConfirmed() {
        ConfirmationPace pace = new ConfirmationPace(false);
        assertThat(pace.allows(1L << 40, 0)).isTrue();
        pace.confirmed();
        assertThat(pace.allows(1L << 40, 0)).isTrue();
    }
}
