package org.msrptools.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The relay's key checked against its certificate, and key files read as people have them. */
class KeyFilesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RSA, SHA256withRSA", "EC, SHA256withECDSA", "Ed25519, Ed25519", "Ed448, Ed448"})
    void aKeyMatchesItsOwnCertificateOnlyOfEveryKind(String kind, String signing) throws Exception {
        KeyPair own = KeyPairGenerator.getInstance(kind).generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance(kind).generateKeyPair();
        X509Certificate cert = certificate(own, signing);
        assertThatCode(() -> CertificateFiles.checkKeyPair(cert, own.getPrivate())).doesNotThrowAnyException();
        assertThatThrownBy(() -> CertificateFiles.checkKeyPair(cert, other.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("their public keys differ");
        KeyPair ec = KeyPairGenerator.getInstance(kind.equals("EC") ? "RSA" : "EC").generateKeyPair();
        assertThatThrownBy(() -> CertificateFiles.checkKeyPair(cert, ec.getPrivate())).as("a key of another kind")
                .hasMessageContaining("their public keys differ");
    }

    @Test
    void keyFilesAsTheyComeAreReadOrSaidWhatIsWrong(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CertificateFiles.createSelfSigned(cert, key, List.of("localhost"), Duration.ofDays(1));
        byte[] pem = Files.readAllBytes(key);

        Path bom = dir.resolve("bom.pem"); // some editors save so
        Files.write(bom, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, pem));
        CertificateFiles.checkKeyPair(CertificateFiles.readCertificates(cert).get(0), CertificateFiles.readPrivateKey(bom));

        Path cut = Files.write(dir.resolve("cut.pem"), java.util.Arrays.copyOf(pem, 100));
        Path badBase64 = Files.writeString(dir.resolve("b64.pem"),
                "-----BEGIN PRIVATE KEY-----\n!!!!notbase64****\n-----END PRIVATE KEY-----\n");
        Path der = Files.write(dir.resolve("der.key"), CertificateFiles.readPrivateKey(key).getEncoded());
        Path text = Files.writeString(dir.resolve("text.pem"), "n\u00e4mlich kein Schl\u00fcssel\n",
                StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(cut)).hasMessage("it is not valid PEM (a damaged or cut file?)");
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(badBase64)).hasMessage("it is not valid PEM (a damaged or cut file?)");
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(der)).hasMessageStartingWith("it is not a PEM file (binary DER?");
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(text)).hasMessage("it holds no private key in PEM");
        assertThatThrownBy(() -> CertificateFiles.readCertificates(badBase64)).hasMessage("it is not valid PEM (a damaged or cut file?)");
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(dir)).isInstanceOf(java.io.IOException.class);
    }

    private static X509Certificate certificate(KeyPair pair, String signing) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signing).build(pair.getPrivate())));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
