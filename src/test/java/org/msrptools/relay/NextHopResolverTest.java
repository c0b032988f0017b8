package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
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

    /** Addresses inside networks are private, including IPv4 ones carried in IPv6 (NAT64, 6to4, compatible). */
    @Test
    void privateAddressesAreToldFromTheInternets() throws Exception {
        for (String inside : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "100.64.0.1",
                "0.1.2.3", "192.0.0.8", "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255", "224.0.0.1",
                "::1", "::", "fe80::1", "fd00::1", "ff02::1", "64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:a00:1::1",
                "::10.0.0.1")) {
            assertThat(NextHopResolver.isPrivate(InetAddress.getByName(inside))).as(inside).isTrue();
        }
        for (String outside : List.of("8.8.8.8", "192.0.2.1", "198.17.255.255", "198.20.0.1", "100.128.0.1",
                "223.255.255.255", "2001:db8::1", "64:ff9b::808:808", "2002:808:808::1", "::8.8.8.8")) {
            assertThat(NextHopResolver.isPrivate(InetAddress.getByName(outside))).as(outside).isFalse();
        }
        assertThat(NextHopResolver.isPrivate(InetAddress.getByName("64:ff9b:1::808:808"))).as("local-use NAT64")
                .isTrue();
        // A resolver may return an IPv4-mapped address as IPv6 (Java's own parser makes it IPv4).
        for (int[] v4 : new int[][] {{10, 1, 2, 3}, {127, 0, 0, 1}, {8, 8, 8, 8}}) {
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            for (int i = 0; i < 4; i++) {
                b[12 + i] = (byte) v4[i];
            }
            InetAddress a = Inet6Address.getByAddress(null, b, null);
            assertThat(a).isInstanceOf(Inet6Address.class);
            assertThat(NextHopResolver.isPrivate(a)).as(a.toString()).isEqualTo(v4[0] != 8);
        }
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
