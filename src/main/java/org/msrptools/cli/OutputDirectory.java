package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * --output-dir, checked before the password is asked, so that a typo does
 * not surface only when the file arrives: a directory this user can write
 * in, or a path under one where it can be made (it is made when the file
 * comes).
 */
final class OutputDirectory {

    private OutputDirectory() {
    }

    static void check(Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String made = existing != null && existing.equals(dir.toAbsolutePath().normalize()) ? ""
                : " cannot be created: " + existing;
        if (existing == null) {
            throw new CliException(ExitCodes.USAGE, "--output-dir " + dir + " cannot be created");
        }
        if (!Files.isDirectory(existing)) {
            throw new CliException(ExitCodes.USAGE, "--output-dir " + dir + (made.isEmpty() ? " is not a directory"
                    : made + " is not a directory"));
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing) || !takesAFile(existing)) {
            throw new CliException(ExitCodes.USAGE, "--output-dir " + dir + (made.isEmpty() ? " is not writable"
                    : made + " is not writable"));
        }
    }

    /**
     * Whether a file can be made in {@code dir}: permissions do not say so for
     * root, nor for a read-only mount or a kernel file system such as /proc.
     * The file goes at once.
     */
    private static boolean takesAFile(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".msrp-receive-", ".probe"));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
