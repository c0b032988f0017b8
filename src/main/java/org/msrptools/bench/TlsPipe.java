package org.msrptools.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.msrptools.tls.TlsEngine;

/**
 * The baseline two-hop TLS pipe: a source and a sink on the bench's
 * {@link Endpoints}, the {@link TlsPipeProxy} in a child process (like the
 * relay). The proxy lives as long as this object, so an unmeasured first
 * transfer warms its JIT as it does the relay's.
 */
final class TlsPipe implements AutoCloseable {

    private static final int BLOCK = 64 * 1024;

    private final Endpoints endpoints;
    private final Process proxy;
    private final Channel sink;
    private final int proxyPort;
    private final SslContext clientTls;
    /** The transfer the sink counts into; one at a time. */
    private volatile Counter current;

    private record Counter(long expected, AtomicLong received, CompletableFuture<Long> done) {
    }

    TlsPipe(Endpoints endpoints, Path cert, Path key, TlsEngine proxyEngine) throws Exception {
        this.endpoints = endpoints;
        this.clientTls = Endpoints.clientTls(cert);
        SslContext serverTls = Endpoints.serverTls(cert, key);
        this.sink = endpoints.server().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        Counter c = current;
                        if (c.received().addAndGet(b.readableBytes()) >= c.expected()) {
                            c.done().complete(System.nanoTime());
                        }
                        b.release();
                    }
                });
            }
        }).bind("127.0.0.1", 0).sync().channel();
        int sinkPort = ((InetSocketAddress) sink.localAddress()).getPort();
        this.proxy = new ProcessBuilder(List.of(Java.tool("java"), "-cp", Java.jar().toString(),
                TlsPipeProxy.class.getName(), cert.toString(), key.toString(), Integer.toString(sinkPort),
                proxyEngine.toString())).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("PORT ")) {
            line = out.readLine(); // engines may log first
        }
        if (line == null) {
            close();
            throw new IOException("the TLS pipe proxy did not start");
        }
        Java.drain(out);
        this.proxyPort = Integer.parseInt(line.substring(5));
    }

    /** {@code bytes} through the pipe on a new connection; the proxy's CPU time meanwhile. */
    Measurement transfer(long bytes) throws Exception {
        Counter counter = new Counter(bytes, new AtomicLong(), new CompletableFuture<>());
        current = counter;
        Object writable = new Object();
        Channel source = endpoints.client().handler(new ChannelInitializer<Channel>() {
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
        ByteBuf block = source.alloc().directBuffer(BLOCK).writeZero(BLOCK);
        try {
            source.pipeline().get(SslHandler.class).handshakeFuture().sync();
            Measurement.Sample before = Measurement.Sample.of(proxy.pid());
            long start = System.nanoTime();
            for (long sent = 0; sent < bytes; sent += BLOCK) {
                synchronized (writable) {
                    while (!source.isWritable()) {
                        writable.wait(10);
                    }
                }
                source.writeAndFlush(block.retainedSlice(0, (int) Math.min(BLOCK, bytes - sent)));
            }
            long end = counter.done().get(10, TimeUnit.MINUTES);
            return Measurement.since(before, proxy.pid(), bytes, end - start);
        } finally {
            block.release();
            source.close().sync();
        }
    }

    @Override
    public void close() {
        proxy.destroyForcibly();
        sink.close();
    }
}
