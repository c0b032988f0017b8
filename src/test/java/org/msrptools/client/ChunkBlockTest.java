package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.TransactionId;
import org.msrptools.protocol.ChunkHeads;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.Wire;

/** Blocks of chunks read from a real file are what the decoder reads back: heads, bodies, end-lines. */
class ChunkBlockTest {

    private static final MsrpPath TO = MsrpPath.parse("msrps://relay.example.com:2855/s1;tcp msrps://10.0.0.7:40212/b;tcp");
    private static final MsrpPath FROM = MsrpPath.parse("msrps://192.168.1.2:50000/a;tcp");
    private static final ChunkHeads HEADS = new ChunkHeads(TO, FROM,
            new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m1"),
            new MsrpHeaders().add(MsrpHeaders.SUCCESS_REPORT, "yes").add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));

    /** What a block decodes to: each chunk's head, body and flag. */
    private record Chunk(MsrpRequest head, byte[] body, Continuation flag) {
    }

    private static List<Chunk> decode(ByteBuf block) {
        List<Chunk> chunks = new ArrayList<>();
        MsrpRequest head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object frame : Wire.decode(ByteBufUtil.getBytes(block))) {
            if (frame instanceof MsrpRequest r) {
                head = r;
                body.reset();
            } else if (frame instanceof MsrpContent c) {
                body.writeBytes(ByteBufUtil.getBytes(c.content()));
                c.release();
            } else if (frame instanceof MsrpEnd e) {
                assertThat(e.transactionId()).isEqualTo(head.transactionId());
                chunks.add(new Chunk(head, body.toByteArray(), e.continuation()));
            }
        }
        return chunks;
    }

    @Test
    void aFileInBlocksDecodesToItsChunks(@TempDir Path dir) throws Exception {
        byte[] data = new byte[25_000];
        new Random(3).nextBytes(data);
        Path file = Files.write(dir.resolve("f.bin"), data);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Chunk> chunks = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = 0;
            while (position < data.length) {
                ChunkBlock block = ChunkBlock.read(PooledByteBufAllocator.DEFAULT, in, position, data.length, 4000, 3,
                        HEADS, "Ab12", sha);
                assertThat(block.chunks()).hasSizeLessThanOrEqualTo(3);
                List<Chunk> decoded = decode(block.bytes());
                assertThat(decoded).extracting(c -> c.head().transactionId())
                        .containsExactly(java.util.Arrays.stream(block.chunks()).map(ChunkBlock.Chunk::transactionId)
                                .toArray(String[]::new));
                chunks.addAll(decoded);
                position += block.bodyBytes();
                block.bytes().release();
            }
        }
        assertThat(chunks).hasSize(7); // 6 of 4000 bytes, one of 1000
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long start = 1;
        for (Chunk c : chunks) {
            assertThat(c.head().headers().byteRange()).isEqualTo(ByteRange.ofChunk(start, c.body().length, data.length));
            assertThat(c.head().headers().messageId()).isEqualTo("m1");
            assertThat(c.head().transactionId()).startsWith("Ab12").hasSize(TransactionId.RANDOM_LENGTH);
            assertThat(c.flag()).isEqualTo(start + c.body().length - 1 == data.length ? Continuation.COMPLETE
                    : Continuation.MORE);
            all.writeBytes(c.body());
            start += c.body().length;
        }
        assertThat(all.toByteArray()).isEqualTo(data);
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    @Test
    void anEmptyFileIsOneEmptyChunk(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("empty"), new byte[0]);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ChunkBlock block = ChunkBlock.read(PooledByteBufAllocator.DEFAULT, in, 0, 0, 4000, 1, HEADS, "",
                    MessageDigest.getInstance("SHA-256"));
            List<Chunk> chunks = decode(block.bytes());
            block.bytes().release();
            assertThat(chunks).hasSize(1);
            assertThat(chunks.get(0).body()).isEmpty();
            assertThat(chunks.get(0).head().headers().byteRange()).isEqualTo(new ByteRange(1, 0, 0));
            assertThat(chunks.get(0).flag()).isEqualTo(Continuation.COMPLETE);
        }
    }

    @Test
    void aFileThatShrankIsAnError(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[5000]);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThatThrownBy(() -> ChunkBlock.read(PooledByteBufAllocator.DEFAULT, in, 0, 9000, 4000, 3, HEADS, "",
                    MessageDigest.getInstance("SHA-256"))).isInstanceOf(IOException.class).hasMessageContaining("shrank");
        }
    }
}
