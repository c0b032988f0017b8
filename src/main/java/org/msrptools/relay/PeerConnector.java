package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
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
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.msrptools.protocol.MsrpUri;

/**
 * TLS connections to other relays, one per peer and reused, with the peer's
 * certificate verified, after {@link NextHopResolver} has found (and
 * vetted) the peer's address. A next hop that could not be reached gets the
 * same answer for a few seconds without a new attempt: every chunk in
 * flight when the first one failed would otherwise open a connection of its
 * own, and a client could make the relay knock at an address as often as it
 * sends. Every failure is remembered by the name and port asked for; one to
 * connect at all also by the address and port (so that other spellings of
 * one address, {@code 127.1} or {@code 2130706433}, meet it too). A TLS
 * failure is not remembered by address: the certificate is checked against
 * the name, and another name at the same address may pass.
 */
final class PeerConnector implements AutoCloseable {

    /** How long a next hop's failure is the answer for it. */
    static final Duration FAILURE_MEMORY = Duration.ofSeconds(5);
    /** Failed next hops remembered at most (Caffeine's eviction policy chooses which go beyond). */
    static final int FAILURES_REMEMBERED = 10_000;

    /** A next hop the relay will not or cannot reach; carries the status to report. */
    static final class NextHopException extends Exception {
        final int code;
        /**
         * What failed, as {@code msrp_relay_next_hop_failures_total} labels it; null for what is no
         * failure of the hop to count: the relay stopping, a user over its share of new hops.
         */
        final NextHopFailure reason;
        /** Whether the failure is the hop's own (not the relay's load or state): then it is remembered. */
        final boolean ofTheHop;

        NextHopException(int code, NextHopFailure reason, String message) {
            this(code, reason, message, true);
        }

        NextHopException(int code, NextHopFailure reason, String message, boolean ofTheHop) {
            super(message, null, false, false);
            this.code = code;
            this.reason = reason;
            this.ofTheHop = ofTheHop;
        }

        /** The same failure given again from memory, saying so. */
        NextHopException remembered() {
            return new NextHopException(code, reason, getMessage() + " (an attempt in the last "
                    + FAILURE_MEMORY.toSeconds() + " s; not tried again sooner)", ofTheHop);
        }
    }

    private final Map<String, Future<Channel>> peers = new ConcurrentHashMap<>();
    /** Recent failures, by "name host:port" or "address ip:port". */
    private final Cache<String, NextHopException> failed;
    private final Bootstrap bootstrap;
    private final SslContext clientTls;
    private final NextHopResolver resolver;
    /** Completes a next hop's pipeline after its TLS handler, given the hop (host:port) it reaches. */
    private final BiConsumer<Channel, String> pipeline;
    private final Duration timeout;
    private final RelayEvents events;
    private final NextHopAttempts attempts;

    PeerConnector(Bootstrap bootstrap, SslContext clientTls, NextHopResolver resolver, BiConsumer<Channel, String> pipeline,
                  Duration timeout, Clock clock, RelayEvents events) {
        this.events = events;
        this.failed = ExpiringCache.of(FAILURES_REMEMBERED, FAILURE_MEMORY, clock);
        this.attempts = new NextHopAttempts(clock);
        this.bootstrap = bootstrap;
        this.clientTls = clientTls;
        this.resolver = resolver;
        this.pipeline = pipeline;
        this.timeout = timeout;
    }

    /** A connection to {@code next} for a request of {@code user}'s, whose new attempts are counted. */
    Future<Channel> connect(MsrpUri next, EventLoop loop, String user) {
        String key = next.hostAddress().toLowerCase(java.util.Locale.ROOT) + ":" + next.port();
        while (true) {
            Future<Channel> existing = peers.get(key);
            if (existing != null && (!existing.isDone() || existing.isSuccess() && existing.getNow().isActive())) {
                return existing;
            }
            NextHopException failure = failed.getIfPresent("name " + key);
            if (failure != null) {
                return loop.newFailedFuture(failure.remembered());
            }
            // Counted before the attempt is published: a promise another request found must always complete.
            if (!attempts.tryAttempt(user)) {
                return loop.newFailedFuture(new NextHopException(403, null, "Too many new next hops for " + user
                        + ": at most " + NextHopAttempts.PER_WINDOW + " a minute", false));
            }
            Promise<Channel> promise = loop.newPromise();
            boolean mine = existing == null ? peers.putIfAbsent(key, promise) == null : peers.replace(key, existing, promise);
            if (mine) {
                resolveThenConnect(next, key, loop, promise);
                promise.addListener((Future<Channel> f) -> {
                    if (!f.isSuccess()) {
                        peers.remove(key, promise);
                    } else { // gone once it closes: each hop a user tried would stay for ever (found by review)
                        f.getNow().closeFuture().addListener(closed -> peers.remove(key, promise));
                    }
                });
                return promise;
            }
        }
    }

