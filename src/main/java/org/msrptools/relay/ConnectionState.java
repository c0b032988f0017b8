package org.msrptools.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.PrintableText;
import org.msrptools.protocol.TransactionId;

/**
 * One connection of the relay, confined to its event loop: the
 * {@link Phase} it is in, the message being read, and the two sides of its
 * data path. Reading: a message is handled as it streams in; on its head the
 * route is decided, its frames go to the next hop's {@link Outbound} at the
 * end of each read batch, and on its end-line the previous hop gets its
 * answer. Writing: everything for this connection goes through its own
 * {@link Outbound}. While the next hop is being reached or an account looked
 * up, the connection stops reading and keeps the few frames already decoded.
 */
final class ConnectionState implements Authenticator.Client {

    private static final Logger LOG = Logger.getLogger(ConnectionState.class.getName());

    /** Bodies of methods other than SEND (REPORT, NICKNAME...) are small; a larger one is refused with 413. */
    static final int MAX_NON_SEND_BODY = 64 * 1024;

    /**
     * Heads of requests awaiting a response, per connection, in units of the
     * session buffer: 4 MiB by default, some 3,000 requests of the usual
     * size (a client that streams a file answers chats only after the data
     * it has queued).
     */
    static final int PENDING_PER_BUFFER = 4;

    /**
     * What a connection not signed in may make the relay hold while its
     * AUTH is decided (the frames read with it, weighed as heads are): its
     * AUTH's end-line, a client's next head or two at most.
     */
    static final long MOST_BEFORE_SIGN_IN = 64 * 1024;

    /** How long a connection whose write failed stays open for the loop to read what the peer sent last. */
    static final long LAST_READS_MILLIS = 100;

    private enum Kind { AUTH, REFUSED, FORWARD, DISCARD }

    /** The message being read. */
    private static final class Inbound {
        final Kind kind;
        final MsrpHead head;
        int code;
        String comment;
        /** FORWARD: the request as the next hop gets it. */
        MsrpRequest outgoing;
        /** FORWARD, once the next hop is there: its outbound and this message in it. */
        Outbound target;
        OutboundMessage message;
        /**
         * FORWARD of a method other than SEND: its frames, held until its end-line (such a body
         * is at most 64 KiB, and must not trickle onto a connection others share).
         */
        List<Object> held;
        long bytes;
        boolean tooLarge;
        /** FORWARD of a SEND: the body its Byte-Range allows (from its start to the total). */
        long bodyLimit = Long.MAX_VALUE;
        /** The body ran past {@link #bodyLimit}: ended downstream with '#', the rest dropped. */
        boolean overrun;
        /** FORWARD: which way it goes, for the metrics. */
        RelayMetrics.Direction direction;

        Inbound(Kind kind, MsrpHead head) {
            this.kind = kind;
            this.head = head;
        }
    }

    private final RelayServer.Shared shared;
    private final RelayEvents events;
    private final RelayMetrics metrics;
    private final Channel channel;
    private final ReadGate reading;
    private final Budget budget;
    private final Outbound outbound;
    private final ReadBatch batch = new ReadBatch();
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private final UnfinishedMessages unfinished;
    private Phase phase;
    private RelaySession session;
    private int failures;
    private Inbound in;
    /** The message being read waits for something; frames decoded meanwhile go to the backlog. */
    private boolean waiting;
    /** What the frames in the backlog hold, counted in the budget until they leave it. */
    private long backlogHeld;
    private boolean inReadBatch;
    private final Runnable endOfBatch = this::readComplete;
    private boolean closed;
    /**
     * The relay ends this connection (stopping, bad input, a timeout): what
     * was read but not yet handled starts nothing. When the peer closes it,
     * what it sent whole before still goes on (the backlog).
     */
    private boolean takingNothingNew;
    /** The outbound closed, the session ended and the close logged: once, after the backlog. */
    private boolean connectionEnded;
    /** A write failed: the close waits for the peer's last bytes (see {@link #closeAfterLastReads}). */
    private ScheduledFuture<?> closeAfterWriteFailure;
    /** After a peer's close while its request waits for a next hop: when what is left of the backlog goes. */
    private ScheduledFuture<?> drainDeadline;
    private ScheduledFuture<?> firstMessageTimer;
    private ScheduledFuture<?> headTimer;
    private ScheduledFuture<?> idleTimer;
    private long lastReadNanos;
    /** When this connection's session began (its first successful AUTH). */
    private long sessionStartedNanos;
    /** Why the relay closed this connection, for the log; null when the peer closed it. */
    private EndReason endReason;
    private String endDetail;
    private boolean stopping;
    private long sentMessages;
    private long sentBytes;
    /** The last failure REPORT logged for this connection's sender. */
    private int lastReportCode;
    private String lastReportMessageId;
    /** The last refusal logged, as code, message, way and reason: one line for the chunks of one message. */
    private String lastRefused;

