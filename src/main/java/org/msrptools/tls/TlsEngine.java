package org.msrptools.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The TLS implementations the relay can run on. Most of a relay's CPU goes
 * into TLS (every byte is decrypted once and encrypted once), so this is
 * chosen by measurement: {@code msrp-bench --tls-engines} compares them.
 */
public enum TlsEngine {
    /** The JDK's SunJSSE with the JDK's AES-GCM intrinsics. */
    JDK("jdk"),
    /** Bouncy Castle's JSSE provider over the JDK's crypto (AES-GCM preferred, as configured). */
    BC("bc"),
    /** Bouncy Castle's JSSE provider over Bouncy Castle's own (pure Java) crypto. */
    BC_PURE("bc-pure"),
    /** BoringSSL through netty-tcnative. */
    OPENSSL("openssl");

    private final String name;

    TlsEngine(String name) {
        this.name = name;
    }

    public static TlsEngine of(String name) {
        for (TlsEngine e : values()) {
            if (e.name.equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown TLS engine '" + name + "' (jdk, bc, bc-pure, openssl)");
    }

    /** The fastest engine that runs here (by msrp-bench): BoringSSL where its native library loads, else the JDK's. */
    public static TlsEngine preferred() {
        return OPENSSL.available() ? OPENSSL : JDK;
    }

    /**
     * The engine a command's {@code --tls-engine} names: {@code auto} is
     * {@link #preferred()}; any other name must be one of {@code offered} and
     * run here, else IllegalArgumentException says why.
     */
    public static TlsEngine select(String name, Collection<TlsEngine> offered) {
        if (name.equalsIgnoreCase("auto")) {
            return preferred();
        }
        for (TlsEngine e : offered) {
            if (e.name.equalsIgnoreCase(name)) {
                if (!e.available()) {
                    throw new IllegalArgumentException("TLS engine " + e + " is not available on this machine");
                }
                return e;
            }
        }
        throw new IllegalArgumentException("unknown TLS engine '" + name + "' (auto, " + offered.stream()
                .map(TlsEngine::toString).collect(Collectors.joining(", ")) + ")");
    }

    /** Whether this engine can run here (BoringSSL needs its native library). */
    public boolean available() {
        return this != OPENSSL || OpenSsl.isAvailable();
    }

    SslContextBuilder apply(SslContextBuilder builder) {
        return switch (this) {
            case JDK -> builder.sslProvider(SslProvider.JDK);
            case BC, BC_PURE -> builder.sslProvider(SslProvider.JDK).sslContextProvider(jsse());
            case OPENSSL -> builder.sslProvider(SslProvider.OPENSSL);
        };
    }

    private Provider jsse() {
        SeededCrypto crypto = new SeededCrypto();
        if (this == BC_PURE) {
            crypto.setProvider(new BouncyCastleProvider());
        }
        return new BouncyCastleJsseProvider(false, crypto);
    }

    /** A server builder for this engine; Bouncy Castle's JSSE needs key managers of its own. */
    SslContextBuilder forServer(PrivateKey key, X509Certificate[] chain) throws GeneralSecurityException {
        if (this != BC && this != BC_PURE) {
            return apply(SslContextBuilder.forServer(key, chain));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        char[] none = new char[0];
        store.setKeyEntry("relay", key, none, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", jsse());
        kmf.init(store, none);
        return apply(SslContextBuilder.forServer(kmf));
    }

    /**
     * The cipher suites to ask for: ours for the JSSE engines; BoringSSL's own
     * order for OpenSSL (it already puts AES-GCM first where AES-NI exists,
     * and takes TLS 1.3 suites from its defaults, not from this list).
     */
    Iterable<String> ciphers(Iterable<String> preferred) {
        return this == OPENSSL ? null : preferred;
    }

    /**
     * Bouncy Castle's TLS crypto with a plain JDK SecureRandom when none is
     * given: it would ask for a "DEFAULT" one, which neither the JDK nor an
     * unregistered BC provider offers.
     */
    private static final class SeededCrypto extends JcaTlsCryptoProvider {

        @Override
        public JcaTlsCrypto create(SecureRandom random) {
            return super.create(random != null ? random : new SecureRandom());
        }

        @Override
        public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
            return super.create(keyRandom != null ? keyRandom : new SecureRandom(),
                    nonceRandom != null ? nonceRandom : new SecureRandom());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
