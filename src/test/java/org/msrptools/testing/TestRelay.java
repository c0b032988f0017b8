package org.msrptools.testing;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.msrptools.client.RelayAccount;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.AccountStore;
import org.msrptools.relay.HtdigestAccounts;
import org.msrptools.relay.RelayConfig;
import org.msrptools.relay.RelayServer;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * A real relay for tests: in this JVM, on 127.0.0.1 and a free port, with a
 * fresh self-signed certificate and the accounts alice, bob, carol and dave@example.com
 * (passwords NAME-secret).
 */
public final class TestRelay implements AutoCloseable {

    public static final String REALM = "example.com";

    /** Settings a test may change before start; the documented defaults otherwise. */
    public static final class Settings {
        /** The relay's options; certificate and key are filled in at start. */
        public final RelayConfig.Builder config = RelayConfig.builder()
                .listenHost("127.0.0.1").listenPort(0)
                .hostname("localhost")
                .shutdownGrace(Duration.ofSeconds(1))
                .tlsEngine(TlsEngine.JDK);
        public Clock clock = Clock.systemUTC();
        /** Another account store than the htdigest file with alice, bob and carol. */
        public AccountStore accounts;
        /** The relay's certificate and key (PEM); null: a fresh self-signed pair. */
        public Path cert;
        public Path key;
    }

    public final Path dir;
    public final Path cert;
    public final Path key;
    public final Path accounts;
    public final RelayServer server;
    private final AccountStore store;

    private TestRelay(Path dir, Path cert, Path key, Path accounts, RelayServer server, AccountStore store) {
        this.dir = dir;
        this.cert = cert;
        this.key = key;
        this.accounts = accounts;
        this.server = server;
        this.store = store;
    }

    public static TestRelay start() throws Exception {
        return start(new Settings());
    }

    public static TestRelay start(Settings s) throws Exception {
        Path dir = Files.createTempDirectory("test-relay");
        Path cert = s.cert != null ? s.cert : dir.resolve("cert.pem");
        Path key = s.key != null ? s.key : dir.resolve("key.pem");
        if (s.cert == null) {
            CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(1));
        }
        Path accounts = dir.resolve("accounts.htdigest");
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            HtdigestAccounts.put(accounts, user, REALM, DigestAlgorithm.MD5.ha1(user, REALM, user + "-secret"));
        }
        RelayConfig config = s.config.certFile(cert).keyFile(key).build();
        AccountStore store = s.accounts != null ? s.accounts : new HtdigestAccounts(accounts);
        RelayServer server = new RelayServer(config, store, s.clock).start();
        return new TestRelay(dir, cert, key, accounts, server, store);
    }

    /** The account store the relay reads. */
    public AccountStore store() {
        return store;
    }

    public int port() {
        return server.port();
    }

    /** A client TLS context that trusts this relay's certificate. */
    public SslContext clientTls() throws Exception {
        return TlsContexts.client(cert, false);
    }

    /** What a client signs in to this relay with, as {@code user} of its realm, over 127.0.0.1. */
    public RelayAccount account(String user, String password) throws Exception {
        return new RelayAccount("127.0.0.1", port(), "127.0.0.1", user, REALM, password, clientTls(),
                Duration.ofSeconds(10));
    }

    /** A raw TLS socket to the relay, handshake done, that trusts any certificate: for writing bytes by hand. */
    public javax.net.ssl.SSLSocket rawTlsSocket() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port());
        s.startHandshake();
        return s;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        store.close();
        deleteTree(dir);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
