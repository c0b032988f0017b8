package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msrptools.tls.TlsEngine;

/** The relay's configuration: built by name, over the defaults README documents. */
class RelayConfigTest {

    private static final Path CERT = Path.of("cert.pem");
    private static final Path KEY = Path.of("key.pem");

    private static RelayConfig.Builder required() {
        return RelayConfig.builder().hostname("relay.example.com").certFile(CERT).keyFile(KEY);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        RelayConfig c = required().build();
        assertThat(c.listenHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenPort()).isEqualTo(2855);
        assertThat(c.domain()).isNull();
        assertThat(c.caFile()).isNull();
        assertThat(c.nonceLifetime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.firstMessageTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.headTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.transactionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.defaultExpires()).isEqualTo(600);
        assertThat(c.minExpires()).isEqualTo(60);
        assertThat(c.maxExpires()).isEqualTo(3600);
        assertThat(c.maxAuthFailures()).isEqualTo(3);
        assertThat(c.sessionBufferBytes()).isEqualTo(1024 * 1024);
        assertThat(c.maxConnections()).isEqualTo(10000);
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(500);
        assertThat(c.allowPrivateNextHops()).isFalse();
        assertThat(c.rejectUnknownMethods()).isFalse();
        assertThat(c.tlsEngine()).as("auto").isEqualTo(TlsEngine.preferred());
    }

    @Test
    void eachNamedSettingLandsInItsOwnAccessor() {
        // Distinct values for settings of one type: a swap anywhere shows.
        RelayConfig c = required()
                .listenHost("127.0.0.1").listenPort(1).domain("example.com").caFile(Path.of("ca.pem"))
                .nonceLifetime(Duration.ofSeconds(1)).firstMessageTimeout(Duration.ofSeconds(2))
                .headTimeout(Duration.ofSeconds(3)).idleTimeout(Duration.ofSeconds(4))
                .transactionTimeout(Duration.ofSeconds(5)).shutdownGrace(Duration.ofSeconds(6))
                .defaultExpires(7).minExpires(8).maxExpires(9)
                .maxAuthFailures(10).sessionBufferBytes(11).maxConnections(12).maxConnectionsPerAddress(13)
                .allowPrivateNextHops(true).rejectUnknownMethods(false).tlsEngine(TlsEngine.BC)
                .build();
        assertThat(c.hostname()).isEqualTo("relay.example.com");
        assertThat(c.certFile()).isEqualTo(CERT);
        assertThat(c.keyFile()).isEqualTo(KEY);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(1);
        assertThat(c.domain()).isEqualTo("example.com");
        assertThat(c.caFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(c.nonceLifetime()).hasSeconds(1);
        assertThat(c.firstMessageTimeout()).hasSeconds(2);
        assertThat(c.headTimeout()).hasSeconds(3);
        assertThat(c.idleTimeout()).hasSeconds(4);
        assertThat(c.transactionTimeout()).hasSeconds(5);
        assertThat(c.shutdownGrace()).hasSeconds(6);
        assertThat(c.defaultExpires()).isEqualTo(7);
        assertThat(c.minExpires()).isEqualTo(8);
        assertThat(c.maxExpires()).isEqualTo(9);
        assertThat(c.maxAuthFailures()).isEqualTo(10);
        assertThat(c.sessionBufferBytes()).isEqualTo(11);
        assertThat(c.maxConnections()).isEqualTo(12);
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(13);
        assertThat(c.allowPrivateNextHops()).isTrue();
        assertThat(c.rejectUnknownMethods()).isFalse();
        assertThat(c.tlsEngine()).isEqualTo(TlsEngine.BC);
    }

    @Test
    void settingsWithoutADefaultAreRequired() {
        assertThatThrownBy(() -> RelayConfig.builder().certFile(CERT).keyFile(KEY).build())
                .hasMessageContaining("hostname");
        assertThatThrownBy(() -> RelayConfig.builder().hostname("h").keyFile(KEY).build())
                .hasMessageContaining("certFile");
        assertThatThrownBy(() -> RelayConfig.builder().hostname("h").certFile(CERT).build())
                .hasMessageContaining("keyFile");
    }
}
