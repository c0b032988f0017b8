package org.msrptools.client;

import io.netty.bootstrap.ServerBootstrap;
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
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;

/**
 * A server on loopback that plays the relay for one msrp-receive: real
 * TLS, no sign-in, chunks written to the receiver as text; and the
 * receiver on it.
 */
final class BareRelay implements AutoCloseable {

    /** The receiver's own URI, which the chunks are sent to. */
    static final MsrpUri OWN = MsrpUri.of(true, null, "127.0.0.1", 9, "receiverSession");

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** The relay's side of the connection. */
    final Channel relay;
    final MsrpConnection connection;
    final FileReceiver receiver;
    /** The heads of what the receiver sent, when the relay reads. */
    private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    /** The receiver sent a failure REPORT. */
    volatile boolean refused;
    /** What broke the relay's side of the connection (a reset), if anything did. */
    volatile Throwable failure;
    /** What the receiver said to its user. */
    final BlockingQueue<String> said = new LinkedBlockingQueue<>();

    /**
     * A receiver given {@code peer} (null: no path given yet); {@code reads}
     * false: once the handshake is done the relay reads nothing more.
     */
    BareRelay(Path dir, MsrpPath peer, boolean reads) throws Exception {
        try {
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
            CompletableFuture<Channel> relaySide = new CompletableFuture<>();
            var tls = TlsContexts.server(cert, key, TlsEngine.JDK);
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new MsrpDecoder(),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                                ctx.channel().config().setAutoRead(reads);
                                                relaySide.complete(ctx.channel());
                                            }
                                        }

                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            if (msg instanceof MsrpHead h) {
                                                heads.add(h.toString());
                                            }
                                            if (msg instanceof MsrpRequest r && MsrpMethod.REPORT.equals(r.method())
                                                    && r.headers().status().code() != 200) {
                                                refused = true;
                                            }
                                            ReferenceCountUtil.release(msg);
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            failure = cause;
                                            ctx.close();
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            connection = MsrpConnection.open("127.0.0.1", port, TlsContexts.client(cert, false),
                    Duration.ofSeconds(10), new ResponseQueue());
            Authentication.Session session = new Authentication.Session(connection,
                    MsrpPath.of(MsrpUri.of(true, null, "127.0.0.1", port, "relaySession")), OWN, new ResponseQueue(),
                    Duration.ofSeconds(600), System.nanoTime());
            receiver = new FileReceiver(session, peer, dir, Long.MAX_VALUE, new Progress("received",
                    Progress.Output.to(new PrintStream(PrintStream.nullOutputStream()), false), true), said::add);
            receiver.start();
            relay = relaySide.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * A SEND of one byte-range of a 'f.txt' from {@code from}, as text;
     * {@code headers} go in as they are (each ending in CRLF).
     */
    static String chunk(String tid, MsrpPath from, String messageId, String byteRange, String headers, String body) {
        return "MSRP " + tid + " SEND\r\n"
                + "To-Path: " + OWN + "\r\n"
                + "From-Path: " + from + "\r\n"
                + "Message-ID: " + messageId + "\r\n"
                + "Byte-Range: " + byteRange + "\r\n"
                + "Content-Disposition: attachment; filename=\"f.txt\"\r\n"
                + headers
                + "Content-Type: text/plain\r\n\r\n"
                + body + "\r\n-------" + tid + "$\r\n";
    }

    void send(String text) {
        relay.writeAndFlush(relay.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The next head the receiver sent, or null after 3 s. */
    String nextHead() throws InterruptedException {
        return heads.poll(3, TimeUnit.SECONDS);
    }

    /** The heads the receiver sent that have not been taken yet, once it has been quiet for {@code quietMillis}. */
    List<String> headsAfter(long quietMillis) throws InterruptedException {
        List<String> all = new java.util.ArrayList<>();
        for (String h; (h = heads.poll(quietMillis, TimeUnit.MILLISECONDS)) != null; ) {
            all.add(h);
        }
        return all;
    }

    /** The disk fails from now on: the temporary file's channel is closed under the receiver, on its thread. */
    void breakFile() throws Exception {
        connection.channel().eventLoop().submit(() -> {
            Field file = FileReceiver.class.getDeclaredField("file");
            file.setAccessible(true);
            Field channel = PartFile.class.getDeclaredField("channel");
            channel.setAccessible(true);
            ((FileChannel) channel.get(((IncomingFile) file.get(receiver)).part)).close();
            return null;
        }).get();
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
