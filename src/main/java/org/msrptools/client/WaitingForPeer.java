package org.msrptools.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;

/**
 * A sender's connection while its user finds the peer's path (minutes,
 * often): it is read, so that a relay that stops or closes it is seen at
 * once, not when the path is pasted. Nothing should come before the file
 * goes; a request that does is refused as the sender refuses it later, and
 * its answer is left out when the connection cannot take it (so a flood
 * cannot pile answers up here; the relay then times the request out).
 */
public final class WaitingForPeer implements MsrpConnection.Listener {

    private final Authentication.Session session;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private WaitingForPeer(Authentication.Session session) {
        this.session = session;
    }

    /** Reads the session's connection from now until the next listener. */
    public static WaitingForPeer start(Authentication.Session session) {
        WaitingForPeer w = new WaitingForPeer(session);
        session.connection().listener(w);
        if (!session.connection().channel().isActive()) {
            w.closed(); // closed before: the listener then (a sender whose try had failed) let it pass
        }
        return w;
    }

    /** Done, with the reason as a {@link ClientException}, when the connection ends during the wait. */
    public Future<Void> ended() {
        return ended;
    }

    @Override
    public void frame(MsrpFrame frame) {
        if (frame instanceof MsrpContent c) {
            c.release();
        } else if (frame instanceof MsrpRequest r && !MsrpMethod.REPORT.equals(r.method())) {
            FileSender.refuse(session, r);
        } else if (frame instanceof MsrpFrameError e) {
            ended.completeExceptionally(new ClientException(ClientException.Kind.TRANSFER,
                    "the relay sent invalid MSRP: " + e.cause().getMessage()));
            session.connection().channel().close();
        }
    }

    @Override
    public void closed() {
        ended.completeExceptionally(ConnectionLoss.of(session, "while waiting for the destination path"));
    }
}
