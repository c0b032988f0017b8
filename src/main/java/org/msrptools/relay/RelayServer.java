package org.msrptools.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;

/**
 * The relay server: one TLS listener, one fixed pipeline per connection
 * (TLS, MSRP decoder, {@link RelayConnection}), the
 * session table, and connections to peer relays.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());

    /** What every connection of this relay shares. */
    record Shared(RelayConfig config, Authenticator authenticator, Router router, SessionTable sessions,
                  AtomicInteger chunksInFlight, RelayBudget budget, RelayBudget beforeSignIn, RelayEvents events,
                  List<X509Certificate> certificates) {
    }

    /**
     * What connections not signed in may hold together, as a share of the
     * total buffer (frames read behind a first AUTH; our clients and the
     * original ones send none): past it, one that adds to it is closed.
     */
    static final int BEFORE_SIGN_IN_SHARE = 8;

    private final RelayConfig config;
    private final AccountStore accounts;
    private final Clock clock;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private PeerConnector peers;
    private Channel listener;
    private SessionTable sessions;
    private RelayIdentity identity;
    /** The certificate file's chain, the relay's own first. */
    private List<X509Certificate> certificates;
    private final AtomicInteger chunksInFlight = new AtomicInteger();
    private RelayBudget budget;
    private RelayBudget beforeSignIn;
    private ConnectionLimit limit;
    private final RelayEvents events = new RelayEvents(new RelayMetrics());

    public RelayServer(RelayConfig config, AccountStore accounts, Clock clock) {
        this.config = config;
        this.accounts = accounts;
        this.clock = clock;
    }

    public RelayServer start() throws IOException, GeneralSecurityException, InterruptedException {
        SslContext serverTls = TlsContexts.server(config.certFile(), config.keyFile(), config.tlsEngine());
        SslContext peerTls = TlsContexts.client(config.caFile(), false, config.tlsEngine());
        certificates = List.copyOf(CertificateFiles.readCertificates(config.certFile()));
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(io);
        Class<? extends ServerChannel> serverClass = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        Class<? extends Channel> clientClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;

        sessions = new SessionTable(clock);
        // Bind first: with port 0 the real port is only known afterwards, and Use-Path needs it. The listener
        // accepts nothing until the shared state below is complete (auto-read off until then).
        Shared[] shared = new Shared[1];
        WriteBufferWaterMark marks = new WriteBufferWaterMark(config.sessionBufferBytes() / 4,
                config.sessionBufferBytes() / 2);
        limit = new ConnectionLimit(config.maxConnections(), config.maxConnectionsPerAddress(),
                events);
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(serverClass)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A failed write must not close the connection before what the peer sent last is read (see
                // ConnectionState.closeAfterLastReads).
                .childOption(ChannelOption.AUTO_CLOSE, false)
                .handler(limit.acceptor())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        SslHandler tls = serverTls.newHandler(ch.alloc());
                        tls.setHandshakeTimeout(config.firstMessageTimeout().toMillis(), TimeUnit.MILLISECONDS);
                        ch.pipeline().addLast("tls", tls);
                        addMsrp(ch, shared[0], null);
                    }
                });
        var bound = server.bind(config.listenHost(), config.listenPort()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            stop();
            // The epoll transport reports its own exception type; callers want one kind.
            Throwable cause = bound.cause();
            BindException e = new BindException(cause instanceof java.nio.channels.UnresolvedAddressException
                    ? "the host name does not resolve" : bindProblem(String.valueOf(cause.getMessage())));
            e.initCause(cause);
            throw e;
        }
        listener = bound.channel();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        identity = new RelayIdentity(config.hostname(), port, ownNames());
        Bootstrap peerBootstrap = new Bootstrap().channel(clientClass)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, // an int: 24 days at most, a long wait all the same
                        (int) Math.min(Integer.MAX_VALUE, config.transactionTimeout().toMillis()));
        peers = new PeerConnector(peerBootstrap, peerTls,
                new NextHopResolver(config.allowPrivateNextHops(), config.nextHopLookup()),
                (ch, hop) -> {
                    channels.add(ch);
                    addMsrp(ch, shared[0], hop);
                }, config.transactionTimeout(), clock, events);
        NonceService nonces = new NonceService(clock, config.nonceLifetime());
        Authenticator authenticator = new Authenticator(config, accounts, nonces, sessions, identity, clock, events);
        beforeSignIn = new RelayBudget(config.totalBufferBytes() / BEFORE_SIGN_IN_SHARE);
        budget = new RelayBudget(config.totalBufferBytes()); // after: bufferedBytes reads both once this is set
        shared[0] = new Shared(config, authenticator, new Router(identity, sessions, peers), sessions, chunksInFlight,
                budget, beforeSignIn, events, certificates);
        events.metrics().gauges(limit::open, sessions::size, this::bufferedBytes, budget::pausedConnections,
                () -> firstExpiry().getEpochSecond());
        group.next().scheduleAtFixedRate(this::expireSessions, 1, 1, TimeUnit.SECONDS);
        listener.config().setAutoRead(true);
        return this;
    }

    /**
     * The system's reason in its own words, without the epoll transport's
     * wrapping ("bind(..) failed with error(-98): Address already in use").
     */
    static String bindProblem(String message) {
        String reason = message.replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
        reason = reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        return reason.equals("cannot assign requested address") ? "not an address of this machine" : reason;
    }

    /** {@code nextHop}: the host:port this relay connected to, null for a connection it accepted. */
    private void addMsrp(Channel ch, Shared shared, String nextHop) {
        // No encoder: each connection's Outbound encodes what it writes (and keeps the idle clock).
        ch.pipeline()
                .addLast("decoder", MsrpDecoder.skippingBadMessages())
                .addLast("relay", new RelayConnection(shared, nextHop));
    }

    /** Names and addresses that designate this relay: host name, certificate SANs, listen and local addresses. */
    private List<String> ownNames() {
        List<String> names = new ArrayList<>(CertificateFiles.allNames(certificate()));
        names.add(config.listenHost());
        names.add("localhost");
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                ni.inetAddresses().forEach(a -> names.add(a.getHostAddress().replaceAll("%.*$", "")));
            }
        } catch (SocketException e) {
            LOG.warning("cannot list local addresses: " + e.getMessage());
        }
        return names;
    }

    private void expireSessions() {
        for (RelaySession s : sessions.expire()) {
            s.owner().pipeline().fireUserEventTriggered(RelayConnection.EXPIRED); // on the owner's loop
        }
    }

    public int port() {
        return identity.port();
    }

    public RelayIdentity identity() {
        return identity;
    }

    public org.msrptools.tls.TlsEngine tlsEngine() {
        return config.tlsEngine();
    }

    /** The relay's own certificate. */
    public X509Certificate certificate() {
        return certificates.get(0);
    }

    /** The relay's certificate and the chain it sends with it: any of them out of its validity fails every client. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** When the first of {@link #certificates()} expires, as the start block says (found by review). */
    public Instant firstExpiry() {
        return certificates.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo)
                .orElse(Instant.EPOCH);
    }

    /** The sessions now, for tests that must reach one's connection. */
    SessionTable sessions() {
        return sessions;
    }

    /** The relay's metrics, for {@code --metrics} to serve. */
    public RelayMetrics metrics() {
        return events.metrics();
    }

    /** Whether the relay is listening for connections (for /health). */
    public boolean listening() {
        return listener != null && listener.isActive();
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** The live sessions and how many there are, the oldest {@code shown} of them in full. */
    public record SessionsPage(List<SessionView> shown, int live) {
    }

    /**
     * The live sessions, oldest first (at most {@code most} of them shown),
     * each read on its own connection's event loop, where its figures
     * change; a loop that does not answer within {@code wait} in all leaves
     * its sessions' traffic out rather than hold the caller.
     */
    public SessionsPage sessionsNow(int most, Duration wait) {
        List<RelaySession> all = sessions.live();
        List<RelaySession> live = all.subList(0, Math.min(most, all.size()));
        List<Future<SessionView>> asked = new ArrayList<>(live.size());
        for (RelaySession s : live) {
            Channel owner = s.owner();
            try {
                asked.add(owner.eventLoop().submit(() -> {
                    RelayConnection c = owner.pipeline().get(RelayConnection.class);
                    return c == null ? null : c.view();
                }));
            } catch (RejectedExecutionException stopping) {
                asked.add(owner.eventLoop().newSucceededFuture(SessionView.of(s)));
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<SessionView> views = new ArrayList<>(live.size());
        for (int i = 0; i < live.size(); i++) {
            SessionView v;
            try {
                v = asked.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                v = SessionView.of(live.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                v = SessionView.of(live.get(i));
            }
            if (v != null) { // null: the connection closed meanwhile, and its session with it
                views.add(v);
            }
        }
        return new SessionsPage(views, all.size());
    }

    /** Accepted connections open now: clients', and other relays' to this one. */
    long openConnections() {
        return limit.open();
    }

    /** Connections to next hops open or being made. */
    int nextHops() {
        return peers.known();
    }

    /** Bytes the relay holds for all its connections: read and not yet written onward. */
    public long bufferedBytes() {
        return budget == null ? 0 : budget.held() + beforeSignIn.held();
    }

    /** Connections not read now because the relay holds more than its total buffer. */
    public int connectionsPausedForTotal() {
        return budget == null ? 0 : budget.pausedConnections();
    }

    /**
     * Stops accepting, gives chunks in flight {@code shutdownGrace} to
     * finish, then sends a failure REPORT for each chunk still arriving (to
     * senders that asked for them), ends it downstream with '#', and closes
     * every connection.
     */
    public void stop() throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (System.nanoTime() < deadline && chunksInFlight.get() > 0) {
            Thread.sleep(20);
        }
        // Every connection first ends what it was forwarding; only then is anything closed,
        // so an abort written across connections goes out before its connection closes.
        List<io.netty.util.concurrent.Future<?>> ended = new ArrayList<>();
        for (Channel c : channels) {
            ended.add(c.eventLoop().submit(() -> c.pipeline().fireUserEventTriggered(RelayConnection.SHUTDOWN)));
        }
        for (var f : ended) {
            f.awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (group != null) {
            // A close completes before its connection's end (channelInactive) runs, as a later task of its loop,
            // and that end hands work to other loops (failure REPORTs, a sender's reading resumed). Each loop
            // has its turn at all of it, twice, before any stops: else an end that ran after another loop had
            // stopped failed, and its session_ended line was lost (found by a new user).
            for (int round = 0; round < 2; round++) {
                List<io.netty.util.concurrent.Future<?>> turns = new ArrayList<>();
                group.forEach(loop -> {
                    if (!loop.isShuttingDown()) {
                        turns.add(loop.submit(() -> { }));
                    }
                });
                for (var turn : turns) {
                    turn.awaitUninterruptibly(1, TimeUnit.SECONDS);
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (peers != null) {
            peers.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
