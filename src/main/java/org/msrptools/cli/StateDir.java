package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.msrptools.client.FileProblem;

/** The relay's state directory: created with mode 0700 when missing. */
final class StateDir {

    private static final int STICKY = 01000;

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

    /**
     * Where anyone could swap the accounts the relay reads while it runs:
     * the file, or its directory (any file in it can be replaced), when
     * writable by every user; null when neither is, or the file system has
     * no POSIX modes (found by a new user: a state directory of mode 0777
     * was taken without a word). Writable by the group is left alone: with
     * a group of one's own and umask 002, as many systems give users, every
     * file is.
     */
    static String writableByOthers(Path accountsFile) {
        Path dir = accountsFile.toAbsolutePath().getParent();
        List<String> lax = new ArrayList<>(); // both said at once (found by a new user: the file only at the next start)
        for (Path p : new Path[] {dir, accountsFile}) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
                // A sticky directory (/tmp) lets no one replace another's file (found by review).
                boolean sticky = p == dir && (((Integer) Files.getAttribute(p, "unix:mode")) & STICKY) != 0;
                if (mode.contains(PosixFilePermission.OTHERS_WRITE) && !sticky) {
                    lax.add(p + " is writable by every user (" + PosixFilePermissions.toString(mode) + "), who could "
                            + "change the accounts this relay reads while it runs" + (p == dir ? " (and its key and "
                            + "certificate, if they are there too)" : "") + ": chmod o-w " + p);
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // not there yet, or no POSIX modes here: nothing to say
            }
        }
        return lax.isEmpty() ? null : String.join("; ", lax);
    }

    /** $HOME, as the shell and the README mean "~"; Java's user.home (from the password database) without it. */
    private static String home() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }
}
