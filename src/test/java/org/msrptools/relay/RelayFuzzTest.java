package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msrptools.protocol.CodecFuzzTest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.testing.LeakWatch;
import org.msrptools.testing.LogCapture;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;

/**
 * Mutated frames against a live relay over TLS: mostly mutations that
 * keep MSRP framing ({@link FrameMutator}), so one connection carries many
 * of them, and one in {@value #RAW} with the byte-level mutations of the
 * decoder's fuzz test, which mostly end the connection. Each worker signs in as alice (one connection in four stays
 * unauthenticated, as another relay would be, from another loopback address), with its own bob as the
 * peer, and pipelines frames; after every batch a valid probe SEND must be
 * answered, or the relay has closed the connection (a frame was bad) or is
 * waiting inside a body a mutation left open (the worker then hangs up and
 * starts again). The relay must go on serving, no exception may reach a
 * connection's error handler other than a closed socket, no buffer may
 * leak while it runs (every buffer tracked; {@link LeakWatch} keeps earlier
 * tests' leaks out), and its memory must not grow. Size: {@code fuzz.relay.frames}
 * (10,000 in the build), {@code fuzz.relay.workers} (2), {@code fuzz.seed}.
 */
class RelayFuzzTest {

    private static final int BATCH = 8;
    /** One frame in this many gets the decoder fuzz test's byte-level mutations. */
    private static final int RAW = 32;
    private static final Duration PROBE_WAIT = Duration.ofMillis(50);
    /** Where the connections that stay unauthenticated come from: loopback too, but not alice's address. */
    private static final InetAddress STRANGERS = address("127.0.0.2");

