package org.msrptools.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the connections the relay accepts, in all and from one address, so
 * that one host opening sockets it never uses cannot take every file
 * descriptor. A connection over a cap is closed before its TLS handshake
 * costs anything; the others are counted until they close.
 */
final class ConnectionLimit {

    /** The caps, by the option that sets them (the cap field of a refusal). */
    static final String MAX_CONNECTIONS = "max-connections";
    static final String MAX_PER_ADDRESS = "max-connections-per-address";
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);
    private final AtomicLong notLogged = new AtomicLong();
    private final RelayEvents events;

    /** Zero or less means no cap. */
    ConnectionLimit(int max, int maxPerAddress, RelayEvents events) {
        this.max = max <= 0 ? Integer.MAX_VALUE : max;
        this.maxPerAddress = maxPerAddress <= 0 ? Integer.MAX_VALUE : maxPerAddress;
        this.events = events;
    }

    /** Connections open now. */
    long open() {
        return total.get();
    }

    /**
     * A handler for the listening channel: it sees each accepted connection
     * before it is handed to an event loop, in the order of acceptance (on
     * the connections' own loops the order would be lost, and so the cap).
     */
    ChannelHandler acceptor() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Channel child = (Channel) msg;
                String cap = admit(child);
                if (cap == null) {
                    events.connectionAccepted(address(child), total.get());
                    ctx.fireChannelRead(child);
                } else {
                    refused(child, cap);
                    child.unsafe().closeForcibly();
                }
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
    }

    /**
     * Operators hear of refusals, but at most once a second, with how many
     * were not logged since: a flood must not flood the log too. Each is counted.
     */
    private void refused(Channel child, String cap) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        boolean logged = now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now);
        long suppressed = logged ? notLogged.getAndSet(0) : notLogged.incrementAndGet();
        events.connectionRefused(address(child), cap, logged, suppressed, total.get());
    }

    private static InetAddress address(Channel ch) {
        return ((InetSocketAddress) ch.remoteAddress()).getAddress();
    }

    /**
     * Counts {@code ch} until it closes and returns null, or returns the
     * option whose cap is reached.
     */
    private String admit(Channel ch) {
        InetAddress address = address(ch);
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return MAX_CONNECTIONS;
        }
        boolean[] over = new boolean[1];
        perAddress.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            over[0] = now >= maxPerAddress;
            return over[0] ? n : now + 1;
        });
        if (over[0]) {
            total.decrementAndGet();
            return MAX_PER_ADDRESS;
        }
        ch.closeFuture().addListener(f -> {
            total.decrementAndGet();
            perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        });
        return null;
    }
}
