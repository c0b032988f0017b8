package org.msrptools.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.TransactionId;

/**
 * The messages a client signed in here has left unfinished on their way
 * (the last chunk of each ended with {@code +}), to be ended with an empty
 * {@code #} chunk when its connection goes. Without a relay, the receiver
 * sees the sender's connection drop and knows the message was interrupted
 * (RFC 4975 section 7.1); behind a relay, its own connection stays up, and
 * it waited for the rest until its own timeout (found by a new user: a
 * sender killed between two chunks, the receiver silent for 60 s, then
 * blaming a timeout). On the client's event loop.
 */
final class UnfinishedMessages {

    /** Messages remembered per connection (a client sends one file, or a few, at a time); the oldest go first. */
    static final int MOST = 64;

    private record Unfinished(Outbound target, MsrpPath toPath, MsrpPath fromPath, long next, long total) {
    }

    private final Map<String, Unfinished> byMessageId = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Unfinished> eldest) {
            return size() > MOST;
        }
    };

    /** A chunk of a SEND, {@code bodyBytes} long, was passed on to {@code target} whole, ending with {@code flag}. */
    void chunkSent(Outbound target, MsrpRequest outgoing, long bodyBytes, Continuation flag) {
        String id = outgoing.headers().messageId();
        ByteRange range = outgoing.headers().byteRange(); // checked by the decoder
        if (id == null || range == null) {
            return;
        }
        if (flag == Continuation.MORE) {
            byMessageId.put(id, new Unfinished(target, outgoing.toPath(), outgoing.fromPath(),
                    range.start() + bodyBytes, range.total()));
        } else {
            byMessageId.remove(id);
        }
    }

    /** The message's chunk being read was ended with {@code #} already. */
    void aborted(MsrpRequest outgoing) {
        String id = outgoing.headers().messageId();
        if (id != null) {
            byMessageId.remove(id);
        }
    }

    /** The client's connection went: each message it left unfinished is ended downstream, counted in {@code budget}. */
    void abortAll(ConnectionState source, Budget budget, ReadBatch batch) {
        for (Map.Entry<String, Unfinished> e : byMessageId.entrySet()) {
            Unfinished u = e.getValue();
            if (!u.target().channel().isActive()) {
                continue;
            }
            String tid = TransactionId.random();
            MsrpRequest abort = new MsrpRequest(tid, MsrpMethod.SEND, u.toPath(), u.fromPath(), new MsrpHeaders()
                    .add(MsrpHeaders.MESSAGE_ID, e.getKey())
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(u.next(), ByteRange.UNKNOWN, u.total()))
                    .add(MsrpHeaders.FAILURE_REPORT, "no"));
            OutboundMessage m = new OutboundMessage(abort, budget, source, abort);
            budget.take(m.headCharge());
            batch.add(u.target(), m, abort);
            batch.add(u.target(), m, new MsrpEnd(tid, Continuation.ABORT));
        }
        byMessageId.clear();
    }
}
