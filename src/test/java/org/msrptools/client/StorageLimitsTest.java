package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The free-space check against the real file system of a temporary directory. */
class StorageLimitsTest {

    @Test
    void stepsIntoASparseFileAreCountedAgainstTheFreeSpace(@TempDir Path dir) {
        StorageLimits limits = new StorageLimits(dir, Long.MAX_VALUE);
        long free = dir.toFile().getUsableSpace();
        long step = free / 10 * 6; // two of them do not fit
        assertThat(limits.roomFor(step, 0)).as("a first far write").isTrue();
        // The file now spans the step but holds (almost) nothing: the file system still reports it free.
        assertThat(limits.roomFor(step, step)).as("a second far write").isFalse();
    }

    @Test
    void aFileFilledInOrderIsGrantedWhatTheDiskHas(@TempDir Path dir) {
        StorageLimits limits = new StorageLimits(dir, Long.MAX_VALUE);
        long free = dir.toFile().getUsableSpace();
        assertThat(limits.roomFor(free / 10 * 6, 0)).isTrue();
        assertThat(limits.roomFor(free / 10 * 6, 0)).as("the grant looked again: nothing was written really")
                .isTrue();
        assertThat(limits.roomFor(free * 2, 0)).isFalse();
    }
}
