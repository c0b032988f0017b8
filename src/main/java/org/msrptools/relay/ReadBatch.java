package org.msrptools.relay;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * What one read batch of a connection produced for other connections,
 * grouped by target: handed over at the end of the batch as one task per
 * target (a direct call when the target shares this event loop), so a busy
 * transfer costs one cross-loop wake-up per batch, not one per frame.
 */
final class ReadBatch {

    private final List<Outbound> targets = new ArrayList<>(2);
    private final List<List<Object>> frames = new ArrayList<>(2);

    /** Adds {@code frame} of {@code message} for {@code target}. */
    void add(Outbound target, OutboundMessage message, Object frame) {
        int i = targets.indexOf(target);
        if (i < 0) {
            i = targets.size();
            targets.add(target);
            frames.add(new ArrayList<>());
        }
        List<Object> pairs = frames.get(i);
        pairs.add(message);
        pairs.add(frame);
    }

    /** Hands everything over; {@code loop} is the source's own. */
    void deliver(EventLoop loop) {
        for (int i = 0; i < targets.size(); i++) {
            Outbound target = targets.get(i);
            List<Object> pairs = frames.get(i);
            EventLoop targetLoop = target.channel().eventLoop();
            if (targetLoop == loop) {
                target.deliver(pairs);
            } else {
                try {
                    targetLoop.execute(() -> target.deliver(pairs));
                } catch (RejectedExecutionException stopped) {
                    // The target's loop ended with the relay: what was for it goes, its bytes given back
                    // (they leaked, and the rest of the batch was not handed over). That loop may still be
                    // running its last tasks, ending the same messages: a head's bytes may be given back twice
                    // then, or a sender told twice, only while the relay stops (found by review).
                    for (int p = 0; p < pairs.size(); p += 2) {
                        ((OutboundMessage) pairs.get(p)).discard(pairs.get(p + 1));
                    }
                }
            }
        }
        targets.clear();
        frames.clear();
    }
}
