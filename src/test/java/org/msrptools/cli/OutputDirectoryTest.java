package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --output-dir as it is checked before the password is asked. */
class OutputDirectoryTest {

    private static void refused(Path dir, String message) {
        assertThatThrownBy(() -> OutputDirectory.check(dir)).isInstanceOf(CliException.class).hasMessage(message)
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    }

    @Test
    void aDirectoryOrOneThatCanBeMadeIsFineAndNothingIsMadeYet(@TempDir Path work) {
        assertThatCode(() -> OutputDirectory.check(work)).doesNotThrowAnyException();
        assertThatCode(() -> OutputDirectory.check(work.resolve("new/deeper"))).doesNotThrowAnyException();
        assertThat(work.resolve("new")).doesNotExist();
    }

    @Test
    void aFileIsNotADirectoryAndNothingCanBeMadeUnderOne(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("notes.txt"), "x");
        refused(file, "--output-dir " + file + " is not a directory");
        refused(file.resolve("in"), "--output-dir " + file.resolve("in") + " cannot be created: " + file
                + " is not a directory");
    }

    @Test
    void aDirectoryThisUserCannotWriteInIsRefused(@TempDir Path work) throws Exception {
        Path locked = Files.createDirectory(work.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        Assumptions.assumeFalse(Files.isWritable(locked), "this user writes anywhere (root)");
        refused(locked, "--output-dir " + locked + " is not writable");
        refused(locked.resolve("in"), "--output-dir " + locked.resolve("in") + " cannot be created: " + locked
                + " is not writable");
    }

    /** Where permissions say yes but no file can be made (root in /proc): refused now, not when the file comes. */
    @Test
    void aDirectoryThatTakesNoFileIsRefusedWhateverItsPermissionsSay() {
        Path proc = Path.of("/proc");
        Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "no /proc here");
        refused(proc, "--output-dir /proc is not writable");
        refused(proc.resolve("in"), "--output-dir /proc/in cannot be created: /proc is not writable");
    }

    @Test
    void theCheckLeavesNothingBehind(@TempDir Path work) throws Exception {
        OutputDirectory.check(work);
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }
}
