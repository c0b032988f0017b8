package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.testing.OriginalRelayEmulator;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;
import org.msrptools.testing.Transfer;
import org.msrptools.tls.TlsContexts;

/**
 * The clients, with no option set, through a relay that behaves like the
 * original Python relay: its silent drop of an Authorization with uri, its
 * base64 ids, its fixed paths per session, its cut chunks.
 */
class OriginalRelayIT {

    @Test
    void transferThroughTheOriginalRelaysBehaviour(@TempDir Path work) throws Exception {
        byte[] data = new byte[100_000];
        new Random(5).nextBytes(data);
        Path file = Files.write(work.resolve("data.bin"), data);
        try (OriginalRelayEmulator relay = new OriginalRelayEmulator(work.resolve("orig"))) {
            Transfer t = Transfer.start(work, file, "127.0.0.1", relay.port,
                    List.of("--ca-file", relay.cert.toString(), "--timeout", "30"), List.of(), List.of());
            int[] exits = t.exitCodes(Duration.ofSeconds(90));
            assertThat(exits).as(t.sender.output() + "\n" + t.receiver.output()).containsExactly(0, 0);
            String expected = TransferContract.sha256(file);
            assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
            assertThat(TransferContract.sha256(work.resolve("received").resolve("data.bin"))).isEqualTo(expected);
            // The first sign-in (with uri) got no answer; the second (without) did.
            assertThat(t.sender.output().lines().filter(l -> l.startsWith("Connecting to"))).hasSize(2);
            assertThat(t.sender.output()).contains("File transfer completed.").doesNotContain("no delivery report");
            assertThat(t.receiver.output()).contains("msrps://127.0.0.1:" + relay.port + "/+/");
        }
    }

    /**
     * The original receiver sends no REPORT: the transfer is sent but not
     * confirmed, which is exit 9 unless --accept-unconfirmed says that is
     * enough (after --report-wait without any REPORT).
     */
    @Test
    void anOriginalReceiverNeverConfirmsSoOnlyTheOptionTakesThatAsDone(@TempDir Path work) throws Exception {
        byte[] data = new byte[100_000];
        new Random(6).nextBytes(data);
        Path file = Files.write(work.resolve("data.bin"), data);
        try (OriginalRelayEmulator relay = new OriginalRelayEmulator(work.resolve("orig"));
             TestPeer bob = TestPeer.signedInToOriginal(relay.port, TlsContexts.client(relay.cert, false), "bob")) {
            List<String> send = List.of("msrp-send", file.toString(), "alice@example.com", "127.0.0.1",
                    Integer.toString(relay.port), "--ca-file", relay.cert.toString(), "--to-path", bob.path().toString());
            try (Tool alice = Tool.start(ALICE, concat(send, "--peer-timeout", "3"))) {
                assertThat(alice.exitCode(Duration.ofSeconds(60))).as(alice.output()).isEqualTo(ExitCodes.UNCONFIRMED);
                assertThat(alice.output()).contains("msrp-send: sent all 100000 bytes; the receiver did not confirm "
                        + "within 3 s").doesNotContain("File transfer completed");
            }
            try (Tool alice = Tool.start(ALICE, concat(send, "--accept-unconfirmed", "--report-wait", "1"))) {
                assertThat(alice.exitCode(Duration.ofSeconds(60))).as(alice.output()).isZero();
                assertThat(alice.output()).contains("File transfer completed. (The receiver sent no delivery report.)");
            }
        }
    }

    /** The original sender: the whole file in one SEND, Failure-Report: no, Message-ID 1, an unquoted name. */
    @Test
    void theOriginalSendersFileArrives(@TempDir Path work) throws Exception {
        byte[] data = "sent the original way\n".getBytes(StandardCharsets.US_ASCII);
        try (OriginalRelayEmulator relay = new OriginalRelayEmulator(work.resolve("orig"));
             TestPeer alice = TestPeer.signedInToOriginal(relay.port, TlsContexts.client(relay.cert, false), "alice");
             Tool bob = ReceiverProcess.start(relay.port, relay.cert, alice, work.resolve("in"))) {
            MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "1")
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, data.length, data.length))
                    .add(MsrpHeaders.FAILURE_REPORT, "no")
                    .add(MsrpHeaders.CONTENT_DISPOSITION, "attachment;filename=TODO")
                    .add(MsrpHeaders.CONTENT_TYPE, "binary/octet-stream");
            alice.send(alice.sendTo(ReceiverProcess.path(bob), h), data, Continuation.COMPLETE);
            assertThat(bob.exitCode(Duration.ofSeconds(30))).as(bob.output()).isZero();
            assertThat(work.resolve("in").resolve("TODO")).hasBinaryContent(data);
        }
    }

    private static final Map<String, String> ALICE = Map.of("MSRP_PASSWORD", "alice-secret");

    private static String[] concat(List<String> args, String... more) {
        return Stream.concat(args.stream(), Stream.of(more)).toArray(String[]::new);
    }
}
