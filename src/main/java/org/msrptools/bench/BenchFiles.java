package org.msrptools.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** The files the bench sends, and the checks on what arrived. */
final class BenchFiles {

    private static final int BLOCK = 1 << 20;

    private BenchFiles() {
    }

    /** A file of random bytes (nothing along the way can compress or skip it); returns its SHA-256. */
    static String random(Path file, long bytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = sha256();
        byte[] block = new byte[BLOCK];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                sha.update(block, 0, n);
                out.write(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A file of zeros that takes no disk space (for sizes where only the count of bytes matters). */
    static Path sparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        return file;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buf) >= 0) {
                buf.flip();
                sha.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
