package org.msrptools.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.CompletableFuture;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
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
 * AUTH for the bench's own MSRP connections (one of {@link RelayUnderTest}'s
 * accounts): AUTH, answer the digest challenge, done on 200 with the
 * relay's Use-Path. Lean on purpose, no retries: the relay is ours.
 */
final class SignIn extends SimpleChannelInboundHandler<MsrpFrame> {

    /** A signed-in connection. */
    record Session(Channel channel, MsrpPath usePath, MsrpUri own) {
        /** The path a peer sends to: Use-Path, then this end's own URI. */
        MsrpPath advertisedPath() {
            return usePath.append(own);
        }
    }

    private final String user;
    private final MsrpUri to;
    private final MsrpUri own = MsrpUri.of(true, null, "127.0.0.1", 9, RandomIds.sessionId());
    private final CompletableFuture<Session> done;

    SignIn(String user, int port, CompletableFuture<Session> done) {
        this.user = user;
        this.to = MsrpUri.of(true, user, "127.0.0.1", port, null);
        this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx, new MsrpHeaders());
    }

    private void send(ChannelHandlerContext ctx, MsrpHeaders h) {
        String tid = TransactionId.random();
        ctx.write(new MsrpRequest(tid, MsrpMethod.AUTH, MsrpPath.of(to), MsrpPath.of(own), h));
        ctx.writeAndFlush(new MsrpEnd(tid, Continuation.COMPLETE));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MsrpFrame frame) throws Exception {
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
            ctx.pipeline().remove(this);
            done.complete(new Session(ctx.channel(), r.headers().usePath(), own));
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
