package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.msrptools.protocol.MsrpUri;

/**
 * TLS connections to other relays, one per peer and reused, with the peer's
 * certificate verified, after {@link NextHopResolver} has found (and
 * vetted) the peer's address. A next hop that could not be reached gets the
 * same answer for a few seconds without a new attempt: every chunk in
 * flight when the first one failed would otherwise open a connection of its
 * own, and a client could make the relay knock at any address as often as it
 * sends.
 */
final class PeerConnector implements AutoCloseable {

    /** How long a next hop's failure is the answer for it. */
    static final Duration FAILURE_MEMORY = Duration.ofSeconds(5);
    /** Failed next hops remembered at most (the least recently failed forgotten first). */
    static final int FAILURES_REMEMBERED = 10_000;

    /** A next hop the relay will not or cannot reach; carries the status to report. */
    static final class NextHopException extends Exception {
        final int code;
        /** Whether the failure is the hop's own (not the relay's load): then it is remembered. */
        final boolean ofTheHop;

        NextHopException(int code, String message) {
            this(code, message, true);
        }

        NextHopException(int code, String message, boolean ofTheHop) {
            super(message, null, false, false);
            this.code = code;
            this.ofTheHop = ofTheHop;
        }
    }

    private final Map<String, Future<Channel>> peers = new ConcurrentHashMap<>();
    private final Cache<String, NextHopException> failed;
    private final Bootstrap bootstrap;
    private final SslContext clientTls;
    private final NextHopResolver resolver;
    private final Consumer<Channel> pipeline;
    private final Duration timeout;

    PeerConnector(Bootstrap bootstrap, SslContext clientTls, boolean allowPrivate, Consumer<Channel> pipeline,
                  Duration timeout, Clock clock) {
        this.failed = Caffeine.newBuilder()
                .maximumSize(FAILURES_REMEMBERED)
                .expireAfterWrite(FAILURE_MEMORY)
                .ticker(new ClockTicker(clock))
                .executor(Runnable::run)
                .build();
        this.bootstrap = bootstrap;
        this.clientTls = clientTls;
        this.resolver = new NextHopResolver(allowPrivate);
        this.pipeline = pipeline;
        this.timeout = timeout;
    }

    Future<Channel> connect(MsrpUri next, EventLoop loop) {
        String key = next.hostAddress().toLowerCase(java.util.Locale.ROOT) + ":" + next.port();
        NextHopException failure = failed.getIfPresent(key);
        if (failure != null) {
            return loop.newFailedFuture(failure);
        }
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
                        if (f.cause() instanceof NextHopException n && n.ofTheHop) {
                            failed.put(key, n);
                        }
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
                    // The innermost cause says why (an untrusted certificate, a wrong name), where
                    // BoringSSL's own exception only says "General OpenSslEngine problem".
                    promise.tryFailure(new NextHopException(code, "TLS with next hop " + next.hostAddress()
                            + " failed: " + Causes.innermostMessage(h.cause())));
                }
            });
        });
    }

    @Override
    public void close() {
        resolver.close();
    }
}
