package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reason a file failed, without its name (the message around it names it). */
class FileProblemTest {

    private static IOException failure(Path file) {
        try {
            Files.readString(file);
            throw new AssertionError("read " + file);
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void theJdksReasonsWithoutTheName(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        assertThat(FileProblem.of(failure(missing))).isEqualTo("no such file or directory").doesNotContain("missing");
        assertThat(FileProblem.of(failure(dir))).isEqualTo("is a directory");
        assertThat(FileProblem.of(new java.nio.file.FileSystemException(dir.toString(), null, "Read-only file system")))
                .isEqualTo("read-only file system");
    }
}
