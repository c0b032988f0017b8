package org.msrptools.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.tls.CertificateValidity;

/**
 * The relay's Netty handler, kept thin: it hands each event of its
 * connection to the connection's {@link ConnectionState}.
 */
final class RelayConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(RelayConnection.class.getName());

    /** The relay is stopping: what is still arriving will not finish. */
    static final Object SHUTDOWN = new Object();
    /** The session this connection owns has expired. */
    static final Object EXPIRED = new Object();

    private final RelayServer.Shared shared;
    /** The next hop (host:port) this relay connected to; null for a connection it accepted. */
    private final String nextHop;
    private ConnectionState state;

    RelayConnection(RelayServer.Shared shared, String nextHop) {
        this.shared = shared;
        this.nextHop = nextHop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        state = new ConnectionState(shared, ctx.channel(), nextHop);
    }

    /** See {@link ConnectionState#view()}; on the connection's event loop. */
    SessionView view() {
        return state.view();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        state.active();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        state.read(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        state.readComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            state.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SHUTDOWN) {
            state.shutdown();
        } else if (evt == EXPIRED) {
            state.close(EndReason.EXPIRED, "its session expired");
        } else if (evt instanceof ChannelOutputShutdownEvent) {
            state.closeAfterLastReads(); // a write failed (AUTO_CLOSE is off): the peer reset the connection
        } else {
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess() && nextHop != null) {
                state.nextHopConnected(ctx.pipeline().get(SslHandler.class).engine().getSession().getProtocol());
            } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                if (nextHop != null) {
                    // This relay's own handshake with a next hop: the refusal of what was to go there
                    // says why, naming the hop (PeerConnector); this is no client failing a handshake.
                    state.close(EndReason.TLS_HANDSHAKE, oneLine(done.cause()));
                } else if (!closedByPeer(done.cause())) {
                    String why = ownCertificatesFirst(shared.certificates(), oneLine(done.cause()));
                    shared.events().tlsHandshakeFailed((InetSocketAddress) ctx.channel().remoteAddress(), why);
                    state.close(EndReason.TLS_HANDSHAKE, why);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String why = oneLine(cause);
        if (Causes.root(cause) instanceof NotSslRecordException) {
            // Its message carries the bytes received, in hex: no stack trace of it, even with --verbose.
            LOG.fine(() -> "connection error, closing: " + why);
        } else {
            LOG.log(Level.FINE, "connection error, closing", cause);
        }
        state.close(EndReason.CONNECTION_ERROR, why);
    }

    /**
     * The other side closed before the handshake was done: a TCP health
     * check or a port scan, not a TLS failure worth a line or an alert.
     */
    private static boolean closedByPeer(Throwable cause) {
        return Causes.root(cause) instanceof ClosedChannelException;
    }

    /**
     * What went wrong, in a few words: the innermost cause's message. Never
     * the bytes received: a client speaking plain MSRP to the TLS port would
     * have its AUTH, digest response included, in the log.
     */
    static String oneLine(Throwable cause) {
        Throwable root = Causes.root(cause);
        if (root instanceof NotSslRecordException) {
            return "not TLS (plain MSRP, or another protocol, on the TLS port)";
        }
        if (root instanceof SslHandshakeTimeoutException) {
            return root.getMessage(); // "handshake timed out after N ms"
        }
        if (root.getMessage() == null) {
            return root.getClass().getSimpleName();
        }
        String m = root.getMessage();
        String alert = m.toLowerCase(java.util.Locale.ROOT);
        // What a client that does not trust the relay's certificate sends: BoringSSL's clients (ours among
        // them) an internal_error alert, the JDK's certificate_unknown; say so before the library's words.
        if (alert.contains("certificate_unknown") || alert.contains("bad_certificate")
                || alert.contains("unknown_ca") || alert.contains("alert_internal_error")) {
            return "the client refused the relay's certificate, most likely: it does not trust it "
                    + "(clients need --ca-file for a self-signed one; another relay that forwards here, its "
                    + "--ca-file) (" + m + ")";
        }
        return m;
    }

    /**
     * A handshake failure while the relay's own certificate, or one of the
     * chain it sends, is out of its validity says that first: every client
     * refuses it then, and each says so in its own alert (BoringSSL's
     * "certificate expired", the JDK's "certificate unknown", which read as
     * a trust problem).
     */
    static String ownCertificatesFirst(List<X509Certificate> own, String why) {
        CertificateValidity validity = CertificateValidity.of(own, Instant.now(), false);
        return validity.refused() ? "the relay's certificate " + validity.text() + " (" + why + ")" : why;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state.inactive();
        ctx.fireChannelInactive();
    }
}
