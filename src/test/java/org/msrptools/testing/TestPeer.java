package org.msrptools.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.msrptools.client.ClientException;
import org.msrptools.client.MsrpConnection;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PasswordNotChecked;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/**
 * A wire-level MSRP peer for tests, made from the project's own protocol
 * package over real TLS: it sends exactly what the test says and records
 * every message it receives (head, byte count, SHA-256 of the body, flag).
 * It answers SENDs with {@link #autoRespond} unless that is 0, as their
 * Failure-Report asks (with "partial", only a failure).
 */
public final class TestPeer implements MsrpConnection.Listener, AutoCloseable {

    /** A message as received. The body is kept only when small. */
    public record Received(MsrpHead head, long bytes, String sha256, byte[] body, Continuation flag) {
        public MsrpRequest request() {
            return (MsrpRequest) head;
        }
    }

    private static final Object CLOSED = new Object();
    private static final int KEEP_BODY = 1 << 20;

    public final MsrpConnection connection;
    public final MsrpUri ownUri;
    public MsrpPath usePath;
    public volatile int autoRespond = 200;
    /** The comment of an {@link #autoRespond} other than 200. */
    public volatile String autoComment = "Refused";
    /** Which received messages are queued for {@link #next}; a long run keeps only what it looks for. */
    public volatile Predicate<Received> keep = r -> true;
    /** The first frame that did not parse, if any (it is also queued for {@link #next}). */
    public volatile MsrpFrameError frameError;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Received> skippedRequests = new ArrayList<>();
    private final Object writability = new Object();
    /** Guards {@link #streamOpen} and the answers held back while a chunk is being streamed. */
    private final Object streaming = new Object();
    private boolean streamOpen;
    private final List<MsrpFrame[]> deferredAnswers = new ArrayList<>();
    private MsrpHead current;
    private MessageDigest digest;
    private long count;
    private ByteArrayOutputStream small;
    private final MessageDigest sendBodies = sha256();
    private volatile long sendBytes;

    private TestPeer(InetAddress from, int port, SslContext tls) throws ClientException {
        this.connection = MsrpConnection.open("127.0.0.1", null, port, from, tls, Duration.ofSeconds(10), this);
        this.ownUri = MsrpUri.of(true, null, connection.localAddress().getAddress().getHostAddress(),
                connection.localAddress().getPort(), RandomIds.sessionId());
    }

    public static TestPeer connect(int port, SslContext tls) throws ClientException {
        return new TestPeer(null, port, tls);
    }

    /** Connects from another loopback address of this machine ({@code 127.0.0.2}, say): a client the relay tells apart. */
    public static TestPeer connectFrom(InetAddress from, int port, SslContext tls) throws ClientException {
        return new TestPeer(from, port, tls);
    }

    /** Connects and signs in as {@code user}@example.com with the right password. */
    public static TestPeer signedIn(TestRelay relay, String user) throws Exception {
        return signedIn(relay.port(), relay.clientTls(), user);
    }

    /**
     * Connects to a relay on 127.0.0.1:{@code port} and signs in as {@code user}@example.com (again, while the
     * relay checks another password from this address).
     */
    public static TestPeer signedIn(int port, SslContext tls, String user) throws Exception {
        TestPeer p = connect(port, tls);
        MsrpResponse r = p.auth(port, user, user + "-secret", null);
        // As our clients do: a password not checked while another from this address was goes again shortly.
        for (int tries = 0; tries < 50 && PasswordNotChecked.is(r); tries++) {
            Thread.sleep(100);
            r = p.auth(port, user, user + "-secret", null);
        }
        if (r.code() != 200) {
            throw new AssertionError("AUTH of " + user + " gave " + r.code());
        }
        return p;
    }

