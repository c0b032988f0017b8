package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.TransactionId;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.TlsContexts;

/**
 * A hostile sender (made with the protocol package) against the real
 * msrp-receive: whatever name it offers, the file lands inside the output
 * directory under a cleaned name, and nothing is overwritten.
 */
class HostileSenderIT {

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    /** Offers {@code name} (raw Content-Disposition value) to a fresh msrp-receive; returns where it was saved. */
    private Path offer(Path work, String disposition, byte[] body) throws Exception {
        Path out = work.resolve("out");
        try (TestPeer mallory = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                     "--to-path", mallory.path().toString(), "--output-dir", out.toString(), "--timeout", "20")) {
            MsrpPath bobPath = MsrpPath.parse(bob.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(20)));
            MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "evil")
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, body.length, body.length))
                    .add(MsrpHeaders.SUCCESS_REPORT, "yes")
                    .add(MsrpHeaders.CONTENT_DISPOSITION, disposition)
                    .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
            MsrpRequest send = mallory.sendTo(bobPath, h);
            mallory.send(send, body, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(mallory.request(MsrpMethod.REPORT, Duration.ofSeconds(5))).isNotNull();
            Path saved = Path.of(bob.output().lines().filter(l -> l.startsWith("Saved as: ")).findFirst()
                    .orElseThrow().substring(10));
            assertThat(saved.toAbsolutePath().normalize().getParent()).isEqualTo(out.toAbsolutePath().normalize());
            assertThat(Files.readAllBytes(saved)).isEqualTo(body);
            return saved;
        }
    }

    @Test
    void pathTraversalAbsolutePathsAndNulLandInsideUnderCleanNames(@TempDir Path work) throws Exception {
        byte[] body = "owned\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(offer(work, "attachment; filename=\"../../etc/passwd\"", body).getFileName())
                .hasToString("passwd");
        assertThat(offer(work, "attachment; filename=\"/etc/passwd\"", body).getFileName())
                .as("never an overwrite").hasToString("passwd (1)");
        assertThat(offer(work, "attachment; filename=\"C:\\\\Windows\\\\evil.txt\"", body).getFileName())
                .hasToString("evil.txt");
        assertThat(offer(work, "attachment; filename*=UTF-8''a%00b%0A.txt", body).getFileName())
                .hasToString("a_b_.txt");
        try (var files = Files.list(work.resolve("out"))) {
            assertThat(files).hasSize(4);
        }
    }

    @Test
    void onlyThePeerWhosePathWasGivenMaySend(@TempDir Path work) throws Exception {
        var tls = TlsContexts.client(relay.cert(), false);
        try (TestPeer alice = TestPeer.signedIn(relay.port(), tls, "alice");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                     "--to-path", alice.path().toString(), "--output-dir", work.toString(), "--timeout", "20")) {
            MsrpPath bobPath = MsrpPath.parse(bob.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(20)));
            // Someone else's URI as the original sender: the receiver must refuse it.
            MsrpRequest intruder = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND,
                    alice.usePath.concat(bobPath), MsrpPath.parse("msrps://127.0.0.1:9/spoofed;tcp"),
                    TestPeer.fileHeaders("intruder.txt", 3));
            alice.send(intruder, new byte[] {1, 2, 3}, Continuation.COMPLETE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(403);

            MsrpRequest real = alice.sendTo(bobPath, TestPeer.fileHeaders("real.txt", 3));
            alice.send(real, new byte[] {4, 5, 6}, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("real.txt")).hasBinaryContent(new byte[] {4, 5, 6});
            assertThat(work.resolve("intruder.txt")).doesNotExist();
        }
    }

    @Test
    void chunksOutOfOrderAndOverlappingMakeTheExactFile(@TempDir Path work) throws Exception {
        byte[] body = "0123456789abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), "msrp-receive", "bob@example.com",
                     "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                     "--to-path", alice.path().toString(), "--output-dir", work.toString(), "--timeout", "20")) {
            MsrpPath bobPath = MsrpPath.parse(bob.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(20)));
            // The last chunk first, then the start, then a middle that overlaps both.
            int[][] chunks = {{21, 30}, {1, 15}, {11, 25}};
            for (int i = 0; i < chunks.length; i++) {
                int from = chunks[i][0];
                int to = chunks[i][1];
                MsrpRequest send = alice.sendTo(bobPath, TestPeer.fileHeaders("order.txt", body.length)
                        .set(MsrpHeaders.BYTE_RANGE, new ByteRange(from, to, body.length)));
                alice.send(send, java.util.Arrays.copyOfRange(body, from - 1, to),
                        i == chunks.length - 1 ? Continuation.COMPLETE : Continuation.MORE);
                assertThat(alice.response(send.transactionId(), Duration.ofSeconds(10)).code()).isEqualTo(200);
            }
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("order.txt")).hasBinaryContent(body);
        }
    }

    @Test
    void overMaxSizeIsRefusedWith413AndNothingIsKept(@TempDir Path work) throws Exception {
        refusedWith413BeforeWriting(work, 100, ExitCodes.TRANSFER, "100 bytes is over --max-size 10",
                "--max-size", "10");
    }

    @Test
    void moreThanTheFreeDiskSpaceIsRefusedWith413AndNothingIsKept(@TempDir Path work) throws Exception {
        long total = work.toFile().getUsableSpace() + (1L << 40);
        refusedWith413BeforeWriting(work, total, ExitCodes.LOCAL_FILE, "more than the free space in");
    }

    /** A file announced with {@code total} bytes (100 of them sent) is refused before anything is written. */
    private void refusedWith413BeforeWriting(Path work, long total, int exitCode, String line, String... options)
            throws Exception {
        var tls = TlsContexts.client(relay.cert(), false);
        List<String> args = new java.util.ArrayList<>(List.of("msrp-receive", "bob@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--output-dir", work.toString(),
                "--timeout", "20"));
        args.addAll(List.of(options));
        try (TestPeer alice = TestPeer.signedIn(relay.port(), tls, "alice")) {
            args.addAll(List.of("--to-path", alice.path().toString()));
            try (Tool bob = Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), args.toArray(String[]::new))) {
                MsrpPath bobPath = MsrpPath.parse(bob.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(20)));
                MsrpRequest big = alice.sendTo(bobPath, TestPeer.fileHeaders("big.bin", total)
                        .set(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 100, total)));
                alice.send(big, new byte[100], Continuation.COMPLETE);
                TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
                assertThat(refused.request().headers().status().code()).isEqualTo(413);
                assertThat(bob.exitCode(Duration.ofSeconds(20))).isEqualTo(exitCode);
                assertThat(bob.output()).contains(line);
                try (var files = Files.list(work)) {
                    assertThat(files).isEmpty();
                }
            }
        }
    }
}
