package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways to the final name keep an existing file and leave no temporary one. */
class FinalNameTest {

    @Test
    void aHardLinkNeverReplacesAFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "older");
        Path placed = FinalName.place(Files.writeString(dir.resolve(".msrp-x.part"), "newer"), dir, "a.txt");
        assertThat(placed).isEqualTo(dir.resolve("a (1).txt")).hasContent("newer");
        assertThat(dir.resolve("a.txt")).hasContent("older");
        assertThat(dir.resolve(".msrp-x.part")).doesNotExist();
    }

    /** What file systems without hard links (FAT, exFAT, some shares) get. */
    @Test
    void withoutHardLinksAPlaceholderReservesTheName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "older");
        Files.writeString(dir.resolve("a (1).txt"), "old too");
        Path part = Files.writeString(dir.resolve(".msrp-y.part"), "newer");
        Path placed = FinalName.placeWithoutLinks(part, dir, "a.txt");
        assertThat(placed).isEqualTo(dir.resolve("a (2).txt")).hasContent("newer");
        assertThat(dir.resolve("a.txt")).hasContent("older");
        assertThat(dir.resolve("a (1).txt")).hasContent("old too");
        assertThat(part).doesNotExist();
    }
}
