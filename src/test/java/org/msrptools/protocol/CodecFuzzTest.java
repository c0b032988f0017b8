package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutation fuzzing of the decoder: frames from a seed corpus (the RFC
 * examples and generated messages) are mutated and fed in random splits.
 * Nothing but the codec's own error may come out, nothing may hang, and the
 * decoder may never hold more than its limits. The frame count comes from
 * the system property {@code fuzz.frames} (10^5 in the normal build,
 * 10^7 with {@code mvn -Pfuzz -Dtest=CodecFuzzTest test}); the seed from
 * {@code fuzz.seed}, printed so that a failure can be replayed.
 */
public class CodecFuzzTest {

    private static final int MAX_HEAD = 8 * 1024;

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.HOURS)
    void mutatedFramesGiveOnlyCodecErrors() {
        long frames = Long.getLong("fuzz.frames", 100_000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("CodecFuzzTest: " + frames + " frames, -Dfuzz.seed=" + seed);
        Random random = new Random(seed);
        List<byte[]> corpus = corpus();
        long errors = 0;
        long messages = 0;
        for (long i = 0; i < frames; i++) {
            byte[] frame = mutate(corpus.get(random.nextInt(corpus.size())), random);
            Outcome outcome = decode(frame, random);
            errors += outcome.errors;
            messages += outcome.messages;
        }
        System.out.println("CodecFuzzTest: " + messages + " messages decoded, " + errors + " rejected");
        // The corpus and mutations must exercise both outcomes, or the fuzzer tests nothing.
        assertThat(errors).isPositive();
        assertThat(messages).isPositive();
    }

    private record Outcome(int messages, int errors) {
    }

    /** Decodes with small limits so the limit paths are hit; any other exception fails the test. */
    private static Outcome decode(byte[] frame, Random random) {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpDecoder(1024, 16, MAX_HEAD));
        int messages = 0;
        int errors = 0;
        int from = 0;
        long heldMax = 0;
        long emitted = 0;
        while (from < frame.length) {
            int n = 1 + random.nextInt(Math.min(frame.length - from, 1 + random.nextInt(512)));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, from, n));
            from += n;
            Object o;
            while ((o = ch.readInbound()) != null) {
                if (o instanceof MsrpContent c) {
                    emitted += c.content().readableBytes();
                    c.release();
                } else if (o instanceof MsrpEnd) {
                    messages++;
                } else if (o instanceof MsrpFrameError) {
                    errors++;
                }
            }
            heldMax = Math.max(heldMax, from - emitted);
        }
        ch.finish();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof MsrpContent c) {
                c.release();
            } else if (o instanceof MsrpFrameError) {
                errors++;
            }
        }
        assertThat(errors).isLessThanOrEqualTo(1);
        return new Outcome(messages, errors);
    }

    static List<byte[]> corpus() {
        List<byte[]> corpus = new ArrayList<>();
        for (String name : new String[] {"rfc4975-send.msrp", "rfc4975-response.msrp", "rfc4975-report.msrp",
                "rfc4975-chunks.msrp", "rfc4976-auth.msrp", "rfc4976-relay-send.msrp"}) {
            corpus.add(RfcExamplesTest.resource(name));
        }
        for (CodecPropertiesTest.Sample s : CodecPropertiesTest.seedCorpus(200)) {
            corpus.add(s.wire());
        }
        return corpus;
    }

    private static final byte[][] TOKENS = {
            "\r\n".getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII),
            "-------".getBytes(StandardCharsets.US_ASCII), "$".getBytes(StandardCharsets.US_ASCII),
            "MSRP ".getBytes(StandardCharsets.US_ASCII), ":".getBytes(StandardCharsets.US_ASCII),
            "Content-Type: a/b\r\n".getBytes(StandardCharsets.US_ASCII), {(byte) 0xff, (byte) 0xc3},
            "Byte-Range: 1-*/*\r\n".getBytes(StandardCharsets.US_ASCII), {0},
    };

    public static byte[] mutate(byte[] input, Random random) {
        byte[] b = input;
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        b[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = splice(b, at, Math.min(b.length - at, random.nextInt(16)), new byte[0]);
                case 2 -> b = splice(b, at, 0, TOKENS[random.nextInt(TOKENS.length)]);
                case 3 -> {
                    int len = Math.min(b.length - at, random.nextInt(64));
                    b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
                }
                case 4 -> b = Arrays.copyOf(b, at);
                case 5 -> {
                    byte[] junk = new byte[random.nextInt(32)];
                    random.nextBytes(junk);
                    b = splice(b, at, 0, junk);
                }
                default -> {
                    // Leave it valid now and then, so valid decoding stays exercised.
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
