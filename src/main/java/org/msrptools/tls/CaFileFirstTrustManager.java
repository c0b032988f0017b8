package org.msrptools.tls;

import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's trust with --ca-file: the relay's certificate is checked
 * against the --ca-file first, and against the system's CAs only when no
 * path leads to a --ca-file certificate. A client given the CA of its relay,
 * which is how the relays met so far are used, then makes no trust store of
 * the system's ~150 CA certificates (the JDK still reads its own list of
 * them once, see TlsContexts.preloadTrust).
 * <p>
 * A failure on a path to a --ca-file certificate (expired, a bad signature,
 * a wrong host name) is final, as it was with one store holding both sets:
 * the JDK validates such a chain and does not look for another path. When
 * neither set leads anywhere, the --ca-file's "no path" is the answer; when
 * the system's CAs find a path with something wrong on it, theirs is, as it
 * says what.
 */
final class CaFileFirstTrustManager extends X509ExtendedTrustManager {

    /** The system's trust manager, made when first needed; may fail then. */
    interface SystemTrust {
        X509ExtendedTrustManager get() throws CertificateException;
    }

    /** One of the three ways a server's chain is checked, against one trust manager. */
    private interface Check {
        void run(X509ExtendedTrustManager tm) throws CertificateException;
    }

    private final X509ExtendedTrustManager caFile;
    private final SystemTrust system;

    CaFileFirstTrustManager(X509ExtendedTrustManager caFile, SystemTrust system) {
        this.caFile = caFile;
        this.system = system;
    }

    private void check(Check check) throws CertificateException {
        try {
            check.run(caFile);
        } catch (CertificateException first) {
            if (!noPath(first)) {
                throw first;
            }
            X509ExtendedTrustManager systemCas;
            try {
                systemCas = system.get();
            } catch (CertificateException unreadable) {
                first.addSuppressed(unreadable); // "not trusted" stays the answer; --verbose shows why not both
                throw first;
            }
            try {
                check.run(systemCas);
            } catch (CertificateException second) {
                if (!noPath(second)) {
                    throw second;
                }
                first.addSuppressed(second); // "not trusted" either way; --verbose shows both
                throw first;
            }
        }
    }

    /**
     * Whether PKIX built no path to a trusted certificate, rather than finding
     * one with something wrong on it (a CertPathValidatorException).
     */
    private static boolean noPath(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertPathBuilderException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(tm -> tm.checkServerTrusted(chain, authType));
    }

    /** A client's context never checks client certificates; asked anyway, only the --ca-file answers. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        caFile.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        caFile.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        caFile.checkClientTrusted(chain, authType);
    }

    /** The --ca-file's certificates: a client sends no list of CAs, so the system's are not read for this. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return caFile.getAcceptedIssuers();
    }
}
