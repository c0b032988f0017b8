package org.msrptools.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHead;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.TransactionId;

/**
 * One connection to the relay (or from it, to a peer relay): the thin Netty
 * handler and the per-connection state machine. A message is handled as it
 * streams in: on its head the route is decided and the rewritten head goes
 * out; each body piece is passed on without a copy; on its end-line the
 * previous hop gets its answer. While the next hop is being reached or is
 * busy with another chunk, this connection stops reading and keeps the few
 * frames already decoded in a backlog.
 */
final class RelayConnection extends ChannelInboundHandlerAdapter implements Lane.Holder, Authenticator.Client {

    private static final Logger LOG = Logger.getLogger(RelayConnection.class.getName());

    /** Bodies of methods other than SEND (REPORT, NICKNAME...) are small; a larger one is refused with 413. */
    static final int MAX_NON_SEND_BODY = 64 * 1024;

    /** The relay is stopping: what is still arriving will not finish. */
    static final Object SHUTDOWN = new Object();

    private enum Kind { AUTH, REFUSED, FORWARD, DISCARD }

    /** The message being received. */
    private static final class Inbound {
        final Kind kind;
        final MsrpHead head;
        int code;
        String comment;
        Channel target;
        Lane lane;
        MsrpRequest outgoing;
        boolean granted;
        long bytes;
        boolean tooLarge;

        Inbound(Kind kind, MsrpHead head) {
            this.kind = kind;
            this.head = head;
        }
    }

    private final RelayServer.Shared shared;
    private final boolean outboundPeer;
    private Channel channel;
    private RelaySession session;
    private int failures;
    private boolean delivered;
    private Inbound in;
    private boolean waiting;
    private boolean closed;
    /** The relay is stopping: nothing new is read or started on this connection. */
    private boolean stopping;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private final Set<Channel> dirty = new HashSet<>();
    private io.netty.util.concurrent.ScheduledFuture<?> firstMessageTimer;
    private io.netty.util.concurrent.ScheduledFuture<?> headTimer;

