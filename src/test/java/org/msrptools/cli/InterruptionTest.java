package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How a client's signals reach the transfer (found by a new user: two ways a stop did not tell the peer). */
class InterruptionTest {

    private final Interruption interruption = new Interruption("msrp-send");
    private final AtomicInteger stops = new AtomicInteger();

    /**
     * A SIGTERM after the path came and before the transfer took signals
     * over: the transfer is stopped as soon as it takes them, so the peer is
     * told (it ended the tool at once, and the receiver waited out its
     * timeout).
     */
    @Test
    void aSignalBetweenThePathAndTheTransferStopsTheTransfer() {
        interruption.watch(true);
        interruption.raise(ExitCodes.TERMINATED);
        assertThat(stops).hasValue(0);
        interruption.handOver(stops::incrementAndGet);
        assertThat(stops).hasValue(1);
        assertThat(interruption.exitCode()).isEqualTo(ExitCodes.TERMINATED);
    }

    /** A closing terminal hangs up twice (the kernel, the shell): one stop, not an exit before the peer is told. */
    @Test
    void aSecondHangUpIsTheSameStop() {
        interruption.handOver(stops::incrementAndGet);
        interruption.raise(ExitCodes.HUNG_UP);
        interruption.raise(ExitCodes.HUNG_UP); // before: System.exit, here the test JVM's
        assertThat(stops).hasValue(1);
        assertThat(interruption.exitCode()).isEqualTo(ExitCodes.HUNG_UP);
    }
}
