package org.msrptools.client;

import java.nio.file.Path;

/**
 * --max-size and the free disk space, applied to the highest offset a
 * sender writes at, whatever its Byte-Range says (a total of "*" or a far
 * start offset must not get a huge sparse file past them). The free space is
 * asked of the file system again whenever the room granted since the last
 * look runs out, or after every {@link #RECHECK} bytes.
 */
public final class StorageLimits {

    /** Bytes granted between two looks at the free space at most. */
    public static final long RECHECK = 64L << 20;

    private final Path dir;
    private final long maxSize;
    private long room;
    private long grantedSinceLook = Long.MAX_VALUE;

    StorageLimits(Path dir, long maxSize) {
        this.dir = dir;
        this.maxSize = maxSize;
    }

    long maxSize() {
        return maxSize;
    }

    boolean overMaxSize(long size) {
        return size > maxSize;
    }

    /** Whether a file of {@code bytes} fits on the disk now (a total announced up front). */
    boolean fits(long bytes) {
        return bytes <= dir.toFile().getUsableSpace();
    }

    /**
     * Whether the file may grow by {@code bytes}; counts them as used if so.
     * {@code unfilled}: bytes the file already spans that hold no data yet
     * (holes a sender left, to be filled before the file is complete). The
     * disk must have room for them too, and the file system does not count
     * them as used: without them, steps into a sparse file would each be
     * granted anew.
     */
    boolean roomFor(long bytes, long unfilled) {
        if (bytes <= 0) {
            return true;
        }
        if (bytes > room || grantedSinceLook > RECHECK) {
            room = dir.toFile().getUsableSpace() - Math.max(0, unfilled);
            grantedSinceLook = 0;
        }
        if (bytes > room) {
            return false;
        }
        room -= bytes;
        grantedSinceLook += bytes;
        return true;
    }
}
