package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {

    @Test
    void rfc2617Example() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        String ha2 = md5.ha2("GET", "/dir/index.html");
        String response = md5.response(ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", ha2);
        assertThat(response).isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    @Test
    void msrpAuthVector() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("bob", "example.com", "bob-secret");
        assertThat(ha1).isEqualTo("ede4211a900d51d7799431a9b031f433");
        DigestCredentials c = new DigestCredentials("bob", "example.com",
                "w7vClxvCt00dwodKVMOrYSFnUcOsw6ExNzk1NjUwMTY2Ljg1MDoxMjcuMC4wLjE=",
                "msrps://localhost:2855;tcp", "auth", "00000001", "c28cc2a0f1e2d3c4", null, null, md5);
        assertThat(md5.authResponse(ha1, c)).isEqualTo("94eb7c83082978986250ea75bd10dea5");
    }

    @Test
    void sha256IsSelectable() {
        assertThat(DigestAlgorithm.fromToken("SHA-256")).isEqualTo(DigestAlgorithm.SHA_256);
        assertThat(DigestAlgorithm.fromToken(null)).isEqualTo(DigestAlgorithm.MD5);
        // RFC 7616 section 3.9.1 HA1 for Mufasa / http-auth@example.org / Circle of Life.
        assertThat(DigestAlgorithm.SHA_256.ha1("Mufasa", "http-auth@example.org", "Circle of Life"))
                .isEqualTo("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
        assertThatThrownBy(() -> DigestAlgorithm.fromToken("MD5-sess"))
                .isInstanceOf(MsrpSyntaxException.class).hasMessageContaining("MD5-sess");
    }

    @Test
    void rspauthUsesAnEmptyMethod() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("bob", "example.com", "bob-secret");
        DigestCredentials c = new DigestCredentials("bob", "example.com", "n", "msrps://h;tcp", "auth",
                "00000001", "cn", null, null, md5);
        assertThat(md5.rspauth(ha1, c))
                .isEqualTo(md5.response(ha1, "n", "00000001", "cn", "auth", md5.hash(":msrps://h;tcp")));
        assertThat(DigestAlgorithm.matches("abc", "abc")).isTrue();
        assertThat(DigestAlgorithm.matches("abc", "abd")).isFalse();
        assertThat(DigestAlgorithm.matches("abc", null)).isFalse();
    }

    @Test
    void challengeRoundTrip() {
        DigestChallenge c = new DigestChallenge("example.com", "n\"once", "op", "auth", DigestAlgorithm.MD5, true);
        String text = c.toString();
        assertThat(text).contains("nonce=\"n\\\"once\"").contains("stale=true").contains("algorithm=MD5");
        assertThat(DigestChallenge.parse(text)).isEqualTo(c);
    }

    @Test
    void originalRelayChallengeWithoutAlgorithm() {
        DigestChallenge c = DigestChallenge.parse(
                "Digest realm=\"example.com\", qop=\"auth\", nonce=\"KcO+WFd6/ChMKM==\", opaque=\"abc\"");
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
        assertThat(c.nonce()).isEqualTo("KcO+WFd6/ChMKM==");
        assertThat(c.opaque()).isEqualTo("abc");
        assertThat(c.stale()).isFalse();
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int, auth\"").offersQopAuth()).isTrue();
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"").offersQopAuth()).isFalse();
    }

    @Test
    void credentialsRoundTripWithAndWithoutUri() {
        DigestCredentials c = new DigestCredentials("alice", "example.com", "abc", "msrps://alice@relay;tcp",
                "auth", "00000001", "0a4f113b", "deadbeef", "op", DigestAlgorithm.MD5);
        assertThat(DigestCredentials.parse(c.toString())).isEqualTo(c);
        DigestCredentials noUri = c.withoutUri();
        assertThat(noUri.toString()).doesNotContain("uri=");
        assertThat(DigestCredentials.parse(noUri.toString()).uri()).isNull();
    }

    @Test
    void authenticationInfoRoundTrip() {
        AuthenticationInfo info = new AuthenticationInfo("auth", "abc123", "cn", "00000001", null);
        assertThat(AuthenticationInfo.parse(info.toString())).isEqualTo(info);
        AuthenticationInfo withNext = new AuthenticationInfo(null, "r", null, null, "next");
        assertThat(AuthenticationInfo.parse(withNext.toString())).isEqualTo(withNext);
    }

    @Test
    void brokenDigestHeadersNameTheProblem() {
        assertThatThrownBy(() -> DigestCredentials.parse("Basic dXNlcjpwYXNz"))
                .hasMessageContaining("scheme is not Digest");
        assertThatThrownBy(() -> DigestCredentials.parse("Digest realm=\"r\", username=\"a"))
                .hasMessageContaining("unclosed quoted string");
        assertThatThrownBy(() -> DigestCredentials.parse("Digest realm=\"r\", nonce=\"n\", response=\"x\""))
                .hasMessageContaining("missing username");
        assertThatThrownBy(() -> DigestCredentials.parse("Digest username=\"a\" realm=\"r\""))
                .hasMessageContaining("expected ','");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=\"a\", realm=\"b\", nonce=\"n\""))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm, nonce=\"n\""))
                .hasMessageContaining("has no value");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=, nonce=\"n\""))
                .hasMessageContaining("empty value");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest =x"))
                .hasMessageContaining("unexpected '='");
        assertThatThrownBy(() -> AuthenticationInfo.parse("qop=auth"))
                .hasMessageContaining("missing rspauth");
    }
}
