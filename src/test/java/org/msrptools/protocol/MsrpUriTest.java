package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MsrpUriTest {

    @Test
    void fullUri() {
        MsrpUri u = MsrpUri.parse("msrps://alice@relay.example.com:2856/abc123;tcp;foo=bar;baz");
        assertThat(u.secure()).isTrue();
        assertThat(u.scheme()).isEqualTo("msrps");
        assertThat(u.user()).isEqualTo("alice");
        assertThat(u.host()).isEqualTo("relay.example.com");
        assertThat(u.port()).isEqualTo(2856);
        assertThat(u.hasExplicitPort()).isTrue();
        assertThat(u.sessionId()).isEqualTo("abc123");
        assertThat(u.transport()).isEqualTo("tcp");
        assertThat(u.params()).containsExactly("foo=bar", "baz");
        assertThat(u.toString()).isEqualTo("msrps://alice@relay.example.com:2856/abc123;tcp;foo=bar;baz");
    }

    @Test
    void defaultsAndLiterals() {
        MsrpUri u = MsrpUri.parse("msrp://10.0.0.1;tcp");
        assertThat(u.secure()).isFalse();
        assertThat(u.port()).isEqualTo(MsrpUri.DEFAULT_PORT);
        assertThat(u.hasExplicitPort()).isFalse();
        assertThat(u.sessionId()).isNull();
        assertThat(u.user()).isNull();

        MsrpUri v6 = MsrpUri.parse("msrps://[2001:db8::1]:9000/s;tcp");
        assertThat(v6.host()).isEqualTo("[2001:db8::1]");
        assertThat(v6.hostAddress()).isEqualTo("2001:db8::1");
        assertThat(v6.port()).isEqualTo(9000);
        assertThat(MsrpUri.parse("msrps://[::1]/s;tcp").port()).isEqualTo(2855);
        assertThat(MsrpUri.parse("msrps://host/s;tcp").hostAddress()).isEqualTo("host");
    }

    @Test
    void base64SessionIdsOfTheOriginalRelay() {
        String id = "KcO+WFd6TSoBD8Ogw7DCm1/ChMKMNjE3OTU2NTEzNjQuNzk5OjEyNy4wLjAuMQ==";
        MsrpUri u = MsrpUri.parse("msrps://relay:2855/" + id + ";tcp");
        assertThat(u.sessionId()).isEqualTo(id);
        assertThat(MsrpUri.parse(u.toString())).isEqualTo(u);
    }

    @Test
    void comparisonFollowsRfc4975() {
        MsrpUri a = MsrpUri.parse("msrps://Relay.Example.com:2855/Abc;TCP");
        assertThat(a).isEqualTo(MsrpUri.parse("msrps://relay.example.com/Abc;tcp"));
        assertThat(a).hasSameHashCodeAs(MsrpUri.parse("msrps://relay.example.com/Abc;tcp"));
        assertThat(a).isEqualTo(MsrpUri.parse("msrps://bob@relay.example.com/Abc;tcp;x=y"));
        assertThat(a).isNotEqualTo(MsrpUri.parse("msrps://relay.example.com/abc;tcp"));
        assertThat(a).isNotEqualTo(MsrpUri.parse("msrp://relay.example.com/Abc;tcp"));
        assertThat(a).isNotEqualTo(MsrpUri.parse("msrps://relay.example.com:2856/Abc;tcp"));
        assertThat(a).isNotEqualTo("msrps://relay.example.com/Abc;tcp");
    }

    @Test
    void builders() {
        MsrpUri u = MsrpUri.of(true, "alice", "relay", -1, null);
        assertThat(u.toString()).isEqualTo("msrps://alice@relay;tcp");
        assertThat(u.withSessionId("s1").toString()).isEqualTo("msrps://alice@relay/s1;tcp");
        assertThat(u.withoutUser().toString()).isEqualTo("msrps://relay;tcp");
        assertThat(MsrpUri.of(false, null, "127.0.0.1", 4000, "x").toString()).isEqualTo("msrp://127.0.0.1:4000/x;tcp");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://host/s;tcp | bad scheme",
            "msrps://host/s | bad transport",
            "msrps://host/s;t cp | bad transport",
            "msrps://host/s;tcp;a=b=c | bad parameter",
            "msrps://host/;tcp | bad session id",
            "msrps://host/a b;tcp | bad session id",
            "msrps://host/sé;tcp | bad session id",
            "msrps://us er@host;tcp | bad userinfo",
            "msrps://[2001:db8::1/s;tcp | bad host",
            "msrps://[xyz]/s;tcp | bad host",
            "msrps://[::1]x/s;tcp | bad host",
            "msrps://-host/s;tcp | bad host",
            "msrps://;tcp | bad host",
            "msrps://host:/s;tcp | bad port",
            "msrps://host:abc/s;tcp | bad port",
            "msrps://host:0/s;tcp | bad port",
            "msrps://host:70000/s;tcp | bad port",
            "msrps://[::1]:99999/s;tcp | bad port",
    })
    void badUrisNameTheOffendingPart(String uri, String message) {
        assertThatThrownBy(() -> MsrpUri.parse(uri))
                .isInstanceOf(MsrpSyntaxException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((MsrpSyntaxException) e).violation())
                .isEqualTo(MsrpSyntaxException.Violation.URI);
    }

    @Test
    void paths() {
        MsrpPath p = MsrpPath.parse(" msrps://a/1;tcp   msrps://b/2;tcp\tmsrps://c/3;tcp ");
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.first().host()).isEqualTo("a");
        assertThat(p.last().host()).isEqualTo("c");
        assertThat(p.toString()).isEqualTo("msrps://a/1;tcp msrps://b/2;tcp msrps://c/3;tcp");
        assertThat(p.withoutFirst()).isEqualTo(MsrpPath.parse("msrps://b/2;tcp msrps://c/3;tcp"));
        assertThat(p.withoutFirst().prepend(p.first())).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(MsrpPath.of(p.first()).append(p.last()).size()).isEqualTo(2);
        assertThat(p).isNotEqualTo(p.withoutFirst());
        assertThatThrownBy(() -> MsrpPath.parse("  ")).hasMessageContaining("empty path");
        assertThatThrownBy(() -> MsrpPath.of(java.util.List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> MsrpPath.parse("msrps://a/1;tcp ".repeat(40))).hasMessageContaining("more than 32");
        assertThatThrownBy(() -> MsrpPath.parse("msrps://a/1;tcp x")).hasMessageContaining("bad scheme");
    }
}
