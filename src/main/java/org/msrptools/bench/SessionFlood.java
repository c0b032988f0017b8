package org.msrptools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.TransactionId;

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
        CompletableFuture<Channel> done = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port), new MsrpDecoder(),
                        new MsrpEncoder(), new Auth("user" + user, port, done));
            }
        }).connect("127.0.0.1", port).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }

    /** AUTH, answer the challenge, done on 200. */
    private static final class Auth extends SimpleChannelInboundHandler<MsrpFrame> {
        private final String user;
        private final MsrpUri to;
        private final CompletableFuture<Channel> done;
        private MsrpUri own;

        Auth(String user, int port, CompletableFuture<Channel> done) {
            this.user = user;
            this.to = MsrpUri.of(true, user, "127.0.0.1", port, null);
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            own = MsrpUri.of(true, null, "127.0.0.1", 9, RandomIds.sessionId());
            send(ctx, new MsrpHeaders());
        }

        private void send(ChannelHandlerContext ctx, MsrpHeaders h) {
            String tid = TransactionId.random();
            ctx.write(new MsrpRequest(tid, MsrpMethod.AUTH, MsrpPath.of(to), MsrpPath.of(own), h));
            ctx.writeAndFlush(new MsrpEnd(tid, Continuation.COMPLETE));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpFrame frame) {
            if (!(frame instanceof MsrpResponse r)) {
                return;
            }
            if (r.code() == 401) {
                DigestChallenge c = r.headers().wwwAuthenticate();
                DigestAlgorithm md5 = DigestAlgorithm.MD5;
                String ha1 = md5.ha1(user, c.realm(), RelayUnderTest.PASSWORD);
                DigestCredentials unsigned = new DigestCredentials(user, c.realm(), c.nonce(), to.toString(), "auth",
                        "00000001", "0a4f113b", null, c.opaque(), md5);
                send(ctx, new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION, new DigestCredentials(user, c.realm(),
                        c.nonce(), to.toString(), "auth", "00000001", "0a4f113b", md5.authResponse(ha1, unsigned),
                        c.opaque(), md5)));
            } else if (r.code() == 200) {
                done.complete(ctx.channel());
            } else {
                done.completeExceptionally(new IllegalStateException("AUTH of " + user + " got " + r.code()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Override
    public void close() {
        for (Channel c : open) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
