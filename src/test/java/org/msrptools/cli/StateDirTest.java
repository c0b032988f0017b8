package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts others could change while the relay runs are warned of at its start. */
class StateDirTest {

    @Test
    void accountsOthersCouldChangeAreNamed(@TempDir Path home) throws Exception {
        Path dir = StateDir.resolve(home.resolve("state"));
        Path accounts = Files.writeString(dir.resolve("accounts.htdigest"), "");
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-------"));
        assertThat(StateDir.writableByOthers(accounts)).as("as the relay makes them").isNull();
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-rw----"));
        assertThat(StateDir.writableByOthers(accounts)).as("a group of one's own, often").isNull();
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(StateDir.writableByOthers(accounts)).isEqualTo(accounts + " is writable by every user "
                + "(rw-rw-rw-), who could change the accounts this relay reads while it runs: chmod o-w " + accounts);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(StateDir.writableByOthers(accounts)).as("the directory first: any file in it can be replaced")
                .startsWith(dir + " is writable by every user (rwxrwxrwx)")
                .as("and the file too, not only at the next start").endsWith("; " + accounts + " is writable by every "
                        + "user (rw-rw-rw-), who could change the accounts this relay reads while it runs: chmod o-w "
                        + accounts);
        Files.setAttribute(dir, "unix:mode", 01777);
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-------"));
        assertThat(StateDir.writableByOthers(accounts)).as("sticky, as /tmp: no one replaces another's file").isNull();
    }
}
