package org.msrptools.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateValidityTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static X509Certificate valid(String name, Instant from, Instant to) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return CertificateFiles.selfSigned(g.generateKeyPair(), List.of(name), from, to);
    }

    private static CertificateValidity of(Instant from, Instant to, Instant now, boolean generated) throws Exception {
        return CertificateValidity.of(List.of(valid("localhost", from, to)), now, generated);
    }

    @Test
    void aCertificateWithTimeLeftSaysUntilWhenWithoutWarning() throws Exception {
        CertificateValidity v = of(NOW.minus(Duration.ofDays(1)), Instant.parse("2036-11-25T12:00:00Z"), NOW, true);
        assertThat(v.warning()).isFalse();
        assertThat(v.text()).isEqualTo("2036-11-25 UTC (3650 days)");
        assertThat(of(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)), NOW.plusSeconds(5), true).text())
                .as("a day begun counts").endsWith("(3650 days)");
    }

    @Test
    void anExpiredOneIsAWarningThatSaysWhatToDo() throws Exception {
        X509Certificate c = valid("localhost", NOW.minus(Duration.ofDays(400)), Instant.parse("2026-01-01T00:00:00Z"));
        CertificateValidity generated = CertificateValidity.of(List.of(c), NOW, true);
        assertThat(generated.warning()).isTrue();
        assertThat(generated.refused()).isTrue();
        assertThat(generated.text()).startsWith("expired on 2026-01-01 UTC: clients refuse it;").contains("remove cert.pem");
        assertThat(CertificateValidity.of(List.of(c), NOW, false).text()).endsWith("renew it");
    }

    @Test
    void oneThatEndsWithinThirtyDaysOrHasNotBegunIsAWarning() throws Exception {
        CertificateValidity soon = of(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3)).minusSeconds(60), NOW,
                false);
        assertThat(soon.warning()).isTrue();
        assertThat(soon.refused()).as("not yet").isFalse();
        assertThat(soon.text()).isEqualTo("expires on 2026-12-01 UTC (3 days); renew it");
        assertThat(of(NOW.minus(Duration.ofDays(1)), NOW, NOW.minusMillis(500), false).text())
                .as("half a second left").startsWith("expires on 2026-11-28 UTC (1 day)");
        assertThat(of(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), NOW, false).warning()).isTrue();
        assertThat(of(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), NOW.minusMillis(1), false).warning())
                .as("31 days begun").isFalse();
        CertificateValidity early = of(NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(400)), NOW, false);
        assertThat(early.warning()).isTrue();
        assertThat(early.refused()).isTrue();
        assertThat(early.text()).startsWith("not valid before 2026-11-30 UTC: clients refuse it until then");
    }

    /** An intermediate sent with the relay's certificate that ends first ends it for every client (review). */
    @Test
    void theChainCountsAsAWholeAndTheCertificateThatDecidesIsNamed() throws Exception {
        X509Certificate leaf = valid("relay.example.net", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)));
        X509Certificate stale = valid("intermediate.example.net", NOW.minus(Duration.ofDays(900)),
                NOW.minus(Duration.ofDays(2)));
        CertificateValidity v = CertificateValidity.of(List.of(leaf, stale), NOW, false);
        assertThat(v.warning()).isTrue();
        assertThat(v.text()).startsWith("expired on 2026-11-26 UTC (the chain's ").contains("CN=intermediate.example.net")
                .endsWith(": clients refuse it; renew it");
    }
}
