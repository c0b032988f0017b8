package org.msrptools.relay;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import org.msrptools.protocol.MsrpRequest;

/**
 * Where a request goes: a next-hop connection (maybe still connecting), whether
 * that is a client of this relay (else a peer), and the rewritten request; or a refusal.
 */
record Route(Future<Channel> target, boolean toClient, MsrpRequest outgoing, int code, String comment) {

    static Route to(Future<Channel> target, boolean toClient, MsrpRequest outgoing) {
        return new Route(target, toClient, outgoing, 0, null);
    }

    static Route refuse(int code, String comment) {
        return new Route(null, false, null, code, comment);
    }

    boolean refused() {
        return code != 0;
    }
}