    /** The next hop (host:port) this relay connected to; null for a connection it accepted. */
    private final String nextHop;
    /** When the TLS handshake with {@link #nextHop} succeeded; 0 before. */
    private long nextHopConnectedNanos;

    ConnectionState(RelayServer.Shared shared, Channel channel, String nextHop) {
        this.shared = shared;
        this.events = shared.events();
        this.metrics = events.metrics();
        this.channel = channel;
        this.reading = new ReadGate(channel);
        this.budget = new Budget(shared.config().sessionBufferBytes(), channel.eventLoop(), reading, shared.budget());
        this.unfinished = new UnfinishedMessages(budget, shared.config().sessionBufferBytes());
        this.outbound = new Outbound(channel, budget, new PendingTransactions(channel.eventLoop(),
                shared.config().transactionTimeout(), (long) PENDING_PER_BUFFER * shared.config().sessionBufferBytes()),
                stallTime(shared.config(), nextHop != null), this::stalled, events);
        this.nextHop = nextHop;
        this.phase = nextHop != null ? Phase.BOUND : Phase.NEW;
    }

    /** This relay's TLS handshake with {@link #nextHop} succeeded: the link between relays is up. */
    void nextHopConnected(String tlsProtocol) {
        nextHopConnectedNanos = System.nanoTime();
        events.nextHopConnected(nextHop, address(), tlsProtocol);
    }

