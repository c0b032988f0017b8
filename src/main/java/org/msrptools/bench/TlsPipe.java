package org.msrptools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * N bytes through the baseline two-hop TLS pipe: a source and a sink in this
 * JVM (like the two clients), the {@link TlsPipeProxy} in a child process
 * (like the relay).
 */
final class TlsPipe {

    private TlsPipe() {
    }

    static InProcessTransfer.Result run(Path cert, Path key, long bytes, TlsEngine engine) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Process proxy = null;
        try {
            SslContext serverTls = TlsContexts.server(cert, key);
            SslContext clientTls = TlsContexts.client(cert, false);
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            Channel sink = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf b = (ByteBuf) msg;
                                    if (received.addAndGet(b.readableBytes()) >= bytes) {
                                        done.complete(System.nanoTime());
                                    }
                                    b.release();
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int sinkPort = ((InetSocketAddress) sink.localAddress()).getPort();
            List<String> cmd = new ArrayList<>(List.of(Java.tool("java"), "-cp", Java.jar().toString(),
                    TlsPipeProxy.class.getName(), cert.toString(), key.toString(), Integer.toString(sinkPort),
                    engine.toString()));
            proxy = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                line = out.readLine(); // engines may log first
            }
            if (line == null) {
                throw new IllegalStateException("the TLS pipe proxy did not start");
            }
            Java.drain(out);
            int proxyPort = Integer.parseInt(line.substring(5));
            Object writable = new Object();
            Channel source = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "127.0.0.1", proxyPort),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                            synchronized (writable) {
                                                writable.notifyAll();
                                            }
                                        }
                                    });
                        }
                    }).connect("127.0.0.1", proxyPort).sync().channel();
            source.pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture().sync();
            ByteBuf block = source.alloc().directBuffer(64 * 1024).writeZero(64 * 1024);
            long start = System.nanoTime();
            for (long sent = 0; sent < bytes; sent += block.readableBytes()) {
                synchronized (writable) {
                    while (!source.isWritable()) {
                        writable.wait(10);
                    }
                }
                int n = (int) Math.min(block.readableBytes(), bytes - sent);
                source.writeAndFlush(block.retainedSlice(0, n));
            }
            long end = done.get(10, TimeUnit.MINUTES);
            block.release();
            source.close();
            sink.close();
            return new InProcessTransfer.Result(bytes, end - start);
        } finally {
            if (proxy != null) {
                proxy.destroyForcibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
