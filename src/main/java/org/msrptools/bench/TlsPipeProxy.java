package org.msrptools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * The benchmark's baseline: a byte pipe that terminates TLS and opens TLS
 * again towards its target, with no MSRP at all, built from the same
 * parts as the relay (Netty, epoll, the same TLS engine and cipher order,
 * back-pressure by auto-read). A relay that understands MSRP should not be
 * slower than this. Run as its own process:
 * {@code TlsPipeProxy CERT KEY TARGET_PORT ENGINE}; prints "PORT n".
 */
public final class TlsPipeProxy {

    private TlsPipeProxy() {
    }

    public static void main(String[] args) throws Exception {
        Path cert = Path.of(args[0]);
        Path key = Path.of(args[1]);
        int target = Integer.parseInt(args[2]);
        TlsEngine engine = TlsEngine.of(args[3]);
        SslContext server = TlsContexts.server(cert, key, engine);
        SslContext client = TlsContexts.client(cert, false, engine);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
        WriteBufferWaterMark marks = new WriteBufferWaterMark(256 * 1024, 512 * 1024);
        Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel in) {
                        in.pipeline().addLast(server.newHandler(in.alloc()), new Frontend(client, target, marks));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        System.out.println("PORT " + ((InetSocketAddress) listener.localAddress()).getPort());
        System.out.flush();
        listener.closeFuture().sync();
    }

    /** Copies one side to the other, reading only while the other side can take it. */
    private static class Pump extends ChannelInboundHandlerAdapter {
        Channel other;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.flush();
            if (!other.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && other != null) {
                other.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (other != null) {
                other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static final class Frontend extends Pump {
        private final SslContext client;
        private final int target;
        private final WriteBufferWaterMark marks;

        Frontend(SslContext client, int target, WriteBufferWaterMark marks) {
            this.client = client;
            this.target = target;
            this.marks = marks;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel in = ctx.channel();
            Pump back = new Pump();
            back.other = in;
            // On the incoming connection's own event loop, as Netty's proxy example does.
            new Bootstrap().group(in.eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel out) {
                            out.pipeline().addLast(client.newHandler(out.alloc(), "127.0.0.1", target), back);
                        }
                    }).connect("127.0.0.1", target).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            other = f.channel();
                            in.config().setAutoRead(true);
                        } else {
                            in.close();
                        }
                    });
        }
    }
}
