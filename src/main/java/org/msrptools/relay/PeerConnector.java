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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.msrptools.protocol.MsrpUri;

/**
 * TLS connections to other relays, one per peer and reused, with the peer's
 * certificate verified, after {@link NextHopResolver} has found (and
 * vetted) the peer's address.
 */
final class PeerConnector implements AutoCloseable {

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
    private final NextHopResolver resolver;
    private final Consumer<Channel> pipeline;
    private final Duration timeout;

    PeerConnector(Bootstrap bootstrap, SslContext clientTls, boolean allowPrivate, Consumer<Channel> pipeline,
                  Duration timeout) {
        this.bootstrap = bootstrap;
        this.clientTls = clientTls;
        this.resolver = new NextHopResolver(allowPrivate);
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
                resolveThenConnect(next, loop, promise);
                promise.addListener(f -> {
                    if (!f.isSuccess()) {
                        peers.remove(key, promise);
                    }
                });
                return promise;
            }
        }
    }

    private void resolveThenConnect(MsrpUri next, EventLoop loop, Promise<Channel> promise) {
        resolver.resolve(next.hostAddress(), loop).addListener((Future<InetAddress> resolved) -> {
            if (resolved.isSuccess()) {
                connectTo(next, resolved.getNow(), loop, promise);
            } else {
                promise.tryFailure(resolved.cause());
            }
        });
    }

    private void connectTo(MsrpUri next, InetAddress address, EventLoop loop, Promise<Channel> promise) {
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

    @Override
    public void close() {
        resolver.close();
    }
}
