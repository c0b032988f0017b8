package org.msrptools.relay;

import io.netty.channel.Channel;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.Status;

/**
 * Forwarding decisions of RFC 4976 section 7, with no open relay: a request
 * on an authenticated client's connection may only enter that client's own
 * session; a request on any other connection may only be delivered into the
 * session of one of this relay's clients. The relay takes its URI off the
 * front of To-Path and puts it at the front of From-Path; when the next URI
 * is again its own (both users on this relay), it does so once more and
 * delivers on that session's connection.
 */
final class Router {

    private final RelayIdentity identity;
    private final SessionTable sessions;
    private final PeerConnector peers;

    Router(RelayIdentity identity, SessionTable sessions, PeerConnector peers) {
        this.identity = identity;
        this.sessions = sessions;
        this.peers = peers;
    }

    /**
     * Routes {@code request} arriving on {@code from}; {@code clientSession}
     * is the session {@code from} authenticated for, or null when it is not
     * a client's connection (another relay, or a peer sending directly).
     */
    Route route(RelaySession clientSession, Channel from, MsrpRequest request) {
        MsrpUri first = request.toPath().first();
        if (!identity.isOwn(first)) {
            return Route.refuse(403, "To-Path does not start with this relay");
        }
        if (request.toPath().size() == 1 && !isForwardedMethod(request.method())) {
            return Route.refuse(501, "Method not supported"); // addressed to the relay itself, as the original answers
        }
        RelaySession session = sessions.get(first.sessionId());
        if (session == null) {
            return Route.refuse(481, "No such session");
        }
        if (clientSession != null) {
            if (session != clientSession) {
                return Route.refuse(403, "Not your session");
            }
            return onward(session, from, rest(request.toPath()), request.fromPath().prepend(first), request);
        }
        return deliver(session, from, request.toPath(), request.fromPath(), request);
    }

    /** The methods a relay knows to pass on; others are passed on unless the relay is told to refuse them. */
    static boolean isForwardedMethod(String method) {
        return MsrpMethod.SEND.equals(method) || MsrpMethod.REPORT.equals(method)
                || MsrpMethod.NICKNAME.equals(method);
    }

    private static MsrpPath rest(MsrpPath path) {
        return path.size() > 1 ? path.withoutFirst() : null;
    }

    /** After the sender's own session ({@code own}): the next hop is a session here, or another relay. */
    private Route onward(RelaySession own, Channel from, MsrpPath rest, MsrpPath fromPath, MsrpRequest request) {
        if (rest == null) {
            return Route.refuse(403, "No hop after this relay");
        }
        MsrpUri next = rest.first();
        if (identity.isOwn(next)) {
            RelaySession target = sessions.get(next.sessionId());
            if (target == null) {
                return Route.refuse(481, "No such session");
            }
            judge(own, target.owner(), request);
            return deliver(target, from, rest, fromPath, request);
        }
        if (!next.secure()) {
            return Route.refuse(403, "Next hop is not msrps: this relay forwards over TLS only");
        }
        if (!"tcp".equalsIgnoreCase(next.transport())) {
            return Route.refuse(400, "Next hop transport '" + next.transport() + "' is not tcp");
        }
        return Route.to(peers.connect(next, from.eventLoop(), own.user()), false, request.withPaths(rest, fromPath));
    }

    /**
     * A client's REPORT to a sender on this relay is its word on that
     * sender ({@link RelaySession#judged}): a 403 one lets another sender
     * take the client's session (a file refused whole once it came, from a
     * sender given the client's path by mistake, is refused so).
     */
    private static void judge(RelaySession client, Channel sender, MsrpRequest request) {
        if (!MsrpMethod.REPORT.equals(request.method())) {
            return;
        }
        try {
            Status status = request.headers().status();
            if (status != null) {
                client.judged(sender, status.code());
            }
        } catch (MsrpSyntaxException e) {
            // no word on the sender; the REPORT goes on as it is, for its receiver to judge
        }
    }

    /** Into a local client's session: bind it to the sending connection, send on its owner's. */
    private Route deliver(RelaySession target, Channel from, MsrpPath toPath, MsrpPath fromPath, MsrpRequest request) {
        if (!target.owner().isActive()) {
            // Its client closed, and the session ends once what the client sent before has gone on.
            return Route.refuse(481, "No such session");
        }
        if (!target.bind(from)) {
            return Route.refuse(506, "Session already bound to another connection");
        }
        MsrpPath rest = rest(toPath);
        if (rest == null) {
            return Route.refuse(403, "No hop after this relay");
        }
        return Route.to(from.eventLoop().newSucceededFuture(target.owner()), true,
                request.withPaths(rest, fromPath.prepend(toPath.first())));
    }
}
