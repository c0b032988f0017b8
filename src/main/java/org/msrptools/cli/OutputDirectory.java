package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.msrptools.client.FileProblem;

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
        String notWritable = !Files.isWritable(existing) || !Files.isExecutable(existing) ? ""
                : whyNoFile(existing);
        if (notWritable != null) {
            throw new CliException(ExitCodes.USAGE, "--output-dir " + dir + made
                    + " is not writable" + notWritable);
        }
    }

    /**
     * Why no file can be made in {@code dir} (" (reason)"), or null when one
     * can: permissions do not say so for root, nor for a read-only mount, a
     * full disk or a kernel file system such as /proc. The file goes at once;
     * named as the receiver's temporary files, so one left by a receiver
     * killed right then is removed with theirs.
     */
    private static String whyNoFile(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".msrp-probe-", ".part"));
            return null;
        } catch (NoSuchFileException | UnsupportedOperationException e) {
            return ""; // the directory is there: a file system that makes no files (/proc) says only this
        } catch (IOException e) {
            return " (" + FileProblem.of(e) + ")"; // read-only, full, over quota
        }
    }
}
