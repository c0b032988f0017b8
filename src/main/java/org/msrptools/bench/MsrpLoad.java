package org.msrptools.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.ChunkHeads;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.TransactionId;

/**
 * The load for the relay's own figures: an MSRP sender and receiver on the
 * bench's {@link Endpoints} that do nothing but MSRP (no file, no hash), so
 * that the relay sets the pace, as the proxy does for the pipe's source and
 * sink. The sender sends one message in chunks as msrp-send does (Byte-Range,
 * Failure-Report, nothing while its socket is full): by default as msrp-send
 * does by default, Failure-Report partial, so that no hop answers a chunk
 * that went well; with every chunk answered (Failure-Report yes), at most
 * {@link #WINDOW} unanswered, the receiver answering each with 200. The
 * receiver counts the bytes. Both sign in first, so a transfer can be
 * measured (or traced) without the AUTHs.
 */
final class MsrpLoad implements AutoCloseable {

    /** {@code CRLF -------<id><flag> CRLF}. */
    private static final int END_LINE = 2 + 7 + TransactionId.RANDOM_LENGTH + 1 + 2;
    /** msrp-send's default window, with --failure-report yes. */
    static final int WINDOW = 32;
    /** msrp-send's default --timeout: no progress for this long is a failure. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final RelayUnderTest relay;
    private final SignIn.Session sender;
    private final SignIn.Session receiver;
    private final boolean everyChunkAnswered;

    private MsrpLoad(RelayUnderTest relay, SignIn.Session sender, SignIn.Session receiver,
                     boolean everyChunkAnswered) {
        this.relay = relay;
        this.sender = sender;
        this.receiver = receiver;
        this.everyChunkAnswered = everyChunkAnswered;
    }

    /**
     * Signs in user0 (the sender) and user1 (the receiver), the relay's
     * certificate verified; {@code everyChunkAnswered}: Failure-Report yes,
     * else partial.
     */
    static MsrpLoad signIn(Endpoints endpoints, RelayUnderTest relay, boolean everyChunkAnswered) throws Exception {
        SslContext tls = Endpoints.clientTls(relay.cert());
        return new MsrpLoad(relay, connect(endpoints, relay.port, tls, "user0"),
                connect(endpoints, relay.port, tls, "user1"), everyChunkAnswered);
    }

