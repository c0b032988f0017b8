package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpUri;

class RelayIdentityTest {

    private final RelayIdentity identity = new RelayIdentity("relay.example.com", 2855,
            List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "2001:db8::5"));

    private boolean own(String uri) {
        return identity.isOwn(MsrpUri.parse(uri));
    }

    @Test
    void namesWithoutCaseAndAddressesInAnyForm() {
        assertThat(own("msrps://RELAY.example.com:2855/s;tcp")).isTrue();
        assertThat(own("msrps://relay.example.com/s;tcp")).as("2855 by default").isTrue();
        assertThat(own("msrps://127.0.0.1:2855/s;tcp")).isTrue();
        assertThat(own("msrps://[::1]:2855/s;tcp")).isTrue();
        assertThat(own("msrps://[0:0:0:0:0:0:0:1]:2855/s;tcp")).isTrue();
        assertThat(own("msrps://[2001:DB8:0:0:0:0:0:5]:2855/s;tcp")).isTrue();
        assertThat(own("msrps://[2001:db8:0::5]:2855/s;tcp")).isTrue();
    }

    @Test
    void anotherPortSchemeOrHostIsAnotherRelay() {
        assertThat(own("msrps://relay.example.com:2856/s;tcp")).isFalse();
        assertThat(own("msrp://relay.example.com:2855/s;tcp")).isFalse();
        assertThat(own("msrps://relay.example.net:2855/s;tcp")).isFalse();
        assertThat(own("msrps://[2001:db8::6]:2855/s;tcp")).isFalse();
        assertThat(own("msrps://127.0.0.2:2855/s;tcp")).isFalse();
    }
}