    void active() {
        lastReadNanos = System.nanoTime();
        idleTimer = channel.eventLoop().schedule(this::checkIdle, shared.config().idleTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        headTimer = channel.eventLoop().schedule(this::checkHeadClock, shared.config().headTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        if (phase == Phase.NEW) {
            long ms = shared.config().firstMessageTimeout().toMillis();
            firstMessageTimer = channel.eventLoop().schedule(() -> {
                if (phase == Phase.NEW) {
                    close(EndReason.NO_VALID_MESSAGE, "nothing valid within " + ms + " ms");
                } else if (phase == Phase.AUTHENTICATING) { // it sent an AUTH: the log must not say otherwise
                    close(EndReason.NO_VALID_MESSAGE, "not signed in within " + ms + " ms: its AUTH was not "
                            + "decided (its account lookup, or the checks before it from its address, took that long)");
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * How long a connection may take next to nothing while data waits for it: the transaction timeout; twice
     * that for a link between relays (either way), which carries many sessions, so that a client at the
     * other end that stopped reading, and held the link up, is closed there first and the link flows again.
     */
    private static java.time.Duration stallTime(RelayConfig config, boolean betweenRelays) {
        return betweenRelays ? config.transactionTimeout().multipliedBy(2) : config.transactionTimeout();
    }

    /**
     * A connection that took nothing for its stall time while data waited for
     * it is closed: what waits for it fails back to its senders (481), and
     * the connections its data came on, which the relay stopped reading once
     * they held their session buffers (or the relay its total), are read
     * again. By then the senders had their 408s anyway. A link between relays
     * is closed too, ending every session on it: none of them moved, and
     * left open (a next hop that never reads, answering now and then to look
     * alive) what waits for it held the relay's total buffer, and then no
     * connection was read, new clients' AUTH included (found by review).
     */
    private void stalled() {
        if (phase == Phase.AUTHENTICATED || phase == Phase.BOUND) {
            close(EndReason.NOT_READING, "it read nothing for "
                    + stallTime(shared.config(), phase == Phase.BOUND).toSeconds() + " s while data waited for it");
        }
    }

    /** Nothing read and nothing written for the idle timeout: close. */
    private void checkIdle() {
        long last = Math.max(lastReadNanos, outbound.lastWriteNanos());
        long left = last + shared.config().idleTimeout().toNanos() - System.nanoTime();
        if (left > 0) {
            idleTimer = channel.eventLoop().schedule(this::checkIdle, left, TimeUnit.NANOSECONDS);
        } else {
            close(EndReason.IDLE_TIMEOUT, "idle for " + shared.config().idleTimeout().toSeconds() + " s");
        }
    }

    /**
     * Slow-loris: a head that takes too long to arrive closes the connection,
     * unless the relay held reading back. Checked again when the head being
     * read would reach the limit (a head that starts later is checked no
     * later than the limit after it starts): at the limit, not up to half as
     * late again, as a check at a fixed rate did.
     */
    private void checkHeadClock() {
        MsrpDecoder decoder = channel.pipeline().get(MsrpDecoder.class);
        if (decoder == null || !channel.isActive()) {
            return;
        }
        long now = System.nanoTime();
        long limit = shared.config().headTimeout().toNanos();
        if (reading.paused()) {
            decoder.restartHeadClock(now);
        }
        // Only the time the relay has been reading counts: a pause that ended since the last check is not the peer's.
        long age = Math.min(decoder.headAgeNanos(now), reading.readingFor(now));
        if (age > limit) {
            close(EndReason.HEAD_TIMEOUT, "a message head took longer than " + shared.config().headTimeout().toSeconds()
                    + " s to arrive");
            return;
        }
        headTimer = channel.eventLoop().schedule(this::checkHeadClock, limit - age + 1, TimeUnit.NANOSECONDS);
    }

    void read(Object msg) {
        if (!inReadBatch) {
            inReadBatch = true;
            lastReadNanos = System.nanoTime();
            outbound.holdFlush();
            // Normally channelReadComplete ends the batch; but TLS can also hand over data from a task or
            // from inside a flush, with no such event after it. This ends the batch in any case.
            channel.eventLoop().execute(endOfBatch);
        }
        if (waiting) {
            hold(msg);
        } else if (phase == Phase.CLOSING) {
            ReferenceCountUtil.release(msg);
        } else {
            dispatch(msg);
        }
    }

    void readComplete() {
        if (!inReadBatch) {
            return;
        }
        inReadBatch = false;
        batch.deliver(channel.eventLoop());
        outbound.releaseFlush();
    }

    void writable() {
        outbound.writable();
    }

    /** The relay is stopping: a sender hears 408 for the chunk it is in, and nothing new starts. */
    void shutdown() {
        stopping = true;
        ended(EndReason.RELAY_STOPPING, null); // counted and said for connections without a session too
        takingNothingNew = true;
        phase = phase.moveTo(Phase.CLOSING);
        reading.pause(ReadGate.STOPPING);
        releaseBacklog();
        Inbound arriving = in;
        if (arriving != null && arriving.kind == Kind.FORWARD) {
            reportFailure((MsrpRequest) arriving.head, 408, "Relay shutting down");
            abortInbound();
        }
        batch.deliver(channel.eventLoop());
    }

    /** Closes the connection, saying why in the log when it closes. */
    void close(EndReason reason, String detail) {
        ended(reason, detail);
        takingNothingNew = true;
        channel.close();
    }

    /**
     * A write failed: the peer reset the connection (it closed with bytes of
     * ours unread). What it sent just before, often its last word (a
     * receiver's 413 REPORT, a sender's abort), may still wait unread in the
     * socket: the event loop learns of the reset before it reads, and
     * closing then (Netty's AUTO_CLOSE, off for this) dropped it (CI: a
     * stopped receiver's 413 lost, its sender told only "481 No such
     * session"). It is read first, even while reading is paused (one read
     * asked for: NIO reads nothing otherwise; epoll reads through to the
     * reset's error, which closes the connection at once), and the
     * connection closes a moment later in any case. As a peer's close, the
     * log says closed_by_client, as it did before.
     */
    void closeAfterLastReads() {
        if (closeAfterWriteFailure == null && !closed) {
            channel.read();
            closeAfterWriteFailure = channel.eventLoop().schedule(() -> channel.close(), LAST_READS_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Why the relay ends this connection: the first reason given is the one logged. */
    private void ended(EndReason reason, String detail) {
        if (endReason == null) {
            endReason = reason;
            endDetail = detail;
        }
    }

    void inactive() {
        if (firstMessageTimer != null) {
            firstMessageTimer.cancel(false);
        }
        if (headTimer != null) {
            headTimer.cancel(false);
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (closeAfterWriteFailure != null) {
            closeAfterWriteFailure.cancel(false);
        }
        closed = true;
        phase = phase.moveTo(Phase.CLOSING);
        if (waiting && !takingNothingNew && in != null && in.kind == Kind.FORWARD) {
            // A request waits for its next hop: what the peer sent whole after it still goes on, in its session
            // (a client's last REPORTs before it closed), when stopWaiting drains the backlog; within the
            // transaction timeout, after which what is left is dropped.
            drainDeadline = channel.eventLoop().schedule(this::dropBacklog,
                    shared.config().transactionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        takingNothingNew = true; // an AUTH's wait, or the relay's own close: nothing read meanwhile starts
        try {
            releaseBacklog(); // at once: an AUTH's answer may be held back for seconds
            if (!waiting) {
                abortInbound();
                batch.deliver(channel.eventLoop());
            }
        } finally { // a hand-off to a loop stopped with the relay fails: the connection ends, and says so, all the same
            endConnection();
        }
    }

    /** The next hop took too long after the peer closed: the rest of what it sent goes nowhere. */
    private void dropBacklog() {
        takingNothingNew = true;
        releaseBacklog();
        abortInbound();
        batch.deliver(channel.eventLoop());
        endConnection();
    }

    /** Ends the connection's outbound and session, and logs the close: once, when nothing is left to forward. */
    private void endConnection() {
        if (connectionEnded) {
            return;
        }
        connectionEnded = true;
        if (drainDeadline != null) {
            drainDeadline.cancel(false);
        }
        try {
            unfinished.abortAll(this, batch);
            batch.deliver(channel.eventLoop());
        } catch (RuntimeException e) { // a target's loop stopping with the relay: the connection ends all the same
            LOG.log(Level.FINE, "unfinished messages of " + address().getHostAddress() + " not ended", e);
        }
        try {
            // Fails back what waited on this connection: REPORTs to senders and their budgets' wake-ups go to
            // their loops, which, when the relay stops, may have ended already (RejectedExecutionException).
            outbound.close();
        } catch (RejectedExecutionException e) { // ... and the end line below is the operator's, whatever else
            LOG.log(Level.FINE, "what waited on " + address().getHostAddress() + " not failed back", e);
        }
        EndReason reason = endReason != null ? endReason
                : stopping ? EndReason.RELAY_STOPPING : EndReason.CLOSED_BY_CLIENT;
        if (session != null) {
            shared.sessions().remove(session);
            events.sessionEnded(session, address(), Duration.ofNanos(System.nanoTime() - sessionStartedNanos),
                    traffic(), reason, endDetail);
        } else if (nextHop != null) {
            if (nextHopConnectedNanos != 0) { // a failed handshake was next_hop_failed
                events.nextHopClosed(nextHop, address(), Duration.ofNanos(System.nanoTime() - nextHopConnectedNanos),
                        traffic(), endReason != null || stopping ? reason.label : "closed_by_next_hop", endDetail);
            }
        } else if (endReason != null && endReason != EndReason.TLS_HANDSHAKE) {
            events.connectionClosed((InetSocketAddress) channel.remoteAddress(), reason, endDetail);
        }
    }

    /** The session this connection holds, as an operator sees it, or null; on the connection's event loop. */
    SessionView view() {
        return session == null ? null : SessionView.of(session).withConnection(address().getHostAddress(), traffic());
    }

    /** What this connection carried: requests read from it, and delivered to it. */
    private RelayEvents.Traffic traffic() {
        return new RelayEvents.Traffic(sentMessages, sentBytes, outbound.deliveredMessages(), outbound.deliveredBytes());
    }

    private void dispatch(Object msg) {
        if (msg instanceof MsrpHead head) {
            onHead(head);
        } else if (msg instanceof MsrpContent content) {
            onContent(content);
        } else if (msg instanceof MsrpEnd end) {
            onEnd(end);
        } else if (msg instanceof MsrpFrameError error) {
            onError(error);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(MsrpHead head) {
        if (takingNothingNew) {
            in = new Inbound(Kind.DISCARD, head); // what was read before the relay's close or stop: nothing new starts
            return;
        }
        if (head instanceof MsrpResponse response) {
            outbound.pending().answered(response, sender -> {
                // A refused sender may give way to the next: one signed in here, whose connection carries its own
                // requests only. Not a link from another relay, which carries many senders' (or a far side's).
                // Its session field is set on its own loop at sign-in, before any request of it reaches this one.
                if (session != null && sender.session != null) {
                    session.judged(sender.channel, response.code());
                }
            });
            in = new Inbound(Kind.DISCARD, head);
            return;
        }
        MsrpRequest request = (MsrpRequest) head;
        if (MsrpMethod.AUTH.equals(request.method())) {
            if (closed) {
                in = new Inbound(Kind.DISCARD, head); // in what a closed client sent before: nobody to sign in
                return;
            }
            boolean client = phase == Phase.NEW || phase == Phase.AUTHENTICATED;
            in = client ? new Inbound(Kind.AUTH, head) : refused(request, 403, "AUTH is for clients");
            return;
        }
        if (shared.config().rejectUnknownMethods() && !Router.isForwardedMethod(request.method())) {
            in = refused(request, 501, "Method not supported");
            return;
        }
        Route route = shared.router().route(session, channel, request);
        if (route.refused()) {
            in = refused(request, route.code(), route.comment());
            return;
        }
        if (phase == Phase.NEW) {
            // Not a client: a far side delivering into a local client's session (the router bound it).
            phase = phase.moveTo(Phase.BOUND);
            firstMessageTimer.cancel(false);
            outbound.stallAfter(stallTime(shared.config(), true));
        }
        Inbound forward = new Inbound(Kind.FORWARD, head);
        forward.bodyLimit = bodyLimit(request);
        forward.direction = RelayMetrics.Direction.of(session != null, route.toClient());
        MsrpRequest o = route.outgoing();
        forward.outgoing = new MsrpRequest(TransactionId.random(), o.method(), o.toPath(), o.fromPath(), o.headers());
        in = forward;
        shared.chunksInFlight().incrementAndGet();
        Future<Channel> target = route.target();
        if (target.isDone()) {
            targetReady(forward, target);
        } else {
            startWaiting();
            target.addListener(f -> onLoop(() -> {
                targetReady(forward, target);
                stopWaiting();
            }));
        }
    }

    /**
     * How long a SEND's body may be: up to its message's total. One that runs past it could not be split for
     * others (a piece must start within the total) and could trickle for ever in front of them (found by
     * review). Past its range's end but within the total it goes on, for the receiver to judge.
     */
    private static long bodyLimit(MsrpRequest request) {
        ByteRange r = MsrpMethod.SEND.equals(request.method()) ? request.headers().byteRange() : null; // decoder-checked
        return r == null ? Long.MAX_VALUE : r.roomToTotal();
    }

    private Inbound refused(MsrpRequest request, int code, String comment) {
        logRefused(request, code, comment);
        Inbound r = new Inbound(Kind.REFUSED, request);
        r.code = code;
        r.comment = comment;
        return r;
    }

    /** The route's connection is there, or could not be made. */
    private void targetReady(Inbound forward, Future<Channel> f) {
        if (in != forward) {
            return; // aborted meanwhile
        }
        MsrpRequest received = (MsrpRequest) forward.head;
        if (!f.isSuccess()) {
            int code = f.cause() instanceof PeerConnector.NextHopException n ? n.code : 408;
            String why = PrintableText.of(String.valueOf(f.cause().getMessage()));
            shared.chunksInFlight().decrementAndGet();
            // Answered once, with a transaction response when the request ends (hop by hop):
            // nothing went on for a failure REPORT to be about; a relay before this one turns the
            // response into a REPORT to the sender itself.
            in = refused(received, code, why);
            return;
        }
        forward.target = Outbound.of(f.getNow());
        forward.message = new OutboundMessage(forward.outgoing, budget, this, received);
        budget.take(forward.message.headCharge());
        if (MsrpMethod.SEND.equals(forward.outgoing.method())) {
            batch.add(forward.target, forward.message, forward.outgoing);
        } else {
            forward.held = new ArrayList<>(List.of(forward.outgoing));
        }
    }

    /** A held message that will not go out: its frames are released and its bytes given back. */
    private void dropHeld(Inbound forward) {
        for (Object f : forward.held) {
            if (f instanceof MsrpContent c) {
                budget.give(c.content().readableBytes());
                c.release();
            }
        }
        forward.held = null;
        forward.message.releaseHead();
    }

    private void onContent(MsrpContent content) {
        Inbound forward = in;
        if (forward == null || forward.kind != Kind.FORWARD || forward.message == null) {
            content.release();
            return;
        }
        int n = content.content().readableBytes();
        if (forward.tooLarge) {
            content.release();
            return;
        }
        if (forward.held != null) {
            forward.bytes += n;
            if (forward.bytes > MAX_NON_SEND_BODY) {
                forward.tooLarge = true;
                dropHeld(forward);
                content.release();
                return;
            }
            budget.take(n);
            forward.held.add(content);
            return;
        }
        forward.bytes += n;
        if (forward.bytes > forward.bodyLimit) {
            content.release();
            if (!forward.overrun) {
                forward.overrun = true;
                batch.add(forward.target, forward.message, new MsrpEnd(forward.outgoing.transactionId(),
                        Continuation.ABORT));
                unfinished.aborted(forward.target, forward.outgoing);
            }
            return;
        }
        budget.take(n);
        sentBytes += n;
        metrics.forwardedBytes(forward.direction, n);
        batch.add(forward.target, forward.message, content);
    }

    private void onEnd(MsrpEnd end) {
        Inbound done = in;
        in = null;
        if (done == null) {
            return;
        }
        switch (done.kind) {
            case AUTH -> authenticate((MsrpRequest) done.head);
            case REFUSED -> {
                MsrpRequest request = (MsrpRequest) done.head;
                if (Reports.wantsResponse(request)) {
                    respond(request.respond(done.code, done.comment));
                }
            }
            case FORWARD -> finishForward(done, end.continuation());
            default -> {
                // a response's end-line: nothing to do
            }
        }
    }

    private void finishForward(Inbound forward, Continuation continuation) {
        shared.chunksInFlight().decrementAndGet();
        MsrpRequest received = (MsrpRequest) forward.head;
        String tid = forward.outgoing.transactionId();
        if (forward.tooLarge) { // nothing of it went out
            String comment = "Body over " + MAX_NON_SEND_BODY + " bytes for " + received.method();
            logRefused(received, 413, comment);
            if (Reports.wantsResponse(received)) {
                respond(received.respond(413, comment));
            }
            return;
        }
        if (forward.overrun) { // ended downstream with '#' when it ran past
            String comment = "Body past its Byte-Range total";
            logRefused(received, 400, comment);
            if (Reports.wantsResponse(received)) {
                respond(received.respond(400, comment));
            }
            return;
        }
        sentMessages++;
        boolean reached = forward.target.channel().isActive();
        if (reached) {
            metrics.forwardedMessage(forward.direction);
        }
        if (forward.held != null) { // a message other than SEND, counted and passed on whole now
            sentBytes += forward.bytes;
            metrics.forwardedBytes(forward.direction, forward.bytes);
            for (Object frame : forward.held) {
                batch.add(forward.target, forward.message, frame);
            }
        }
        batch.add(forward.target, forward.message, new MsrpEnd(tid, continuation));
        if (forward.held == null && reached) { // a SEND, of a client of this relay or from another relay's link
            unfinished.chunkSent(forward.target, forward.outgoing, forward.bytes, continuation);
        } else if (forward.held == null) {
            unfinished.aborted(forward.target, forward.outgoing); // its receiver is gone: nothing to end there
        }
        if (reached ? Reports.wantsSuccess(received) : Reports.wantsResponse(received)) {
            // Hop by hop: the relay answers for itself; a failure further on comes back as a REPORT.
            respond(reached ? received.respond(200, "OK")
                    : received.respond(481, "Next hop closed the connection"));
        }
    }

    /**
     * Sends the sender of {@code received} a failure REPORT if it asked for
     * one; any thread. Always as a task, even on this loop: it is called from
     * inside another outbound's writing, which must not be re-entered.
     */
    void reportFailure(MsrpRequest received, int code, String comment) {
        sendFailureReport(Reports.failure(received, code, comment), code, comment);
    }

    /** As {@link #reportFailure}, the REPORT made already (null: none is wanted). */
    void sendFailureReport(MsrpRequest report, int code, String comment) {
        if (report != null) {
            channel.eventLoop().execute(() -> {
                if (!closed) {
                    logReport(code, comment, report.headers().messageId());
                    outbound.send(report);
                }
            });
        }
    }

    /**
     * Counts a failure REPORT, and logs it unless it is one more for the same
     * message and code: a receiver gone mid-file fails every chunk in flight
     * that asked for an answer (Failure-Report yes), and the operator needs
     * one line for it, not one per chunk.
     */
    private void logReport(int code, String comment, String messageId) {
        boolean again = code == lastReportCode && java.util.Objects.equals(messageId, lastReportMessageId);
        events.failureReportSent(code, comment, session == null ? null : session.user(), address(), messageId,
                !again);
        lastReportCode = code;
        lastReportMessageId = messageId;
    }

    /** A transaction response of the relay's own: counted, and queued on this connection. */
    private void respond(MsrpResponse response) {
        events.response(response.code());
        outbound.send(response);
    }

    /**
     * Logs a refusal unless it is one more of the same for the same message: a
     * file refused refuses each of its chunks in flight, and the operator
     * needs one line for it, not one per chunk (each is answered all the same).
     */
    private void logRefused(MsrpRequest request, int code, String comment) {
        String messageId = request.headers().messageId();
        // The same refusal: the same message, code, reason and way (another session guessed is another line).
        String same = messageId == null ? null : code + " " + messageId + " " + request.toPath() + " " + comment;
        if (same != null && same.equals(lastRefused)) {
            return;
        }
        lastRefused = same;
        events.requestRefused(code, comment, request.method(), request.toPath().first().sessionId(), address());
    }

    private void authenticate(MsrpRequest auth) {
        Phase before = phase;
        phase = phase.moveTo(Phase.AUTHENTICATING);
        var decided = shared.authenticator().handle(auth, this);
        if (!decided.isDone()) {
            startWaiting(); // an account lookup is under way: read nothing more until it is answered
        }
        decided.whenComplete((outcome, error) -> onLoop(() -> authenticated(auth, before, outcome, error)));
    }

    private void authenticated(MsrpRequest auth, Phase before, Authenticator.Outcome outcome, Throwable error) {
        try {
            if (phase == Phase.AUTHENTICATING) {
                if (outcome == null) {
                    LOG.log(Level.WARNING, "AUTH from " + address().getHostAddress() + " could not be decided", error);
                    respond(auth.respond(500, "Internal error"));
                    phase = phase.moveTo(before);
                } else {
                    respond(outcome.response());
                    if (outcome.session() != null) {
                        if (session == null) {
                            sessionStartedNanos = System.nanoTime();
                        }
                        session = outcome.session();
                        firstMessageTimer.cancel(false);
                    }
                    phase = phase.moveTo(session != null ? Phase.AUTHENTICATED : before);
                    if (outcome.close()) {
                        ended(EndReason.AUTH_REFUSED, "too many failed AUTH attempts");
                        closeAfterFlush();
                    }
                }
            } else if (outcome != null && outcome.session() != null && outcome.session() != session) {
                // Granted while the answer was held back (a throttled address), to a connection gone since:
                // nobody owns it, so it ends here rather than at its expiry.
                shared.sessions().remove(outcome.session());
                events.sessionEnded(outcome.session(), address(), Duration.ZERO, new RelayEvents.Traffic(0, 0, 0, 0),
                        EndReason.CLOSED_BY_CLIENT, "closed before the AUTH answer");
            }
        } finally {
            if (waiting) {
                stopWaiting();
            }
        }
    }

    /**
     * Keeps a frame read while the message before it waits. Reading stops
     * then, but what one read brought is decoded, and heads can hold far
     * more than their bytes (a path of many URIs): so it is counted like
     * everything else the connection makes the relay hold. A connection
     * waiting for its first AUTH's answer has nothing to send yet (no
     * session), so more than a little is a flood, and it is closed. What such
     * connections hold is counted apart from what signed-in ones make the
     * relay hold, and bounded too: connections that never signed in must not
     * stop the relay reading everyone else's.
     */
    private void hold(Object frame) {
        if (takingNothingNew) {
            ReferenceCountUtil.release(frame); // it would start nothing
            return;
        }
        long n = heldBy(frame);
        backlogHeld += n;
        if (session != null || phase != Phase.AUTHENTICATING) {
            backlog.add(frame);
            budget.take(n);
            return;
        }
        backlog.add(new BeforeSignIn(frame, n));
        boolean crowded = shared.beforeSignIn().take(n) && n > 0;
        if (backlogHeld > MOST_BEFORE_SIGN_IN || crowded) {
            close(EndReason.BAD_INPUT, "sent requests before its AUTH was answered (" + (crowded
                    ? "while connections not signed in held " + shared.beforeSignIn().high() / 1024 + " KiB in all)"
                    : "more than " + MOST_BEFORE_SIGN_IN / 1024 + " KiB held)"));
            releaseBacklog();
        }
    }

    /** A frame held while its connection's first AUTH is decided, counted in the relay's pool for those. */
    private record BeforeSignIn(Object frame, long weight) {
    }

    /** The oldest frame of the backlog, no longer counted. */
    private Object unhold() {
        Object frame = backlog.poll();
        if (frame instanceof BeforeSignIn early) {
            backlogHeld -= early.weight();
            shared.beforeSignIn().give(early.weight());
            return early.frame();
        }
        long n = heldBy(frame);
        backlogHeld -= n;
        budget.give(n);
        return frame;
    }

    private void releaseBacklog() {
        while (!backlog.isEmpty()) {
            ReferenceCountUtil.release(unhold());
        }
    }

    /** What an error held costs besides the head it names: the exception, its message and its stack. */
    private static final long ERROR_WEIGHT = 512;

    private static long heldBy(Object frame) {
        if (frame instanceof MsrpHead head) {
            return OutboundMessage.weight(head);
        }
        if (frame instanceof MsrpFrameError error) { // a skipped message: its head and its error (found by review)
            return ERROR_WEIGHT + (error.request() == null ? 0 : OutboundMessage.weight(error.request()));
        }
        return frame instanceof MsrpContent content ? content.content().readableBytes() : 0;
    }

    private void startWaiting() {
        waiting = true;
        reading.pause(ReadGate.WAITING);
    }

    private void stopWaiting() {
        waiting = false;
        while (!waiting && !backlog.isEmpty()) {
            dispatch(unhold());
        }
        if (closed && !waiting) {
            abortInbound(); // the sender left in the middle of a message
        }
        batch.deliver(channel.eventLoop());
        if (closed && !waiting) {
            endConnection();
        }
        if (!waiting) {
            reading.resume(ReadGate.WAITING);
        }
    }

    private void onError(MsrpFrameError error) {
        if (error.cause().violation() == MsrpSyntaxException.Violation.TRUNCATED) {
            // The other side closed in the middle of a message (it had its answer, or stopped): no bad
            // input, and nobody left to answer; what was forwarded of the message is ended downstream.
            abortInbound();
            batch.deliver(channel.eventLoop());
            return;
        }
        if (error.skipped()) {
            // One framed message with a bad head, dropped by the decoder: it is answered, and the connection
            // goes on (on a link from another relay, one user's bad message would end every session on it).
            if (!takingNothingNew) {
                refuseBroken(error);
            }
            return;
        }
        ended(EndReason.BAD_INPUT, error.cause().getMessage());
        abortInbound();
        batch.deliver(channel.eventLoop());
        // The sender can be told what was wrong before the close (unless a chunk to this connection is on
        // the wire: then the close cuts it).
        refuseBroken(error);
        closeAfterFlush();
    }

    /** Answers the request an error names, when its paths could be read and it wants an answer. */
    private void refuseBroken(MsrpFrameError error) {
        MsrpRequest broken = error.request();
        String comment = PrintableText.of(error.cause().getMessage());
        if (broken != null && Reports.wantsResponse(broken)) {
            int code = error.cause().violation().status();
            logRefused(broken, code, comment);
            respond(broken.respond(code, comment));
        } else if (error.skipped()) {
            events.messageDropped(comment, session == null ? null : session.user(), address());
        }
    }

    /**
     * Reads nothing more and closes once what was written so far has gone
     * out; at once if the client does not read (its socket is full), and in
     * any case within a second.
     */
    private void closeAfterFlush() {
        takingNothingNew = true;
        phase = phase.moveTo(Phase.CLOSING);
        reading.pause(ReadGate.STOPPING);
        if (!channel.isWritable()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }

    /** The sender went away or broke mid-chunk: end the chunk downstream with '#'. */
    private void abortInbound() {
        Inbound forward = in;
        in = null;
        if (forward == null || forward.kind != Kind.FORWARD) {
            return;
        }
        shared.chunksInFlight().decrementAndGet();
        if (forward.held != null) {
            dropHeld(forward); // nothing of it went out
        } else if (forward.message != null && !forward.tooLarge && !forward.overrun) {
            batch.add(forward.target, forward.message, new MsrpEnd(forward.outgoing.transactionId(), Continuation.ABORT));
            unfinished.aborted(forward.target, forward.outgoing);
        }
    }

    private void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public InetAddress address() {
        return ((InetSocketAddress) channel.remoteAddress()).getAddress();
    }

    @Override
    public int failures() {
        return failures;
    }

    @Override
    public void failed() {
        failures++;
    }

    @Override
    public RelaySession session() {
        return session;
    }
}
