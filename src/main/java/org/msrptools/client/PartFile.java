package org.msrptools.client;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.msrptools.protocol.RandomIds;

/**
 * The file being received, under a hidden temporary name in the output
 * directory: written at any offset, hashed (SHA-256) on the way in while
 * the bytes come in order, and put under its final name only when complete.
 * Bytes that follow each other are held (the received buffers themselves,
 * no copy) and written together with one gathering write: a chunk's body
 * comes in several pieces, and a system call per piece was a fifth of the
 * receiver's time in the kernel. They are held briefly (written once about
 * {@link #GATHER_BYTES} are held, and before the connection's thread waits
 * for its next read), so that the kernel copies them while they are still
 * in the CPU's cache.
 * Created with the default permissions (0666 minus the umask), which the
 * final name keeps, like a file from scp or curl -O.
 */
final class PartFile {

    /**
     * Held bytes are written once they reach this size or this many buffers
     * (a writev takes at most 1024). 256 KiB, held over waits, made the
     * kernel's copy several times as dear per byte in the bench: the bytes
     * had left the CPU's cache.
     */
    static final int GATHER_BYTES = 64 * 1024;
    static final int GATHER_BUFFERS = 64;

    /** The temporary names: {@code .msrp-<random>.part}; older versions used digits. */
    static final Pattern NAME = Pattern.compile("\\.msrp-[0-9A-Za-z_-]+\\.part");

    private final Path path;
    private final FileChannel channel;
    /**
     * The directory, held open where the platform allows (Linux): the file
     * is removed from it even when it was moved meanwhile (found by a new
     * user: an output directory moved during a transfer kept a 40 MB part).
     */
    private final SecureDirectoryStream<Path> dir;
    private final MessageDigest sha256;
    /** Bytes 0..hashedTo-1 are in the digest; later ones are read back from the file at the end. */
    private long hashedTo;
    /** False once bytes already hashed were written again: the digest then starts over from the file. */
    private boolean digestValid = true;
    private long highest;
    /** Received bytes not yet written, in order, from file offset {@link #heldFrom}; the connection's thread only. */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldFrom;
    private long heldBytes;
    /** Published or deleted: nothing more may happen to the temporary name. */
    private boolean over;
    private boolean published;
    /** One past the highest byte written to disk (held bytes not counted): what the disk already holds. */
    private long onDisk;
    /** The channel's position: writes nearly always follow each other, and then need no seek first. */
    private long position;

    private PartFile(Path path, FileChannel channel, SecureDirectoryStream<Path> dir) {
        this.path = path;
        this.channel = channel;
        this.dir = dir;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static PartFile create(Path dir) throws IOException {
        DirectoryStream<Path> opened = Files.newDirectoryStream(dir);
        SecureDirectoryStream<Path> held = opened instanceof SecureDirectoryStream<Path> s ? s : null;
        if (held == null) {
            opened.close();
        }
        try {
            while (true) {
                Path p = dir.resolve(".msrp-" + RandomIds.sessionId() + ".part");
                try {
                    return new PartFile(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE), held);
                } catch (FileAlreadyExistsException e) {
                    // 144 random bits taken: draw again
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(held);
            throw e;
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // a directory stream read nothing: nothing to lose
            }
        }
    }

    Path path() {
        return path;
    }

    /** One past the highest byte written (0-based), held ones included: the size the file will have. */
    long highest() {
        return highest;
    }

    /** One past the highest byte on disk already: what a check of the free space must count from. */
    long onDisk() {
        return onDisk;
    }

    /**
     * Takes {@code data} for 0-based {@code offset} (retaining it; the caller
     * releases its own reference); on the connection's thread. It is on disk
     * after the next {@link #flush()}, or sooner.
     */
    void write(ByteBuf data, long offset) throws IOException {
        int n = data.readableBytes();
        if (offset == hashedTo && digestValid) {
            sha256.update(data.nioBuffer());
            hashedTo += n;
        } else if (offset < hashedTo) {
            digestValid = false;
        }
        if (!held.isEmpty() && offset != heldFrom + heldBytes) {
            flush();
        }
        if (held.isEmpty()) {
            heldFrom = offset;
        }
        held.add(data.retain());
        heldBytes += n;
        highest = Math.max(highest, offset + n);
        if (heldBytes >= GATHER_BYTES || held.size() >= GATHER_BUFFERS) {
            flush();
        }
    }

    /** Writes the held bytes; on the connection's thread. */
    void flush() throws IOException {
        if (held.isEmpty()) {
            return;
        }
        try {
            ByteBuffer[] parts = held.stream().flatMap(b -> Arrays.stream(b.nioBuffers())).toArray(ByteBuffer[]::new);
            if (position != heldFrom) {
                channel.position(heldFrom);
            }
            position = -1; // unknown should the write fail
            long left = heldBytes;
            while (left > 0) {
                left -= channel.write(parts);
            }
            position = heldFrom + heldBytes;
            onDisk = Math.max(onDisk, position);
        } finally {
            release();
        }
    }

    private void release() {
        held.forEach(ByteBuf::release);
        held.clear();
        heldBytes = 0;
    }

    /** Whether the digest covers the file as written: nothing to read back. */
    boolean hashedInFull() {
        return digestValid && hashedTo == highest;
    }

    /**
     * Syncs the file and returns its SHA-256, reading back only what did
     * not arrive in order. Blocks on the disk: never on the connection's
     * thread, and only after the last {@link #flush()}.
     */
    String syncAndHash() throws IOException {
        if (!held.isEmpty()) {
            throw new IllegalStateException("held bytes not written");
        }
        channel.force(true);
        if (!digestValid) {
            sha256.reset();
            hashedTo = 0;
        }
        if (hashedTo < highest) {
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                long at = hashedTo;
                while (at < highest) {
                    buf.clear();
                    int n = in.read(buf, at);
                    if (n < 0) {
                        throw new IOException(path + " is shorter than what was written");
                    }
                    buf.flip();
                    sha256.update(buf);
                    at += n;
                }
                hashedTo = at;
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Puts the file under {@code name} in {@code dir} (see {@link FinalName}); fails if it was deleted meanwhile. */
    synchronized Path publish(Path dir, String name) throws IOException {
        if (over) {
            throw new IOException("the transfer was stopped");
        }
        channel.close();
        Path placed = FinalName.place(path, dir, name);
        over = true;
        published = true;
        closeQuietly(this.dir);
        return placed;
    }

    /**
     * Removes the temporary file and lets go of what was held; on the
     * connection's thread. False when the file was published first: it
     * stays, complete, and the transfer is a success.
     */
    boolean discard() {
        release();
        return delete();
    }

    /** Removes the temporary file; from any thread, more than once is fine. False once it is published. */
    synchronized boolean delete() {
        if (over) {
            return !published;
        }
        over = true;
        try {
            channel.close();
            if (dir != null) {
                dir.deleteFile(path.getFileName()); // where the directory is now
            } else {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // gone already; or the next receiver started where it is removes it once it is stale (StaleParts)
        } finally {
            closeQuietly(dir);
        }
        return true;
    }
}
