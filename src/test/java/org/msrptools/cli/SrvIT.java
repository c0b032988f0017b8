package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.DnsResponder;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Tool;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

/** Finding the relay by DNS SRV, against a small DNS responder on loopback. */
class SrvIT {

    static SRVRecord srv(int priority, int weight, int port) throws Exception {
        return new SRVRecord(Name.fromString("_msrps._tcp.example.com."), DClass.IN, 60, priority, weight, port,
                Name.fromString("localhost."));
    }

    /** RFC 2782: a target of "." means the service is decidedly not available at the domain. */
    @Test
    void aDotTargetIsOneLineAndExit3() throws Exception {
        SRVRecord none = new SRVRecord(Name.fromString("_msrps._tcp.example.com."), DClass.IN, 60, 0, 0, 0, Name.root);
        try (DnsResponder dns = new DnsResponder(none);
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "--dns-server", dns.address(), "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            assertThat(t.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.CONNECTION);
            assertThat(t.output().lines().filter(l -> !l.isBlank())).containsExactly("msrp-receive: "
                    + "_msrps._tcp.example.com names the target \".\": example.com offers no MSRP relay (RFC 2782)");
        }
    }

    /**
     * A relay whose name only --dns-server knows (a private zone) is reached
     * at the address that server gives (found by a new user: the system was
     * asked, and knew no such name). --insecure: the relay's certificate
     * names localhost, not the private name.
     */
    @Test
    void aTargetOfAPrivateZoneIsResolvedByTheDnsServerGiven(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"));
             DnsResponder dns = new DnsResponder(new SRVRecord(Name.fromString("_msrps._tcp.example.com."), DClass.IN,
                     60, 10, 0, relay.port, Name.fromString("relay1.msrp-test.invalid.")))
                     .withAddress("relay1.msrp-test.invalid.", InetAddress.getLoopbackAddress());
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "--dns-server", dns.address(), "--insecure", "--peer-timeout", "1",
                     "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            t.await("Path to send in SDP:", Duration.ofSeconds(30));
            assertThat(t.output()).contains("Connecting to relay1.msrp-test.invalid:" + relay.port);
            assertThat(t.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.TIMEOUT);
        }
    }

    /** The first target is down, the second's certificate is not trusted: the third is used (RFC 2782). */
    @Test
    void targetsThatFailArePassedOverForTheNext(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"));
             RelayProcess untrusted = RelayProcess.start(work.resolve("untrusted"));
             DnsResponder dns = new DnsResponder(srv(10, 0, 1), srv(15, 0, untrusted.port), srv(20, 5, relay.port));
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "--dns-server", dns.address(), "--ca-file", relay.cert().toString(), "--peer-timeout", "1",
                     "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            t.await("Path to send in SDP:", Duration.ofSeconds(30));
            assertThat(t.output()).contains("Connecting to localhost:1", "connection refused",
                    "TLS with localhost:" + untrusted.port + " failed", "; trying the next relay",
                    "Connecting to localhost:" + relay.port);
            assertThat(t.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.TIMEOUT);
        }
    }
}
