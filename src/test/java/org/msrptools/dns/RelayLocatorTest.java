package org.msrptools.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.DnsResponder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SRVRecord;

/** The SRV lookup against a DNS server on loopback: records, none, and a failed lookup, which is not "none". */
class RelayLocatorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static SRVRecord srv(int port) throws Exception {
        return new SRVRecord(Name.fromString("_msrps._tcp.example.com."), DClass.IN, 60, 10, 0, port,
                Name.fromString("relay.example.com."));
    }

    @Test
    void recordsNameTheRelaysAndNoRecordsTheDomainItself() throws Exception {
        try (DnsResponder dns = new DnsResponder(srv(2856))) {
            RelayLocator locator = new RelayLocator(dns.socketAddress(), TIMEOUT);
            assertThat(locator.locate("example.com")).containsExactly(new RelayLocator.Target("relay.example.com", 2856));
            assertThat(locator.locate("example.org")).as("no such name: none there")
                    .containsExactly(new RelayLocator.Target("example.org", RelayLocator.DEFAULT_PORT));
        }
    }

    /** SERVFAIL says nothing about the domain's relays: trying the domain itself would be a guess (found by review). */
    @Test
    void aServerFailureIsAFailedLookupNotNoRecords() throws Exception {
        try (DnsResponder dns = DnsResponder.failing(Rcode.SERVFAIL)) {
            assertThatThrownBy(() -> new RelayLocator(dns.socketAddress(), TIMEOUT).locate("example.com"))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the SRV lookup of _msrps._tcp.example.com. at " + dns.address() + " failed (")
                    .hasMessageEndingWith("): give the relay's host (RELAY_HOST) to do without it");
        }
    }

    /** UDP loses datagrams: a query with no answer is asked again well within the time (found by a new user). */
    @Test
    void aLostQueryIsAskedAgain() throws Exception {
        try (DnsResponder dns = new DnsResponder(InetAddress.getLoopbackAddress(), -1, 1, srv(2858))) {
            assertThat(new RelayLocator(dns.socketAddress(), Duration.ofSeconds(6)).locate("example.com"))
                    .containsExactly(new RelayLocator.Target("relay.example.com", 2858));
        }
    }

    @Test
    void aServerThatNeverAnswersIsAFailedLookup() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> new RelayLocator((InetSocketAddress) silent.getLocalSocketAddress(),
                    Duration.ofSeconds(1)).locate("example.com"))
                    .isInstanceOf(IOException.class).hasMessageContaining(" failed (no answer within 1 s)");
        }
    }

    @Test
    void aServerOnIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        DnsResponder dns;
        try {
            dns = new DnsResponder(v6, -1, 0, srv(2857));
        } catch (java.net.SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (dns) {
            assertThat(dns.address()).startsWith("[0:0:0:0:0:0:0:1]:");
            assertThat(new RelayLocator(dns.socketAddress(), TIMEOUT).locate("example.com"))
                    .containsExactly(new RelayLocator.Target("relay.example.com", 2857));
        }
    }
}
