package org.msrptools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the two ends hand each other their paths, when not by copy and paste at the prompt. */
final class PathExchangeOptions {

    @Option(names = "--path-file", paramLabel = "FILE", description = "Write this side's path to FILE as soon as it is known.")
    Path pathFile;

    @Option(names = "--to-path", paramLabel = "'URI URI...'", description = "The peer's path, instead of asking for it.")
    String toPath;

    @Option(names = "--peer-path-file", paramLabel = "FILE", description = "Read the peer's path from FILE, waiting until it appears.")
    Path peerPathFile;

    /** Checks that --path-file can be written, before it is taken: a plain word for what is wrong with it. */
    void checkPathFile() {
        Path dir = pathFile == null ? null : pathFile.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot write path file " + pathFile + ": "
                    + (Files.exists(dir) ? dir + " is not a directory" : "its directory " + dir + " does not exist"));
        }
    }

    /** Checks what else can be checked before signing in. */
    void check() {
        if (toPath != null && toPath.strip().equals(OwnPathFile.ENDED.strip())) {
            // "$(cat alice.path)" once the peer ended without a path: said as the file itself would have been
            throw new CliException(ExitCodes.TRANSFER, "the peer ended before it had a path, as --to-path (the text "
                    + "of its path file) says; its own output says why");
        }
        if (toPath != null) {
            PathExchange.parse(toPath);
        }
        if (toPath != null && peerPathFile != null) {
            throw new CliException(ExitCodes.USAGE, "--to-path and --peer-path-file exclude each other");
        }
        if (pathFile != null && peerPathFile != null
                && pathFile.toAbsolutePath().normalize().equals(peerPathFile.toAbsolutePath().normalize())) {
            throw new CliException(ExitCodes.USAGE, "--path-file and --peer-path-file name the same file: each side "
                    + "writes its own path to one and reads the other side's from the other");
        }
        // A file that can never appear is a slip in the script, said now rather than at --peer-timeout. A directory
        // that does not exist yet may: a step that copies the file in may make it (found by review).
        Path peerDir = peerPathFile == null ? null : peerPathFile.toAbsolutePath().getParent();
        if (peerPathFile != null && Files.isDirectory(peerPathFile)) {
            throw new CliException(ExitCodes.USAGE, "--peer-path-file " + peerPathFile + " is a directory: give the "
                    + "file the peer's --path-file names");
        }
        if (peerDir != null && Files.exists(peerDir) && !Files.isDirectory(peerDir)) {
            throw new CliException(ExitCodes.USAGE, "--peer-path-file " + peerPathFile + " can never appear: "
                    + peerDir + " is not a directory");
        }
    }
}
