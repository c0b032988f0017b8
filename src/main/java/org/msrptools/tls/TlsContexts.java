package org.msrptools.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS contexts of the relay and the clients. TLS 1.2 is the floor.
 * Cipher suites are ordered AES-128-GCM first: on x86-64 with AES-NI that is
 * the fastest (see shared/design/tls-performance.md), and the relay spends
 * most of its CPU in TLS.
 */
public final class TlsContexts {

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {
    }

    /** The relay's server context from PEM files, on the JDK's engine. */
    public static SslContext server(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        return server(certFile, keyFile, TlsEngine.JDK);
    }

    /** The relay's server context from PEM files, on the given engine. */
    public static SslContext server(Path certFile, Path keyFile, TlsEngine engine)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = CertificateFiles.readCertificates(certFile);
        PrivateKey key = CertificateFiles.readPrivateKey(keyFile);
        CertificateFiles.checkKeyPair(chain.get(0), key);
        return engine.forServer(key, chain.toArray(X509Certificate[]::new))
                .protocols(PROTOCOLS)
                .ciphers(engine.ciphers(CIPHERS))
                .build();
    }

    /**
     * A client context that verifies the server's certificate and host name
     * against the certificates of {@code caFile} (may be null) and the system
     * trust store, read only when the first do not lead to the certificate;
     * with {@code insecure}, verifies nothing.
     */
    public static SslContext client(Path caFile, boolean insecure) throws IOException, GeneralSecurityException {
        return client(caFile, insecure, TlsEngine.JDK);
    }

    /** As {@link #client(Path, boolean)}, on the given engine. */
    public static SslContext client(Path caFile, boolean insecure, TlsEngine engine)
            throws IOException, GeneralSecurityException {
        SslContextBuilder builder = engine.apply(SslContextBuilder.forClient())
                .protocols(PROTOCOLS)
                .ciphers(engine.ciphers(CIPHERS));
        if (insecure) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            builder.trustManager(trust(caFile)).endpointIdentificationAlgorithm("HTTPS");
        }
        return builder.build();
    }

    private static X509ExtendedTrustManager trust(Path caFile) throws IOException, GeneralSecurityException {
        if (caFile == null) {
            return SystemTrust.manager();
        }
        // The system's CAs are read at the first handshake that needs them, on the connection's thread.
        return new CaFileFirstTrustManager(pkix(CertificateFiles.readCertificates(caFile)), () -> {
            try {
                return SystemTrust.manager();
            } catch (IOException | GeneralSecurityException e) {
                throw new CertificateException(e.getMessage(), e);
            }
        });
    }

    /** The JDK's PKIX checks with {@code anchors} as the trusted certificates, plus the validity of each. */
    static X509ExtendedTrustManager pkix(List<X509Certificate> anchors)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (X509Certificate cert : anchors) {
            store.setCertificateEntry("anchor-" + n++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return new ValidityCheckingTrustManager(x);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in this JDK");
    }

    /**
     * Starts reading, on a thread of its own while a client reads its command
     * line, the CA certificates its first handshake needs: without --ca-file
     * the system's CAs for its trust store, and in any case the JDK's own list
     * of its CAs, which the JDK's host-name check consults for every relay
     * certificate (X509TrustManagerImpl asks whether the chain ends at one of
     * them) and reads from cacerts the first time, about 130 ms, else in the
     * middle of the handshake. On a JDK without that class, it is read there.
     */
    public static void preloadTrust(boolean caFileGiven) {
        Thread t = new Thread(() -> {
            if (!caFileGiven) {
                try {
                    SystemTrust.certificates();
                } catch (IOException e) {
                    // said when a context needs them
                }
            }
            try {
                Class.forName("sun.security.util.AnchorCertificates", true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // another JDK: whatever it needs is read at the handshake
            }
        }, "trust-preload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The JDK's cacerts as a client's trust store when it has no --ca-file
     * (or it does not lead to the relay's certificate): read once, by
     * whichever thread comes first; the others wait for it.
     */
    private static final class SystemTrust {
        private static final Path FILE = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        private static final List<X509Certificate> CERTIFICATES;
        private static final IOException FAILURE;

        static {
            List<X509Certificate> read = List.of();
            IOException failure = null;
            try {
                read = read();
            } catch (IOException | GeneralSecurityException e) {
                failure = new IOException("cannot read the system's CA certificates " + FILE + ": " + e.getMessage(), e);
            }
            CERTIFICATES = read;
            FAILURE = failure;
        }

        /** Made once; a race makes two equal ones, and either will do. */
        private static volatile X509ExtendedTrustManager manager;

        static List<X509Certificate> certificates() throws IOException {
            if (FAILURE != null) {
                throw FAILURE;
            }
            return CERTIFICATES;
        }

        static X509ExtendedTrustManager manager() throws IOException, GeneralSecurityException {
            X509ExtendedTrustManager m = manager;
            if (m == null) {
                m = pkix(certificates());
                manager = m;
            }
            return m;
        }

        private static List<X509Certificate> read() throws IOException, GeneralSecurityException {
            if (!Files.isReadable(FILE)) {
                return List.of();
            }
            KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(FILE)) {
                cacerts.load(in, null);
            }
            List<X509Certificate> all = new ArrayList<>();
            for (String alias : Collections.list(cacerts.aliases())) {
                if (cacerts.isCertificateEntry(alias) && cacerts.getCertificate(alias) instanceof X509Certificate c) {
                    all.add(c);
                }
            }
            return List.copyOf(all);
        }
    }
}
