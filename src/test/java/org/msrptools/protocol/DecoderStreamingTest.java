package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder streams: bodies come out as they arrive, nothing accumulates. */
class DecoderStreamingTest {

    private static final String HEAD = "MSRP tid12345 SEND\r\n"
            + "To-Path: msrps://relay:2855/s1;tcp\r\n"
            + "From-Path: msrps://client:4000/c1;tcp\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";

    @Test
    void aLargeBodyIsHandedOnPieceByPieceWithBoundedHoldBack() {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpDecoder());
        ch.writeInbound(Unpooled.copiedBuffer(HEAD, StandardCharsets.US_ASCII));
        assertThat((Object) ch.readInbound()).isInstanceOf(MsrpRequest.class);
        Random random = new Random(1);
        byte[] piece = new byte[64 * 1024];
        long written = 0;
        long emitted = 0;
        int delimiter = "\r\n-------tid12345".length();
        for (int i = 0; i < 1024; i++) { // 64 MiB
            random.nextBytes(piece);
            piece[piece.length - 1] = '\r'; // every piece ends in a possible end-line start
            ch.writeInbound(Unpooled.wrappedBuffer(piece.clone()));
            written += piece.length;
            emitted += drainContent(ch);
            assertThat(written - emitted).as("bytes held back").isLessThanOrEqualTo(delimiter);
        }
        ch.writeInbound(Unpooled.copiedBuffer("\r\n-------tid12345$\r\n", StandardCharsets.US_ASCII));
        emitted += drainContent(ch);
        assertThat(emitted).isEqualTo(written);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void endLineSplitAcrossEveryPossibleBoundary() {
        String body = "data\r\n-------tid1234\r\n-------tid12345x$";
        String wire = HEAD + body + "\r\n-------tid12345+\r\n";
        for (int i = HEAD.length(); i < wire.length(); i++) {
            List<Decoded.Message> m = Decoded.decode(wire, i);
            assertThat(m).hasSize(1);
            assertThat(m.get(0).bodyText()).isEqualTo(body);
            assertThat(m.get(0).end().continuation()).isEqualTo(Continuation.MORE);
        }
    }

    @Test
    void contentIsASliceOfTheInputNotACopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpDecoder());
        ch.writeInbound(Unpooled.copiedBuffer(HEAD, StandardCharsets.US_ASCII));
        ((MsrpHead) ch.readInbound()).hasBody();
        ByteBuf input = Unpooled.directBuffer(1024).writeZero(1024);
        ch.writeInbound(input.retain());
        MsrpContent c = ch.readInbound();
        // Netty's leak detector wraps the buffers it samples (one in 128): compared are the buffers inside (found by CI).
        assertThat(innermost(c.content())).isSameAs(innermost(input));
        c.release();
        input.release();
        ch.finishAndReleaseAll();
    }

    private static ByteBuf innermost(ByteBuf b) {
        return b.unwrap() == null ? b : innermost(b.unwrap());
    }

    /** A transfer's messages alternate between two pairs of paths (chunks and their 200s, 200s and REPORTs). */
    @Test
    void pathsThatAlternateAreParsedOnceEach() {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpDecoder());
        String[] heads = {"MSRP t0001 200 OK\r\nTo-Path: msrps://a:1/s;tcp\r\nFrom-Path: msrps://r:2/x;tcp\r\n",
            "MSRP t0002 REPORT\r\nTo-Path: msrps://r:2/x;tcp msrps://a:1/s;tcp\r\nFrom-Path: msrps://b:3/y;tcp\r\n"};
        MsrpHead[] seen = new MsrpHead[6];
        for (int i = 0; i < seen.length; i++) {
            String tid = "t000" + (i % 2 + 1);
            ch.writeInbound(Unpooled.copiedBuffer(heads[i % 2] + "-------" + tid + "$\r\n", StandardCharsets.US_ASCII));
            seen[i] = ch.readInbound();
            ((MsrpEnd) ch.readInbound()).transactionId();
        }
        for (int i = 2; i < seen.length; i++) {
            assertThat(seen[i].toPath()).isSameAs(seen[i - 2].toPath()).isNotSameAs(seen[i - 1].toPath());
            assertThat(seen[i].fromPath()).isSameAs(seen[i - 2].fromPath());
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void blankLineWithoutContentTypeIsTolerated() {
        String wire = "MSRP tid12345 SEND\r\nTo-Path: msrps://r/s;tcp\r\nFrom-Path: msrps://c/x;tcp\r\n\r\n-------tid12345$\r\n";
        List<Decoded.Message> m = Decoded.decode(wire);
        assertThat(m).hasSize(1);
        assertThat(m.get(0).error()).isNull();
        assertThat(m.get(0).body()).isEmpty();
    }

    @Test
    void utf8HeadersAreRead() {
        String wire = HEAD.replace("Content-Type", "Content-Disposition: attachment; filename=\"Grüße.txt\"\r\nContent-Type")
                + "x\r\n-------tid12345$\r\n";
        List<Decoded.Message> m = Decoded.decode(wire);
        assertThat(m.get(0).head()).contains("Grüße.txt");
    }

    @Test
    void limitsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MsrpDecoder(10, 64, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long drainContent(EmbeddedChannel ch) {
        long n = 0;
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof MsrpContent c) {
                n += c.content().readableBytes();
                c.release();
            } else if (o instanceof MsrpEnd e) {
                assertThat(e.continuation()).isEqualTo(Continuation.COMPLETE);
            } else {
                throw new AssertionError("unexpected " + o);
            }
        }
        return n;
    }

    /** A relay weighs a head by what it holds: paths shared with the heads before it hold nothing more. */
    @Test
    void headsCountOnlyTheUrisParsedForThemAlone() {
        EmbeddedChannel channel = new EmbeddedChannel(new MsrpDecoder());
        int[] fresh = new int[3];
        String[] to = {"msrps://a:1/s1;tcp msrps://b:2/s2;tcp", "msrps://a:1/s1;tcp msrps://b:2/s2;tcp",
                "msrps://a:1/s1;tcp msrps://c:3/s3;tcp msrps://d:4/s4;tcp"};
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(Unpooled.copiedBuffer("MSRP t" + i + "xyz SEND\r\nTo-Path: " + to[i]
                    + "\r\nFrom-Path: msrps://e:5/s5;tcp\r\n-------t" + i + "xyz$\r\n", StandardCharsets.US_ASCII));
            for (Object o; (o = channel.readInbound()) != null; ) {
                if (o instanceof MsrpHead h) {
                    fresh[i] = h.freshUris();
                }
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        assertThat(fresh).containsExactly(3, 0, 3);
        channel.finishAndReleaseAll();
    }
}
