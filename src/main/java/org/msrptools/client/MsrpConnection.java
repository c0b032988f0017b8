package org.msrptools.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;

/**
 * One TLS connection from a client to its relay, with the MSRP decoder. What
 * arrives goes to the current {@link Listener}, on the connection's own
 * thread. Writes may come from any thread; one from another thread becomes
 * a task on the connection's thread (counted at once against the
 * connection's writability), which a write made there can overtake, so
 * whatever must keep its place among the transfer's own writes (an abort
 * after the last chunk) is written from the connection's thread. Frames are
 * encoded in the pipeline, in the order they reach the wire (an end-line
 * after a body starts with CRLF, and only the wire's order says which body
 * is open); bytes already encoded (a sender's blocks of chunks) pass as
 * they are.
 */
public final class MsrpConnection implements AutoCloseable {

    /**
     * A TLS handshake takes a few round trips: one that has not ended in 10 s
     * is a port that does not speak TLS (a plain MSRP relay's, say), and
     * waiting the whole --timeout for it only delays the hint.
     */
    static final long HANDSHAKE_MILLIS = 10_000;
    /**
     * A TCP connection is made in a round trip or refused at once: one with
     * no answer in 10 s goes to a host that is down or behind a firewall that
     * drops it, and the next SRV target should not wait the whole --timeout.
     */
    static final long CONNECT_MILLIS = 10_000;

    /**
     * After this end's last word ({@link #lingerOnClose}) the close waits
     * until nothing has come for this long: the peer has heard it and
     * stopped sending, or nothing was coming.
     */
    static final long LINGER_QUIET_MILLIS = 250;
    /** And at most this long, from the close: a peer that goes on sending regardless is not waited for. */
    static final long LINGER_MAX_MILLIS = 2_000;

    /** The MSRP heads on the wire, with --verbose: "> " sent, "< " received. */
    static final Logger WIRE = Logger.getLogger("org.msrptools.wire");

    /** Receives frames and the end of the connection. */
    public interface Listener {
        void frame(MsrpFrame frame);

        void closed();

        /** Writability changed (for senders that wait for room). */
        default void writable() {
        }

