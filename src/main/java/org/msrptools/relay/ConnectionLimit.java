package org.msrptools.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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

    /** The caps, by the option that sets them (the cap field of a refusal). */
    static final String MAX_CONNECTIONS = "max-connections";
    static final String MAX_PER_ADDRESS = "max-connections-per-address";

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
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
                    events.connectionAccepted((InetSocketAddress) child.remoteAddress(), total.get());
                    ctx.fireChannelRead(child);
                } else {
                    events.connectionRefused(address(child), cap, total.get());
                    child.unsafe().closeForcibly();
                }
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
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
