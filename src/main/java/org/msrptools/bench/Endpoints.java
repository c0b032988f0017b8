package org.msrptools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * The bench's own TLS endpoints: the pipe's source and sink and the MSRP
 * load's sender and receiver. They run on one epoll event loop group and
 * the relay's default TLS engine, the same for the relay and its baseline,
 * so that they cost as little as the bench can make them and the middle
 * process sets the pace.
 */
final class Endpoints implements AutoCloseable {

    /** What msrp-relay picks with no --tls-engine. */
    static final TlsEngine DEFAULT_ENGINE = TlsEngine.OPENSSL.available() ? TlsEngine.OPENSSL : TlsEngine.JDK;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());

    Bootstrap client() {
        return new Bootstrap().group(group).channel(EpollSocketChannel.class);
    }

    ServerBootstrap server() {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class);
    }

    /** Verifies the middle process's certificate, as the clients do. */
    static SslContext clientTls(Path ca) throws IOException, GeneralSecurityException {
        return TlsContexts.client(ca, false, DEFAULT_ENGINE);
    }

    static SslContext serverTls(Path cert, Path key) throws IOException, GeneralSecurityException {
        return TlsContexts.server(cert, key, DEFAULT_ENGINE);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