        /**
         * What the last reads of the socket held has been given to
         * {@link #frame} (at the close too); the thread may wait for more now.
         */
        default void readComplete() {
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private volatile Listener listener;
    /** Reads only while its writes can leave (see {@link #readOnlyWhileWritable()}); the connection's thread. */
    private boolean answering;
    /** When something last came from the relay: how long the connection had been quiet when it closed. */
    private volatile long lastReadNanos = System.nanoTime();
    /** The relay ended TLS with close_notify: it closed the connection on purpose, it was not cut. */
    private volatile boolean closedByRelay;
    /** See {@link #lingerOnClose}. */
    private volatile boolean linger;
    /** Answers awaited outside the listener (a session refresh's AUTHs), by transaction id; the connection's thread. */
    private final Map<String, Consumer<MsrpResponse>> awaited = new HashMap<>();
    /** The transaction of the awaited answer just taken: its end-line is not the listener's either. */
    private String awaitedEnd;
    /** A flush is on its way: answers written meanwhile go with it. */
    private boolean flushPending;
    private final Runnable flush = () -> {
        flushPending = false;
        channel().flush();
    };

    private MsrpConnection(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Connects and completes the TLS handshake, verifying the relay's
     * certificate for {@code host} (the context decides how strictly).
     */
    public static MsrpConnection open(String host, int port, SslContext tls, Duration timeout, Listener initial)
            throws ClientException {
        return open(host, null, port, tls, timeout, initial);
    }

    /** As above, connecting to {@code address} when not null (resolved elsewhere), else to {@code host}. */
    public static MsrpConnection open(String host, InetAddress address, int port, SslContext tls, Duration timeout,
                                      Listener initial) throws ClientException {
        return open(host, address, port, null, tls, timeout, initial);
    }

    /**
     * As above, from the local address {@code from} when not null (a test's
     * second loopback address: the relay throttles AUTH per address).
     */
    public static MsrpConnection open(String host, InetAddress address, int port, InetAddress from, SslContext tls,
                                      Duration timeout, Listener initial) throws ClientException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        MsrpConnection[] self = new MsrpConnection[1];
        // Kept here: a handshake refused at once closes the channel, and its pipeline is empty by the time we look.
        SslHandler[] ssl = new SslHandler[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(CONNECT_MILLIS, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ssl[0] = tls.newHandler(ch.alloc(), host, port);
                        ssl[0].setHandshakeTimeout(Math.min(timeout.toMillis(), HANDSHAKE_MILLIS), TimeUnit.MILLISECONDS);
                        ch.pipeline().addLast("tls", ssl[0])
                                .addLast("decoder", new MsrpDecoder())
                                .addLast("encoder", new MsrpEncoder())
                                .addLast("client", new Handler(() -> self[0]));
                    }
                });
        if (from != null) {
            b.localAddress(from, 0);
        }
        try {
            ChannelFuture cf = (address != null ? b.connect(new InetSocketAddress(address, port)) : b.connect(host, port))
                    .awaitUninterruptibly();
            if (!cf.isSuccess()) {
                throw new ClientException(ClientException.Kind.CONNECTION,
                        "cannot connect to " + MsrpUri.bracketed(host) + ":" + port + ": " + describe(cf.cause(), timeout),
                        cf.cause());
            }
            MsrpConnection c = new MsrpConnection(group, cf.channel());
            c.listener = initial;
            self[0] = c;
            var handshake = ssl[0].handshakeFuture().awaitUninterruptibly();
            if (!handshake.isSuccess()) {
                throw handshakeFailed(MsrpUri.bracketed(host) + ":" + port, handshake.cause(), timeout);
            }
            return c;
        } catch (ClientException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static String describe(Throwable t, Duration timeout) {
        if (t instanceof ConnectTimeoutException) { // a ConnectException too, but nothing refused it
            return "no answer within " + Math.min(timeout.toSeconds(), CONNECT_MILLIS / 1000) + " s (is the host down, "
                    + "or does a firewall drop the connection?)";
        }
        if (t instanceof ConnectException) {
            return "connection refused (is a relay running there?)";
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /**
     * A handshake that failed because the other end does not speak TLS at
     * all (plain text back, the connection closed, no answer) is a wrong
     * address, not a certificate problem: it is said so, with the question
     * to ask. Everything else is a TLS failure in its own words.
     */
    private static ClientException handshakeFailed(String where, Throwable cause, Duration timeout) {
        String hint = " (is this an MSRP relay's TLS port?)";
        if (cause instanceof SslHandshakeTimeoutException) {
            return new ClientException(ClientException.Kind.CONNECTION, where + " gave no TLS answer within "
                    + Math.min(timeout.toSeconds(), HANDSHAKE_MILLIS / 1000) + " s" + hint, cause);
        }
        if (cause instanceof NotSslRecordException) {
            return new ClientException(ClientException.Kind.CONNECTION, where + " answered, but not in TLS" + hint,
                    cause);
        }
        if (cause instanceof ClosedChannelException) { // msrp-relay over a connection cap closes so too
            return new ClientException(ClientException.Kind.CONNECTION, where
                    + " closed the connection during the TLS handshake (is this an MSRP relay's TLS port? or a relay "
                    + "over its cap on connections, which its log says?)", cause);
        }
        return new ClientException(ClientException.Kind.TLS, "TLS with " + where + " failed: " + tlsReason(cause),
                cause);
    }

    /** The innermost message of a handshake failure: the one that says what did not match. */
    private static String tlsReason(Throwable t) {
        Throwable c = t;
        while (!(c instanceof java.security.cert.CertificateExpiredException)
                && !(c instanceof java.security.cert.CertificateNotYetValidException)
                && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        if (c instanceof java.security.cert.CertificateExpiredException) {
            return "the relay's certificate has expired (" + c.getMessage() + ")";
        }
        if (c instanceof java.security.cert.CertificateNotYetValidException) {
            return "the relay's certificate is not valid yet (" + c.getMessage()
                    + "; is this machine's clock, or the relay's, wrong?)";
        }
        if (signedByAnother(t)) {
            return "the relay's certificate is not trusted: its issuer's name is that of a trusted certificate, "
                    + "but that one did not sign it (is the --ca-file another relay's? give this relay's CA)";
        }
        String msg = c.getMessage() != null ? c.getMessage() : c.toString();
        if (msg.contains("unable to find valid certification path") || msg.contains("PKIX")) {
            return "the relay's certificate is not trusted: no CA given with --ca-file, nor one this system trusts, "
                    + "signed it (give the relay's CA with --ca-file, or --insecure for a lab relay)";
        }
        if (t instanceof SSLHandshakeException && msg.contains("No subject alternative")) {
            return "the relay's certificate does not name this host (" + msg + "): reach the relay by a name the "
                    + "certificate has, or have the relay's certificate name this one";
        }
        return msg;
    }

    /** Whether PKIX failed on a signature: a trusted certificate of the same name (relays' generated ones share it). */
    private static boolean signedByAnother(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.security.cert.CertPathValidatorException v
                    && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands what arrives from now on to {@code l} (first whatever the sign-in
     * listener held back), and reads again if reading was paused. Runs on the
     * connection's thread, so no frame slips between the two listeners.
     */
    public void listener(Listener l) {
        channel.eventLoop().submit(() -> {
            if (listener instanceof ResponseQueue held) {
                held.handOver(l);
            }
            listener = l;
            channel.config().setAutoRead(!answering || channel.isWritable());
        }).syncUninterruptibly();
    }

    /**
     * For an end that only answers what it reads (a receiver): it stops
     * reading while its answers cannot leave, so a relay that sends but no
     * longer reads cannot make them pile up here; the relay then holds the
     * rest, and its own limits apply. Never for a sender: it must always
     * read the answers that free its window.
     */
    public void readOnlyWhileWritable() {
        channel.eventLoop().submit(() -> {
            answering = true;
        }).syncUninterruptibly();
    }

    /**
     * Stops reading until the next {@link #listener}: between sign-in and the
     * transfer the peer may already send, and nothing may be lost meanwhile.
     * Done on the connection's thread, so it holds once this returns.
     */
    public void pauseReading() {
        channel.eventLoop().submit(() -> channel.config().setAutoRead(false)).syncUninterruptibly();
    }

    public Channel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Writes messages, or a message piece by piece (head, contents, end), and
     * flushes; from any thread. From another thread, the frames of one call
     * go as one task on the connection's thread: written one by one from
     * outside, an answer written there meanwhile (to a frame just read) could
     * land between a message's head and its end-line. A single frame (a piece
     * of a body streamed from outside) is written as Netty does, so that the
     * writability the caller watches counts it from now on.
     */
    public void send(MsrpFrame... frames) {
        if (frames.length == 1 || channel.eventLoop().inEventLoop()) {
            write(frames);
            channel.flush();
            return;
        }
        try {
            channel.eventLoop().execute(() -> send(frames));
        } catch (RejectedExecutionException closed) {
            for (MsrpFrame f : frames) {
                ReferenceCountUtil.release(f); // the connection is gone: nothing will write them
            }
        }
    }

    /**
     * The answer to request {@code transactionId}, sent on this connection
     * beside the transfer, goes to {@code answer} instead of the listener;
     * on the connection's thread, before the request is sent.
     */
    void await(String transactionId, Consumer<MsrpResponse> answer) {
        awaited.put(transactionId, answer);
    }

    /** Whether {@code frame} was an awaited answer or its end-line (then taken here). */
    private boolean tookAwaited(MsrpFrame frame) {
        if (frame instanceof MsrpResponse r && !awaited.isEmpty()) {
            Consumer<MsrpResponse> answer = awaited.remove(r.transactionId());
            if (answer != null) {
                awaitedEnd = r.transactionId();
                answer.accept(r);
                return true;
            }
        } else if (frame instanceof MsrpEnd e && e.transactionId().equals(awaitedEnd)) {
            awaitedEnd = null;
            return true;
        }
        return false;
    }

    /**
     * Writes whole messages, on the connection's thread, and flushes once the
     * work at hand there is done: the answers to everything one read
     * brought leave together. (A read batch's end is no signal for this: TLS
     * may hand over data without one.)
     */
    public void sendSoon(MsrpFrame... frames) {
        write(frames);
        if (!flushPending) {
            flushPending = true;
            channel.eventLoop().execute(flush);
        }
    }

    private void write(MsrpFrame[] frames) {
        for (MsrpFrame f : frames) {
            if (f instanceof MsrpHead h && WIRE.isLoggable(Level.FINE)) {
                WIRE.fine("> " + h);
            }
            channel.write(f, channel.voidPromise());
        }
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** How long nothing has come from the relay. */
    public Duration quietFor() {
        return Duration.ofNanos(System.nanoTime() - lastReadNanos);
    }

    /** Whether the relay closed the connection on purpose (TLS close_notify), rather than it being cut. */
    public boolean closedByRelay() {
        return closedByRelay;
    }

    /**
     * What was just sent is this end's last word (a refusal, an abort), or
     * no longer is ({@code false}: the run ended well after all, and its
     * close should not wait): the close reads, and drops, what still comes
     * until the peer has stopped sending. Closed at once with bytes unread,
     * the socket would be reset: a reset discards what the kernel had not
     * sent yet, and a relay that learns of it before it reads what came just
     * before may drop that too (ours did: CI saw a receiver's 413 lost now and
     * then, its sender told only that the next hop closed).
     */
    public void lingerOnClose(boolean lastWord) {
        linger = lastWord;
    }

    @Override
    public void close() {
        if (linger && channel.isActive()) {
            drain();
        }
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** Reads and drops until quiet for {@link #LINGER_QUIET_MILLIS} (see {@link #lingerOnClose}). */
    private void drain() {
        long start = System.nanoTime();
        channel.eventLoop().execute(() -> {
            listener = null; // what comes now is dropped: the run has ended
            answering = false;
            channel.config().setAutoRead(true);
        });
        long quiet = TimeUnit.MILLISECONDS.toNanos(LINGER_QUIET_MILLIS);
        long end = start + TimeUnit.MILLISECONDS.toNanos(LINGER_MAX_MILLIS);
        try {
            long now;
            while (channel.isActive() && (now = System.nanoTime()) < end
                    && now - Math.max(lastReadNanos, start) < quiet) {
                Thread.sleep(LINGER_QUIET_MILLIS / 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close now
        }
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final java.util.function.Supplier<MsrpConnection> owner;

        Handler(java.util.function.Supplier<MsrpConnection> owner) {
            this.owner = owner;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            MsrpConnection c = owner.get();
            if (c != null) {
                c.lastReadNanos = System.nanoTime();
            }
            if (c == null || c.listener == null || !(msg instanceof MsrpFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (frame instanceof MsrpHead h && WIRE.isLoggable(Level.FINE)) {
                WIRE.fine("< " + h);
            }
            if (frame instanceof MsrpFrameError e && e.cause().violation() == MsrpSyntaxException.Violation.TRUNCATED) {
                return; // the connection closed mid-message: closed() follows and says so
            }
            if (!c.tookAwaited(frame)) {
                c.listener.frame(frame);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            MsrpConnection c = owner.get();
            if (c != null && c.listener != null) {
                c.listener.readComplete();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            MsrpConnection c = owner.get();
            if (c != null && event instanceof SslCloseCompletionEvent close && close.isSuccess()) {
                c.closedByRelay = true;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            MsrpConnection c = owner.get();
            if (c != null && c.answering && c.listener != null) {
                ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            }
            if (c != null && c.listener != null && ctx.channel().isWritable()) {
                c.listener.writable();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            MsrpConnection c = owner.get();
            if (c != null && c.listener != null) {
                c.listener.closed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            WIRE.log(Level.FINE, "connection error", cause);
            ctx.close();
        }
    }
}
