package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StalePartsTest {

    private static Path file(Path dir, String name, int bytes, Duration age) throws Exception {
        Path p = Files.write(dir.resolve(name), new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    @Test
    void onlyThisToolsTemporaryFilesOlderThanADayGo(@TempDir Path dir) throws Exception {
        Duration old = StaleParts.AGE.plusHours(1);
        Path stale = file(dir, ".msrp-AbC_12-x.part", 1000, old);
        Path oldStyle = file(dir, ".msrp-1234567890.part", 24, old);
        Path inUse = file(dir, ".msrp-fresh.part", 10, Duration.ofMinutes(5));
        Path someoneElses = file(dir, "notes.part", 10, old);
        Path lookalike = file(dir, ".msrp-x.part.keep", 10, old);
        Path directory = Files.createDirectory(dir.resolve(".msrp-dir.part"));
        Files.setLastModifiedTime(directory, FileTime.from(Instant.now().minus(old)));

        StaleParts.Removed removed = StaleParts.remove(dir, Instant.now());

        assertThat(removed).isEqualTo(new StaleParts.Removed(2, 1024));
        assertThat(stale).doesNotExist();
        assertThat(oldStyle).doesNotExist();
        assertThat(inUse).exists();
        assertThat(someoneElses).exists();
        assertThat(lookalike).exists();
        assertThat(directory).exists();
        assertThat(StaleParts.describe(removed, dir)).isEqualTo("Removed 2 stale temporary files (1024 bytes) that "
                + "killed receivers left in " + dir);
        assertThat(StaleParts.remove(dir.resolve("missing"), Instant.now())).isEqualTo(new StaleParts.Removed(0, 0));
    }
}
