package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.msrptools.testing.Wire;

/**
 * Property tests of the codec: whatever is encoded decodes back to the same
 * head, body and end, however the bytes are split on the way.
 */
class CodecPropertiesTest {

    /** A message as the generators make it, plus its wire form. */
    record Sample(MsrpHead head, byte[] body, MsrpEnd end) {
        byte[] wire() {
            if (!head.hasBody()) {
                return Wire.encode(head, end);
            }
            // Body in two pieces, to exercise content pass-through.
            int half = body.length / 2;
            return Wire.encode(head, new MsrpContent(Unpooled.wrappedBuffer(body, 0, half)),
                    new MsrpContent(Unpooled.wrappedBuffer(body, half, body.length - half)), end);
        }

        Decoded.Message expected() {
            return new Decoded.Message(Decoded.text(head), head.hasBody() ? body : new byte[0], end, null);
        }
    }

    @Property(tries = 300)
    void encodeThenDecodeGivesTheSameMessage(@ForAll("samples") Sample s) {
        assertSame(Decoded.decode(s.wire()), s);
    }

    @Property(tries = 60)
    void everySplitPointDecodesIdentically(@ForAll("smallSamples") Sample s) {
        byte[] wire = s.wire();
        for (int i = 1; i < wire.length; i++) {
            assertSame(Decoded.decode(wire, i), s);
        }
        int[] everyByte = java.util.stream.IntStream.range(1, wire.length).toArray();
        assertSame(Decoded.decode(wire, everyByte), s);
    }

    @Property(tries = 40)
    void randomSplitsOfLargeMessages(@ForAll("largeSamples") Sample s, @ForAll("seeds") long seed) {
        byte[] wire = s.wire();
        java.util.Random random = new java.util.Random(seed);
        int[] splits = random.ints(1 + random.nextInt(60), 1, wire.length).sorted().distinct().toArray();
        assertSame(Decoded.decode(wire, splits), s);
    }

    @Property(tries = 100)
    void severalMessagesBackToBack(@ForAll("smallSamples") Sample a, @ForAll("samples") Sample b,
                                   @ForAll("seeds") long seed) {
        byte[] wa = a.wire();
        byte[] wb = b.wire();
        byte[] both = Arrays.copyOf(wa, wa.length + wb.length);
        System.arraycopy(wb, 0, both, wa.length, wb.length);
        int split = 1 + (int) Math.floorMod(seed, (long) both.length - 1);
        List<Decoded.Message> decoded = Decoded.decode(both, split);
        assertThat(decoded).hasSize(2);
        assertEqual(decoded.get(0), a.expected());
        assertEqual(decoded.get(1), b.expected());
    }

    private static void assertSame(List<Decoded.Message> decoded, Sample s) {
        assertThat(decoded).hasSize(1);
        assertEqual(decoded.get(0), s.expected());
    }

    private static void assertEqual(Decoded.Message actual, Decoded.Message expected) {
        assertThat(actual.error()).isNull();
        assertThat(actual.head()).isEqualTo(expected.head());
        assertThat(actual.body()).isEqualTo(expected.body());
        assertThat(actual.end()).isEqualTo(expected.end());
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<Sample> samples() {
        return samples(0, 2000);
    }

    @Provide
    Arbitrary<Sample> smallSamples() {
        return samples(0, 60);
    }

    @Provide
    Arbitrary<Sample> largeSamples() {
        return samples(100_000, 400_000);
    }

    static Arbitrary<String> transactionIds() {
        Arbitrary<Character> first = Arbitraries.chars().alpha().numeric();
        Arbitrary<String> rest = Arbitraries.strings().alpha().numeric().withChars(".-+%=").ofMinLength(3).ofMaxLength(31);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    static Arbitrary<MsrpUri> uris() {
        Arbitrary<String> hosts = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12).map(s -> s + ".example.com"),
                Arbitraries.integers().between(1, 254).map(i -> "10.0.0." + i),
                Arbitraries.just("[2001:db8::1]"));
        Arbitrary<String> sessions = Arbitraries.strings().alpha().numeric().withChars("-._~+=/")
                .ofMinLength(1).ofMaxLength(40).injectNull(0.2);
        Arbitrary<Integer> ports = Arbitraries.oneOf(Arbitraries.integers().between(1, 65535), Arbitraries.just(-1));
        return Combinators.combine(Arbitraries.of(true, false), hosts, ports, sessions)
                .as((secure, host, port, session) -> MsrpUri.of(secure, null, host, port, session));
    }

    static Arbitrary<MsrpPath> paths() {
        return uris().list().ofMinSize(1).ofMaxSize(4).map(MsrpPath::of);
    }

