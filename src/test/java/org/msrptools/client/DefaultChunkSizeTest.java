package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpPath;

class DefaultChunkSizeTest {

    private static final String OWN_RELAY = "msrps://relay.example.com:2855/aliceSession;tcp";
    private static final String RECEIVER = "msrps://10.0.0.2:40000/bobOwn;tcp";

    private static Authentication.Session session(String usePath, long maxChunkSize) {
        return new Authentication.Session(null, MsrpPath.parse(usePath), null, null, Duration.ofSeconds(600), 0,
                null, maxChunkSize);
    }

    private static int chosen(String usePath, long maxChunkSize, String destination) {
        return DefaultChunkSize.forPath(session(usePath, maxChunkSize), MsrpPath.parse(destination));
    }

    @Test
    void theRelaysSizeWhenTheReceiverSignedInThereToo() {
        assertThat(chosen(OWN_RELAY, 65536, "msrps://RELAY.example.com/bobSession;tcp " + RECEIVER))
                .as("the host compared without case, 2855 the default port").isEqualTo(65536);
    }

    @Test
    void tenKibWhenTheRelaySaidNothing() {
        assertThat(chosen(OWN_RELAY, 0, "msrps://relay.example.com:2855/bobSession;tcp " + RECEIVER))
                .isEqualTo(DefaultChunkSize.STANDARD);
    }

    @Test
    void aSmallerSizeIsHeededOnAnyPathDownToOneKib() {
        assertThat(chosen(OWN_RELAY, 4096, "msrps://relay.example.com:2855/bobSession;tcp " + RECEIVER))
                .isEqualTo(4096);
        assertThat(chosen(OWN_RELAY, 4096, "msrps://kamailio.example.net:2855/bobSession;tcp " + RECEIVER))
                .as("its own relay is on every path").isEqualTo(4096);
        assertThat(chosen(OWN_RELAY, 10, RECEIVER)).isEqualTo(DefaultChunkSize.SMALLEST);
    }

    @Test
    void tenKibWhenAnotherRelayIsOnThePath() {
        String other = "msrps://kamailio.example.net:2855/bobSession;tcp ";
        assertThat(chosen(OWN_RELAY, 65536, other + RECEIVER)).as("another host").isEqualTo(DefaultChunkSize.STANDARD);
        assertThat(chosen(OWN_RELAY, 65536, "msrps://relay.example.com:2856/bobSession;tcp " + RECEIVER))
                .as("another port").isEqualTo(DefaultChunkSize.STANDARD);
        assertThat(chosen(OWN_RELAY, 65536, "msrp://relay.example.com:2855/bobSession;tcp " + RECEIVER))
                .as("another scheme").isEqualTo(DefaultChunkSize.STANDARD);
        assertThat(chosen(OWN_RELAY, 65536, "msrps://relay.example.com:2855/x;tcp " + other + RECEIVER))
                .as("the receiver's relay behind ours").isEqualTo(DefaultChunkSize.STANDARD);
        assertThat(chosen(OWN_RELAY + " " + other.strip(), 65536, "msrps://relay.example.com:2855/b;tcp " + RECEIVER))
                .as("a Use-Path of two relays").isEqualTo(DefaultChunkSize.STANDARD);
    }

    @Test
    void tenKibWhenTheReceiverUsesNoRelay() {
        assertThat(chosen(OWN_RELAY, 65536, RECEIVER)).isEqualTo(DefaultChunkSize.STANDARD);
    }

    @Test
    void aRelaysWordIsCappedAtTheLargestBlock() {
        assertThat(chosen(OWN_RELAY, 1L << 40, "msrps://relay.example.com:2855/b;tcp " + RECEIVER))
                .isEqualTo(DefaultChunkSize.LARGEST);
    }
}
