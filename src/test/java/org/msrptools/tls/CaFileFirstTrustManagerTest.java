package org.msrptools.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With --ca-file, a client checks the relay's certificate against that file
 * first and reads the system's CAs only when no path leads to it: the same
 * verdicts as one store holding both, with real certificates and the JDK's
 * PKIX checks (the "system" here is another certificate, so that the test
 * does not depend on the machine's CAs).
 */
class CaFileFirstTrustManagerTest {

    private static final String AUTH_TYPE = "ECDHE_ECDSA";

    @TempDir
    Path dir;

    private final AtomicInteger systemReads = new AtomicInteger();

    private X509Certificate certificate(String name, Instant from, Instant to) throws Exception {
        Path cert = dir.resolve(name + ".pem");
        CertificateFiles.createSelfSigned(cert, dir.resolve(name + ".key"), List.of(name), from, to);
        return CertificateFiles.readCertificates(cert).get(0);
    }

    private X509Certificate valid(String name) throws Exception {
        Instant now = Instant.now();
        return certificate(name, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    }

    private CaFileFirstTrustManager trusting(X509Certificate caFile, X509Certificate system) throws Exception {
        return new CaFileFirstTrustManager(TlsContexts.pkix(List.of(caFile)), () -> {
            systemReads.incrementAndGet();
            try {
                return TlsContexts.pkix(List.of(system));
            } catch (Exception e) {
                throw new CertificateException(e);
            }
        });
    }

    @Test
    void aCertificateOfTheCaFileNeverReadsTheSystemCas() throws Exception {
        X509Certificate relay = valid("relay.example.net");
        trusting(relay, valid("public-ca.example")).checkServerTrusted(new X509Certificate[] {relay}, AUTH_TYPE);
        assertThat(systemReads).hasValue(0);
    }

    @Test
    void aCertificateOnlyTheSystemTrustsIsTrusted() throws Exception {
        X509Certificate publicRelay = valid("public-relay.example");
        trusting(valid("lab-relay.example"), publicRelay).checkServerTrusted(new X509Certificate[] {publicRelay}, AUTH_TYPE);
        assertThat(systemReads).hasValue(1);
    }

    @Test
    void aCertificateNeitherTrustsIsRefused() throws Exception {
        X509Certificate stranger = valid("stranger.example");
        CaFileFirstTrustManager tm = trusting(valid("lab-relay.example"), valid("public-ca.example"));
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {stranger}, AUTH_TYPE))
                .isInstanceOf(CertificateException.class).hasMessageContaining("PKIX");
        assertThat(systemReads).hasValue(1);
    }

    @Test
    void anExpiredCertificateOfTheCaFileIsRefusedWithoutAskingTheSystem() throws Exception {
        Instant now = Instant.now();
        X509Certificate expired = certificate("relay.example.net", now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)));
        CaFileFirstTrustManager tm = trusting(expired, valid("public-ca.example"));
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {expired}, AUTH_TYPE))
                .isInstanceOf(CertificateExpiredException.class);
        assertThat(systemReads).hasValue(0);
    }

    /** A CA (a trust anchor) and a relay certificate it signed, valid from {@code from} to {@code to}. */
    private record Signed(X509Certificate ca, X509Certificate relay) {
    }

    private static Signed signedBy(String caName, Instant from, Instant to) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate ca = CertificateFiles.selfSigned(caKeys, List.of(caName), now.minusSeconds(60),
                now.plus(Duration.ofDays(1)));
        KeyPair relayKeys = generator.generateKeyPair();
        X509Certificate relay = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                ca, BigInteger.valueOf(2), Date.from(from), Date.from(to), new X500Name("CN=relay.example.net"),
                relayKeys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        return new Signed(ca, relay);
    }

    private static Signed expired(String caName) throws Exception {
        Instant now = Instant.now();
        return signedBy(caName, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    @Test
    void anExpiredCertificateTheCaFileSignedSaysExpiredAndTheSystemCasAreNotRead() throws Exception {
        Signed lab = expired("lab-ca.example");
        CaFileFirstTrustManager tm = trusting(lab.ca(), valid("public-ca.example"));
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {lab.relay()}, AUTH_TYPE))
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
        assertThat(systemReads).hasValue(0);
    }

    @Test
    void anExpiredCertificateASystemCaSignedSaysExpired() throws Exception {
        Signed publicRelay = expired("public-ca.example");
        CaFileFirstTrustManager tm = trusting(valid("lab-relay.example"), publicRelay.ca());
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {publicRelay.relay()}, AUTH_TYPE))
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
        assertThat(systemReads).hasValue(1);
    }

    @Test
    void unreadableSystemCasLeaveTheAnswerNotTrusted() throws Exception {
        X509Certificate stranger = valid("stranger.example");
        CertificateException unreadable = new CertificateException("cannot read the system's CA certificates");
        CaFileFirstTrustManager tm = new CaFileFirstTrustManager(TlsContexts.pkix(List.of(valid("lab-relay.example"))),
                () -> {
                    throw unreadable;
                });
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {stranger}, AUTH_TYPE))
                .hasMessageContaining("PKIX").hasSuppressedException(unreadable);
    }
}
