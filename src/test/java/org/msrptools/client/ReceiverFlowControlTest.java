package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * msrp-receive against a bare server that plays the relay, over real TLS on
 * loopback: what it does with its reading and its writing as chunks come.
 */
class ReceiverFlowControlTest {

    /**
     * Their answers (about 650 bytes each: they go back to the sender's long
     * URI) come to far more than the kernel's socket buffers hold (a few MiB).
     */
    private static final int CHUNKS = 50_000;

    /**
     * msrp-receive answers every chunk; a relay that keeps sending but no
     * longer reads must not make those answers pile up in the receiver: it
     * stops reading while they cannot leave.
     */
    @Test
    void answersThatCannotLeaveStopTheReading(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir)) {
            Channel relay = bare.relay;
            relay.eventLoop().submit(() -> {
                for (int i = 1; i <= CHUNKS; i++) {
                    relay.write(chunk(relay, bare.own, bare.peer, i));
                }
                relay.flush();
            }).sync();
            // The receiver reads until its answers stop leaving, then stops: what waits in it is the answers to
            // what it had read by then (a read takes up to 16 buffers of 64 KiB), not to all that comes.
            MsrpConnection connection = bare.connection;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long pending = 0;
            long before = -1;
            while (System.nanoTime() < deadline) {
                Thread.sleep(500);
                pending = connection.channel().eventLoop().submit(() ->
                        connection.channel().unsafe().outboundBuffer().totalPendingWriteBytes()).get();
                if (pending == before && pending > 0) {
                    break; // settled
                }
                before = pending;
            }
            assertThat(pending).as("answers waiting in the receiver").isPositive().isLessThan(4L << 20); // over 20 MiB without

            relay.config().setAutoRead(true); // the relay reads again: the rest comes, and the file is whole
            FileReceiver.Result result = bare.receiver.await(Duration.ofSeconds(30), Duration.ofSeconds(30));
            assertThat(result.bytes()).isEqualTo(CHUNKS);
            assertThat(Files.readString(result.file(), StandardCharsets.US_ASCII)).isEqualTo("x".repeat(CHUNKS));
        }
    }

    /**
     * What the receiver has read is written before it waits for more (so
     * the kernel copies it while it is still in the CPU's cache), not held
     * until more comes: the first thousand of a file's 50,000 bytes are on
     * disk while the rest has not come.
     */
    @Test
    void whatCameIsWrittenBeforeTheReceiverWaitsForMore(@TempDir Path dir) throws Exception {
        try (BareRelay bare = new BareRelay(dir)) {
            Channel relay = bare.relay;
            relay.eventLoop().submit(() -> {
                for (int i = 1; i <= 1000; i++) {
                    relay.write(chunk(relay, bare.own, bare.peer, i));
                }
                relay.flush();
            }).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long onDisk = 0;
            while (onDisk < 1000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                try (var parts = Files.list(dir)) {
                    onDisk = parts.filter(p -> PartFile.NAME.matcher(p.getFileName().toString()).matches())
                            .mapToLong(p -> p.toFile().length()).sum();
                }
            }
            assertThat(onDisk).as("bytes in the temporary file").isEqualTo(1000);
        }
    }

    /** A server that signs nothing in and, once its TLS handshake is done, no longer reads; a receiver on it. */
    private static final class BareRelay implements AutoCloseable {
        final MsrpUri own = MsrpUri.of(true, null, "127.0.0.1", 9, "receiverSession");
        final MsrpPath peer = MsrpPath.parse("msrps://" + "u".repeat(250) + "@127.0.0.1:9/" + "s".repeat(250) + ";tcp");
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final Channel relay;
        final MsrpConnection connection;
        final FileReceiver receiver;

        BareRelay(Path dir) throws Exception {
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
            CompletableFuture<Channel> relaySide = new CompletableFuture<>();
            var tls = TlsContexts.server(cert, key, TlsEngine.JDK);
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                        ctx.channel().config().setAutoRead(false); // from now on it reads nothing
                                        relaySide.complete(ctx.channel());
                                    }
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
            connection = MsrpConnection.open("127.0.0.1", port, TlsContexts.client(cert, false),
                    Duration.ofSeconds(10), new ResponseQueue());
            Authentication.Session session = new Authentication.Session(connection,
                    MsrpPath.of(MsrpUri.of(true, null, "127.0.0.1", port, "relaySession")), own, new ResponseQueue(),
                    Duration.ofSeconds(600), System.nanoTime());
            receiver = new FileReceiver(session, peer, dir, Long.MAX_VALUE,
                    new Progress("received", Progress.Output.to(new PrintStream(PrintStream.nullOutputStream()), false), true), line -> { });
            receiver.start();
            relay = relaySide.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Byte i of the file, as one SEND chunk of its own. */
    private static ByteBuf chunk(Channel ch, MsrpUri to, MsrpPath from, int i) {
        String tid = "t" + i + "xyz";
        String head = "MSRP " + tid + " SEND\r\n"
                + "To-Path: " + to + "\r\n"
                + "From-Path: " + from + "\r\n"
                + "Message-ID: file1\r\n"
                + "Byte-Range: " + i + "-" + i + "/" + CHUNKS + "\r\n"
                + "Content-Disposition: attachment; filename=\"many.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "x\r\n-------" + tid + "$\r\n";
        return ch.alloc().buffer().writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    }
}
