package org.msrptools.relay;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

    private static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // carrier-grade NAT 100.64.0.0/10
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
