package org.msrptools.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.msrptools.protocol.MsrpUri;

/**
 * TLS connections to other relays, one per peer and reused, with the peer's
 * certificate verified. Next hops on loopback, private, link-local or
 * multicast addresses are refused unless allowed, so that no user can make
 * the relay connect into its own network.
 */
final class PeerConnector {

    /** A next hop the relay will not or cannot reach; carries the status to report. */
    static final class NextHopException extends Exception {
        final int code;

        NextHopException(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final Map<String, Future<Channel>> peers = new ConcurrentHashMap<>();
    private final Bootstrap bootstrap;
    private final SslContext clientTls;
    private final ExecutorService resolver;
    private final boolean allowPrivate;
    private final Consumer<Channel> pipeline;
    private final Duration timeout;

    PeerConnector(Bootstrap bootstrap, SslContext clientTls, ExecutorService resolver, boolean allowPrivate,
                  Consumer<Channel> pipeline, Duration timeout) {
        this.bootstrap = bootstrap;
        this.clientTls = clientTls;
        this.resolver = resolver;
        this.allowPrivate = allowPrivate;
        this.pipeline = pipeline;
        this.timeout = timeout;
    }

    Future<Channel> connect(MsrpUri next, EventLoop loop) {
        String key = next.hostAddress().toLowerCase(java.util.Locale.ROOT) + ":" + next.port();
        while (true) {
            Future<Channel> existing = peers.get(key);
            if (existing != null && (!existing.isDone() || existing.isSuccess() && existing.getNow().isActive())) {
                return existing;
            }
            Promise<Channel> promise = loop.newPromise();
            boolean mine = existing == null ? peers.putIfAbsent(key, promise) == null : peers.replace(key, existing, promise);
            if (mine) {
                resolver.execute(() -> resolveAndConnect(next, loop, promise));
                promise.addListener(f -> {
                    if (!f.isSuccess()) {
                        peers.remove(key, promise);
                    }
                });
                return promise;
            }
        }
    }

    private void resolveAndConnect(MsrpUri next, EventLoop loop, Promise<Channel> promise) {
        InetAddress address;
        try {
            InetAddress[] all = InetAddress.getAllByName(next.hostAddress());
            for (InetAddress a : all) {
                if (!allowPrivate && isPrivate(a)) {
                    promise.tryFailure(new NextHopException(403, "Next hop " + next.hostAddress()
                            + " is a private address (" + a.getHostAddress() + ")"));
                    return;
                }
            }
            address = all[0];
        } catch (UnknownHostException e) {
            promise.tryFailure(new NextHopException(408, "Next hop " + next.hostAddress() + " does not resolve"));
            return;
        }
        Bootstrap b = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = clientTls.newHandler(ch.alloc(), next.hostAddress(), next.port());
                ssl.setHandshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
                ch.pipeline().addLast("tls", ssl);
                pipeline.accept(ch);
            }
        });
        ChannelFuture cf = b.connect(new InetSocketAddress(address, next.port()));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(new NextHopException(408, "Cannot connect to next hop " + next.hostAddress()
                        + ":" + next.port() + ": " + f.cause().getMessage()));
                return;
            }
            cf.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    promise.trySuccess(cf.channel());
                } else {
                    cf.channel().close();
                    // A hop that never answers timed out; one that answered wrongly is refused.
                    int code = h.cause() instanceof SslHandshakeTimeoutException ? 408 : 403;
                    promise.tryFailure(new NextHopException(code, "TLS with next hop " + next.hostAddress()
                            + " failed: " + h.cause().getMessage()));
                }
            });
        });
    }

    static boolean isPrivate(InetAddress a) {
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
}
