package org.msrptools.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One file sent from alice to bob by the real msrp-send and msrp-receive processes, paths swapped by files. */
public final class Transfer {

    public final Tool sender;
    public final Tool receiver;

    private Transfer(Tool sender, Tool receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /**
     * {@code dir/big.bin}: {@code bytes} of zeros that take no disk space, for
     * a transfer long enough to be stopped in the middle.
     */
    public static Path bigSparseFile(Path dir, long bytes) throws IOException {
        Path file = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    /**
     * Starts both ends against {@code host:port}; {@code common} is added to
     * both command lines (e.g. --ca-file), after the positional arguments.
     */
    public static Transfer start(Path work, Path file, String host, int port, List<String> common,
                                 List<String> senderExtra, List<String> receiverExtra) throws Exception {
        return start(work, file, host, port, port, common, senderExtra, receiverExtra, 0);
    }

    /** The same, the receiver unable to write more than {@code kib} KiB to a file (see {@link Tool#startWithFileSizeLimit}). */
    public static Transfer startWithReceiverFileLimit(Path work, Path file, String host, int port, List<String> common,
                                                      long kib) throws Exception {
        return start(work, file, host, port, port, common, List.of(), List.of(), kib);
    }

    /** Sender on the relay at {@code senderPort}, receiver on the one at {@code receiverPort}. */
    public static Transfer startSplit(Path work, Path file, String host, int senderPort, int receiverPort,
                                      List<String> common) throws Exception {
        return start(work, file, host, senderPort, receiverPort, common, List.of(), List.of(), 0);
    }

    private static Transfer start(Path work, Path file, String host, int senderPort, int port, List<String> common,
                                  List<String> senderExtra, List<String> receiverExtra, long receiverFileKib)
            throws Exception {
        Path out = work.resolve("received");
        List<String> r = new ArrayList<>(List.of("msrp-receive", "bob@example.com", host, Integer.toString(port)));
        r.addAll(common);
        r.addAll(List.of("--path-file", work.resolve("bob.path").toString(),
                "--peer-path-file", work.resolve("alice.path").toString(), "--output-dir", out.toString()));
        r.addAll(receiverExtra);
        Map<String, String> bob = Map.of("MSRP_PASSWORD", "bob-secret");
        Tool receiver = receiverFileKib > 0 ? Tool.startWithFileSizeLimit(receiverFileKib, bob, r.toArray(String[]::new))
                : Tool.start(bob, r.toArray(String[]::new));
        List<String> s = new ArrayList<>(List.of("msrp-send", file.toString(), "alice@example.com", host,
                Integer.toString(senderPort)));
        s.addAll(common);
        s.addAll(List.of("--path-file", work.resolve("alice.path").toString(),
                "--peer-path-file", work.resolve("bob.path").toString()));
        s.addAll(senderExtra);
        Tool sender = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), s.toArray(String[]::new));
        return new Transfer(sender, receiver);
    }

    /** Waits for both; returns {sender exit, receiver exit}. */
    public int[] exitCodes(Duration timeout) throws InterruptedException {
        return new int[] {sender.exitCode(timeout), receiver.exitCode(timeout)};
    }

    /** The SHA-256 a transcript printed. */
    public static String sha256(Tool t) {
        return t.output().lines().filter(l -> l.startsWith("SHA-256: ")).map(l -> l.substring(9))
                .findFirst().orElse(null);
    }

    public static String savedAs(Tool t) {
        return t.output().lines().filter(l -> l.startsWith("Saved as: ")).map(l -> l.substring(10))
                .findFirst().orElse(null);
    }
}
