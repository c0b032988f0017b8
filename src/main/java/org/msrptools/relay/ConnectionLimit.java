package org.msrptools.relay;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections the relay accepts, in all and from one address, so
 * that one host opening sockets it never uses cannot take every file
 * descriptor. A connection over a cap is closed before its TLS handshake
 * costs anything; the others are counted until they close.
 */
final class ConnectionLimit {

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /** Zero or less means no cap. */
    ConnectionLimit(int max, int maxPerAddress) {
        this.max = max <= 0 ? Integer.MAX_VALUE : max;
        this.maxPerAddress = maxPerAddress <= 0 ? Integer.MAX_VALUE : maxPerAddress;
    }

    /** Counts {@code ch} until it closes and returns true, or returns false when a cap is reached. */
    boolean admit(Channel ch) {
        InetAddress address = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return false;
        }
        boolean[] over = new boolean[1];
        perAddress.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            over[0] = now >= maxPerAddress;
            return over[0] ? n : now + 1;
        });
        if (over[0]) {
            total.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(f -> {
            total.decrementAndGet();
            perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        });
        return true;
    }
}
