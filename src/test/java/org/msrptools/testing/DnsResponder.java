package org.msrptools.testing;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small DNS server on a loopback address: SRV {@code _msrps._tcp.example.com}
 * answered with the given records, everything else NXDOMAIN; or every query
 * answered with one failure code.
 */
public final class DnsResponder implements AutoCloseable {

    private final DatagramSocket socket;
    private int lost;
    /** A records it answers besides the SRV ones. */
    private final Map<Name, InetAddress> addresses = new ConcurrentHashMap<>();

    public DnsResponder(SRVRecord... records) throws Exception {
        this(InetAddress.getLoopbackAddress(), -1, 0, records);
    }

    /** Answers every query with {@code rcode} (SERVFAIL, REFUSED...). */
    public static DnsResponder failing(int rcode) throws Exception {
        return new DnsResponder(InetAddress.getLoopbackAddress(), rcode, 0);
    }

    /** On {@code address} (IPv6 loopback, say), with {@code rcode} for all if not -1, the first {@code lost} queries unanswered. */
    public DnsResponder(InetAddress address, int rcode, int lost, SRVRecord... records) throws Exception {
        socket = new DatagramSocket(0, address);
        this.lost = lost;
        Thread thread = new Thread(() -> serve(rcode, records), "dns-responder");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(int rcode, SRVRecord[] records) {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (lost > 0) {
                    lost--;
                    continue; // as if the datagram had been lost
                }
                Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.AA);
                Record question = q.getQuestion();
                r.addRecord(question, Section.QUESTION);
                if (rcode >= 0) {
                    r.getHeader().setRcode(rcode);
                } else if (question.getType() == Type.SRV
                        && question.getName().equals(Name.fromString("_msrps._tcp.example.com."))) {
                    for (SRVRecord s : records) {
                        r.addRecord(s, Section.ANSWER);
                    }
                } else if (question.getType() == Type.A && addresses.containsKey(question.getName())) {
                    r.addRecord(new ARecord(question.getName(), DClass.IN, 60, addresses.get(question.getName())),
                            Section.ANSWER);
                } else {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                byte[] out = r.toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (Exception e) {
                // closed, or a malformed query: keep serving
            }
        }
    }

    /** Answers A queries for {@code name} (absolute) with {@code address} from now on. */
    public DnsResponder withAddress(String name, InetAddress address) throws Exception {
        addresses.put(Name.fromString(name), address);
        return this;
    }

    /** HOST:PORT, as --dns-server takes it. */
    public String address() {
        InetAddress a = socket.getLocalAddress();
        String host = a.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + socket.getLocalPort();
    }

    public InetSocketAddress socketAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
