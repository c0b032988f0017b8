package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.msrptools.client.ClientException;
import org.msrptools.client.MsrpConnection;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.TestRelay;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsEngine;

/**
 * The relay's certificate is checked alike on every TLS engine a client
 * offers: a real handshake on 127.0.0.1 with the context the commands build
 * (--ca-file, --tls-engine) and the connection they open.
 */
class ClientTlsEnginesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static Stream<TlsEngine> engines() {
        return TlsOptions.ENGINES.stream();
    }

    private static TlsOptions options(TlsEngine engine, Path caFile) {
        Assumptions.assumeTrue(engine.available(), engine + " does not run here");
        TlsOptions o = new TlsOptions();
        o.engine = engine.toString();
        o.caFile = caFile;
        return o;
    }

    private static MsrpConnection connect(TestRelay relay, TlsOptions options) throws ClientException {
        return MsrpConnection.open("127.0.0.1", relay.port(), options.context(), TIMEOUT, new MsrpConnection.Listener() {
            @Override
            public void frame(MsrpFrame frame) {
            }

            @Override
            public void closed() {
            }
        });
    }

    /** A relay whose certificate names {@code names} and is valid from {@code from} to {@code to}. */
    private static TestRelay relayWith(Path dir, List<String> names, Instant from, Instant to) throws Exception {
        TestRelay.Settings s = new TestRelay.Settings();
        s.cert = dir.resolve("cert.pem");
        s.key = dir.resolve("key.pem");
        CertificateFiles.createSelfSigned(s.cert, s.key, names, from, to);
        return TestRelay.start(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void trustedCertificate(TlsEngine engine) throws Exception {
        try (TestRelay relay = TestRelay.start();
             MsrpConnection c = connect(relay, options(engine, relay.cert))) {
            assertThat(c.isOpen()).isTrue();
            SSLEngine used = c.channel().pipeline().get(SslHandler.class).engine();
            assertThat(used instanceof ReferenceCountedOpenSslEngine).as(used.getClass().getName()).isEqualTo(engine == TlsEngine.OPENSSL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void untrustedCertificate(TlsEngine engine) throws Exception {
        try (TestRelay relay = TestRelay.start()) {
            TlsOptions o = options(engine, null);
            assertThatThrownBy(() -> connect(relay, o)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("certificate is not trusted");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void anotherRelaysCertificateOfTheSameNameAsCaFile(TlsEngine engine, @TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        List<String> names = List.of("localhost", "127.0.0.1");
        Path other = dir.resolve("other-relay.pem");
        CertificateFiles.createSelfSigned(other, dir.resolve("other-relay.key"), names, now.minusSeconds(60),
                now.plusSeconds(3600));
        try (TestRelay relay = relayWith(dir, names, now.minusSeconds(60), now.plusSeconds(3600))) {
            TlsOptions o = options(engine, other);
            assertThatThrownBy(() -> connect(relay, o)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("certificate is not trusted").contains("another relay's");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void certificateForAnotherHost(TlsEngine engine, @TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        try (TestRelay relay = relayWith(dir, List.of("relay.example.net"), now.minusSeconds(60), now.plusSeconds(3600))) {
            TlsOptions o = options(engine, relay.cert);
            assertThatThrownBy(() -> connect(relay, o)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("does not name this host").contains("127.0.0.1")
                        .contains("the certificate is for relay.example.net");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void expiredCertificate(TlsEngine engine, @TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        try (LogCapture relayLog = LogCapture.of(Level.INFO, r -> true, "org.msrptools.relay.RelayEvents");
             TestRelay relay = relayWith(dir, List.of("localhost", "127.0.0.1"), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)))) {
            TlsOptions o = options(engine, relay.cert);
            assertThatThrownBy(() -> connect(relay, o)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("certificate has expired");
            });
            // The relay says why too, whatever alert the client's engine sent (the JDK's reads as distrust).
            assertThat(relayLog.awaitEvent("tls_handshake_failed", Duration.ofSeconds(10)).toString())
                    .contains("the relay's certificate expired on ").contains(": clients refuse it; renew it (");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void certificateNotValidYet(TlsEngine engine, @TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        try (TestRelay relay = relayWith(dir, List.of("localhost", "127.0.0.1"), now.plus(Duration.ofDays(3)),
                now.plus(Duration.ofDays(400)))) {
            TlsOptions o = options(engine, relay.cert);
            assertThatThrownBy(() -> connect(relay, o)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("the relay's certificate is not valid yet (");
            });
        }
    }

    @Test
    void aBinaryCaFileIsALocalFileError(@TempDir Path dir) throws Exception {
        TlsOptions o = new TlsOptions();
        o.engine = "jdk";
        o.caFile = Files.write(dir.resolve("cert.der"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xfe});
        assertThatThrownBy(o::context).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.LOCAL_FILE);
            assertThat(e.getMessage()).isEqualTo("cannot load --ca-file " + o.caFile
                    + ": it is not a PEM file (binary DER? openssl x509 -inform der converts it)");
        });
    }

    @Test
    void unknownEngineIsAUsageError(@TempDir Path dir) throws Exception {
        TlsOptions o = new TlsOptions();
        o.engine = "bc";
        o.caFile = Files.writeString(dir.resolve("none.pem"), "");
        assertThatThrownBy(o::context).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(e.getMessage()).contains("unknown TLS engine 'bc' (auto, openssl, jdk)");
        });
    }

    @Test
    void autoIsTheFastestThatRunsHere() {
        TlsOptions o = new TlsOptions();
        o.engine = "auto";
        assertThat(o.engine()).isEqualTo(TlsEngine.OPENSSL.available() ? TlsEngine.OPENSSL : TlsEngine.JDK);
    }
}
