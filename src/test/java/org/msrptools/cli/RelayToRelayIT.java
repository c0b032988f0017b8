package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.PeerCertificates;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Transfer;

/** Two relay processes: alice signs in on relay A, bob on relay B; the file goes A -> B over TLS. */
class RelayToRelayIT {

    @Test
    void aliceOnRelayASendsToBobOnRelayB(@TempDir Path work) throws Exception {
        PeerCertificates certs = PeerCertificates.create(work);
        Path certA = certs.certA();
        Path keyA = certs.keyA();
        Path certB = certs.certB();
        Path keyB = certs.keyB();
        Path bothCas = certs.both();
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(data);
        Path file = Files.write(work.resolve("payload.bin"), data);
        try (RelayProcess a = RelayProcess.start(work.resolve("a"), List.of(), "--cert", certA.toString(), "--key",
                keyA.toString(), "--ca-file", certB.toString(), "--allow-private-next-hops", "--metrics", "127.0.0.1:0");
             RelayProcess b = RelayProcess.start(work.resolve("b"), List.of(), "--cert", certB.toString(), "--key",
                     keyB.toString(), "--ca-file", certA.toString(), "--allow-private-next-hops")) {
            Path out = work.resolve("received");
            Transfer t = Transfer.startSplit(work, file, "127.0.0.1", a.port, b.port,
                    List.of("--ca-file", bothCas.toString(), "--timeout", "30"));
            int[] exits = t.exitCodes(Duration.ofSeconds(60));
            assertThat(exits).as(t.sender.output() + "\n" + t.receiver.output() + "\nA:\n" + a.tool.output()
                    + "\nB:\n" + b.tool.output()).containsExactly(0, 0);
            String expected = TransferContract.sha256(file);
            assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
            assertThat(TransferContract.sha256(out.resolve("payload.bin"))).isEqualTo(expected);
            assertThat(t.sender.output()).contains("File transfer completed.").doesNotContain("no delivery report");

            // The operator of A sees the link to B come up, and go down with the traffic it carried.
            String hop = "hop=localhost:" + b.port + " address=127\\.0\\.0\\.1";
            assertThat(a.tool.output()).containsPattern("event=next_hop_connected " + hop + " tls=TLSv1\\.[23]")
                    .doesNotContain("event=next_hop_closed");
            assertThat(a.metrics()).contains("msrp_relay_next_hop_connections_open 1.0");
            b.tool.signal("TERM");
            String closed = a.tool.await("(event=next_hop_closed " + hop + " .*)", Duration.ofSeconds(30));
            long bytesOut = Long.parseLong(closed.replaceAll(".* bytes_out=(\\d+) .*", "$1"));
            assertThat(bytesOut).isEqualTo(data.length);
            assertThat(closed).endsWith("reason=closed_by_next_hop");
            assertThat(a.metrics()).contains("msrp_relay_next_hop_connections_open 0.0");
        }
    }

}