    /** What a campaign saw. */
    private static final class Counts {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong confirmed = new AtomicLong();
        final AtomicLong closedByRelay = new AtomicLong();
        final AtomicLong leftWaiting = new AtomicLong();
    }

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.HOURS)
    void mutatedFramesNeverStopTheRelay() throws Exception {
        long frames = Long.getLong("fuzz.relay.frames", 10_000);
        int workers = Integer.getInteger("fuzz.relay.workers", 2);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("RelayFuzzTest: " + frames + " frames, " + workers + " workers, -Dfuzz.seed=" + seed);
        Counts counts = new Counts();
        long started = System.nanoTime();
        TestRelay.Settings settings = new TestRelay.Settings();
        settings.config.tlsEngine(org.msrptools.tls.TlsEngine.preferred()); // what msrp-relay runs on by default
        List<String> surprises;
        try (LeakWatch leaks = LeakWatch.open(); // before the capture: earlier tests' leaks are not this test's
             LogCapture watch = LogCapture.of(Level.FINE, RelayFuzzTest::surprising, WATCHED)) {
            try (TestRelay relay = TestRelay.start(settings)) {
                long heapBefore = usedHeap();
                ExecutorService pool = Executors.newFixedThreadPool(workers);
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    Random random = new Random(seed + w);
                    long share = frames / workers + (w < frames % workers ? 1 : 0);
                    done.add(pool.submit(() -> {
                        campaign(relay, random, share, counts);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("RelayFuzzTest: %d frames sent in %.0f s (%.0f/s); %d confirmed processed by a "
                        + "probe answered after them; the relay closed the connection %d times; %d times it was left "
                        + "waiting inside a body%n", counts.sent.get(), seconds, counts.sent.get() / seconds,
                        counts.confirmed.get(), counts.closedByRelay.get(), counts.leftWaiting.get());
                assertThat(counts.closedByRelay.get()).as("the mutations include invalid frames").isPositive();
                assertThat(counts.confirmed.get()).as("and frames the relay took").isPositive();
                try (TestPeer check = TestPeer.signedIn(relay, "carol")) {
                    assertThat(check.usePath).as("still serving").isNotNull();
                }
                Thread.sleep(500); // let the last closes run their handlers
                assertThat(usedHeap() - heapBefore).as("no growth in memory").isLessThan(64L * 1024 * 1024);
            }
            leaks.report(); // the relay stopped: what its close path leaked is in too
            surprises = watch.lines();
        }
        assertThat(surprises).as("exceptions in the relay other than closed sockets, and leaked buffers")
                .isEmpty();
    }

    private static void campaign(TestRelay relay, Random random, long frames, Counts counts) throws Exception {
        var tls = relay.clientTls(); // one per worker: its session cache lets TLS resume
        try (TestPeer bob = TestPeer.signedIn(relay.port(), tls, "bob")) {
            bob.keep = r -> false; // it only answers; a long run must not keep what it received
            long sent = 0;
            int probes = 0;
            while (sent < frames) {
                boolean signedIn = random.nextInt(4) != 0;
                // Strangers (not signed in) fuzz AUTH from an address of their own: once their guesses are on
                // record, the relay checks one password at a time from their address and refuses the rest
                // unchecked (AuthThrottle), which would shut alice's honest sign-ins out for the whole run.
                TestPeer alice = signedIn ? TestPeer.signedIn(relay.port(), tls, "alice")
                        : TestPeer.connectFrom(STRANGERS, relay.port(), tls);
                try {
                    alice.keep = r -> r.head() instanceof MsrpResponse resp
                            && resp.transactionId().startsWith("probe");
                    List<FrameMutator.Seed> seeds = seeds(alice, bob, signedIn);
                    Channel ch = alice.connection.channel();
                    boolean open = true;
                    while (open && sent < frames) {
                        int batch = (int) Math.min(BATCH, frames - sent);
                        ByteArrayOutputStream pending = new ByteArrayOutputStream();
                        for (int i = 0; i < batch; i++) {
                            FrameMutator.Seed seed = seeds.get(random.nextInt(seeds.size()));
                            String tid = "fz" + Long.toString(sent + i, 36) + "x";
                            // Mostly framed mutations, which keep the connection; one in RAW breaks framing.
                            byte[] frame = random.nextInt(RAW) == 0
                                    ? CodecFuzzTest.mutate(FrameMutator.valid(seed, tid), random)
                                    : FrameMutator.mutate(seed, tid, random);
                            if (random.nextInt(8) == 0) {
                                // cut into pieces that reach the relay as TLS records of their own
                                ch.writeAndFlush(Unpooled.wrappedBuffer(pending.toByteArray()));
                                pending.reset();
                                writeInPieces(ch, frame, random);
                            } else {
                                pending.writeBytes(frame);
                            }
                        }
                        sent += batch;
                        long total = counts.sent.addAndGet(batch);
                        if (total / 1_000_000 != (total - batch) / 1_000_000) {
                            System.out.println("RelayFuzzTest: " + total + " frames sent");
                        }
                        String tid = "probe" + probes++;
                        pending.writeBytes(FrameMutator.valid(probe(alice, bob, signedIn), tid));
                        ch.writeAndFlush(Unpooled.wrappedBuffer(pending.toByteArray()));
                        switch (answer(alice, tid)) {
                            case ANSWERED -> counts.confirmed.addAndGet(batch);
                            case CLOSED -> {
                                counts.closedByRelay.incrementAndGet();
                                open = false;
                            }
                            case SILENT -> {
                                counts.leftWaiting.incrementAndGet();
                                open = false;
                            }
                        }
                    }
                } finally {
                    // Hang up without waiting for the client's threads to end: connections come and go by the
                    // thousand here.
                    alice.connection.channel().close();
                    alice.connection.channel().eventLoop().parent().shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
            }
        }
    }

    private enum Answer { ANSWERED, CLOSED, SILENT }

    private static Answer answer(TestPeer alice, String tid) throws InterruptedException {
        long deadline = System.nanoTime() + PROBE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            TestPeer.Received r = alice.next(Duration.ofMillis(20));
            if (r != null && ((MsrpResponse) r.head()).transactionId().equals(tid)) {
                return Answer.ANSWERED;
            }
            if (r == null && !alice.connection.isOpen()) {
                return Answer.CLOSED;
            }
        }
        return alice.connection.isOpen() ? Answer.SILENT : Answer.CLOSED;
    }

    private static void writeInPieces(Channel ch, byte[] frame, Random random) {
        int from = 0;
        while (from < frame.length) {
            int n = 1 + random.nextInt(Math.min(frame.length - from, 1 + random.nextInt(256)));
            ch.writeAndFlush(Unpooled.wrappedBuffer(frame, from, n));
            from += n;
        }
    }

    /** Where this connection's frames go: through alice's session when signed in, else into bob's. */
    private static String to(TestPeer alice, TestPeer bob, boolean signedIn) {
        return (signedIn ? alice.usePath.concat(bob.path()) : bob.path()).toString();
    }

    private static FrameMutator.Seed probe(TestPeer alice, TestPeer bob, boolean signedIn) {
        return new FrameMutator.Seed("SEND", to(alice, bob, signedIn), alice.ownUri.toString(),
                List.of(Map.entry("Message-ID", "probe"), Map.entry("Byte-Range", "1-1/1")), new byte[] {'p'});
    }

    /** Valid messages of this connection: the seeds the mutations start from. */
    private static List<FrameMutator.Seed> seeds(TestPeer alice, TestPeer bob, boolean signedIn) {
        String to = to(alice, bob, signedIn);
        String from = alice.ownUri.toString();
        List<FrameMutator.Seed> seeds = new ArrayList<>();
        for (int size : new int[] {0, 1, 100, 5000}) {
            seeds.add(new FrameMutator.Seed("SEND", to, from, List.of(Map.entry("Message-ID", "f" + size),
                    Map.entry("Byte-Range", "1-" + size + "/" + size)), new byte[size]));
        }
        seeds.add(new FrameMutator.Seed("REPORT", to, from, List.of(Map.entry("Message-ID", "x"),
                Map.entry("Byte-Range", "1-10/10"), Map.entry("Status", "000 200 OK")), null));
        seeds.add(new FrameMutator.Seed("NICKNAME", to, from, List.of(Map.entry("Use-Nickname", "\"fuzz\"")), null));
        seeds.add(new FrameMutator.Seed("AUTH", bob.usePath.first().toString(), from, List.of(), null));
        return seeds;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a literal is never looked up
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

    /** Where what must never happen would be logged. */
    private static final String[] WATCHED = {RelayConnection.class.getName(), ConnectionState.class.getName(),
        "io.netty.channel.DefaultChannelPipeline", "io.netty.util.ResourceLeakDetector"};

    /**
     * What must never happen while a campaign runs: an exception reaching a
     * relay connection's error handler that is not a socket closing, Netty's
     * report of an exception nobody handled, a leaked buffer.
     */
    private static boolean surprising(LogRecord r) {
        Throwable t = r.getThrown();
        if (r.getLoggerName().equals(RelayConnection.class.getName())
                || r.getLoggerName().equals(ConnectionState.class.getName())) {
            return t != null && !closedSocket(t); // the relay's own reasons for closing are fine
        }
        return r.getLevel().intValue() >= Level.WARNING.intValue();
    }

    private static boolean closedSocket(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true; // includes SSLException: the peer's TLS ended mid-record
            }
        }
        return false;
    }
}
