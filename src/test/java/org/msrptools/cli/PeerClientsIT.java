package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.client.ConfirmationPace;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.FileSender;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.testing.OriginalRelayEmulator;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Transfer;
import org.msrptools.testing.Tool;
import org.msrptools.tls.TlsContexts;

/**
 * What the MSRP stacks of desktop SIP clients do on the wire, made with the
 * protocol package, against the real tools: an empty SEND to open the
 * session, empty keep-alive SENDs during a transfer, a REPORT for every
 * chunk received, or only one for the whole file.
 */
class PeerClientsIT {

    private static final int CHUNK = 1024 * 1024;

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    /** A SEND with no body (Byte-Range 1-0/0): the binding or keep-alive message of such clients. */
    private static void emptySend(TestPeer peer, MsrpPath to, String messageId) {
        peer.send(peer.sendTo(to, new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, messageId)
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 0, 0))), null, Continuation.COMPLETE);
    }

    /** The same with a Content-Type and a body of no bytes, as some clients write it. */
    private static void emptyBodySend(TestPeer peer, MsrpPath to, String messageId) {
        peer.send(peer.sendTo(to, new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, messageId)
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, 0, 0)).add(MsrpHeaders.CONTENT_TYPE, "text/plain")),
                new byte[0], Continuation.COMPLETE);
    }

    private static MsrpRequest chunk(TestPeer alice, MsrpPath bob, String name, long at, long length, long total) {
        return alice.sendTo(bob, TestPeer.fileHeaders(name, total)
                .set(MsrpHeaders.BYTE_RANGE, ByteRange.ofChunk(at + 1, length, total)));
    }

    /** The requests and responses alice got, in order. */
    private static List<TestPeer.Received> drain(TestPeer alice) throws InterruptedException {
        List<TestPeer.Received> all = new ArrayList<>();
        for (TestPeer.Received r; (r = alice.next(Duration.ofMillis(500))) != null; ) {
            all.add(r);
        }
        return all;
    }

    private static List<Integer> reportCodes(List<TestPeer.Received> received) {
        return received.stream().filter(r -> r.head() instanceof MsrpRequest q && MsrpMethod.REPORT.equals(q.method()))
                .map(r -> r.request().headers().status().code()).toList();
    }

    private static List<ByteRange> reportRanges(List<TestPeer.Received> received) {
        return received.stream().filter(r -> r.head() instanceof MsrpRequest q && MsrpMethod.REPORT.equals(q.method()))
                .map(r -> {
                    try {
                        return r.request().headers().byteRange();
                    } catch (MsrpSyntaxException e) {
                        throw new AssertionError(e);
                    }
                }).toList();
    }

    /** msrp-send to bob, a peer of the tests' own, through the relay; returns once its path is printed. */
    private static Tool sendTo(TestPeer bob, Path file, Path work) throws Exception {
        return Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(), "alice@example.com",
                "127.0.0.1", Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                "--to-path", bob.path().toString(), "--path-file", work.resolve("alice.path").toString(),
                "--timeout", "30");
    }

    private static MsrpPath pathOf(Tool sender) throws InterruptedException {
        return MsrpPath.parse(sender.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(30)));
    }

    /** Reads bob's SENDs until {@code enough} bytes in all came (failing after 30 s); returns the bytes. */
    private static long readUntil(TestPeer bob, long got, long enough) throws InterruptedException {
        while (got < enough) {
            TestPeer.Received piece = bob.request(MsrpMethod.SEND, Duration.ofSeconds(30));
            assertThat(piece).as("more after %d bytes", got).isNotNull();
            got += piece.bytes();
        }
        return got;
    }

    /** Reads bob's SENDs until none comes for {@code quiet}; returns the bytes. */
    private static long readWhileComing(TestPeer bob, long got, Duration quiet) throws InterruptedException {
        for (TestPeer.Received piece; (piece = bob.request(MsrpMethod.SEND, quiet)) != null; ) {
            got += piece.bytes();
        }
        return got;
    }

    /** The Message-ID of the file bob is being sent, from its first chunk; the bytes of that chunk count in got. */
    private static TestPeer.Received firstChunk(TestPeer bob) throws InterruptedException {
        TestPeer.Received first = bob.request(MsrpMethod.SEND, Duration.ofSeconds(30));
        assertThat(first).as("a first chunk").isNotNull();
        return first;
    }

    private static void confirm(TestPeer bob, MsrpPath alice, TestPeer.Received first, long upTo, long total) {
        bob.send(bob.reportTo(alice, first.request().headers().messageId(), new ByteRange(1, upTo, total), 200), null,
                Continuation.COMPLETE);
    }

    /**
     * msrp-send goes no further than 2 MiB beyond what the receiver's
     * REPORTs confirm, so that a relay which queues without back-pressure
     * (Kamailio) never holds more for it: bob confirms the first 512 KiB,
     * then nothing until the sender has stopped, then the rest as it comes.
     */
    @Test
    void theSenderGoesNoFurtherThanTwoMibBeyondWhatTheReceiverConfirmed(@TempDir Path work) throws Exception {
        long total = 8L << 20;
        long limit = ConfirmationPace.FIRST_LIMIT;
        try (TestPeer bob = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob");
             Tool alice = sendTo(bob, Transfer.bigSparseFile(work, total), work)) {
            MsrpPath alicePath = pathOf(alice);
            TestPeer.Received first = firstChunk(bob);
            long confirmed = readUntil(bob, first.bytes(), FileReceiver.PROGRESS_REPORT_BYTES);
            confirm(bob, alicePath, first, confirmed, total);
            long got = readUntil(bob, confirmed, confirmed + limit);
            got = readWhileComing(bob, got, Duration.ofSeconds(2)); // shorter than the pace's patience (5 s)
            assertThat(got).as("sent beyond the %d bytes confirmed", confirmed)
                    .isLessThanOrEqualTo(confirmed + limit + FileSender.BLOCK_BYTES);
            while (got < total) {
                confirm(bob, alicePath, first, got, total);
                got = readUntil(bob, got, Math.min(total, got + FileReceiver.PROGRESS_REPORT_BYTES));
            }
            confirm(bob, alicePath, first, total, total);
            assertThat(alice.exitCode(Duration.ofSeconds(10))).as(alice.output()).isZero();
            assertThat(alice.output()).contains(total + " bytes confirmed by the receiver.");
        }
    }

    /**
     * Receivers that report otherwise still get the whole file: one that
     * confirms only the whole file (waited for at the 2 MiB limit for 2 s,
     * then sent to unpaced), and one that confirms once early and then only
     * at the end (waited for 5 s, then the limit doubles).
     */
    @Test
    void receiversThatReportOnlyAtTheEndOrRarelyGetTheWholeFile(@TempDir Path work) throws Exception {
        long total = 3L << 20;
        Path file = Transfer.bigSparseFile(work, total);
        for (boolean onceEarly : new boolean[] {false, true}) {
            try (TestPeer bob = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob");
                 Tool alice = sendTo(bob, file, work)) {
                MsrpPath alicePath = pathOf(alice);
                TestPeer.Received first = firstChunk(bob);
                long got = readUntil(bob, first.bytes(), 100_000);
                if (onceEarly) {
                    confirm(bob, alicePath, first, got, total);
                }
                readUntil(bob, got, total);
                confirm(bob, alicePath, first, total, total);
                assertThat(alice.exitCode(Duration.ofSeconds(10))).as(alice.output()).isZero();
                assertThat(alice.output()).contains(total + " bytes confirmed by the receiver.");
            }
        }
    }

    /**
     * Only the receiver confirms delivery (RFC 4975 section 7.1.2): a success
     * REPORT for the whole file from anyone else who knows the sender's path
     * (carol, signed in at the same relay, first to send into alice's
     * session, so the relay binds it to her) leaves msrp-send waiting.
     */
    @Test
    void aSuccessReportFromAnotherThanTheReceiverConfirmsNothing(@TempDir Path work) throws Exception {
        long total = 1L << 20;
        try (TestPeer bob = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob");
             TestPeer carol = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "carol");
             Tool alice = sendTo(bob, Transfer.bigSparseFile(work, total), work)) {
            MsrpPath alicePath = pathOf(alice);
            TestPeer.Received first = firstChunk(bob);
            readUntil(bob, first.bytes(), total);
            confirm(carol, alicePath, first, total, total);
            // The REPORT gets no answer; a SEND after it on the same way does (msrp-send refuses it, and the relay
            // reports that to carol): once that is back, alice has read the REPORT.
            MsrpRequest chat = carol.sendTo(alicePath, new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "chat1")
                    .add(MsrpHeaders.BYTE_RANGE, "1-2/2").add(MsrpHeaders.CONTENT_TYPE, "text/plain"));
            carol.send(chat, "hi".getBytes(StandardCharsets.US_ASCII), Continuation.COMPLETE);
            TestPeer.Received refused = carol.request("REPORT", Duration.ofSeconds(10));
            assertThat(refused).as("the relay's REPORT of alice's refusal").isNotNull();
            assertThat(refused.head().headers().messageId()).isEqualTo("chat1");
            assertThat(refused.head().headers().status().code()).isEqualTo(403);
            assertThat(alice.endsWithin(Duration.ofMillis(500))).as("still waiting for bob: " + alice.output())
                    .isFalse();
            assertThat(alice.output()).doesNotContain("confirmed by the receiver");
        }
    }

    /**
     * A typo in the receiver's URI outside its session id (here its
     * transport), which delivery never reads: the receiver's REPORT still
     * confirms the file, for it is known by its session id.
     */
    @Test
    void aTypoInTheReceiversUriOutsideItsSessionIdStillGetsTheFileConfirmed(@TempDir Path work) throws Exception {
        long total = 100_000;
        try (TestPeer bob = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "bob");
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send",
                     Transfer.bigSparseFile(work, total).toString(), "alice@example.com", "127.0.0.1",
                     Integer.toString(relay.port()), "--ca-file", relay.cert().toString(),
                     "--to-path", bob.path().toString().replaceAll(";tcp$", ";tpc"), "--timeout", "30")) {
            MsrpPath alicePath = pathOf(alice);
            TestPeer.Received first = firstChunk(bob);
            readUntil(bob, first.bytes(), total);
            confirm(bob, alicePath, first, total, total);
            assertThat(alice.exitCode(Duration.ofSeconds(10))).as(alice.output()).isZero();
            assertThat(alice.output()).contains(total + " bytes confirmed by the receiver.");
        }
    }

    @Test
    void anEmptySendFirstIsNoByteOfTheFile(@TempDir Path work) throws Exception {
        byte[] data = new byte[100_000];
        new Random(10).nextBytes(data);
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = ReceiverProcess.start(relay.port(), relay.cert(), alice, work)) {
            MsrpPath bobPath = ReceiverProcess.path(bob);
            emptySend(alice, bobPath, "open-" + System.nanoTime());
            for (int at = 0; at < data.length; at += 10_000) {
                alice.send(chunk(alice, bobPath, "opened.bin", at, 10_000, data.length),
                        Arrays.copyOfRange(data, at, at + 10_000),
                        at + 10_000 < data.length ? Continuation.MORE : Continuation.COMPLETE);
            }
            assertThat(bob.exitCode(Duration.ofSeconds(30))).as(bob.output()).isZero();
            assertThat(work.resolve("opened.bin")).hasBinaryContent(data);
            Matcher m = Pattern.compile("(?m)^received (\\d+) of (\\d+) bytes$").matcher(bob.output());
            while (m.find()) {
                assertThat(Long.parseLong(m.group(1))).as(m.group()).isLessThanOrEqualTo(Long.parseLong(m.group(2)));
                assertThat(m.group(2)).isEqualTo(Integer.toString(data.length));
            }
            assertThat(reportCodes(drain(alice))).containsExactly(200);
        }
    }

    @Test
    void keepAliveSendsEverySecondDuringA50MibTransferAreAnsweredNotRefused(@TempDir Path work) throws Exception {
        long total = 50L * CHUNK;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Random random = new Random(11);
        int keepAlives = 0;
        try (TestPeer alice = TestPeer.signedIn(relay.port(), TlsContexts.client(relay.cert(), false), "alice");
             Tool bob = ReceiverProcess.start(relay.port(), relay.cert(), alice, work)) {
            alice.keep = r -> !(r.head() instanceof MsrpResponse resp) || resp.code() != 200;
            MsrpPath bobPath = ReceiverProcess.path(bob);
            long lastKeepAlive = 0;
            for (long at = 0; at < total; at += CHUNK) {
                // Between chunks, as such clients do: every second, and (on a fast machine) every 10 MiB.
                if (at > 0 && (System.nanoTime() - lastKeepAlive > 1_000_000_000L || at % (10L * CHUNK) == 0)) {
                    if (keepAlives % 2 == 0) {
                        emptySend(alice, bobPath, "keep-alive-" + keepAlives++);
                    } else {
                        emptyBodySend(alice, bobPath, "keep-alive-" + keepAlives++);
                    }
                    lastKeepAlive = System.nanoTime();
                }
                alice.stream(chunk(alice, bobPath, "long.bin", at, CHUNK, total), CHUNK, random, sent,
                        at + CHUNK < total ? Continuation.MORE : Continuation.COMPLETE);
            }
            assertThat(bob.exitCode(Duration.ofSeconds(120))).as(bob.output()).isZero();
            assertThat(keepAlives).isGreaterThanOrEqualTo(4);
            assertThat(bob.output()).contains("SHA-256: " + HexFormat.of().formatHex(sent.digest()));
            List<TestPeer.Received> received = drain(alice);
            assertThat(reportCodes(received)).as("no failure REPORT for a keep-alive, only success REPORTs")
                    .isNotEmpty().containsOnly(200);
            assertThat(reportRanges(received)).as("progress REPORTs, one every 256 KiB at most for the first MiB and "
                            + "every 512 KiB after, then the whole file")
                    .hasSizeLessThanOrEqualTo((int) (FileReceiver.EARLY_REPORTS_UNTIL / FileReceiver.EARLY_REPORT_BYTES
                            + Math.max(0, total - FileReceiver.EARLY_REPORTS_UNTIL) / FileReceiver.PROGRESS_REPORT_BYTES)
                            + 1)
                    .last().isEqualTo(new ByteRange(1, total, total));
        }
    }

    /**
     * A receiver that reports every chunk as it arrives (RFC 4975 section
     * 7.1.2 allows it): msrp-send is done when the reports together cover the
     * file, with no wait. Through the original relay's test double, which
     * cuts every chunk in two, so the reports come in odd pieces.
     */
    @Test
    void aReceiverThatReportsEveryChunkConfirmsTheFileAtOnce(@TempDir Path work) throws Exception {
        byte[] data = new byte[CHUNK];
        new Random(12).nextBytes(data);
        Path file = Files.write(work.resolve("reported.bin"), data);
        try (OriginalRelayEmulator orig = new OriginalRelayEmulator(work.resolve("orig"));
             TestPeer bob = TestPeer.signedInToOriginal(orig.port, TlsContexts.client(orig.cert, false), "bob");
             Tool alice = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-send", file.toString(),
                     "alice@example.com", "127.0.0.1", Integer.toString(orig.port), "--ca-file", orig.cert.toString(),
                     "--to-path", bob.path().toString(), "--path-file", work.resolve("alice.path").toString(),
                     "--timeout", "30")) {
            MsrpPath alicePath = pathOf(alice);
            long reported = 0;
            int reports = 0;
            while (reported < data.length) {
                TestPeer.Received piece = bob.request(MsrpMethod.SEND, Duration.ofSeconds(30));
                assertThat(piece).as("a chunk").isNotNull();
                if (piece.bytes() > 0) {
                    long start = piece.request().headers().byteRange().start();
                    bob.send(bob.reportTo(alicePath, piece.request().headers().messageId(),
                            new ByteRange(start, start + piece.bytes() - 1, data.length), 200), null, Continuation.COMPLETE);
                    reported += piece.bytes();
                    reports++;
                }
            }
            assertThat(reports).isGreaterThan(100);
            assertThat(alice.exitCode(Duration.ofSeconds(5))).as("at once: " + alice.output()).isZero();
            assertThat(alice.output()).contains("File transfer completed.").doesNotContain("no delivery report");
        }
    }
}
