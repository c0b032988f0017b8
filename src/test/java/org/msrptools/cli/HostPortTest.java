package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void aHostForUrisIsAsciiWithoutATrailingDotOrBrackets() {
        assertThat(HostPort.uriHost("bücher.example", "--hostname")).isEqualTo("xn--bcher-kva.example");
        assertThat(HostPort.uriHost("Relay.Example.com.", "--hostname")).isEqualTo("Relay.Example.com");
        assertThat(HostPort.uriHost("[2001:db8::1]", "--hostname")).isEqualTo("2001:db8::1");
        assertThat(HostPort.uriHost("::1", "--hostname")).isEqualTo("::1");
        assertThat(HostPort.uriHost("192.0.2.7", "--hostname")).isEqualTo("192.0.2.7");
        assertThat(HostPort.uriHost("relay-1.example", "--hostname")).isEqualTo("relay-1.example");
        assertThat(HostPort.uriHost("2001:db8::", "--hostname")).isEqualTo("2001:db8::");
        assertThat(HostPort.uriHost("::ffff:192.0.2.7", "--hostname")).isEqualTo("::ffff:192.0.2.7");
    }

    @Test
    void anythingElseIsAUsageError() {
        for (String bad : new String[] {"relay example", "relay/x", "a..b", "", "::g", "relay:2855", "[::1", ":::",
                "1:2", "[example.com]", "::1.", "-bad", "bad-.example", "999.1.1.1", "1234", "1.2.3",
                "a_b.example", ("a".repeat(63) + ".").repeat(5) + "com"}) {
            assertThatThrownBy(() -> HostPort.uriHost(bad, "--hostname")).as(bad).isInstanceOf(CliException.class)
                    .hasMessage("--hostname '" + bad + "' is not a host name or IP address");
        }
    }

    @Test
    void aPortOfZeroOnlyWhereAFreePortIsMeant() {
        assertThat(HostPort.parse("127.0.0.1:0", 2855)).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(HostPort.parse("[::1]:2855", -1, 1)).isEqualTo(new HostPort("::1", 2855));
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:0", -1, 1)).isInstanceOf(CliException.class)
                .hasMessage("bad port '0': a number from 1 to 65535");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:65536", 2855)).isInstanceOf(CliException.class)
                .hasMessage("bad port '65536': a number from 0 to 65535");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:+2855", 2855)).isInstanceOf(CliException.class)
                .hasMessage("bad port '+2855': a number from 0 to 65535");
    }
}