    /** Connections to next hops open or being made. */
    int known() {
        return peers.size();
    }

    private void resolveThenConnect(MsrpUri next, String key, EventLoop loop, Promise<Channel> promise) {
        resolver.resolve(next.hostAddress(), loop).addListener((Future<InetAddress> resolved) -> {
            if (resolved.isSuccess()) {
                connectTo(next, key, resolved.getNow(), loop, promise);
                return;
            }
            if (resolved.cause() instanceof NextHopException n && n.reason != null) {
                events.nextHopFailed(key, n.reason, n.code, n.getMessage());
                if (n.ofTheHop) {
                    failed.put("name " + key, n);
                }
            }
            promise.tryFailure(resolved.cause());
        });
    }

    private void connectTo(MsrpUri next, String key, InetAddress address, EventLoop loop, Promise<Channel> promise) {
        String where = "address " + address.getHostAddress() + ":" + next.port();
        NextHopException known = failed.getIfPresent(where);
        if (known != null) {
            failed.put("name " + key, known); // this spelling's next chunk is answered before resolving
            promise.tryFailure(known.remembered());
            return;
        }
        String hop = next.hostAddress() + ":" + next.port();
        Bootstrap b = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = clientTls.newHandler(ch.alloc(), next.hostAddress(), next.port());
                ssl.setHandshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
                ch.pipeline().addLast("tls", ssl);
                pipeline.accept(ch, hop);
            }
        });
        ChannelFuture cf = b.connect(new InetSocketAddress(address, next.port()));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                NextHopException e = new NextHopException(408, NextHopFailure.CONNECT, "Cannot connect to next hop " + hop
                        + " (" + address.getHostAddress() + "): " + connectFailure(f.cause()));
                failed.put(where, e);
                fail(promise, key, hop, e);
                return;
            }
            cf.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    failed.invalidate(where);
                    failed.invalidate("name " + key);
                    promise.trySuccess(cf.channel());
                } else {
                    cf.channel().close();
                    fail(promise, key, hop, tlsFailure(hop, h.cause()));
                }
            });
        });
    }

    /** A fresh failure: logged and counted, remembered by the name asked for, and the answer. */
    private void fail(Promise<Channel> promise, String key, String hop, NextHopException e) {
        events.nextHopFailed(hop, e.reason, e.code, e.getMessage());
        failed.put("name " + key, e);
        promise.tryFailure(e);
    }

    private static String connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "no answer";
        }
        // Netty's says "finishConnect(..) failed with error(-111): Connection refused: host/address:port".
        return cause instanceof ConnectException ? "connection refused" : Causes.innermostMessage(cause);
    }

    /**
     * A hop that never answers timed out, and one that hung up may be
     * restarting: 408, worth another try. One that answered wrongly is
     * refused (403), in the words of the innermost cause (an untrusted
     * certificate, a wrong name), where BoringSSL's own exception only says
     * "General OpenSslEngine problem"; an expired certificate's innermost
     * cause only gives the date, so that one is named.
     */
    private static NextHopException tlsFailure(String hop, Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return new NextHopException(408, NextHopFailure.TLS_TIMEOUT, "TLS with next hop " + hop + " timed out: "
                    + cause.getMessage());
        }
        if (Causes.root(cause) instanceof ClosedChannelException) {
            return new NextHopException(408, NextHopFailure.CLOSED, "Next hop " + hop
                    + " closed the connection during the TLS handshake");
        }
        String why = Causes.innermostMessage(cause);
        if (Causes.find(cause, CertificateExpiredException.class) != null) {
            why = "its certificate has expired (" + why + ")";
        } else if (Causes.find(cause, CertificateNotYetValidException.class) != null) {
            why = "its certificate is not valid yet (" + why + ")";
        }
        return new NextHopException(403, NextHopFailure.TLS, "TLS with next hop " + hop + " failed: " + why);
    }

    @Override
    public void close() {
        resolver.close();
    }
}
