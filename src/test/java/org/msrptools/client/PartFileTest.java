package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartFileTest {

    private static final byte[] DATA = new byte[100_000];

    static {
        new Random(3).nextBytes(DATA);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** What store() does: the held bytes go to disk, then the file is synced and hashed. */
    private static String flushedHash(PartFile part) throws IOException {
        part.flush();
        return part.syncAndHash();
    }

    private static void write(PartFile part, int from, int to) throws IOException {
        part.write(Unpooled.wrappedBuffer(Arrays.copyOfRange(DATA, from, to)), from);
    }

    @Test
    void inOrderTheDigestIsMadeOnTheWayIn(@TempDir Path dir) throws Exception {
        PartFile part = PartFile.create(dir);
        for (int at = 0; at < DATA.length; at += 7000) {
            write(part, at, Math.min(DATA.length, at + 7000));
        }
        assertThat(part.hashedInFull()).isTrue();
        assertThat(flushedHash(part)).isEqualTo(sha256(DATA));
    }

    @Test
    void outOfOrderAndRewrittenBytesAreReadBack(@TempDir Path dir) throws Exception {
        PartFile gap = PartFile.create(dir);
        write(gap, 0, 10_000);
        write(gap, 50_000, DATA.length);
        write(gap, 10_000, 50_000);
        assertThat(gap.hashedInFull()).isFalse();
        assertThat(flushedHash(gap)).isEqualTo(sha256(DATA));

        PartFile rewritten = PartFile.create(dir);
        write(rewritten, 0, DATA.length);
        rewritten.write(Unpooled.wrappedBuffer(new byte[10]), 5); // different bytes where the digest has been
        byte[] expected = DATA.clone();
        Arrays.fill(expected, 5, 15, (byte) 0);
        assertThat(rewritten.hashedInFull()).isFalse();
        assertThat(flushedHash(rewritten)).isEqualTo(sha256(expected));
    }

    @Test
    void publishedUnderItsNameWithTheUsualModeAndDeletedOtherwise(@TempDir Path dir) throws Exception {
        PartFile part = PartFile.create(dir);
        assertThat(PartFile.NAME.matcher(part.path().getFileName().toString()).matches()).isTrue();
        write(part, 0, 100);
        flushedHash(part);
        Path done = part.publish(dir, "done.bin");
        assertThat(done).isEqualTo(dir.resolve("done.bin")).hasBinaryContent(Arrays.copyOf(DATA, 100));
        assertThat(part.path()).doesNotExist();
        // 0666 minus the umask: what any new file here gets.
        Path probe = Files.createFile(dir.resolve("probe"));
        assertThat(Files.getPosixFilePermissions(done)).isEqualTo(Files.getPosixFilePermissions(probe));

        PartFile stopped = PartFile.create(dir);
        write(stopped, 0, 100);
        assertThat(stopped.discard()).isTrue();
        assertThat(stopped.path()).doesNotExist();
        assertThatThrownBy(() -> stopped.publish(dir, "late.bin")).isInstanceOf(IOException.class);
        assertThat(dir.resolve("late.bin")).doesNotExist();

        // A stop an instant after the publication: the complete file stays, and the stop says so.
        assertThat(part.discard()).as("published first").isFalse();
        assertThat(done).hasBinaryContent(Arrays.copyOf(DATA, 100));
    }

    /**
     * Pieces that follow each other are held, as received, until enough for
     * one gathering write; a piece elsewhere writes them first. Nothing is
     * copied, so each piece stays retained until written, and is let go after.
     */
    @Test
    void followingPiecesAreWrittenTogetherAndLetGo(@TempDir Path dir) throws Exception {
        PartFile part = PartFile.create(dir);
        List<ByteBuf> pieces = new ArrayList<>();
        int at = 0;
        for (int size = 1; at + size <= 60_000; at += size, size = size * 3 % 997 + 1) {
            ByteBuf piece = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(DATA, at, size);
            part.write(piece, at);
            pieces.add(piece);
        }
        assertThat(pieces).as("more pieces than one write holds").hasSizeGreaterThan(PartFile.GATHER_BUFFERS);
        assertThat(pieces.get(0).refCnt()).as("written: only the caller's reference").isEqualTo(1);
        assertThat(pieces.get(pieces.size() - 1).refCnt()).as("held for the next write").isEqualTo(2);
        assertThat(part.onDisk()).as("a free-space check counts from the disk").isLessThan(part.highest());
        assertThat(part.path()).hasSize(part.onDisk());
        write(part, at + 100, DATA.length); // elsewhere: what is held goes first
        write(part, at, at + 100);
        assertThat(pieces).allSatisfy(b -> assertThat(b.refCnt()).isEqualTo(1));
        assertThat(flushedHash(part)).isEqualTo(sha256(DATA));
        assertThat(part.path()).hasBinaryContent(DATA);
        pieces.forEach(ByteBuf::release);

        PartFile dropped = PartFile.create(dir);
        ByteBuf held = PooledByteBufAllocator.DEFAULT.directBuffer(10).writeBytes(DATA, 0, 10);
        dropped.write(held, 0);
        dropped.discard();
        assertThat(held.refCnt()).as("a discarded file lets go of what it held").isEqualTo(1);
        assertThat(dropped.path()).doesNotExist();
        held.release();
    }

    /**
     * A directory moved while the file comes: deleting the part removes it
     * where the directory is now (found by a new user: a 40 MB part stayed
     * in the moved directory).
     */
    @Test
    void aPartIsDeletedFromItsDirectoryMovedMeanwhile(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        PartFile part = PartFile.create(out);
        write(part, 0, 10_000);
        part.flush();
        Path moved = Files.move(out, dir.resolve("moved"));
        assertThat(moved.resolve(part.path().getFileName())).exists();
        part.delete();
        assertThat(moved).isEmptyDirectory();
    }
}
