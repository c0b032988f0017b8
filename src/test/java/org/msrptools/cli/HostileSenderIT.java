package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.StorageLimits;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
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

    private static final byte[] THIRTY_BYTES = "0123456789abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    private static Tool receiverFor(TestPeer alice, Path out, String... options) throws Exception {
        return ReceiverProcess.start(relay.port(), relay.cert(), alice, out, options);
    }

    private static MsrpPath pathOf(Tool receiver) throws InterruptedException {
        return ReceiverProcess.path(receiver);
    }

    /** The receiver's temporary file, once it appears. */
    private static Path partFile(Path dir) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    var part = files.filter(p -> p.getFileName().toString().endsWith(".part")).findFirst();
                    if (part.isPresent()) {
                        return part.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no temporary file in " + dir);
    }

    /** Offers {@code name} (raw Content-Disposition value) to a fresh msrp-receive; returns where it was saved. */
    private Path offer(Path work, String disposition, byte[] body) throws Exception {
        Path out = work.resolve("out");
        try (TestPeer mallory = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(mallory, out)) {
            MsrpPath bobPath = pathOf(bob);
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

    /**
     * What {@code wrong} makes (from alice, given bob's path) is refused with
     * {@code code}; the file sent the right way after it still arrives, and
     * only that one.
     */
    private void refusedAndTheRightOneStillArrives(Path work, BiFunction<TestPeer, MsrpPath, MsrpRequest> wrong,
                                                   int code) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work)) {
            MsrpPath bobPath = pathOf(bob);
            alice.send(wrong.apply(alice, bobPath), new byte[] {1, 2, 3}, Continuation.COMPLETE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(code);

            MsrpRequest real = alice.sendTo(bobPath, TestPeer.fileHeaders("real.txt", 3));
            alice.send(real, new byte[] {4, 5, 6}, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("real.txt")).hasBinaryContent(new byte[] {4, 5, 6});
            assertThat(work.resolve("wrong.txt")).doesNotExist();
        }
    }

    @Test
    void onlyThePeerWhosePathWasGivenMaySend(@TempDir Path work) throws Exception {
        // Someone else's URI as the original sender: the receiver must refuse it.
        refusedAndTheRightOneStillArrives(work, (alice, bobPath) -> new MsrpRequest(TransactionId.random(),
                MsrpMethod.SEND, alice.usePath.concat(bobPath), MsrpPath.parse("msrps://127.0.0.1:9/spoofed;tcp"),
                TestPeer.fileHeaders("wrong.txt", 3)), 403);
    }

    /**
     * A stranger's file after the path was given: each chunk refused, the
     * user told once per sender, the wait goes on. The "Destination path:"
     * line comes just before the path is in force, so a stranger that wins
     * that race is kept aside and refused with the other line; another
     * stranger then tries.
     */
    @Test
    void aStrangersFileAfterThePathIsGivenIsRefusedAndTheUserTold(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work)) {
            MsrpPath bobPath = pathOf(bob);
            bob.await("^Destination path: ", Duration.ofSeconds(10));
            String told = null;
            for (int attempt = 0; attempt < 3 && told == null; attempt++) {
                String stranger = "msrps://127.0.0.1:9/stranger" + attempt + ";tcp";
                for (int chunk = 0; chunk < 2; chunk++) {
                    MsrpHeaders headers = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "s" + attempt + "m" + chunk)
                            .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 3, 3))
                            .add(MsrpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"wrong.txt\"")
                            .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
                    alice.send(new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, alice.usePath.concat(bobPath),
                            MsrpPath.parse(stranger), headers), new byte[] {1, 2, 3}, Continuation.COMPLETE);
                    TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
                    assertThat(refused).as("a REPORT; bob: " + bob.output()).isNotNull();
                    assertThat(refused.request().headers().status().code()).isEqualTo(403);
                }
                String line = bob.await("^(Refused .*" + java.util.regex.Pattern.quote(stranger) + ".*)$",
                        Duration.ofSeconds(10));
                if (line.startsWith("Refused a message from")) {
                    told = line;
                }
            }
            assertThat(told).isNotNull().endsWith(": not the path given; still waiting for the file");
            // Many strangers: each refused all the same, but the screen hears of 16 at most, then one line.
            for (int n = 0; n < 20; n++) {
                MsrpHeaders headers = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "many" + n)
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 1, 1))
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
                alice.send(new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, alice.usePath.concat(bobPath),
                        MsrpPath.parse("msrps://127.0.0.1:9/many" + n + ";tcp"), headers), new byte[] {7},
                        Continuation.COMPLETE);
                assertThat(alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10)).request().headers().status().code())
                        .isEqualTo(403);
            }
            bob.await("^Refusing messages from more senders than the path given; not saying each$",
                    Duration.ofSeconds(10));

            MsrpRequest real = alice.sendTo(bobPath, TestPeer.fileHeaders("real.txt", 3));
            alice.send(real, new byte[] {4, 5, 6}, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(bob.output()).as("said once for the sender, not per message or chunk").containsOnlyOnce(told);
            assertThat(bob.output().lines().filter(l -> l.startsWith("Refused"))).as("senders named").hasSize(16);
            assertThat(bob.output()).containsOnlyOnce("Refusing messages from more senders");
            assertThat(work.resolve("real.txt")).hasBinaryContent(new byte[] {4, 5, 6});
            assertThat(work.resolve("wrong.txt")).doesNotExist();
        }
    }

    /**
     * RFC 4975 section 7.3: a request whose To-Path does not end with this
     * end's URI belongs to another session: 481, and the receiver goes on
     * waiting for the file addressed to it.
     */
    @Test
    void aSendForAnotherSessionIs481AndTheRightOneStillArrives(@TempDir Path work) throws Exception {
        // Through bob's relay session, but to a URI that is not bob's (say, a session bob had before).
        refusedAndTheRightOneStillArrives(work, (alice, bobPath) -> alice.sendTo(MsrpPath.of(bobPath.first())
                .append(MsrpUri.of(true, null, "127.0.0.1", bobPath.last().port(), "anotherSessionId12345")),
                TestPeer.fileHeaders("wrong.txt", 3)), 481);
    }

    /** A total announced after "1-*\/*" chunks went past it: the file would be kept whole but confirmed short. */
    @Test
    void aTotalBelowTheBytesAlreadySentIsRefusedAndNothingIsKept(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work.resolve("out"))) {
            MsrpPath bobPath = pathOf(bob);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("short.bin", 0).set(MsrpHeaders.BYTE_RANGE,
                    "1-*/*")), new byte[100], Continuation.MORE);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("short.bin", 10)), new byte[10],
                    Continuation.COMPLETE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(400);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).contains("msrp-receive: the sender announced 10 bytes after sending 100");
            assertThat(work.resolve("out")).isEmptyDirectory();
        }
    }

    /**
     * A typo in the relay part of the path given (only the sender's own URI,
     * the last, is checked): the file is the right sender's, and its
     * confirmation goes back the way the file came, not along the typo.
     */
    @Test
    void aTypoInTheRelayPartOfThePathGivenStillGetsTheFileConfirmed(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice")) {
            MsrpUri relayPart = alice.path().first();
            MsrpPath typo = MsrpPath.of(MsrpUri.of(true, null, relayPart.hostAddress(), relayPart.port(),
                    "X" + relayPart.sessionId())).append(alice.path().last());
            try (Tool bob = ReceiverProcess.start(relay.port(), relay.cert(), typo, work)) {
                alice.send(alice.sendTo(pathOf(bob), TestPeer.fileHeaders("typo.bin", 30)), THIRTY_BYTES,
                        Continuation.COMPLETE);
                assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
                TestPeer.Received report = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
                assertThat(report).as("the receiver's confirmation").isNotNull();
                assertThat(report.request().headers().status().code()).isEqualTo(200);
            }
        }
    }

    /** A '#' for a message whose every byte is in changes nothing, whenever it comes. */
    @Test
    void anAbortAfterTheLastByteLeavesTheFileStoredAndConfirmed(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work)) {
            MsrpPath bobPath = pathOf(bob);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("whole.bin", 30)), THIRTY_BYTES,
                    Continuation.COMPLETE);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("whole.bin", 30)
                    ), null, Continuation.ABORT);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("whole.bin")).hasBinaryContent(THIRTY_BYTES);
            TestPeer.Received report = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(report.request().headers().status().code()).isEqualTo(200);
        }
    }

    /** Chunks spaced out on purpose would each cost the receiver memory: past a bound, 413. */
    @Test
    void aFileLeftFullOfGapsIsRefusedWith413(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work.resolve("out"))) {
            MsrpPath bobPath = pathOf(bob);
            int chunks = FileReceiver.MAX_PIECES + 1;
            for (int i = 1; i <= chunks; i++) { // bytes 2, 4, 6...: byte 1 never comes
                alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("gaps.bin", 2L * chunks)
                        .set(MsrpHeaders.BYTE_RANGE, 2L * i + "-" + 2L * i + "/" + 2L * chunks)
                        .set(MsrpHeaders.FAILURE_REPORT, "partial")), new byte[] {1}, Continuation.MORE);
            }
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(30));
            assertThat(refused.request().headers().status().code()).isEqualTo(413);
            assertThat(bob.exitCode(Duration.ofSeconds(30))).as(bob.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).contains("the sender left more than " + FileReceiver.MAX_PIECES
                    + " gaps in \"gaps.bin\"");
            assertThat(work.resolve("out")).isEmptyDirectory();
        }
    }

    @Test
    void chunksOutOfOrderAndOverlappingMakeTheExactFile(@TempDir Path work) throws Exception {
        byte[] body = THIRTY_BYTES;
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work)) {
            MsrpPath bobPath = pathOf(bob);
            // The last chunk first, then the start, then a middle that overlaps both.
            int[][] chunks = {{21, 30}, {1, 15}, {11, 25}};
            for (int i = 0; i < chunks.length; i++) {
                int from = chunks[i][0];
                int to = chunks[i][1];
                MsrpRequest send = alice.sendTo(bobPath, TestPeer.fileHeaders("order.txt", body.length)
                        .set(MsrpHeaders.BYTE_RANGE, new ByteRange(from, to, body.length)));
                alice.send(send, Arrays.copyOfRange(body, from - 1, to),
                        i == chunks.length - 1 ? Continuation.COMPLETE : Continuation.MORE);
                assertThat(alice.response(send.transactionId(), Duration.ofSeconds(10)).code()).isEqualTo(200);
            }
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("order.txt")).hasBinaryContent(body);
        }
    }

    /** Failure-Report partial, as msrp-send sends: no chunk is answered, and the success REPORT still comes. */
    @Test
    void chunksAskingForFailuresOnlyGetNoAnswerButTheFileIsConfirmed(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work)) {
            MsrpPath bobPath = pathOf(bob);
            for (int from = 1; from <= THIRTY_BYTES.length; from += 10) {
                MsrpRequest send = alice.sendTo(bobPath, new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "p")
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(from, from + 9, THIRTY_BYTES.length))
                        .add(MsrpHeaders.SUCCESS_REPORT, "yes").add(MsrpHeaders.FAILURE_REPORT, "partial")
                        .add(MsrpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"partial.txt\"")
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));
                alice.send(send, Arrays.copyOfRange(THIRTY_BYTES, from - 1, from + 9),
                        from + 10 > THIRTY_BYTES.length ? Continuation.COMPLETE : Continuation.MORE);
            }
            TestPeer.Received first = alice.next(Duration.ofSeconds(10));
            assertThat(first.head()).as("no answer to any chunk, from the relay or the receiver")
                    .isInstanceOf(MsrpRequest.class);
            assertThat(first.request().method()).isEqualTo(MsrpMethod.REPORT);
            assertThat(first.request().headers().status().code()).isEqualTo(200);
            assertThat(first.request().headers().byteRange()).isEqualTo(new ByteRange(1, 30, 30));
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("partial.txt")).hasBinaryContent(THIRTY_BYTES);
        }
    }

    @Test
    void chunksOfUnknownTotalPastMaxSizeAre413AndNothingIsWrittenBeyondTheLimit(@TempDir Path work)
            throws Exception {
        var tls = TlsContexts.client(relay.cert(), false);
        try (TestPeer alice = TestPeer.signedIn(relay.port(), tls, "alice");
             Tool bob = receiverFor(alice, work.resolve("out"), "--max-size", "1000")) {
            MsrpPath bobPath = pathOf(bob);
            MsrpRequest first = alice.sendTo(bobPath, TestPeer.fileHeaders("open.bin", 0)
                    .set(MsrpHeaders.BYTE_RANGE, "1-*/*"));
            alice.send(first, new byte[600], Continuation.MORE);
            // A second name for the temporary file: it shows what was written even after the receiver removes it.
            Path witness = Files.createLink(work.resolve("witness"), partFile(work.resolve("out")));
            MsrpRequest second = alice.sendTo(bobPath, TestPeer.fileHeaders("open.bin", 0)
                    .set(MsrpHeaders.BYTE_RANGE, "601-*/*"));
            alice.send(second, new byte[600], Continuation.MORE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(413);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).contains("msrp-receive: refused \"open.bin\": the sender went past --max-size 1000");
            // The first 600 bytes may still have been held for one write with what follows (PartFile): on disk
            // then, nothing; never anything past the limit.
            assertThat(Files.size(witness)).as("written before the limit only").isIn(0L, 600L);
            assertThat(work.resolve("out")).isEmptyDirectory();
        }
        // A far start offset with an unknown total: refused before a byte is written.
        try (TestPeer alice = TestPeer.signedIn(relay.port(), tls, "alice");
             Tool bob = receiverFor(alice, work.resolve("far"), "--max-size", "1000")) {
            MsrpRequest far = alice.sendTo(pathOf(bob), TestPeer.fileHeaders("far.bin", 0)
                    .set(MsrpHeaders.BYTE_RANGE, "1099511627777-*/*"));
            alice.send(far, new byte[10], Continuation.MORE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(413);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).isEqualTo(ExitCodes.TRANSFER);
            assertThat(work.resolve("far")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(),
                    d -> assertThat(d).isEmptyDirectory());
        }
    }

    /** A start near 2^63 would overflow the positions: refused (413, exit 6), not a local file error later. */
    @Test
    void aChunkStartingBeyondAnyFileIsRefused(@TempDir Path work) throws Exception {
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work.resolve("out"))) {
            MsrpRequest far = alice.sendTo(pathOf(bob), TestPeer.fileHeaders("edge.bin", 0)
                    .set(MsrpHeaders.BYTE_RANGE, Long.MAX_VALUE + "-*/*"));
            alice.send(far, new byte[10], Continuation.MORE);
            TestPeer.Received refused = alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10));
            assertThat(refused.request().headers().status().code()).isEqualTo(413);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).contains("beyond any file this end stores");
        }
    }

    /**
     * Chunks in order are hashed as they arrive, so the file is never read
     * back: proven by its access time, which a read would move (the test
     * sets it far in the past once the file exists; writes leave it alone).
     */
    @Test
    void aFileArrivingInOrderIsHashedOnTheWayInNotReadAgain(@TempDir Path work) throws Exception {
        FileTime longAgo = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
        Path probe = Files.writeString(work.resolve("probe"), "x");
        Files.setAttribute(probe, "lastAccessTime", longAgo);
        Files.readAllBytes(probe);
        Assumptions.assumeFalse(Files.readAttributes(probe, BasicFileAttributes.class)
                .lastAccessTime().equals(longAgo), "this file system does not record reads (noatime)");
        int chunk = 1024 * 1024;
        long total = 32L * chunk;
        Random random = new Random(7);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Path out = work.resolve("out");
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, out)) {
            MsrpPath bobPath = pathOf(bob);
            for (long at = 0; at < total; at += chunk) {
                MsrpRequest send = alice.sendTo(bobPath, TestPeer.fileHeaders("large.bin", total)
                        .set(MsrpHeaders.BYTE_RANGE, ByteRange.ofChunk(at + 1, chunk, total)));
                alice.stream(send, chunk, random, sent, at + chunk < total ? Continuation.MORE : Continuation.COMPLETE);
                if (at == 0) {
                    Files.setAttribute(partFile(out), "lastAccessTime", longAgo);
                }
            }
            assertThat(bob.exitCode(Duration.ofSeconds(60))).as(bob.output()).isZero();
            Path saved = out.resolve("large.bin");
            assertThat(Files.readAttributes(saved, BasicFileAttributes.class).lastAccessTime())
                    .as("the file was not read after it was written").isEqualTo(longAgo);
            String expected = HexFormat.of().formatHex(sent.digest());
            assertThat(bob.output()).contains("SHA-256: " + expected);
            assertThat(TransferContract.sha256(saved)).isEqualTo(expected);
        }
    }

    /**
     * Before the sender's path is given, a file that ends badly ends the wait
     * only if it was the peer's, once its path is given: a stranger's is said
     * once, however many of its chunks are refused, and the wait goes on; so
     * too for a stranger's chunk refused mid-body and still open when the
     * path is given. The strangers' chunks come over alice's connection with
     * a From-Path of their own, as the users of another relay all come over
     * that relay's one connection (this relay binds a session to the first
     * connection that sends into it).
     */
    @Test
    void aStrangersFileThatFailsBeforeThePathIsGivenIsSaidOnceAndTheWaitGoesOn(@TempDir Path work) throws Exception {
        MsrpPath stranger = MsrpPath.parse("msrps://127.0.0.1:9/stranger;tcp");
        Path peerPathFile = work.resolve("alice.path");
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = ReceiverProcess.withoutPath(relay.port(), relay.cert(), work, "--max-size", "10",
                     "--peer-path-file", peerPathFile.toString())) {
            MsrpPath bobPath = pathOf(bob);
            for (int chunk = 0; chunk < 3; chunk++) {
                alice.send(new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, alice.usePath.concat(bobPath), stranger,
                        TestPeer.fileHeaders("big.bin", 300).set(MsrpHeaders.BYTE_RANGE,
                                new ByteRange(1 + 100L * chunk, 100L * (chunk + 1), 300))), new byte[100], Continuation.MORE);
                assertThat(alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10)).request().headers().status().code())
                        .isEqualTo(413);
            }
            bob.await("^A file from " + java.util.regex.Pattern.quote(stranger.last().toString())
                    + " ended before its sender's path was given \\(refused \"big.bin\": 300 bytes is over --max-size 10\\); "
                    + "still waiting for the path$", Duration.ofSeconds(10));
            MsrpRequest open = new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, alice.usePath.concat(bobPath),
                    stranger, TestPeer.fileHeaders("open.bin", 0).set(MsrpHeaders.BYTE_RANGE,
                            new ByteRange(1, ByteRange.UNKNOWN, ByteRange.UNKNOWN)).set(MsrpHeaders.MESSAGE_ID, "open"));
            alice.streamHead(open);
            alice.streamBody(100, new Random(1), MessageDigest.getInstance("SHA-256"));
            Files.writeString(work.resolve("tmp"), alice.path() + "\n");
            Files.move(work.resolve("tmp"), peerPathFile);
            bob.await("^Destination path: ", Duration.ofSeconds(10));
            Thread.sleep(200); // the path in force before the end-line comes (either order must keep bob waiting)
            alice.streamEnd(open, Continuation.COMPLETE);
            assertThat(alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10)).request().headers().status().code())
                    .isIn(403, 413);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("real.txt", 3)), new byte[] {4, 5, 6},
                    Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isZero();
            assertThat(work.resolve("real.txt")).hasBinaryContent(new byte[] {4, 5, 6});
            assertThat(bob.output()).as("said once for the sender").containsOnlyOnce("A file from");
            assertThat(work.resolve("big.bin")).doesNotExist();
            assertThat(work.resolve("open.bin")).doesNotExist();
        }
    }

    /**
     * The peer's own file aborted before its path is given: the rest of the
     * message is refused (413), not taken for a new file from its middle (so
     * too for a second message aborted alike), and the transfer ends with the
     * first abort once the path is given.
     */
    @Test
    void thePeersFileAbortedBeforeThePathIsGivenEndsTheTransferOnceItIs(@TempDir Path work) throws Exception {
        Path peerPathFile = work.resolve("alice.path");
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = ReceiverProcess.withoutPath(relay.port(), relay.cert(), work,
                     "--peer-path-file", peerPathFile.toString())) {
            MsrpPath bobPath = pathOf(bob);
            alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders("cut.bin", 10).set(MsrpHeaders.BYTE_RANGE,
                    new ByteRange(1, 5, 10))), new byte[5], Continuation.ABORT);
            bob.await("^A file from " + java.util.regex.Pattern.quote(alice.ownUri.toString()) + " ended before its "
                    + "sender's path was given \\(the sender, or a relay on the way, aborted after 5 bytes of "
                    + "\"cut.bin\"\\); still waiting for the path$", Duration.ofSeconds(10));
            for (String name : new String[] {"cut.bin", "two.bin"}) { // a second message aborted alike
                if (name.equals("two.bin")) {
                    alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders(name, 10).set(MsrpHeaders.BYTE_RANGE,
                            new ByteRange(1, 5, 10))), new byte[5], Continuation.ABORT);
                }
                alice.send(alice.sendTo(bobPath, TestPeer.fileHeaders(name, 10).set(MsrpHeaders.BYTE_RANGE,
                        new ByteRange(6, 10, 10))), new byte[5], Continuation.COMPLETE);
                assertThat(alice.request(MsrpMethod.REPORT, Duration.ofSeconds(10)).request().headers().status()
                        .code()).as(name).isEqualTo(413);
            }
            assertThat(bob.isAlive()).as(bob.output()).isTrue();
            Files.writeString(work.resolve("tmp"), alice.path() + "\n");
            Files.move(work.resolve("tmp"), peerPathFile);
            assertThat(bob.exitCode(Duration.ofSeconds(20))).as(bob.output()).isEqualTo(ExitCodes.TRANSFER);
            assertThat(bob.output()).as("no new file from the middle").doesNotContain("is arriving")
                    .contains("the sender, or a relay on the way, aborted after 5 bytes of \"cut.bin\"");
            try (var files = Files.list(work)) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactly("alice.path");
            }
        }
    }

    /** The output directory removed during a transfer is said as such (the file system then reports no room). */
    @Test
    void anOutputDirectoryRemovedMidTransferIsSaidSo(@TempDir Path work) throws Exception {
        Path out = Files.createDirectories(work.resolve("out"));
        long total = StorageLimits.RECHECK + (8L << 20);
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, out)) {
            MsrpRequest head = alice.sendTo(pathOf(bob), TestPeer.fileHeaders("gone.bin", total));
            alice.streamHead(head);
            alice.streamBody(1 << 20, new Random(3), MessageDigest.getInstance("SHA-256"));
            Path part = partFile(out);
            Files.delete(part);
            Files.delete(out);
            alice.streamBody(total - (1 << 20), new Random(4), MessageDigest.getInstance("SHA-256"));
            alice.streamEnd(head, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(30))).as(bob.output()).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(bob.output()).contains("cannot store \"gone.bin\": " + out + " was removed or moved")
                    .doesNotContain("is full");
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
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = receiverFor(alice, work, options)) {
            MsrpRequest big = alice.sendTo(pathOf(bob), TestPeer.fileHeaders("big.bin", total)
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
