package org.msrptools.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager, plus a check that every certificate the
 * server presents is within its validity period. PKIX does not check the
 * dates of a trust anchor, and a relay's self-signed certificate given with
 * --ca-file is exactly that: without this, an expired one would be accepted.
 * A certificate for another host is said with the names it has, so the user
 * knows which to reach the relay by.
 */
final class ValidityCheckingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;

    ValidityCheckingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    private static void checkDates(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate c : chain) {
            c.checkValidity();
        }
    }

    /** A host name mismatch, with the names the certificate has; any other failure as it is. */
    private static CertificateException withNames(CertificateException e, X509Certificate[] chain) {
        String m = e.getMessage();
        if (m == null || chain.length == 0 || !(m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
            return e;
        }
        List<String> names = CertificateFiles.allNames(chain[0]);
        CertificateException named = new CertificateException(m + "; the certificate is for "
                + (names.isEmpty() ? "no host name" : String.join(", ", names)));
        named.addSuppressed(e);
        return named;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw withNames(e, chain);
        }
        checkDates(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw withNames(e, chain);
        }
        checkDates(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        checkDates(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
