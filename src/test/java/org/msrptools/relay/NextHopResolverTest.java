package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msrptools.relay.PeerConnector.NextHopException;

/**
 * Host names that take long to resolve, as a user can make the relay look
 * up: a few threads resolve them, a short queue waits, and the rest are
 * answered at once. The lookup is the one thing replaced: the system
 * resolver cannot be made slow from a test.
 */
class NextHopResolverTest {

    private final EventExecutor loop = new DefaultEventExecutor();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void slowNamesTakeAFewThreadsAndOverflowIsAnsweredAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        InetAddress testNet = InetAddress.getByName("192.0.2.7");
        NextHopResolver.Lookup slow = host -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return new InetAddress[] {testNet};
        };
        try (NextHopResolver resolver = new NextHopResolver(false, slow)) {
            List<Future<InetAddress>> waiting = new ArrayList<>();
            for (int i = 0; i < NextHopResolver.THREADS + NextHopResolver.QUEUE; i++) {
                waiting.add(resolver.resolve("slow" + i + ".example.com", loop));
            }
            Future<InetAddress> overflow = resolver.resolve("one-more.example.com", loop);
            assertThat(overflow.await(5, TimeUnit.SECONDS)).as("answered at once, not queued").isTrue();
            assertThat(overflow.cause()).isInstanceOf(NextHopException.class)
                    .hasMessageContaining("one-more.example.com");
            assertThat(((NextHopException) overflow.cause()).code).isEqualTo(408);
            assertThat(waiting).noneMatch(Future::isDone);

            release.countDown();
            for (Future<InetAddress> f : waiting) {
                assertThat(f.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(f.getNow()).isEqualTo(testNet);
            }
            assertThat(mostAtOnce.get()).as("lookups at once").isLessThanOrEqualTo(NextHopResolver.THREADS);
            assertThat(resolver.resolve("later.example.com", loop).await().getNow())
                    .as("room again once the slow names are done").isEqualTo(testNet);
        }
    }
}