    @Override
    public synchronized void frame(MsrpFrame frame) {
        try {
            if (frame instanceof MsrpHead h) {
                current = h;
                digest = MessageDigest.getInstance("SHA-256");
                count = 0;
                small = new ByteArrayOutputStream();
            } else if (frame instanceof MsrpContent c) {
                ByteBuf b = c.content();
                digest.update(b.nioBuffer());
                if (current instanceof MsrpRequest req && MsrpMethod.SEND.equals(req.method())) {
                    sendBodies.update(b.nioBuffer());
                    sendBytes += b.readableBytes();
                }
                if (count + b.readableBytes() <= KEEP_BODY) {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.getBytes(b.readerIndex(), bytes);
                    small.writeBytes(bytes);
                }
                count += b.readableBytes();
                c.release();
            } else if (frame instanceof MsrpEnd e) {
                Received r = new Received(current, count, HexFormat.of().formatHex(digest.digest()),
                        count <= KEEP_BODY ? small.toByteArray() : null, e.continuation());
                if (current instanceof MsrpRequest req && MsrpMethod.SEND.equals(req.method()) && autoRespond != 0
                        && (autoRespond == 200 ? req.headers().successResponseWanted()
                                : !"no".equals(req.headers().failureReport()))) {
                    MsrpResponse resp = req.respond(autoRespond, autoRespond == 200 ? "OK" : autoComment);
                    answer(resp);
                }
                if (keep.test(r)) {
                    queue.add(r);
                }
                current = null;
            } else if (frame instanceof MsrpFrameError e) {
                frameError = e;
                queue.add(e);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes of every SEND body received so far, in arrival order. */
    public long sendBytes() {
        return sendBytes;
    }

    /** SHA-256 of every SEND body received so far, concatenated in arrival order. */
    public synchronized String sendBodiesSha256() throws CloneNotSupportedException {
        return HexFormat.of().formatHex(((MessageDigest) sendBodies.clone()).digest());
    }

    @Override
    public void closed() {
        queue.add(CLOSED);
    }

    @Override
    public void writable() {
        synchronized (writability) {
            writability.notifyAll();
        }
    }

    /** The next message received within {@code timeout}, or null. Fails on close or bad input. */
    public Received next(Duration timeout) throws InterruptedException {
        Object o = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == CLOSED) {
            queue.add(CLOSED);
            return null;
        }
        if (o instanceof MsrpFrameError e) {
            throw new AssertionError("peer got invalid MSRP: " + e.cause().getMessage());
        }
        return (Received) o;
    }

    /**
     * The response to {@code tid}, skipping anything else (requests skipped are kept for
     * {@link #request}); fails when none comes in time.
     */
    public MsrpResponse response(String tid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Received r = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (r != null && r.head() instanceof MsrpResponse resp && resp.transactionId().equals(tid)) {
                return resp;
            }
            if (r != null && r.head() instanceof MsrpRequest) {
                skippedRequests.add(r);
            }
            if (r == null && !connection.isOpen()) {
                break;
            }
        }
        throw new AssertionError("no response to " + tid + " (connection open: " + connection.isOpen() + ")");
    }

    /** The next request of that method (first among those {@link #response} skipped), skipping responses. */
    public Received request(String method, Duration timeout) throws InterruptedException {
        for (Iterator<Received> it = skippedRequests.iterator(); it.hasNext(); ) {
            Received r = it.next();
            if (r.request().method().equals(method)) {
                it.remove();
                return r;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Received r = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (r != null && r.head() instanceof MsrpRequest req && req.method().equals(method)) {
                return r;
            }
        }
        return null;
    }

    /** True when the relay closed the connection within {@code timeout}. */
    public boolean closedWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (queue.contains(CLOSED) || !connection.isOpen()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Connects to a relay that behaves like the original one ({@link OriginalRelayEmulator}) and signs in
     * as {@code user}@example.com: its Authorization carries no {@code uri}, which that relay never answers.
     */
    public static TestPeer signedInToOriginal(int port, SslContext tls, String user) throws Exception {
        TestPeer p = connect(port, tls);
        MsrpUri to = MsrpUri.of(true, user, "127.0.0.1", port, null);
        MsrpResponse challenge = p.authRequest(to, new MsrpHeaders());
        MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.AUTHORIZATION,
                credentials(challenge.headers().wwwAuthenticate(), user, user + "-secret", to.toString()).withoutUri());
        MsrpResponse r = p.authRequest(to, h);
        if (r.code() != 200) {
            throw new AssertionError("AUTH of " + user + " gave " + r.code());
        }
        return p;
    }

    /** Sends AUTH; on 401 answers the challenge with a full RFC 2617 Authorization; returns the last answer. */
    public MsrpResponse auth(TestRelay relay, String user, String password, MsrpHeaders extra) throws Exception {
        return auth(relay.port(), user, password, extra);
    }

    public MsrpResponse auth(int port, String user, String password, MsrpHeaders extra) throws Exception {
        MsrpUri to = MsrpUri.of(true, user, "127.0.0.1", port, null);
        MsrpResponse first = authRequest(to, extra == null ? new MsrpHeaders() : extra.copy());
        if (first.code() != 401) {
            return first;
        }
        MsrpHeaders h = extra == null ? new MsrpHeaders() : extra.copy();
        h.add(MsrpHeaders.AUTHORIZATION, credentials(first.headers().wwwAuthenticate(), user, password, to.toString()));
        return authRequest(to, h);
    }

    public MsrpResponse authRequest(MsrpUri to, MsrpHeaders headers) throws InterruptedException {
        String tid = TransactionId.random();
        connection.send(new MsrpRequest(tid, MsrpMethod.AUTH, MsrpPath.of(to), MsrpPath.of(ownUri), headers),
                new MsrpEnd(tid, Continuation.COMPLETE));
        MsrpResponse r = response(tid, Duration.ofSeconds(10));
        if (r.code() == 200) {
            usePath = r.headers().usePath();
        }
        return r;
    }

    /** {@link #authRequest}, answered on another thread: for AUTHs whose answers wait on one another. */
    public CompletableFuture<MsrpResponse> authRequestLater(MsrpUri to, MsrpHeaders headers) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return authRequest(to, headers);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static DigestCredentials credentials(DigestChallenge c, String user, String password, String uri) {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1(user, c.realm(), password);
        DigestCredentials unsigned = new DigestCredentials(user, c.realm(), c.nonce(), uri, "auth", "00000001",
                "0a4f113b", null, c.opaque(), md5);
        return new DigestCredentials(user, c.realm(), c.nonce(), uri, "auth", "00000001", "0a4f113b",
                md5.authResponse(ha1, unsigned), c.opaque(), md5);
    }

    /** The headers of a one-chunk file transfer of {@code size} bytes named {@code name}. */
    public static MsrpHeaders fileHeaders(String name, long size) {
        return new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m-" + name)
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, size, size))
                .add(MsrpHeaders.SUCCESS_REPORT, "yes")
                .add(MsrpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
    }

    /** A REPORT from this peer to {@code peer}'s path about {@code messageId}. */
    public MsrpRequest reportTo(MsrpPath peer, String messageId, ByteRange range, int code) {
        return new MsrpRequest(TransactionId.random(), MsrpMethod.REPORT, usePath.concat(peer), MsrpPath.of(ownUri),
                new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, messageId).add(MsrpHeaders.BYTE_RANGE, range)
                        .add(MsrpHeaders.STATUS, Status.of(code, code == 200 ? "OK" : "Refused")));
    }

