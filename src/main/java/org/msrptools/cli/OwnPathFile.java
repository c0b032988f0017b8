package org.msrptools.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.msrptools.client.FileProblem;
import org.msrptools.protocol.MsrpPath;

/**
 * This side's --path-file, for one run. A leftover from an earlier run is
 * removed at the start, so the peer cannot take it for this run's, and an
 * empty file takes its place, locked: another client started with the same
 * --path-file then knows at once that it is taken. The path is written
 * atomically once known and stays locked while this side runs, which tells
 * a peer started later that it is current ({@link #held}); and the file
 * goes when this side ends, however it ends short of SIGKILL. A side that
 * ends before it has a path leaves {@link #ENDED} in it instead, which
 * ends the peer's wait for it.
 */
final class OwnPathFile implements AutoCloseable {

    /**
     * What the file holds once its side ended before it had a path (a wrong
     * password, a file to send that is missing). A file that went away told
     * the peer only if the peer saw it first, and one never made told it
     * nothing: the peer waited out --peer-timeout (found by a new user).
     */
    static final String ENDED = "# the client that writes this file ended before it had a path: its own output "
            + "says why\n";

    private final Path file;
    private final Thread onExit = new Thread(this::remove, "path-file-cleanup");
    /** Open, and locked, from the claim until the file is removed: the empty file, then the written one. */
    private FileChannel held;
    /** What the file holds while it is this run's: nothing, then the path. */
    private String written = "";

    private OwnPathFile(Path file) {
        this.file = file;
    }

    /**
     * Takes {@code file} for this run: what an earlier run left there goes
     * now. One a running client holds is not a leftover but that client's
     * path: two ends given the same --path-file (a slip in a script) would
     * each wait for the other's file until --peer-timeout (found by a new
     * user), so that is a usage error at once.
     */
    static OwnPathFile claim(Path file) {
        if (Files.isRegularFile(file) && held(file)) {
            throw taken(file);
        }
        FileChannel placeholder;
        try {
            Files.deleteIfExists(file);
            placeholder = lockedInPlace(file);
        } catch (FileAlreadyExistsException e) {
            throw taken(file); // another client claimed it meanwhile
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot take the path file " + file + ": "
                    + FileProblem.of(e));
        }
        OwnPathFile own = new OwnPathFile(file);
        own.held = placeholder;
        Runtime.getRuntime().addShutdownHook(own.onExit);
        return own;
    }

    /**
     * An empty file under {@code file}'s name, locked before it has the
     * name (a hard link, which fails if the name is taken), so that no
     * other client ever sees it unlocked and takes it for a leftover.
     */
    private static FileChannel lockedInPlace(Path file) throws IOException {
        Locked placeholder = Locked.beside(file, "");
        try {
            try {
                Files.createLink(file, placeholder.tmp());
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (noLinks instanceof FileAlreadyExistsException taken) {
                    throw taken;
                }
                Files.move(placeholder.tmp(), file); // no hard links here: a move that does not replace
            }
            return placeholder.channel();
        } catch (IOException | RuntimeException e) {
            placeholder.channel().close();
            throw e;
        } finally {
            Files.deleteIfExists(placeholder.tmp());
        }
    }

    /**
     * A temporary file beside the path file, holding {@code text}, open and
     * locked before it is given the path file's name: no reader ever sees
     * the name unlocked.
     */
    private record Locked(Path tmp, FileChannel channel) {
        static Locked beside(Path file, String text) throws IOException {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".path-", ".tmp");
            FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
            try {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                lock(channel);
                return new Locked(tmp, channel);
            } catch (IOException e) {
                channel.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
        }
    }

    private static CliException taken(Path file) {
        return new CliException(ExitCodes.USAGE, "the path file " + file + " is held by another client that runs "
                + "now (its own --path-file): give each end a file of its own");
    }

    synchronized void write(MsrpPath path) {
        String text = path + "\n";
        try {
            Locked placed = Locked.beside(file, text);
            try {
                Files.move(placed.tmp(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                placed.channel().close();
                Files.deleteIfExists(placed.tmp());
                throw e;
            }
            if (held != null) {
                held.close(); // the empty file it replaced, gone from the directory
            }
            held = placed.channel();
            written = text;
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot write path file " + file + ": " + FileProblem.of(e));
        }
    }

    /**
     * Locks the file for as long as this side runs. Where the file system
     * has no locks (some NFS mounts), the path file still works: a peer
     * started later then takes it only if it was written since its start.
     */
    private static void lock(FileChannel channel) {
        try {
            channel.lock();
        } catch (IOException e) {
            // no locks here: see above
        }
    }

    /** Whether a running client holds {@code file} (this very process included). */
    static boolean held(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes the file if it still holds this run's path (a later run may
     * have written its own there), or puts {@link #ENDED} in it if this run
     * had none.
     */
    private synchronized void remove() {
        if (held == null) {
            return;
        }
        try {
            if (written.equals(Files.readString(file, StandardCharsets.UTF_8))) {
                if (written.isEmpty()) {
                    Path ended = Files.createTempFile(file.toAbsolutePath().getParent(), ".path-", ".tmp");
                    Files.writeString(ended, ENDED, StandardCharsets.UTF_8);
                    Files.move(ended, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            // gone already, or unreadable: nothing of this run's to remove
        }
        try {
            held.close();
        } catch (IOException e) {
            // nothing was written through it since the move: nothing to lose
        }
        held = null;
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook removes the file
        }
    }
}
