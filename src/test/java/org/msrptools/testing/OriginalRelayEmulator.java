package org.msrptools.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.TransactionId;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.TlsContexts;

/**
 * A test relay that behaves on the wire like the original Python relay
 * (shared/peers/msrprelay-original.md), traps included: it never answers an
 * Authorization carrying {@code uri}; its nonces and session ids are base64
 * with '+', '/' and '='; it demands the same To-Path (after its own URI) and
 * the From-Path of the AUTH on every request of a session (481 otherwise);
 * and it cuts each chunk it relays in two, the first cut short with '+'
 * under the original Byte-Range, followed by an empty chunk.
 */
public final class OriginalRelayEmulator implements AutoCloseable {

    private static final String REALM = "example.com";

    /** One client connection and its single session. */
    private final class Session {
        final Channel channel;
        MsrpUri useUri;
        MsrpPath authFrom;
        MsrpPath peerPath;
        String nonce;

        Session(Channel channel) {
            this.channel = channel;
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, Session> bySessionId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    public final Path cert;
    private final Channel server;
    public final int port;

    public OriginalRelayEmulator(Path dir) throws Exception {
        cert = dir.resolve("orig-cert.pem");
        Path key = dir.resolve("orig-key.pem");
        Files.createDirectories(dir);
        CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        SslContext tls = TlsContexts.server(cert, key);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new MsrpDecoder(), new MsrpEncoder(),
                                new Handler(new Session(ch)));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    private String base64Token() {
        byte[] b = new byte[31]; // 31 bytes: base64 ends in "=="
        random.nextBytes(b);
        b[0] = (byte) 0xfb; // "+/" first, as the original's ids have such characters
        b[1] = (byte) 0xff;
        return Base64.getEncoder().encodeToString(b);
    }

    private final class Handler extends SimpleChannelInboundHandler<MsrpFrame> {
        private final Session session;
        private MsrpRequest request;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Handler(Session session) {
            this.session = session;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpFrame frame) {
            if (frame instanceof MsrpRequest r) {
                request = r;
                body.reset();
            } else if (frame instanceof MsrpHead) {
                request = null; // responses from clients: nothing to do
            } else if (frame instanceof MsrpContent c) {
                byte[] bytes = new byte[c.content().readableBytes()];
                c.content().readBytes(bytes);
                body.writeBytes(bytes);
            } else if (frame instanceof MsrpEnd e && request != null) {
                if (MsrpMethod.AUTH.equals(request.method())) {
                    auth(request);
                } else {
                    relay(request, body.toByteArray(), e.continuation());
                }
                request = null;
            }
        }

        private void auth(MsrpRequest r) {
            String header = r.headers().get(MsrpHeaders.AUTHORIZATION);
            if (header == null) {
                session.nonce = base64Token();
                MsrpResponse c = r.respond(401, "Unauthenticated");
                c.headers().add(MsrpHeaders.WWW_AUTHENTICATE, "Digest realm=\"" + REALM + "\", qop=\"auth\", nonce=\""
                        + session.nonce + "\", opaque=\"0123abcd\"");
                write(session.channel, c, null, Continuation.COMPLETE);
                return;
            }
            DigestCredentials cr = DigestCredentials.parse(header);
            if (cr.uri() != null) {
                return; // the original's bug: an Authorization with uri is never answered
            }
            String user = cr.username().contains("@") ? cr.username().substring(0, cr.username().indexOf('@'))
                    : cr.username();
            String ha1 = DigestAlgorithm.MD5.ha1(user, REALM, user + "-secret");
            DigestCredentials withUri = cr.withUri(r.toPath().first().toString());
            if (!cr.nonce().equals(session.nonce) || !"0123abcd".equals(cr.opaque())
                    || !DigestAlgorithm.MD5.authResponse(ha1, withUri).equals(cr.response())) {
                write(session.channel, r.respond(401, "Unauthenticated"), null, Continuation.COMPLETE);
                return;
            }
            String id = base64Token();
            session.useUri = MsrpUri.parse("msrps://127.0.0.1:" + port + "/" + id + ";tcp");
            session.authFrom = r.fromPath();
            bySessionId.put(id, session);
            MsrpResponse ok = r.respond(200, "OK");
            ok.headers().add(MsrpHeaders.USE_PATH, session.useUri).add(MsrpHeaders.EXPIRES, 600);
            write(session.channel, ok, null, Continuation.COMPLETE);
        }

        private void relay(MsrpRequest r, byte[] data, Continuation flag) {
            boolean answer = !MsrpMethod.REPORT.equals(r.method()) && !"no".equals(r.headers().failureReport());
            MsrpPath to = r.toPath();
            boolean consistent = session.useUri != null && to.size() >= 3 && to.first().equals(session.useUri)
                    && r.fromPath().equals(session.authFrom)
                    && (session.peerPath == null || session.peerPath.equals(to.withoutFirst()));
            Session target = consistent ? bySessionId.get(to.uris().get(1).sessionId()) : null;
            if (target == null) {
                if (answer) {
                    write(session.channel, r.respond(481, "Session does not exist"), null, Continuation.COMPLETE);
                }
                return;
            }
            session.peerPath = to.withoutFirst();
            if (answer) {
                write(session.channel, r.respond(200, "OK"), null, Continuation.COMPLETE);
            }
            MsrpPath newTo = MsrpPath.of(to.uris().subList(2, to.size()));
            MsrpPath newFrom = r.fromPath().prepend(session.useUri).prepend(target.useUri);
            if (!r.hasBody() || data.length < 2) {
                forward(target, r, newTo, newFrom, r.headers(), r.hasBody() ? data : null, flag);
                return;
            }
            // Cut short: the first part under the original Byte-Range with '+', then an empty chunk, then the rest.
            ByteRange range = r.headers().byteRange();
            int half = data.length / 2;
            forward(target, r, newTo, newFrom, r.headers(), Arrays.copyOf(data, half), Continuation.MORE);
            long nextStart = range.start() + half;
            MsrpHeaders empty = r.headers().copy().set(MsrpHeaders.BYTE_RANGE,
                    new ByteRange(nextStart, range.end(), range.total()));
            forward(target, r, newTo, newFrom, empty, new byte[0], Continuation.MORE);
            forward(target, r, newTo, newFrom, empty, Arrays.copyOfRange(data, half, data.length), flag);
        }

        private void forward(Session target, MsrpRequest r, MsrpPath to, MsrpPath from, MsrpHeaders h, byte[] data,
                             Continuation flag) {
            MsrpRequest out = new MsrpRequest(TransactionId.random(), r.method(), to, from, h.copy());
            write(target.channel, out, data, flag);
        }
    }

    private static void write(Channel ch, MsrpHead head, byte[] data, Continuation flag) {
        ch.write(head);
        if (data != null && data.length > 0) {
            ch.write(new MsrpContent(Unpooled.wrappedBuffer(data)));
        }
        ch.writeAndFlush(new MsrpEnd(head.transactionId(), flag));
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
