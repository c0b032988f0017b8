package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a client was launched: the launcher's exact time where it agrees with Linux's coarse one. */
class ClientRunLaunchTest {

    private static final Instant LINUX = Instant.parse("2026-11-30T01:00:00Z"); // whole seconds of boot time: early
    private static final Instant NOW = LINUX.plusSeconds(2);

    @Test
    void theLaunchersTimeWinsWhereItAgrees() {
        assertThat(ClientRun.launched("1796000400.080123", LINUX, NOW)).isEqualTo(LINUX.plusNanos(80_123_000));
        assertThat(ClientRun.launched("1796000400,080123", LINUX, NOW)).as("a locale's decimal comma")
                .isEqualTo(LINUX.plusNanos(80_123_000));
    }

    @Test
    void anInheritedOrBadTimeIsPassedOver() {
        assertThat(ClientRun.launched("1796000390.000000", LINUX, NOW)).as("another command's, earlier")
                .isEqualTo(LINUX);
        assertThat(ClientRun.launched("", LINUX, NOW)).as("bash before 5").isEqualTo(LINUX);
        assertThat(ClientRun.launched(null, LINUX, NOW)).as("java -jar without the launcher").isEqualTo(LINUX);
        assertThat(ClientRun.launched("x.y", LINUX, NOW)).isEqualTo(LINUX);
        assertThat(ClientRun.launched("1796000400.500000", null, NOW)).isEqualTo(LINUX.plusMillis(500));
    }
}
