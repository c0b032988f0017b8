package org.msrptools.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.msrptools.tls.CertificateFiles;

/**
 * Certificates for two relays that talk to each other on loopback: each its
 * own (localhost, 127.0.0.1), and a file trusting both (for the relays'
 * --ca-file and the clients').
 */
public record PeerCertificates(Path certA, Path keyA, Path certB, Path keyB, Path both) {

    public static PeerCertificates create(Path dir) throws Exception {
        Path certA = dir.resolve("a-cert.pem");
        Path keyA = dir.resolve("a-key.pem");
        Path certB = dir.resolve("b-cert.pem");
        Path keyB = dir.resolve("b-key.pem");
        CertificateFiles.createSelfSigned(certA, keyA, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        CertificateFiles.createSelfSigned(certB, keyB, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        Path both = Files.writeString(dir.resolve("cas.pem"), Files.readString(certA) + Files.readString(certB));
        return new PeerCertificates(certA, keyA, certB, keyB, both);
    }
}
