package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.testing.PeerCertificates;
import org.msrptools.testing.PostgresServer;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Transfer;

/**
 * Scaling out: two relay processes share one PostgreSQL; alice signs in on
 * relay A, bob on relay B (as SRV would spread them), and 50 MiB go A -> B
 * over verified relay-to-relay TLS.
 */
class SharedDatabaseRelaysIT {

    @Test
    void fiftyMibFromAliceOnAToBobOnB(@TempDir Path work) throws Exception {
        Path bin = PostgresServer.binaries().orElse(null);
        Assumptions.assumeTrue(bin != null, "PostgreSQL tests skipped: PostgreSQL is not installed");
        try (PostgresServer db = PostgresServer.start(bin)) {
            db.sql("INSERT INTO subscriber (username, domain, password, ha1) VALUES ('alice', 'example.com', '', '"
                    + DigestAlgorithm.MD5.ha1("alice", "example.com", "alice-secret")
                    + "'), ('bob', 'example.com', 'bob-secret', '')");
            PeerCertificates certs = PeerCertificates.create(work);
            Path certA = certs.certA();
            Path certB = certs.certB();
            Path cas = certs.both();
            byte[] data = new byte[50 * 1024 * 1024];
            new Random(50).nextBytes(data);
            Path file = Files.write(work.resolve("fifty.bin"), data);
            List<String> database = List.of("--accounts-jdbc-url", db.url(), "--accounts-jdbc-user", "postgres",
                    "--allow-private-next-hops");
            try (RelayProcess a = RelayProcess.start(work.resolve("a"), List.of(), args(database, certA,
                    work.resolve("a-key.pem"), certB));
                 RelayProcess b = RelayProcess.start(work.resolve("b"), List.of(), args(database, certB,
                         work.resolve("b-key.pem"), certA))) {
                assertThat(a.tool.output()).contains("Accounts:        " + db.url());
                // Clients name the relay "localhost", as its certificate does.
                Transfer t = Transfer.startSplit(work, file, "localhost", a.port, b.port,
                        List.of("--ca-file", cas.toString(), "--timeout", "60"));
                int[] exits = t.exitCodes(Duration.ofSeconds(120));
                assertThat(exits).as(t.sender.output() + "\n" + t.receiver.output()).containsExactly(0, 0);
                String expected = TransferContract.sha256(file);
                assertThat(Transfer.sha256(t.sender)).isEqualTo(expected);
                assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
                assertThat(TransferContract.sha256(work.resolve("received").resolve("fifty.bin"))).isEqualTo(expected);
            }
        }
    }

    private static String[] args(List<String> database, Path cert, Path key, Path peerCa) {
        List<String> all = new java.util.ArrayList<>(database);
        all.addAll(List.of("--cert", cert.toString(), "--key", key.toString(), "--ca-file", peerCa.toString()));
        return all.toArray(String[]::new);
    }
}
