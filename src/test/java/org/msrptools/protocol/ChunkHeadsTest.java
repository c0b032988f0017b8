package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** A chunk's head from the template is the head the codec writes for the same request. */
class ChunkHeadsTest {

    private static final MsrpPath TO = MsrpPath.parse(
            "msrps://relay.example.com:2855/a1b2c3;tcp msrps://10.0.0.7:40212/xyz;tcp");
    private static final MsrpPath FROM = MsrpPath.parse("msrps://192.168.1.2:50000/me;tcp");

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .withChars("abcXYZ019 ._-()[]'\"").withCharRange('\u00e0', '\u00ff').withCharRange('\u4e00', '\u4e10');
    }

    @Property(tries = 200)
    void sameBytesAsTheEncodedRequest(@ForAll("names") String name, @ForAll @LongRange(min = 1, max = 1L << 40) long start,
                                      @ForAll @LongRange(min = 1, max = 1 << 20) long length,
                                      @ForAll @LongRange(min = 0, max = 1L << 20) long beyond) {
        MsrpHeaders before = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "m" + start);
        MsrpHeaders after = new MsrpHeaders()
                .add(MsrpHeaders.SUCCESS_REPORT, "yes")
                .add(MsrpHeaders.FAILURE_REPORT, "yes")
                .add(MsrpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment(name))
                .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
        ByteRange range = ByteRange.ofChunk(start, length, start + length - 1 + beyond);
        String tid = TransactionId.random();

        ChunkHeads heads = new ChunkHeads(TO, FROM, before, after);
        ByteBuf fromTemplate = Unpooled.buffer();
        heads.encode(fromTemplate, tid, range.toString());

        MsrpHeaders all = before.copy().add(MsrpHeaders.BYTE_RANGE, range);
        after.forEach(h -> all.add(h.getKey(), h.getValue()));
        ByteBuf fromCodec = Unpooled.buffer();
        MsrpRequest request = new MsrpRequest(tid, MsrpMethod.SEND, TO, FROM, all);
        request.encode(fromCodec);
        assertThat(heads.describe(tid, range.toString())).as("as the wire log shows it").isEqualTo(request.toString());

        assertThat(ByteBufUtil.getBytes(fromTemplate)).isEqualTo(ByteBufUtil.getBytes(fromCodec));
        assertThat(heads.size(tid.length(), range.toString())).isEqualTo(fromTemplate.readableBytes());
    }

    @Test
    void aChunkHeadAnnouncesItsBody() {
        MsrpHeaders none = new MsrpHeaders();
        assertThatThrownBy(() -> new ChunkHeads(TO, FROM, none, none)).hasMessageContaining("Content-Type");
    }

    @Test
    void valuesCannotBreakTheHead() {
        MsrpHeaders before = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "x\r\nByte-Range: 1-1/1");
        MsrpHeaders after = new MsrpHeaders().add(MsrpHeaders.CONTENT_TYPE, "text/plain");
        assertThatThrownBy(() -> new ChunkHeads(TO, FROM, before, after)).hasMessageContaining("line break");
        ChunkHeads heads = new ChunkHeads(TO, FROM, new MsrpHeaders(), after);
        assertThatThrownBy(() -> heads.encode(Unpooled.buffer(), "bad id", "1-1/1")).hasMessageContaining("transaction id");
    }
}