    /** This peer's path to hand to the other side: Use-Path then own URI. */
    public MsrpPath path() {
        return usePath.append(ownUri);
    }

    /** A SEND from this peer to {@code peer}'s path, through this peer's relay session. */
    public MsrpRequest sendTo(MsrpPath peer, MsrpHeaders headers) {
        return new MsrpRequest(TransactionId.random(), MsrpMethod.SEND, usePath.concat(peer), MsrpPath.of(ownUri),
                headers);
    }

    /** Writes one request with a small body (null: no body) and its end-line. */
    public void send(MsrpRequest head, byte[] body, Continuation flag) {
        if (body == null) {
            connection.send(head, new MsrpEnd(head.transactionId(), flag));
        } else {
            connection.send(head, new MsrpContent(Unpooled.wrappedBuffer(body)),
                    new MsrpEnd(head.transactionId(), flag));
        }
    }

    /**
     * Streams {@code size} pseudo-random bytes (from {@code seed}) as the body
     * of one request, in 64 KiB pieces, waiting whenever the connection is not
     * writable; returns the body's SHA-256.
     */
    public String stream(MsrpRequest head, long size, long seed, Continuation flag) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        stream(head, size, new Random(seed), md, flag);
        return HexFormat.of().formatHex(md.digest());
    }

    /** As {@link #stream(MsrpRequest, long, long, Continuation)}, drawing from {@code random} into {@code md}. */
    public void stream(MsrpRequest head, long size, Random random, MessageDigest md, Continuation flag)
            throws Exception {
        streamHead(head);
        streamBody(size, random, md);
        streamEnd(head, flag);
    }

    /**
     * An automatic answer: after the chunk this peer is streaming, if any, so
     * it never lands inside it (a peer's writes keep their order only as
     * tasks on the connection's thread, hence the task).
     */
    private void answer(MsrpResponse resp) {
        synchronized (streaming) {
            MsrpFrame[] message = {resp, new MsrpEnd(resp.transactionId(), Continuation.COMPLETE)};
            if (streamOpen) {
                deferredAnswers.add(message);
            } else {
                connection.channel().eventLoop().execute(() -> connection.send(message));
            }
        }
    }

    /** The head of a request whose body follows in {@link #streamBody} calls. */
    public void streamHead(MsrpRequest head) {
        synchronized (streaming) {
            streamOpen = true;
            connection.send(head);
        }
    }

    /** {@code size} more bytes of the body being streamed, in 64 KiB pieces, waiting for room. */
    public void streamBody(long size, Random random, MessageDigest md) throws InterruptedException {
        byte[] piece = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            random.nextBytes(piece);
            int n = (int) Math.min(piece.length, left);
            md.update(piece, 0, n);
            waitWritable();
            connection.send(new MsrpContent(Unpooled.copiedBuffer(piece, 0, n)));
            left -= n;
        }
    }

    public void streamEnd(MsrpRequest head, Continuation flag) {
        synchronized (streaming) {
            connection.send(new MsrpEnd(head.transactionId(), flag));
            streamOpen = false;
            for (MsrpFrame[] message : deferredAnswers) {
                connection.send(message);
            }
            deferredAnswers.clear();
        }
    }

    private void waitWritable() throws InterruptedException {
        synchronized (writability) {
            while (connection.isOpen() && !connection.channel().isWritable()) {
                writability.wait(100);
            }
        }
        if (!connection.isOpen()) {
            throw new AssertionError("connection closed while streaming");
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
