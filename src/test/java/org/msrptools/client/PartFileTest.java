package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
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
        assertThat(part.syncAndHash()).isEqualTo(sha256(DATA));
    }

    @Test
    void outOfOrderAndRewrittenBytesAreReadBack(@TempDir Path dir) throws Exception {
        PartFile gap = PartFile.create(dir);
        write(gap, 0, 10_000);
        write(gap, 50_000, DATA.length);
        write(gap, 10_000, 50_000);
        assertThat(gap.hashedInFull()).isFalse();
        assertThat(gap.syncAndHash()).isEqualTo(sha256(DATA));

        PartFile rewritten = PartFile.create(dir);
        write(rewritten, 0, DATA.length);
        rewritten.write(Unpooled.wrappedBuffer(new byte[10]), 5); // different bytes where the digest has been
        byte[] expected = DATA.clone();
        Arrays.fill(expected, 5, 15, (byte) 0);
        assertThat(rewritten.hashedInFull()).isFalse();
        assertThat(rewritten.syncAndHash()).isEqualTo(sha256(expected));
    }

    @Test
    void publishedUnderItsNameWithTheUsualModeAndDeletedOtherwise(@TempDir Path dir) throws Exception {
        PartFile part = PartFile.create(dir);
        assertThat(PartFile.NAME.matcher(part.path().getFileName().toString()).matches()).isTrue();
        write(part, 0, 100);
        part.syncAndHash();
        Path done = part.publish(dir, "done.bin");
        assertThat(done).isEqualTo(dir.resolve("done.bin")).hasBinaryContent(Arrays.copyOf(DATA, 100));
        assertThat(part.path()).doesNotExist();
        // 0666 minus the umask: what any new file here gets.
        Path probe = Files.createFile(dir.resolve("probe"));
        assertThat(Files.getPosixFilePermissions(done)).isEqualTo(Files.getPosixFilePermissions(probe));

        PartFile stopped = PartFile.create(dir);
        write(stopped, 0, 100);
        stopped.delete();
        assertThat(stopped.path()).doesNotExist();
        assertThatThrownBy(() -> stopped.publish(dir, "late.bin")).isInstanceOf(IOException.class);
        assertThat(dir.resolve("late.bin")).doesNotExist();
    }
}
