package org.msrptools.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code --metrics}: an HTTP listener with {@code /metrics} (the Prometheus
 * text formats, negotiated as the Prometheus client's own server does),
 * {@code /health}: 200 while the relay listens and its account store
 * answers, else 503 with what is wrong, for a load balancer or a supervisor
 * to act on, and, when the operator asks for it, {@code /sessions}: who is
 * signed in now ({@link SessionView}).
 *
 * <p>Served by Netty on a loop of its own, one answer per connection: a
 * client that sends half a request, or reads its answer slowly, holds a
 * connection (closed after {@value #CONNECTION_SECONDS} s) but no thread.
 * Past {@value #MOST_CONNECTIONS} connections, a new one closes the oldest
 * that has not sent its request yet, so that half-sent requests cannot keep
 * a supervisor's probe out (a cap per address did, for a probe from the
 * same host: found by a new user). The JDK's server, which the
 * Prometheus client's uses, read each request's head on one of its 10
 * threads, so 10 half-sent requests held /health for 10 s, and again each
 * time they were sent anew (found by review). /health is answered on the
 * loop at once; /metrics and /sessions are made on a thread of their own
 * (/sessions asks every event loop of the relay).
 *
 * <p>The account store is asked every {@value #CHECK_SECONDS} s by a thread
 * of its own, and /health answers from the last check: a database that is
 * down makes each check wait seconds, and probes that waited on it would
 * wait too and hold the pool's connections that AUTH needs.
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final int CHECK_SECONDS = 2;
    /** Sessions listed by /sessions at most: a page an operator can read, a reply the server builds at once. */
    static final int MOST_SESSIONS = 10_000;
    /** How long a connection may stay open: to send one request and read its answer. */
    static final int CONNECTION_SECONDS = 10;
    /** Connections at once (a scraper, a supervisor and an operator need a few). */
    static final int MOST_CONNECTIONS = 256;
    /** Pages (/metrics, /sessions) waiting to be made; one more is answered 503 at once. */
    static final int MOST_PAGES_WAITING = 64;
    /** How long /sessions waits for the event loops' figures in all. */
    private static final Duration SESSIONS_WAIT = Duration.ofSeconds(2);
    private static final long SESSIONS_PAGE_NANOS = 1_000_000_000L;
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final RelayServer relay;
    private final PrometheusRegistry registry;
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("msrp-relay-metrics", true), NioIoHandler.newFactory());
    private final ThreadPoolExecutor pages = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MOST_PAGES_WAITING), new DefaultThreadFactory("msrp-relay-metrics-pages", true));
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("msrp-relay-health", true));
    private final Channel listener;
    /** Connections open, and those among them with no request yet, oldest first; on the endpoint's one loop. */
    private int open;
    private final ArrayDeque<Channel> requestless = new ArrayDeque<>();
    private volatile boolean storeAnswers = true;
    /** Whether /sessions is served: it names users and their addresses, so only when the operator asks. */
    private final boolean sessionsServed;
    /**
     * The last /sessions page and when it was made: one build a second at
     * most, however many ask, and one copy however many connections are
     * sent it (each answer wraps it).
     */
    private byte[] sessionsPage;
    private long sessionsPageNanos;

    private MetricsEndpoint(String host, int port, RelayServer relay, AccountStore accounts, boolean sessionsServed)
            throws IOException {
        this.relay = relay;
        this.registry = relay.metrics().registry();
        this.sessionsServed = sessionsServed;
        InetSocketAddress at = new InetSocketAddress(host, port);
        if (at.isUnresolved()) {
            close();
            throw new IOException("Unresolved address");
        }
        try {
            listener = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            admit(ch);
                            ch.pipeline().addLast(new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(4096).setMaxHeaderSize(8192)), new Requests());
                        }
                    }).bind(at).sync().channel();
        } catch (Exception e) { // a BindException, thrown as it is by sync()
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        checker.scheduleWithFixedDelay(() -> storeAnswers = answers(accounts), 0, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Counts {@code ch} until it closes, closes it after its time, and makes
     * room for it past the cap: the oldest connection with no request yet
     * goes (with none, this one).
     */
    private void admit(Channel ch) {
        open++;
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
            ch.close();
        }, CONNECTION_SECONDS, TimeUnit.SECONDS);
        ch.closeFuture().addListener(f -> {
            open--;
            requestless.remove(ch);
            deadline.cancel(false); // not kept for 10 s after an early close: short connections would pile up
        });
        if (open > MOST_CONNECTIONS) {
            Channel oldest = requestless.poll();
            (oldest != null ? oldest : ch).close();
            if (oldest == null) {
                return;
            }
        }
        requestless.add(ch);
    }

    /** Whether the store answers; a check that throws says no (and must not end the checks). */
    private static boolean answers(AccountStore accounts) {
        try {
            return accounts.answers();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static MetricsEndpoint start(String host, int port, RelayServer relay, AccountStore accounts)
            throws IOException {
        return start(host, port, relay, accounts, false);
    }

    /** With {@code sessionsServed}, /sessions too. */
    public static MetricsEndpoint start(String host, int port, RelayServer relay, AccountStore accounts,
                                        boolean sessionsServed) throws IOException {
        return new MetricsEndpoint(host, port, relay, accounts, sessionsServed);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** A connection's one request: answered, then the connection closed; what comes after it is not read. */
    private final class Requests extends SimpleChannelInboundHandler<HttpObject> {
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request) || answered) {
                return; // a body, or a second request: not looked at
            }
            answered = true;
            requestless.remove(ctx.channel());
            ctx.channel().config().setAutoRead(false);
            boolean head = HttpMethod.HEAD.equals(request.method());
            if (request.decoderResult().isFailure()) {
                reply(ctx, head, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n");
                return;
            }
            if (!head && !HttpMethod.GET.equals(request.method())) {
                FullHttpResponse refused = response(false, HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "text/plain; charset=utf-8", text("GET or HEAD only\n"));
                refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                ctx.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            String path = new QueryStringDecoder(originForm(request.uri())).path();
            if ("/metrics".equals(path)) {
                ExpositionFormatWriter writer = FORMATS.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
                ExpositionFormatWriter format = writer.isAvailable() ? writer : FORMATS.getPrometheusTextFormatWriter();
                later(ctx, head, format.getContentType(), () -> scrape(format));
            } else if (sessionsServed && "/sessions".equals(path)) {
                later(ctx, head, "application/x-ndjson; charset=utf-8", () -> Unpooled.wrappedBuffer(sessions()));
            } else if ("/health".equals(path)) {
                String problem = !relay.listening() ? "the relay is not listening"
                        : !storeAnswers ? "the account store does not answer" : null;
                reply(ctx, head, problem == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "text/plain", problem == null ? "ok\n" : "unavailable: " + problem + "\n");
            } else {
                reply(ctx, head, HttpResponseStatus.NOT_FOUND, "text/plain", "not found: /metrics"
                        + (sessionsServed ? ", /health and /sessions are" : " and /health are") + " served here\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset by the client: nothing to answer
        }
    }

    /** The path and query of a request target in absolute form ({@code http://host/health}, RFC 9112 3.2.2). */
    private static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0 || target.startsWith("/")) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    /** A page made off the loop, then answered on it; 503 at once when too many wait already. */
    private void later(ChannelHandlerContext ctx, boolean head, String type, Supplier<ByteBuf> page) {
        try {
            pages.execute(() -> {
                ByteBuf body;
                try {
                    body = page.get();
                } catch (RuntimeException | Error e) { // answered all the same: the thread goes on with the next
                    reply(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain",
                            "cannot make the page: " + e.getMessage() + "\n");
                    return;
                }
                reply(ctx, head, HttpResponseStatus.OK, type, body);
            });
        } catch (RejectedExecutionException busy) {
            reply(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "busy: try again shortly\n");
        }
    }

    private ByteBuf scrape(ExpositionFormatWriter format) {
        ByteBuf body = Unpooled.buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            format.write(out, registry.scrape());
        } catch (IOException e) { // into memory: cannot happen
            body.release();
            throw new IllegalStateException(e);
        }
        return body;
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    /**
     * The live sessions, one JSON object a line, oldest first, with the keys
     * and the cleaned values of the log's session lines (a key without a
     * value is left out: no peer yet, no figures in time); at most
     * {@value #MOST_SESSIONS} (then a last line says how many there are).
     * Made once a second at most: each build asks every event loop.
     */
    private synchronized byte[] sessions() {
        if (sessionsPage != null && System.nanoTime() - sessionsPageNanos < SESSIONS_PAGE_NANOS) {
            return sessionsPage;
        }
        RelayServer.SessionsPage page = relay.sessionsNow(MOST_SESSIONS, SESSIONS_WAIT);
        StringBuilder out = new StringBuilder();
        for (SessionView v : page.shown()) {
            LogEvent e = LogEvent.of("session").with("user", v.user()).with("session", v.session())
                    .with("address", v.address()).with("since", v.since().truncatedTo(ChronoUnit.SECONDS))
                    .with("expires_at", v.expiresAt().truncatedTo(ChronoUnit.SECONDS)).with("peer", v.peer());
            if (v.traffic() != null) {
                e.with("messages_in", v.traffic().messagesIn()).with("bytes_in", v.traffic().bytesIn())
                        .with("messages_out", v.traffic().messagesOut()).with("bytes_out", v.traffic().bytesOut());
            }
            StringBuilder b = new StringBuilder("{");
            for (var field : e.fields()) {
                JsonFields.field(b, field.getKey(), field.getValue());
            }
            out.append(b).append("}\n");
        }
        if (page.live() > page.shown().size()) {
            out.append("{\"truncated\":true,\"shown\":").append(page.shown().size()).append(",\"sessions\":")
                    .append(page.live()).append("}\n");
        }
        sessionsPage = out.toString().getBytes(StandardCharsets.UTF_8);
        sessionsPageNanos = System.nanoTime();
        return sessionsPage;
    }

    private static void reply(ChannelHandlerContext ctx, boolean head, HttpResponseStatus status, String type,
                              String text) {
        reply(ctx, head, status, type + "; charset=utf-8", text(text));
    }

    /** The answer, and the connection closed once it is written. */
    private static void reply(ChannelHandlerContext ctx, boolean head, HttpResponseStatus status, String type,
                              ByteBuf body) {
        ctx.writeAndFlush(response(head, status, type, body)).addListener(ChannelFutureListener.CLOSE);
    }

    /** An answer with its length and {@code Connection: close}; to HEAD, without the body. */
    private static FullHttpResponse response(boolean head, HttpResponseStatus status, String type, ByteBuf body) {
        int length = body.readableBytes();
        if (head) {
            body.release();
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    @Override
    public void close() {
        checker.shutdownNow();
        pages.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
