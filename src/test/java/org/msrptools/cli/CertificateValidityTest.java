package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.tls.CertificateFiles;

class CertificateValidityTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static X509Certificate valid(Instant from, Instant to) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return CertificateFiles.selfSigned(g.generateKeyPair(), List.of("localhost"), from, to);
    }

    @Test
    void aCertificateWithTimeLeftSaysUntilWhenWithoutWarning() throws Exception {
        CertificateValidity v = CertificateValidity.of(valid(NOW.minus(Duration.ofDays(1)),
                Instant.parse("2036-11-25T12:00:00Z")), NOW, true);
        assertThat(v.warning()).isFalse();
        assertThat(v.text()).isEqualTo("2036-11-25 (3650 days)");
        assertThat(CertificateValidity.of(valid(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650))),
                NOW.plusSeconds(5), true).text()).as("a day begun counts").endsWith("(3650 days)");
    }

    @Test
    void anExpiredOneIsAWarningThatSaysWhatToDo() throws Exception {
        X509Certificate c = valid(NOW.minus(Duration.ofDays(400)), Instant.parse("2026-01-01T00:00:00Z"));
        CertificateValidity generated = CertificateValidity.of(c, NOW, true);
        assertThat(generated.warning()).isTrue();
        assertThat(generated.text()).startsWith("expired on 2026-01-01: clients refuse it;").contains("remove cert.pem");
        assertThat(CertificateValidity.of(c, NOW, false).text()).endsWith("renew it");
    }

    @Test
    void oneThatEndsWithinAMonthOrHasNotBegunIsAWarning() throws Exception {
        CertificateValidity soon = CertificateValidity.of(valid(NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(3)).minusSeconds(60)), NOW, false);
        assertThat(soon.warning()).isTrue();
        assertThat(soon.text()).isEqualTo("expires on 2026-12-01 (3 days); renew it");
        CertificateValidity early = CertificateValidity.of(valid(NOW.plus(Duration.ofDays(2)),
                NOW.plus(Duration.ofDays(400))), NOW, false);
        assertThat(early.warning()).isTrue();
        assertThat(early.text()).startsWith("not valid before 2026-11-30: clients refuse it until then");
    }
}
