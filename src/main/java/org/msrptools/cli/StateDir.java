package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.msrptools.client.FileProblem;

/** The relay's state directory: created with mode 0700 when missing. */
final class StateDir {

    private StateDir() {
    }

    static Path resolve(Path given) {
        Path dir = given != null ? given : Path.of(home(), ".msrp-relay");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot create state directory " + dir + ": "
                    + e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot create state directory " + dir + ": "
                    + FileProblem.of(e));
        }
    }

    /** $HOME, as the shell and the README mean "~"; Java's user.home (from the password database) without it. */
    private static String home() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }
}
