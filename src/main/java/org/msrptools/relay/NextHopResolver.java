package org.msrptools.relay;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.msrptools.relay.PeerConnector.NextHopException;

/**
 * Resolves next hops' host names off the event loops (the system resolver
 * blocks), on a few threads with a short queue. Next hops on loopback,
 * private, link-local or multicast addresses are refused unless allowed, so
 * that no user can make the relay connect into its own network.
 */
final class NextHopResolver implements AutoCloseable {

    /** The well-known NAT64 prefix, 64:ff9b::/96 (RFC 6052). */
    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The local-use NAT64 prefix, 64:ff9b:1::/48 (RFC 8215): inside a network whatever it carries. */
    private static final byte[] LOCAL_NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1};
    /** IPv4-mapped addresses, ::ffff:0:0/96: a resolver may hand one over as IPv6. */
    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /** The name lookup; the system resolver, or in tests one that can be made slow. */
    interface Lookup {
        InetAddress[] allByName(String host) throws UnknownHostException;
    }

    /**
     * Lookups at once. A name whose servers do not answer holds a thread
     * for the system resolver's whole timeout (seconds), and anyone can put
     * such a name in a To-Path: a few threads, so that slow names cost a
     * bounded number of threads, not one each.
     */
    static final int THREADS = 4;
    /** Lookups waiting for a thread; more are answered at once (408), never queued for ever. */
    static final int QUEUE = 32;

    private final boolean allowPrivate;
    private final Lookup lookup;
    private final ThreadPoolExecutor threads;

    NextHopResolver(boolean allowPrivate, Lookup lookup) {
        this.allowPrivate = allowPrivate;
        this.lookup = lookup;
        this.threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "msrp-relay-resolver");
                    t.setDaemon(true);
                    return t;
                });
        // A relay that resolves no names keeps no threads.
        threads.allowCoreThreadTimeOut(true);
    }

    /**
     * The address to connect to for {@code host}, completed on
     * {@code executor}; failed with a {@link NextHopException} that carries
     * the status to report.
     */
    Future<InetAddress> resolve(String host, EventExecutor executor) {
        Promise<InetAddress> result = executor.newPromise();
        try {
            threads.execute(() -> lookUp(host, result));
        } catch (RejectedExecutionException e) { // the queue is full, or the relay is stopping
            boolean stopping = threads.isShutdown();
            result.tryFailure(new NextHopException(408, stopping ? null : NextHopFailure.RESOLVER_BUSY, "Next hop " + host
                    + (stopping ? " not resolved: the relay is stopping"
                    : " not resolved: too many next hops being resolved, try again"), false));
        }
        return result;
    }

    private void lookUp(String host, Promise<InetAddress> result) {
        try {
            InetAddress[] all = lookup.allByName(host);
            for (InetAddress a : all) {
                if (!allowPrivate && isPrivate(a)) {
                    result.tryFailure(new NextHopException(403, NextHopFailure.PRIVATE, "Next hop " + host + " is a private address ("
                            + a.getHostAddress() + "), refused unless the relay runs with --allow-private-next-hops"));
                    return;
                }
            }
            result.trySuccess(all[0]);
        } catch (UnknownHostException e) {
            result.tryFailure(new NextHopException(408, NextHopFailure.NAME, "Next hop " + host + " does not resolve"));
        } catch (RuntimeException | Error e) {
            // Never leave the request waiting for an answer that cannot come.
            result.tryFailure(new NextHopException(408, NextHopFailure.ERROR, "Next hop " + host + " not resolved: " + e, false));
        }
    }

    /**
     * Whether {@code a} is inside a network rather than on the Internet: what
     * a relay must not be made to connect to (no scanning of the operator's
     * networks from the relay's address). IPv6 addresses that carry an IPv4
     * one (NAT64, IPv4-mapped, 6to4, IPv4-compatible) are judged by it: a
     * NAT64 gateway, or the relay's own IPv6 socket, would reach it.
     */
    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc || Arrays.equals(b, 0, 6, LOCAL_NAT64, 0, 6)) {
                return true; // unique local fc00::/7, local-use NAT64
            }
            InetAddress carried = carriedIpv4(b);
            return carried != null && isPrivate(carried);
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // "this network", 0.0.0.0/8
                || first == 100 && (second & 0xc0) == 64 // carrier-grade NAT, 100.64.0.0/10
                || first == 192 && second == 0 && b[2] == 0 // IETF protocol assignments, 192.0.0.0/24
                || first == 198 && (second & 0xfe) == 18 // benchmarking, 198.18.0.0/15
                || first >= 240; // reserved, 240.0.0.0/4, and the broadcast address
    }

    /**
     * The IPv4 address in a NAT64 (64:ff9b::/96), IPv4-mapped (::ffff:0:0/96),
     * IPv4-compatible (::/96) or 6to4 (2002::/16) one; else null.
     */
    private static InetAddress carriedIpv4(byte[] b) {
        int at;
        if (Arrays.equals(b, 0, 12, NAT64, 0, 12) || Arrays.equals(b, 0, 12, MAPPED, 0, 12)
                || Arrays.equals(b, 0, 12, new byte[12], 0, 12)) {
            at = 12;
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            at = 2;
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
