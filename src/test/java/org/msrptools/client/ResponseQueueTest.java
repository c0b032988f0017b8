package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;

class ResponseQueueTest {

    private static final MsrpPath PATH = MsrpPath.parse("msrps://127.0.0.1:2855/abc;tcp");

    /**
     * Requests before the sign-in ends are held for the transfer, up to a
     * bound: past it the sign-in fails, and what comes after is let go,
     * not held (a relay sending ever more before it answers AUTH).
     */
    @Test
    void requestsBeforeTheSignInEndsAreHeldUpToABoundThenTheSignInFails() throws Exception {
        ResponseQueue queue = new ResponseQueue();
        List<MsrpContent> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queue.frame(new MsrpRequest("tid0000" + i, MsrpMethod.SEND, PATH, PATH, new MsrpHeaders()));
            MsrpContent body = new MsrpContent(Unpooled.buffer(64 * 1024).writerIndex(64 * 1024));
            bodies.add(body);
            queue.frame(body);
        }
        assertThatThrownBy(() -> queue.await("auth", 1000)).isInstanceOf(ClientException.class)
                .hasMessage("the relay sent more than 1048576 bytes or 256 pieces of requests before the sign-in ended");
        CollectingListener next = new CollectingListener();
        queue.handOver(next);
        List<MsrpFrame> handed = next.frames;
        assertThat(handed).hasSizeBetween(2 * 16, 2 * 17 + 1);
        assertThat(bodies.subList(17, 40)).allMatch(b -> b.refCnt() == 0);
        assertThat(bodies.subList(0, 16)).allMatch(b -> b.refCnt() == 1);
    }

    /**
     * Small requests count by number too (each piece may keep a whole read
     * buffer), and an overflow after the relay's answer fails the sign-in
     * all the same, once reading has paused.
     */
    @Test
    void manySmallRequestsOverflowToo() throws Exception {
        ResponseQueue queue = new ResponseQueue();
        queue.frame(new MsrpResponse("tid00auth", 200, "OK", PATH, PATH, new MsrpHeaders()));
        for (int i = 0; i < ResponseQueue.HELD_FRAMES + 10; i++) {
            queue.frame(new MsrpRequest("tid0000" + i, MsrpMethod.SEND, PATH, PATH, new MsrpHeaders()));
        }
        assertThat(queue.await("tid00auth", 1000).code()).isEqualTo(200);
        assertThatThrownBy(queue::checkHeld).isInstanceOf(ClientException.class).hasMessageContaining("256 pieces");
        CollectingListener next = new CollectingListener();
        queue.handOver(next);
        assertThat(next.frames).hasSize(ResponseQueue.HELD_FRAMES + 1);
    }

    /** A few requests ahead of the transfer are all held, in order. */
    @Test
    void aFewRequestsAreHeldInOrder() throws Exception {
        ResponseQueue queue = new ResponseQueue();
        for (int i = 0; i < 3; i++) {
            queue.frame(new MsrpRequest("tid0000" + i, MsrpMethod.SEND, PATH, PATH, new MsrpHeaders()));
        }
        assertThat(queue.await("auth", 10)).isNull();
        CollectingListener next = new CollectingListener();
        queue.handOver(next);
        assertThat(next.frames.stream().map(f -> ((MsrpRequest) f).transactionId())).containsExactly("tid00000", "tid00001", "tid00002");
    }
}
