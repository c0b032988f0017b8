package org.msrptools.client;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a complete file under its final name, {@code name} or the first
 * free {@code name (n).ext}, never over an existing file. A hard link
 * makes the name appear complete in one step; file systems without hard
 * links (FAT, exFAT, some network shares) get a rename over an empty
 * placeholder that reserved the name.
 */
final class FinalName {

    private FinalName() {
    }

    static Path place(Path file, Path dir, String name) throws IOException {
        for (int n = 0; ; n++) {
            Path candidate = dir.resolve(SafeFileName.numbered(name, n));
            try {
                Files.createLink(candidate, file);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (FileSystemException | UnsupportedOperationException e) {
                return placeWithoutLinks(file, dir, name);
            }
            Files.delete(file);
            return candidate;
        }
    }

    /** Creating the placeholder fails if the name is taken, so the rename can only replace our own. */
    static Path placeWithoutLinks(Path file, Path dir, String name) throws IOException {
        for (int n = 0; ; n++) {
            Path candidate = dir.resolve(SafeFileName.numbered(name, n));
            try {
                Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            try {
                return Files.move(file, candidate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(candidate);
                throw e;
            }
        }
    }
}
