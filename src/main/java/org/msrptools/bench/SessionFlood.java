package org.msrptools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;

/**
 * Many authenticated, idle sessions: each a TLS connection that AUTHs
 * (challenge, answer, 200) and then stays open. Lean on purpose (one shared
 * event loop group, asynchronous), so that the client side does not limit
 * the count.
 */
final class SessionFlood implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<Channel> open = new ArrayList<>();

    /** Opens {@code count} sessions, at most {@code parallel} signing in at once; returns the seconds it took. */
    double open(int port, SslContext tls, int count, int parallel) throws Exception {
        Semaphore slots = new Semaphore(parallel);
        List<CompletableFuture<Channel>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            CompletableFuture<Channel> f = signIn(port, tls, i);
            f.whenComplete((c, e) -> slots.release());
            all.add(f);
        }
        for (CompletableFuture<Channel> f : all) {
            open.add(f.get(60, TimeUnit.SECONDS));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private CompletableFuture<Channel> signIn(int port, SslContext tls, int user) {
        CompletableFuture<SignIn.Session> done = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port), new MsrpDecoder(),
                        new MsrpEncoder(), new SignIn("user" + user, port, done));
            }
        }).connect("127.0.0.1", port).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
            }
        });
        return done.thenApply(SignIn.Session::channel);
    }

    @Override
    public void close() {
        for (Channel c : open) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
