package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.Transfer;

/**
 * The transfers every relay must carry for the real msrp-send and
 * msrp-receive processes: empty, one byte, 10 MiB random, a non-ASCII name.
 */
abstract class TransferContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    abstract String host();

    abstract int port();

    abstract Path caFile();

    /** The chunk size msrp-send uses through this relay when not given one (both clients signed in there). */
    abstract int defaultChunkSize();

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    void transfer(Path work, Path file) throws Exception {
        transfer(work, file, List.of());
    }

    Transfer transfer(Path work, Path file, List<String> senderOptions) throws Exception {
        Transfer t = Transfer.start(work, file, host(), port(),
                List.of("--ca-file", caFile().toString(), "--timeout", "30"), senderOptions, List.of());
        int[] exits = t.exitCodes(TIMEOUT);
        assertThat(exits).as("sender:\n" + t.sender.output() + "\nreceiver:\n" + t.receiver.output())
                .containsExactly(0, 0);
        String expected = sha256(file);
        assertThat(Transfer.sha256(t.sender)).isEqualTo(expected);
        assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
        Path saved = Path.of(Transfer.savedAs(t.receiver));
        assertThat(saved.getParent()).isEqualTo(work.resolve("received"));
        assertThat(saved.getFileName().toString()).isEqualTo(file.getFileName().toString());
        assertThat(sha256(saved)).isEqualTo(expected);
        // The original clients' dialogue lines.
        assertThat(t.sender.output()).contains("Connecting to " + host() + ":" + port(), "Sending initial AUTH",
                "Got challenge, sending response AUTH", "Path to send in SDP:", "Destination path: msrps://",
                "Starting transmission of \"" + file.getFileName() + "\"", "File transfer completed.",
                "Sent " + Files.size(file) + " bytes in ");
        assertThat(t.receiver.output()).contains("Receiving file \"" + file.getFileName() + "\"",
                "File transfer completed successfully.", "Received " + Files.size(file) + " bytes in ");
        // Every figure in the original lines' units, and the last progress line agrees with the final one.
        long size = Files.size(file);
        assertThat(t.sender.output()).contains("sent " + size + " of " + size + " bytes",
                size + " bytes confirmed by the receiver.");
        assertThat(t.receiver.output()).contains("received " + size + " of " + size + " bytes");
        assertThat(t.sender.output() + t.receiver.output()).doesNotContainPattern("\\d (B|KiB|MiB|GiB)\\b");
        try (var left = Files.list(work.resolve("received"))) {
            assertThat(left).as("no temporary file left behind").hasSize(1);
        }
        // The usual mode of a new file (0666 minus the umask, which the processes share with this one).
        Path probe = Files.createFile(work.resolve("mode-probe"));
        assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(Files.getPosixFilePermissions(probe));
        return t;
    }

    @Test
    void emptyFile(@TempDir Path work) throws Exception {
        Path f = Files.createFile(work.resolve("empty.dat"));
        transfer(work, f);
    }

    @Test
    void oneByte(@TempDir Path work) throws Exception {
        transfer(work, Files.write(work.resolve("one.bin"), new byte[] {42}));
    }

    @Test
    void tenMibOfRandomBytes(@TempDir Path work) throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(1).nextBytes(data);
        transfer(work, Files.write(work.resolve("random.bin"), data));
    }

    /** Failure-Report yes: every chunk answered, at most --window unanswered (msrp-send asks for failures only). */
    @Test
    void everyChunkAnswered(@TempDir Path work) throws Exception {
        byte[] data = new byte[1024 * 1024 + 5];
        new Random(2).nextBytes(data);
        transfer(work, Files.write(work.resolve("answered.bin"), data), List.of("--failure-report", "yes",
                "--window", "4"));
    }

    /** The wire log (--verbose) shows each chunk's Byte-Range. */
    @Test
    void chunksOfTheSizeThisRelayTakes(@TempDir Path work) throws Exception {
        byte[] data = new byte[3 * 65536 + 100];
        new Random(3).nextBytes(data);
        Transfer t = transfer(work, Files.write(work.resolve("chunks.bin"), data), List.of("--verbose"));
        int size = defaultChunkSize();
        assertThat(t.sender.output()).contains("Byte-Range=1-" + size + "/" + data.length + ",",
                "Byte-Range=" + (size + 1) + "-" + 2 * size + "/" + data.length + ",", "chunks of " + size + " bytes: ");
    }

    @Test
    void aNameWithSpacesAndNonAsciiLetters(@TempDir Path work) throws Exception {
        transfer(work, Files.writeString(work.resolve("Grüße aus Köln – ünïcödé.txt"), "hallo\n"));
    }
}