    static Arbitrary<MsrpHeaders> headers(boolean withBody) {
        Arbitrary<String> names = Arbitraries.of("Message-ID", "Success-Report", "Failure-Report", "X-Custom",
                "Content-Disposition", "Status", "Expires", "Use-Path");
        Arbitrary<String> values = Arbitraries.strings().ofMinLength(0).ofMaxLength(40)
                .withCharRange(' ', '~').withChars("éß漢字").map(String::strip)
                .filter(v -> !v.isEmpty());
        // The report headers' values are checked by the decoder; the others are free text to it.
        Arbitrary<List<Tuple.Tuple2<String, String>>> list = names.flatMap(n -> (switch (n) {
            case "Success-Report" -> Arbitraries.of("yes", "no", "Yes");
            case "Failure-Report" -> Arbitraries.of("yes", "no", "partial", "NO");
            default -> values;
        }).map(v -> Tuple.of(n, v))).list().ofMaxSize(6);
        Arbitrary<Long> totals = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Combinators.combine(list, totals).as((entries, total) -> {
            MsrpHeaders h = new MsrpHeaders();
            h.add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, total == 0 ? 0 : Math.max(1, total / 3), total));
            for (Tuple.Tuple2<String, String> e : entries) {
                h.add(e.get1(), e.get2());
            }
            if (withBody) {
                h.add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
            }
            return h;
        });
    }

    /** Bodies full of near misses: other ids, cut markers, dashes, CRLFs. */
    static Arbitrary<byte[]> bodies(String tid, int min, int max) {
        List<String> lookAlikes = List.of("\r\n-------", "-------" + tid + "$", "\r\n-------" + tid + "x",
                "\r\n-------" + tid.substring(0, tid.length() - 1), "\r\n-------other" + tid + "$",
                "\r\n------" + tid + "$", "\r\r\n", "\r\n-------" + tid, "-------");
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
        Arbitrary<List<String>> inserts = Arbitraries.of(lookAlikes).list().ofMaxSize(5);
        Arbitrary<List<Integer>> positions = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(5);
        return Combinators.combine(random, inserts, positions).as((bytes, ins, pos) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(bytes);
            byte[] result = out.toByteArray();
            for (int i = 0; i < ins.size(); i++) {
                byte[] insert = ins.get(i).getBytes(StandardCharsets.US_ASCII);
                int at = result.length == 0 ? 0 : pos.get(i) % (result.length + 1);
                byte[] merged = new byte[result.length + insert.length];
                System.arraycopy(result, 0, merged, 0, at);
                System.arraycopy(insert, 0, merged, at, insert.length);
                System.arraycopy(result, at, merged, at + insert.length, result.length - at);
                result = merged;
            }
            return result;
        }).filter(b -> !containsEndLine(b, tid));
    }

    static boolean containsEndLine(byte[] body, String tid) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        String marker = "\r\n-------" + tid;
        // The wire adds CRLF before the end-line, so a body ending in a marker prefix is fine;
        // only a full marker followed by a flag would end the body early.
        for (int i = s.indexOf(marker); i >= 0; i = s.indexOf(marker, i + 1)) {
            int after = i + marker.length();
            if (after < s.length() && Continuation.of(s.charAt(after)) != null) {
                return true;
            }
        }
        return false;
    }

    static Arbitrary<Sample> samples(int minBody, int maxBody) {
        return transactionIds().flatMap(tid -> {
            Arbitrary<Boolean> isRequest = Arbitraries.of(true, false);
            Arbitrary<Boolean> withBody = Arbitraries.of(true, true, false);
            return Combinators.combine(isRequest, withBody, paths(), paths(),
                            Arbitraries.of(Continuation.values()), Arbitraries.of("SEND", "REPORT", "NICKNAME", "FOO"),
                            Arbitraries.integers().between(100, 999))
                    .flatAs((request, body, to, from, flag, method, code) -> {
                        boolean hasBody = request && body;
                        return Combinators.combine(headers(hasBody), bodies(tid, minBody, maxBody)).as((h, bytes) -> {
                            MsrpHead head = request
                                    ? new MsrpRequest(tid, method, to, from, h)
                                    : new MsrpResponse(tid, code, code % 2 == 0 ? "Some comment" : null, to, from, h);
                            return new Sample(head, hasBody ? bytes : new byte[0], new MsrpEnd(tid, flag));
                        });
                    });
        });
    }

    static List<Sample> seedCorpus(int count) {
        List<Sample> list = new ArrayList<>();
        samples(0, 300).sampleStream().limit(count).forEach(list::add);
        return list;
    }
}
