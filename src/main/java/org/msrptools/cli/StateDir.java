package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The relay's state directory: created with mode 0700 when missing. */
final class StateDir {

    private StateDir() {
    }

    static Path resolve(Path given) {
        Path dir = given != null ? given : Path.of(System.getProperty("user.home"), ".msrp-relay");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot create state directory " + dir + ": " + e.getMessage());
        }
    }
}
