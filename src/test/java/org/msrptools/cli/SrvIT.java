package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Tool;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Finding the relay by DNS SRV, against a small DNS responder on loopback. */
class SrvIT {

    /** Answers SRV _msrps._tcp.example.com with the given records, everything else NXDOMAIN. */
    static final class DnsResponder implements AutoCloseable {
        final DatagramSocket socket;
        private final Thread thread;

        DnsResponder(SRVRecord... records) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                byte[] buf = new byte[1500];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                        Message r = new Message(q.getHeader().getID());
                        r.getHeader().setFlag(Flags.QR);
                        r.getHeader().setFlag(Flags.AA);
                        Record question = q.getQuestion();
                        r.addRecord(question, Section.QUESTION);
                        if (question.getType() == Type.SRV
                                && question.getName().equals(Name.fromString("_msrps._tcp.example.com."))) {
                            for (SRVRecord s : records) {
                                r.addRecord(s, Section.ANSWER);
                            }
                        } else {
                            r.getHeader().setRcode(Rcode.NXDOMAIN);
                        }
                        byte[] out = r.toWire();
                        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                    } catch (Exception e) {
                        // closed, or a malformed query: keep serving
                    }
                }
            }, "dns-responder");
            thread.setDaemon(true);
            thread.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

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

    @Test
    void theFirstTargetIsDownSoTheSecondIsUsed(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"));
             DnsResponder dns = new DnsResponder(srv(10, 0, 1), srv(20, 5, relay.port));
             Tool t = Tool.start(Map.of("MSRP_PASSWORD", "alice-secret"), "msrp-receive", "alice@example.com",
                     "--dns-server", dns.address(), "--ca-file", relay.cert().toString(), "--peer-timeout", "1",
                     "--to-path=msrps://localhost:1/relay;tcp msrps://localhost:1/x;tcp")) {
            t.await("Path to send in SDP:", Duration.ofSeconds(30));
            assertThat(t.output()).contains("Connecting to localhost:1", "connection refused",
                    "Connecting to localhost:" + relay.port);
            assertThat(t.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.TIMEOUT);
        }
    }
}
