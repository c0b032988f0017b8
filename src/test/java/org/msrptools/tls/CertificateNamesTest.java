package org.msrptools.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hosts a certificate names, as the relay checks its own Use-Path host at start. */
class CertificateNamesTest {

    @Test
    void dnsNamesWildcardsOneLabelDeepAndAddressesAsAddresses() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        Instant now = Instant.now();
        X509Certificate c = CertificateFiles.selfSigned(g.generateKeyPair(),
                List.of("relay.example.com", "*.msrp.example.org", "127.0.0.1", "::1"), now, now.plus(Duration.ofDays(1)));
        assertThat(CertificateFiles.names(c, "relay.example.com")).isTrue();
        assertThat(CertificateFiles.names(c, "RELAY.Example.com")).as("DNS names ignore case").isTrue();
        assertThat(CertificateFiles.names(c, "a.msrp.example.org")).isTrue();
        assertThat(CertificateFiles.names(c, "a.b.msrp.example.org")).as("one label only").isFalse();
        assertThat(CertificateFiles.names(c, "msrp.example.org")).isFalse();
        assertThat(CertificateFiles.names(c, "other.example.com")).isFalse();
        assertThat(CertificateFiles.names(c, "127.0.0.1")).isTrue();
        assertThat(CertificateFiles.names(c, "[::1]")).isTrue();
        assertThat(CertificateFiles.names(c, "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(CertificateFiles.names(c, "127.0.0.2")).isFalse();
        assertThat(CertificateFiles.names(c, "relay.example.com.")).as("the root's dot").isTrue();
        assertThat(CertificateFiles.allNames(c)).as("as printed at start").containsExactly("relay.example.com",
                "*.msrp.example.org", "127.0.0.1", "::1");
    }

    /** A name as typed (Unicode) against the A-label a certificate holds; a certificate with only a CN. */
    @Test
    void internationalNamesAndACommonNameAlone() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        var keys = g.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate idn = CertificateFiles.selfSigned(keys, List.of("xn--bcher-kva.example"), now,
                now.plus(Duration.ofDays(1)));
        assertThat(CertificateFiles.names(idn, "b\u00fccher.example")).isTrue();
        var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate());
        var cnOnly = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                        new javax.security.auth.x500.X500Principal("CN=relay.example.net"), java.math.BigInteger.ONE,
                        java.util.Date.from(now), java.util.Date.from(now.plus(Duration.ofDays(1))),
                        new javax.security.auth.x500.X500Principal("CN=relay.example.net"), keys.getPublic())
                        .build(signer));
        assertThat(CertificateFiles.names(cnOnly, "relay.example.net")).isTrue();
        assertThat(CertificateFiles.commonNames(cnOnly)).containsExactly("relay.example.net");
    }
}