    private static SignIn.Session connect(Endpoints endpoints, int port, SslContext tls, String user)
            throws Exception {
        CompletableFuture<SignIn.Session> done = new CompletableFuture<>();
        endpoints.client().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port), new MsrpDecoder(),
                        new MsrpEncoder(), new SignIn(user, port, done));
            }
        }).connect("127.0.0.1", port).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
            }
        });
        return done.get(30, TimeUnit.SECONDS);
    }

    /**
     * One message of {@code bytes} in chunks of {@code chunkSize}: the time
     * to the receiver's last byte, and the relay's CPU time until then and
     * every chunk answered (if answers are asked for).
     */
    Measurement transfer(long bytes, int chunkSize) throws Exception {
        Receiver in = new Receiver(bytes, everyChunkAnswered);
        Sender out = new Sender(bytes, chunkSize);
        attach(receiver.channel(), in);
        Measurement.Sample before = Measurement.Sample.of(relay.process.pid());
        long start = System.nanoTime();
        sender.channel().pipeline().addLast(out);
        try {
            long end = awaitProgressing(in, out);
            out.done.get(1, TimeUnit.MINUTES); // every chunk sent, and answered if asked: the relay's work is over
            if (out.failed.isCompletedExceptionally()) {
                out.failed.join(); // a failure after the last chunk went (only failures are answered)
            }
            return Measurement.since(before, relay.process.pid(), bytes, end - start);
        } catch (ExecutionException | TimeoutException | CompletionException e) {
            throw new IOException("the MSRP load through the relay failed after " + in.received + " of " + bytes
                    + " bytes" + (in.firstGap == null ? "" : " (" + in.firstGap + ")") + ": "
                    + (e.getCause() != null ? e.getCause() : e), e);
        } finally {
            detach(receiver.channel(), in);
            detach(sender.channel(), out);
            out.release();
        }
    }

    /**
     * Puts the receiver's handler on its connection before anything is sent:
     * added from another thread, a handler takes part only once its
     * connection's event loop has run the addition, and frames read before
     * that pass it by (the first 11 chunks of a transfer went missing so, now
     * and then, and the load waited for them in vain).
     */
    private static void attach(Channel channel, ChannelHandler handler) throws InterruptedException {
        channel.eventLoop().submit(() -> {
            channel.pipeline().addLast(handler);
        }).sync();
    }

    /** Takes a transfer's handler off its connection (unless the connection's close did). */
    private static void detach(Channel channel, ChannelHandler handler) throws InterruptedException {
        channel.eventLoop().submit(() -> {
            if (channel.pipeline().context(handler) != null) {
                channel.pipeline().remove(handler);
            }
        }).sync();
    }

    /** The receiver's last byte, as long as bytes keep coming; the sender's failure ends it at once. */
    private static long awaitProgressing(Receiver in, Sender out) throws Exception {
        long lastBytes = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            try {
                return in.done.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (out.failed.isCompletedExceptionally()) {
                    out.failed.join();
                }
                if (in.received != lastBytes) {
                    lastBytes = in.received;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new TimeoutException("no byte arrived for " + STALL.toSeconds() + " s");
                }
            }
        }
    }

    @Override
    public void close() {
        sender.channel().close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        receiver.channel().close().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Sends chunks whenever the socket (and the window, if chunks are answered) allow, on its channel's loop. */
    private final class Sender extends SimpleChannelInboundHandler<MsrpFrame> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Apart from {@link #done}: with only failures answered, one may come after the last chunk went. */
        final CompletableFuture<Void> failed = new CompletableFuture<>();
        private final long total;
        private final int chunkSize;
        private final ByteBuf zeros;
        /** The heads as msrp-send makes them: from a template, only transaction id and Byte-Range each time. */
        private final ChunkHeads heads = new ChunkHeads(sender.usePath().concat(receiver.advertisedPath()),
                MsrpPath.of(sender.own()), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, RandomIds.messageId()),
                new MsrpHeaders().add(MsrpHeaders.FAILURE_REPORT, everyChunkAnswered ? "yes" : "partial")
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));
        private long position;
        private int unanswered;

        Sender(long total, int chunkSize) {
            this.total = total;
            this.chunkSize = chunkSize;
            this.zeros = sender.channel().alloc().directBuffer(chunkSize).writeZero(chunkSize);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (position < total && (!everyChunkAnswered || unanswered < WINDOW) && ctx.channel().isWritable()) {
                // As msrp-send lays out a chunk: head, body and end-line in one buffer, the body copied in
                // (from the file there, from zeros here).
                int n = (int) Math.min(chunkSize, total - position);
                String tid = TransactionId.random();
                String range = ByteRange.ofChunk(position + 1, n, total).toString();
                ByteBuf chunk = ctx.alloc().directBuffer(heads.size(tid.length(), range) + n + END_LINE);
                heads.encode(chunk, tid, range);
                chunk.writeBytes(zeros, 0, n);
                position += n;
                MsrpEncoder.encodeEnd(tid, position < total ? Continuation.MORE : Continuation.COMPLETE, true, chunk);
                ctx.write(chunk);
                unanswered++;
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
                if (!everyChunkAnswered && position >= total) {
                    done.complete(null); // nothing will be answered
                }
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpFrame frame) {
            if (frame instanceof MsrpResponse r) {
                if (r.code() != 200) {
                    fail(new IOException("a chunk got " + r.code() + " " + r.comment()));
                    return;
                }
                if (!everyChunkAnswered) {
                    return; // a 200 not asked for: not ours to judge here
                }
                unanswered--;
                if (position >= total && unanswered == 0) {
                    done.complete(null);
                }
            } else if (frame instanceof MsrpRequest r && MsrpMethod.REPORT.equals(r.method())) {
                // It asked for no success report: a REPORT is a failure.
                fail(new IOException("a failure REPORT: " + r.headers().get(MsrpHeaders.STATUS)));
            } else if (frame instanceof MsrpFrameError e) {
                fail(e.cause());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("the relay closed the sender's connection"));
        }

        private void fail(Throwable cause) {
            failed.completeExceptionally(cause);
            done.completeExceptionally(cause);
        }

        void release() {
            zeros.release();
        }
    }

    /** Counts the body bytes; if asked, answers every chunk with 200, flushed once per read batch. */
    private static final class Receiver extends SimpleChannelInboundHandler<MsrpFrame> {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final long total;
        private final boolean answers;
        private volatile long received;
        private MsrpRequest chunk;
        /** The byte the next chunk should start at (Byte-Range), and the first time one did not. */
        private long next = 1;
        volatile String firstGap;

        Receiver(long total, boolean answers) {
            this.total = total;
            this.answers = answers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpFrame frame) {
            if (frame instanceof MsrpRequest r && MsrpMethod.SEND.equals(r.method())) {
                chunk = r;
                long start = r.headers().byteRange().start();
                if (start != next && firstGap == null) {
                    firstGap = "a chunk began at byte " + start + " where " + next + " was next, after "
                            + received + " bytes";
                }
                next = start;
            } else if (frame instanceof MsrpContent c) {
                received += c.content().readableBytes();
                next += c.content().readableBytes();
            } else if (frame instanceof MsrpEnd && chunk != null) {
                if (answers) {
                    MsrpResponse ok = chunk.respond(200, "OK");
                    ctx.write(ok);
                    ctx.write(new MsrpEnd(ok.transactionId(), Continuation.COMPLETE));
                }
                chunk = null;
                if (received >= total) {
                    done.complete(System.nanoTime());
                }
            } else if (frame instanceof MsrpFrameError e) {
                done.completeExceptionally(e.cause());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IOException("the relay closed the receiver's connection"));
        }
    }
}
