package org.msrptools.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;

/**
 * Temporary files that receivers left in an output directory when they were
 * killed before they could clean up (SIGKILL, a crash, a power cut). Only
 * this tool's names ({@link PartFile#NAME}), only regular files, and only
 * when untouched for {@link #AGE}: a receiver at work writes to its file, so
 * one that old belongs to no running transfer.
 */
public final class StaleParts {

    public static final Duration AGE = Duration.ofHours(24);

    /** What was removed: how many files, how many bytes. */
    public record Removed(int files, long bytes) {
    }

    private StaleParts() {
    }

    public static Removed remove(Path dir, Instant now) {
        int files = 0;
        long bytes = 0;
        if (!Files.isDirectory(dir)) {
            return new Removed(0, 0);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> PartFile.NAME.matcher(p.getFileName().toString()).matches())) {
            for (Path p : entries) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(now.minus(AGE))
                        && Files.deleteIfExists(p)) {
                    files++;
                    bytes += a.size();
                }
            }
        } catch (IOException e) {
            // an unreadable directory: the transfer itself will say what is wrong with it
        }
        return new Removed(files, bytes);
    }

    /** The line a receiver prints about it. */
    public static String describe(Removed r, Path dir) {
        return "Removed " + r.files() + " stale temporary file" + (r.files() == 1 ? "" : "s") + " ("
                + r.bytes() + " bytes) that killed receivers left in " + dir;
    }
}
