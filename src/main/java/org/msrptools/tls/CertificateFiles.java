package org.msrptools.tls;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and keys as PEM files, with Bouncy Castle: a self-signed
 * certificate for the relay's embedded default, and reading PEM that an
 * operator provides.
 */
public final class CertificateFiles {

    private CertificateFiles() {
    }

    /**
     * Makes an EC P-256 key and a self-signed certificate valid for
     * {@code validity}, with the given host names and addresses as SANs
     * (the first DNS name also as CN), and writes both as PEM, the key with
     * mode 0600.
     */
    public static void createSelfSigned(Path certFile, Path keyFile, List<String> names, Duration validity)
            throws IOException, GeneralSecurityException {
        createSelfSigned(certFile, keyFile, names, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(validity));
    }

    /** As above, valid between two given instants (tests make expired ones). */
    public static void createSelfSigned(Path certFile, Path keyFile, List<String> names, Instant notBefore,
                                        Instant notAfter) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keyPair = generator.generateKeyPair();
        X509Certificate cert = selfSigned(keyPair, names, notBefore, notAfter);
        writePem(certFile, cert, false);
        // PKCS#8 ("BEGIN PRIVATE KEY"): what OpenSSL 3, Kamailio and Netty all read.
        writePem(keyFile, new JcaPKCS8Generator(keyPair.getPrivate(), null).generate(), true);
    }

    /** A self-signed certificate for {@code names}, valid between the two instants. */
    public static X509Certificate selfSigned(KeyPair keyPair, List<String> names, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException {
        Set<String> unique = new LinkedHashSet<>(names);
        String cn = unique.stream().filter(n -> !isAddress(n)).findFirst().orElse("localhost");
        X500Name subject = new X500Name("CN=" + cn + ",O=msrp-tools relay");
        List<GeneralName> sans = new ArrayList<>();
        for (String name : unique) {
            sans.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name));
        }
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(notBefore), Date.from(notAfter), subject,
                    keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            // A self-signed leaf that clients are told to trust with --ca-file: it acts as its own CA.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isAddress(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    private static void writePem(Path file, Object object, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static final String NOT_VALID = "it is not valid PEM (a damaged or cut file?)";

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        PEMParser parser = pem(file, "openssl x509 -inform der"); // the file read: what follows is parsing
        try (parser) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | RuntimeException e) { // the parser's own, or BouncyCastle's base64 decoder's
            throw new GeneralSecurityException(NOT_VALID);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("it holds no PEM certificate"); // callers name the file
        }
        return certs;
    }

    /**
     * The private key of a PEM file (PKCS#8, or a traditional EC/RSA key
     * pair). What is wrong with the file is said without its name: callers
     * name it.
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        boolean encrypted = false;
        PEMParser parser = pem(file, "openssl pkey -inform der"); // the file read: what follows is parsing
        try (parser) {
            Object o;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                encrypted |= o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair;
            }
        } catch (IOException | RuntimeException e) { // the parser's own, or BouncyCastle's base64 decoder's
            throw new GeneralSecurityException(NOT_VALID);
        }
        throw new GeneralSecurityException(encrypted
                ? "the key is encrypted: give it without a passphrase (openssl pkey -in KEY -out PLAIN-KEY)"
                : "it holds no private key in PEM");
    }

    /**
     * A parser over a PEM file's text: Latin-1, so that a stray byte in a
     * comment or in openssl's "Bag Attributes" does not stop it, and without
     * a UTF-8 byte-order mark some editors put first. A file that starts as
     * DER does (an ASN.1 SEQUENCE) is said to be binary, with the command
     * ({@code convert}) that turns it into PEM.
     */
    private static PEMParser pem(Path file, String convert) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file); // a certificate chain or a key: a few KiB
        if (bytes.length > 0 && bytes[0] == 0x30) {
            throw new GeneralSecurityException("it is not a PEM file (binary DER? " + convert + " converts it)");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return new PEMParser(new StringReader(text.startsWith("\u00ef\u00bb\u00bf") ? text.substring(3) : text));
    }

    /**
     * Whether {@code key} is the private half of {@code certificate}'s public
     * key: a signature made with one must verify with the other. Checked
     * before the relay starts: with a key of another certificate, every TLS
     * handshake would fail while the relay looked well.
     */
    public static void checkKeyPair(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA"; // the key's own curve
            default -> null; // a kind of key this check does not know: the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "msrp-relay key check".getBytes(StandardCharsets.US_ASCII);
        byte[] signature;
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            signature = sign.sign();
        } catch (GeneralSecurityException e) {
            return; // a key this JVM cannot sign with here: the handshake will tell
        }
        boolean matches;
        try {
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            matches = verify.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            matches = false; // the certificate's key is of another kind
        }
        if (!matches) {
            throw new GeneralSecurityException("it is not the key of the certificate (" + certificate
                    .getSubjectX500Principal().getName() + "): their public keys differ");
        }
    }

    /** SHA-256 fingerprint as colon-separated upper-case hex, as browsers and openssl show it. */
    public static String sha256Fingerprint(X509Certificate cert) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** DNS names of the certificate's SANs, in order. */
    public static List<String> dnsNames(X509Certificate cert) {
        return subjectAltNames(cert, GeneralName.dNSName);
    }

    /** Every SAN (DNS names and addresses) of the certificate. */
    public static List<String> allNames(X509Certificate cert) {
        List<String> all = new ArrayList<>(dnsNames(cert));
        for (String address : subjectAltNames(cert, GeneralName.iPAddress)) {
            all.add(shortAddress(address));
        }
        return all;
    }

    /**
     * An IP address as people write it, one form for each (IPv6 in RFC 5952's short form, ::1, where Java gives
     * 0:0:0:0:0:0:0:1); any other text as it is.
     */
    public static String shortAddress(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
    }

    /**
     * Whether a client connecting to {@code host} finds it among the
     * certificate's names (RFC 6125: a DNS name, its wildcard one label deep,
     * or an IP address as an address name); what a relay checks about its own
     * Use-Path host before clients find out.
     */
    public static boolean names(X509Certificate cert, String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.endsWith(".")) {
            bare = bare.substring(0, bare.length() - 1); // the root's dot: the same name
        }
        if (isAddress(bare)) {
            for (String address : subjectAltNames(cert, GeneralName.iPAddress)) {
                if (sameAddress(address, bare)) {
                    return true;
                }
            }
            return false;
        }
        String name;
        try {
            name = java.net.IDN.toASCII(bare).toLowerCase(java.util.Locale.ROOT); // certificates hold A-labels
        } catch (IllegalArgumentException e) {
            return false;
        }
        List<String> dns = dnsNames(cert);
        if (dns.isEmpty()) { // no DNS names: TLS clients fall back to the subject's CN
            dns = commonNames(cert);
        }
        for (String each : dns) {
            String d = each.toLowerCase(java.util.Locale.ROOT);
            if (d.equals(name) || d.startsWith("*.") && name.indexOf('.') > 0
                    && name.substring(name.indexOf('.')).equals(d.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** The subject's common names (CN), which TLS clients take as names when the certificate has no DNS names. */
    public static List<String> commonNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (var rdn : new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return names;
        }
        return names;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b)); // literals: no lookup
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> subjectAltNames(X509Certificate cert, int type) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == type) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        return names;
    }

    /** The host name of this machine, or "localhost" when it has none. */
    public static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
