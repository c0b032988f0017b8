package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.testing.Wire;

/**
 * Mutated frames against a live relay over TLS, from an authenticated
 * client (the connection is opened again whenever the relay closes it):
 * the relay must go on serving, and its memory must not grow. Frames come
 * from {@code fuzz.relay.frames} (1,000 in the normal build; more for a
 * campaign: {@code mvn -B -Dfuzz.relay.frames=1000000 -Dtest=RelayFuzzTest test}).
 */
class RelayFuzzTest {

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.HOURS)
    void mutatedFramesNeverStopTheRelay() throws Exception {
        long frames = Long.getLong("fuzz.relay.frames", 1_000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("RelayFuzzTest: " + frames + " frames, -Dfuzz.seed=" + seed);
        Random random = new Random(seed);
        try (TestRelay relay = TestRelay.start(); TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            TestPeer alice = TestPeer.signedIn(relay, "alice");
            List<byte[]> corpus = corpus(alice, bob);
            long heapBefore = usedHeap();
            int reconnects = 0;
            for (long i = 0; i < frames; i++) {
                if (!alice.connection.isOpen()) {
                    alice.close();
                    alice = TestPeer.signedIn(relay, "alice");
                    corpus = corpus(alice, bob);
                    reconnects++;
                }
                byte[] frame = org.msrptools.protocol.CodecFuzzTest.mutate(corpus.get(random.nextInt(corpus.size())), random);
                int from = 0;
                while (from < frame.length) {
                    int n = 1 + random.nextInt(Math.min(frame.length - from, 1 + random.nextInt(256)));
                    alice.connection.channel().writeAndFlush(Unpooled.wrappedBuffer(frame, from, n));
                    from += n;
                }
                // Give the relay a moment to refuse the frame, so the next one meets a live connection.
                alice.connection.channel().closeFuture().await(3);
            }
            alice.close();
            System.out.println("RelayFuzzTest: " + reconnects + " times the relay closed the connection");
            assertThat(reconnects).as("the mutations include invalid frames").isPositive();
            try (TestPeer check = TestPeer.signedIn(relay, "carol")) {
                assertThat(check.usePath).as("still serving").isNotNull();
            }
            assertThat(usedHeap() - heapBefore).as("no growth in memory").isLessThan(64L * 1024 * 1024);
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Valid frames of this session, as bytes: the seeds the mutations start from. */
    private static List<byte[]> corpus(TestPeer alice, TestPeer bob) {
        List<byte[]> frames = new ArrayList<>();
        for (int size : new int[] {0, 1, 100, 5000}) {
            MsrpRequest send = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "f" + size)
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, size, size))
                    .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));
            frames.add(encode(send, new byte[size]));
        }
        MsrpRequest report = new MsrpRequest("rep12345", "REPORT", alice.usePath.concat(bob.path()),
                org.msrptools.protocol.MsrpPath.of(alice.ownUri), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "x")
                .add(MsrpHeaders.STATUS, "000 200 OK"));
        frames.add(encode(report, null));
        return frames;
    }

    private static byte[] encode(MsrpRequest head, byte[] body) {
        MsrpEnd end = new MsrpEnd(head.transactionId(), Continuation.COMPLETE);
        return body == null ? Wire.encode(head, end)
                : Wire.encode(head, new MsrpContent(Unpooled.wrappedBuffer(body)), end);
    }
}
