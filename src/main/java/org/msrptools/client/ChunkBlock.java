package org.msrptools.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.logging.Level;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.ChunkHeads;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.TransactionId;

/**
 * Consecutive chunks of a file as they go on the wire, each head, body and
 * end-line, back to back in one pooled direct buffer. The bodies are read
 * from the file straight into their places (one scattering read for all of
 * them) and hashed there, and the buffer is written as it is: the TLS engine
 * encrypts from it in records of its own size, so a body is copied once,
 * from the file, and never again, and a block costs one write and one flush.
 */
final class ChunkBlock {

    /** A chunk of the block: its transaction id (which its response names) and its body's length. */
    record Chunk(String transactionId, int length) {
    }

    /** {@code CRLF -------<id><flag> CRLF}: the end-line after a body. */
    private static final int END_LINE = 2 + 7 + TransactionId.RANDOM_LENGTH + 1 + 2;

    private final ByteBuf bytes;
    private final Chunk[] chunks;
    private final long bodyBytes;

    private ChunkBlock(ByteBuf bytes, Chunk[] chunks, long bodyBytes) {
        this.bytes = bytes;
        this.chunks = chunks;
        this.bodyBytes = bodyBytes;
    }

    /** The chunks that {@code left} bytes make: an empty file, or its end, is one empty chunk. */
    static long chunks(long left, int chunkSize) {
        return Math.max(1, (left + chunkSize - 1) / chunkSize);
    }

    /**
     * Reads up to {@code most} chunks of up to {@code chunkSize} bytes from
     * 0-based {@code position} of a file of {@code total} bytes (the message),
     * and adds their bodies to {@code sha256}. The last chunk of the file
     * ends with {@code $}, the others with {@code +}. An empty file is one
     * empty chunk. Their transaction ids begin with {@code idPrefix}.
     */
    static ChunkBlock read(ByteBufAllocator alloc, FileChannel file, long position, long total, int chunkSize,
                           int most, ChunkHeads heads, String idPrefix, MessageDigest sha256) throws IOException {
        int count = (int) Math.min(most, chunks(total - position, chunkSize));
        String[] ranges = new String[count];
        int[] lengths = new int[count];
        int size = 0;
        long at = position;
        for (int i = 0; i < count; i++) {
            lengths[i] = (int) Math.min(chunkSize, total - at);
            ranges[i] = ByteRange.ofChunk(at + 1, lengths[i], total).toString();
            size = Math.toIntExact((long) size + heads.size(TransactionId.RANDOM_LENGTH, ranges[i]) + lengths[i]
                    + END_LINE);
            at += lengths[i];
        }
        ByteBuf buf = alloc.directBuffer(size, size);
        try {
            ByteBuffer[] bodies = new ByteBuffer[count];
            int offset = 0;
            for (int i = 0; i < count; i++) {
                offset += heads.size(TransactionId.RANDOM_LENGTH, ranges[i]);
                bodies[i] = buf.nioBuffer(offset, lengths[i]);
                offset += lengths[i] + END_LINE;
            }
            fill(file, position, bodies, at - position);
            Chunk[] chunks = new Chunk[count];
            long from = position;
            for (int i = 0; i < count; i++) {
                int bodyAt = buf.writerIndex() + heads.size(TransactionId.RANDOM_LENGTH, ranges[i]);
                ByteBuf body = buf.slice(bodyAt, lengths[i]);
                sha256.update(body.nioBuffer());
                String tid = TransactionId.randomAvoiding(idPrefix, body);
                heads.encode(buf, tid, ranges[i]);
                if (MsrpConnection.WIRE.isLoggable(Level.FINE)) {
                    MsrpConnection.WIRE.fine("> " + heads.describe(tid, ranges[i]));
                }
                from += lengths[i];
                buf.writerIndex(bodyAt + lengths[i]);
                MsrpEncoder.encodeEnd(tid, from >= total ? Continuation.COMPLETE : Continuation.MORE, true, buf);
                chunks[i] = new Chunk(tid, lengths[i]);
            }
            return new ChunkBlock(buf, chunks, at - position);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Reads {@code want} bytes from {@code position} into the bodies, in order. */
    private static void fill(FileChannel file, long position, ByteBuffer[] bodies, long want) throws IOException {
        file.position(position);
        long got = 0;
        while (got < want) {
            long n = file.read(bodies);
            if (n < 0) {
                throw new IOException("the file shrank while being sent");
            }
            got += n;
        }
    }

    /** The block on the wire: whoever writes it owns it. */
    ByteBuf bytes() {
        return bytes;
    }

    Chunk[] chunks() {
        return chunks;
    }

    /** Bytes of the file in this block. */
    long bodyBytes() {
        return bodyBytes;
    }
}