    RelayConnection(RelayServer.Shared shared, boolean outboundPeer) {
        this.shared = shared;
        this.outboundPeer = outboundPeer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long headLimit = shared.config().headTimeout().toNanos();
        headTimer = ctx.executor().scheduleAtFixedRate(() -> {
            MsrpDecoder decoder = channel.pipeline().get(MsrpDecoder.class);
            if (decoder == null) {
                return;
            }
            if (!channel.config().isAutoRead()) {
                decoder.restartHeadClock(System.nanoTime()); // paused by us (back-pressure, a lookup): not the peer
            } else if (decoder.headAgeNanos(System.nanoTime()) > headLimit) {
                LOG.info(() -> "closing " + address().getHostAddress() + ": a message head took longer than "
                        + shared.config().headTimeout().toSeconds() + " s to arrive");
                channel.close();
            }
        }, headLimit / 2, headLimit / 2, TimeUnit.NANOSECONDS);
        if (!outboundPeer) {
            long ms = shared.config().firstMessageTimeout().toMillis();
            firstMessageTimer = ctx.executor().schedule(() -> {
                if (session == null && !delivered) {
                    LOG.fine(() -> "closing " + address().getHostAddress() + ": nothing valid within " + ms + " ms");
                    channel.close();
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stopping) {
            ReferenceCountUtil.release(msg);
        } else if (waiting) {
            backlog.add(msg);
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushDirty();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            Lane.of(channel).resumePaused();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SHUTDOWN) {
            // No new message may start now: a sender hears 408 for the chunk it is in, not a 481
            // because its peer's connection happened to close first.
            stopping = true;
            channel.config().setAutoRead(false);
            backlog.forEach(ReferenceCountUtil::release);
            backlog.clear();
            Inbound arriving = in;
            if (arriving != null && arriving.kind == Kind.FORWARD) {
                reportFailure((MsrpRequest) arriving.head, 408, "Relay shutting down");
                abortInbound();
            }
        } else if (evt instanceof IdleStateEvent) {
            LOG.fine(() -> "closing idle connection from " + address().getHostAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection error, closing", cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (firstMessageTimer != null) {
            firstMessageTimer.cancel(false);
        }
        if (headTimer != null) {
            headTimer.cancel(false);
        }
        closed = true;
        if (!waiting) {
            // While waiting for a next hop, what already arrived still goes out: see stopWaiting.
            abortInbound();
        }
        if (session != null) {
            shared.sessions().remove(session);
        }
        Lane lane = Lane.of(channel);
        for (String tid : List.copyOf(lane.pending.keySet())) {
            PendingTransaction p = lane.pending.remove(tid);
            if (p != null) {
                p.timeout().cancel(false);
                p.source().reportFailure(p.received(), 481, "Next hop closed the connection");
            }
        }
        lane.resumePaused();
        ctx.fireChannelInactive();
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
        if (head instanceof MsrpResponse response) {
            onResponse(response);
            in = new Inbound(Kind.DISCARD, head);
            return;
        }
        MsrpRequest request = (MsrpRequest) head;
        if (MsrpMethod.AUTH.equals(request.method())) {
            in = outboundPeer ? refused(request, 403, "AUTH is for clients") : new Inbound(Kind.AUTH, head);
            return;
        }
        if (shared.config().rejectUnknownMethods() && !isForwardedMethod(request.method())) {
            in = refused(request, 501, "Method not supported");
            return;
        }
        Route route = shared.router().route(session, channel, request);
        if (route.refused()) {
            in = refused(request, route.code(), route.comment());
            return;
        }
        delivered = true;
        Inbound forward = new Inbound(Kind.FORWARD, head);
        MsrpRequest o = route.outgoing();
        forward.outgoing = new MsrpRequest(TransactionId.random(), o.method(), o.toPath(), o.fromPath(), o.headers());
        in = forward;
        shared.chunksInFlight().incrementAndGet();
        startWaiting();
        route.target().addListener((Future<Channel> f) -> targetReady(forward, f));
    }

    private static boolean isForwardedMethod(String method) {
        return MsrpMethod.SEND.equals(method) || MsrpMethod.REPORT.equals(method)
                || MsrpMethod.NICKNAME.equals(method);
    }

    private Inbound refused(MsrpRequest request, int code, String comment) {
        LOG.fine(() -> request.method() + " from " + address().getHostAddress() + " refused: " + code + " " + comment);
        Inbound r = new Inbound(Kind.REFUSED, request);
        r.code = code;
        r.comment = comment;
        return r;
    }

    /** Runs on this connection's event loop: the route's connection is there, or could not be made. */
    private void targetReady(Inbound forward, Future<Channel> f) {
        if (in != forward) {
            return;
        }
        if (!f.isSuccess()) {
            int code = f.cause() instanceof PeerConnector.NextHopException n ? n.code : 408;
            LOG.info(() -> "next hop unreachable: " + f.cause().getMessage());
            shared.chunksInFlight().decrementAndGet();
            in = refused((MsrpRequest) forward.head, code, f.cause().getMessage());
            reportFailure((MsrpRequest) forward.head, code, f.cause().getMessage());
            stopWaiting();
            return;
        }
        forward.target = f.getNow();
        forward.lane = Lane.of(forward.target);
        if (forward.lane.acquire(this)) {
            granted();
        }
    }

    @Override
    public void granted() {
        Inbound forward = in;
        if (forward == null || forward.kind != Kind.FORWARD || forward.granted) {
            return;
        }
        forward.granted = true;
        forward.target.write(forward.outgoing, forward.target.voidPromise());
        dirty.add(forward.target);
        stopWaiting();
    }

    private void startWaiting() {
        waiting = true;
        channel.config().setAutoRead(false);
    }

    private void stopWaiting() {
        waiting = false;
        while (!waiting && !backlog.isEmpty()) {
            dispatch(backlog.poll());
        }
        flushDirty();
        if (waiting) {
            return;
        }
        if (closed) {
            abortInbound(); // the sender left in the middle of a message
            flushDirty();
        } else if (!stopping) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void resumeReading() {
        channel.eventLoop().execute(() -> {
            if (!waiting && !stopping && channel.isActive()) {
                channel.config().setAutoRead(true);
            }
        });
    }

    private void onContent(MsrpContent content) {
        Inbound forward = in;
        if (forward == null || forward.kind != Kind.FORWARD || !forward.target.isActive()) {
            content.release();
            return;
        }
        if (!MsrpMethod.SEND.equals(forward.outgoing.method())) {
            forward.bytes += content.content().readableBytes();
            forward.tooLarge |= forward.bytes > MAX_NON_SEND_BODY;
            if (forward.tooLarge) {
                content.release();
                return;
            }
        }
        forward.target.write(content, forward.target.voidPromise());
        dirty.add(forward.target);
        if (!forward.target.isWritable()) {
            forward.lane.pause(this);
        }
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
                    Lane.of(channel).send(Reports.response(request, done.code, done.comment));
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
        Channel target = forward.target;
        boolean reached = target.isActive();
        String tid = forward.outgoing.transactionId();
        if (forward.tooLarge) {
            target.writeAndFlush(new MsrpEnd(tid, Continuation.ABORT), target.voidPromise());
            forward.lane.release(this);
            if (Reports.wantsResponse(received)) {
                Lane.of(channel).send(Reports.response(received, 413, "Body over " + MAX_NON_SEND_BODY
                        + " bytes for " + received.method()));
            }
            return;
        }
        if (reached && Reports.wantsResponse(received)) {
            long ms = shared.config().transactionTimeout().toMillis();
            Lane lane = forward.lane;
            Future<?> timeout = target.eventLoop().schedule(() -> {
                PendingTransaction p = lane.pending.remove(tid);
                if (p != null) {
                    reportFailure(received, 408, "No response from next hop");
                }
            }, ms, TimeUnit.MILLISECONDS);
            lane.pending.put(tid, new PendingTransaction(this, received, timeout));
        }
        target.writeAndFlush(new MsrpEnd(tid, continuation), target.voidPromise());
        forward.lane.release(this);
        if (Reports.wantsResponse(received)) {
            Lane.of(channel).send(reached ? Reports.response(received, 200, "OK")
                    : Reports.response(received, 481, "Next hop closed the connection"));
        }
        if (!reached) {
            reportFailure(received, 481, "Next hop closed the connection");
        }
    }

    /** A response on this connection answers a chunk forwarded on it; a failure goes back as a REPORT. */
    private void onResponse(MsrpResponse response) {
        PendingTransaction p = Lane.of(channel).pending.remove(response.transactionId());
        if (p == null) {
            return; // answered already (relays that answer twice) or never ours
        }
        p.timeout().cancel(false);
        if (response.code() != 200) {
            p.source().reportFailure(p.received(), response.code(), response.comment());
        }
    }

    /** Sends the sender of {@code received} a failure REPORT if it asked for one; any thread. */
    void reportFailure(MsrpRequest received, int code, String comment) {
        List<MsrpFrame> report = Reports.failure(received, code, comment);
        if (report != null && channel.isActive()) {
            Lane.of(channel).send(report);
        }
    }

    private void authenticate(MsrpRequest auth) {
        var pending = shared.authenticator().handle(auth, this);
        if (!pending.isDone()) {
            startWaiting(); // an account lookup is under way: read nothing more until it is answered
        }
        pending.thenAccept(outcome -> {
            Lane.of(channel).send(List.of(outcome.response(),
                    new MsrpEnd(outcome.response().transactionId(), Continuation.COMPLETE)));
            if (outcome.session() != null) {
                session = outcome.session();
                if (firstMessageTimer != null) {
                    firstMessageTimer.cancel(false);
                }
            }
            if (outcome.close()) {
                channel.close();
            } else if (waiting) {
                stopWaiting();
            }
        });
    }

    private void onError(MsrpFrameError error) {
        LOG.info(() -> "closing " + address().getHostAddress() + ": " + error.cause().getMessage());
        abortInbound();
        MsrpRequest broken = error.request();
        if (broken != null && Reports.wantsResponse(broken)) {
            // Its paths could be read, so the sender can be told what was wrong before the close
            // (at once, unless another chunk is being written to this connection).
            Lane.of(channel).send(Reports.response(broken, error.cause().violation().status(),
                    Reports.printable(error.cause().getMessage())));
        }
        channel.close();
    }

    /** The sender went away or broke mid-chunk: end the chunk downstream with '#'. */
    private void abortInbound() {
        Inbound forward = in;
        in = null;
        if (forward == null || forward.kind != Kind.FORWARD) {
            return;
        }
        shared.chunksInFlight().decrementAndGet();
        if (forward.lane == null) {
            return; // the next hop was still being reached: nothing went out
        }
        if (forward.granted) {
            forward.target.writeAndFlush(new MsrpEnd(forward.outgoing.transactionId(), Continuation.ABORT),
                    forward.target.voidPromise());
        }
        forward.lane.release(this);
    }

    private void flushDirty() {
        if (!dirty.isEmpty()) {
            for (Channel c : dirty) {
                c.flush();
            }
            dirty.clear();
        }
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
