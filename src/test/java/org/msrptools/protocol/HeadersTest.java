package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void namesAreCaseInsensitiveAndOrderIsKept() {
        MsrpHeaders h = new MsrpHeaders().add("Message-ID", "m1").add("content-type", "text/plain").add("X-A", 1);
        assertThat(h.get("message-id")).isEqualTo("m1");
        assertThat(h.contentType()).isEqualTo("text/plain");
        h.set("CONTENT-TYPE", "image/png");
        assertThat(h).extracting(java.util.Map.Entry::getKey).containsExactly("Message-ID", "CONTENT-TYPE", "X-A");
        h.add("X-A", 2).set("x-a", 3);
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.get("X-A")).isEqualTo("3");
        h.remove("x-a");
        assertThat(h.contains("X-A")).isFalse();
        h.set("New", "v");
        assertThat(h.copy().get("new")).isEqualTo("v");
        assertThat(h.toString()).contains("Message-ID=m1");
        assertThat(h.get("absent")).isNull();
        assertThat(h.byteRange()).isNull();
        assertThat(h.contentDisposition()).isNull();
    }

    @Test
    void typedValues() {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaders.SUCCESS_REPORT, "Yes")
                .add(MsrpHeaders.FAILURE_REPORT, "PARTIAL")
                .add(MsrpHeaders.EXPIRES, "600")
                .add(MsrpHeaders.MIN_EXPIRES, "60")
                .add(MsrpHeaders.MAX_EXPIRES, "3600")
                .add(MsrpHeaders.USE_PATH, "msrps://relay:2855/s;tcp")
                .add(MsrpHeaders.STATUS, "000 413 too big")
                .add(MsrpHeaders.AUTHENTICATION_INFO, "qop=auth, rspauth=\"ab\"");
        assertThat(h.successReport()).isTrue();
        assertThat(h.failureReport()).isEqualTo("partial");
        assertThat(h.expires()).isEqualTo(600L);
        assertThat(h.minExpires()).isEqualTo(60L);
        assertThat(h.maxExpires()).isEqualTo(3600L);
        assertThat(h.usePath().first().sessionId()).isEqualTo("s");
        assertThat(h.status()).isEqualTo(Status.of(413, "too big"));
        assertThat(h.authenticationInfo().rspauth()).isEqualTo("ab");
        assertThat(h.wwwAuthenticate()).isNull();
        assertThat(h.authorization()).isNull();
        assertThatThrownBy(() -> new MsrpHeaders().add(MsrpHeaders.EXPIRES, "-5").expires())
                .hasMessageContaining("bad Expires");
        assertThatThrownBy(() -> new MsrpHeaders().add(MsrpHeaders.EXPIRES, "99999999999").expires())
                .hasMessageContaining("bad Expires");
        assertThat(new MsrpHeaders().add("max-chunk-size", " 65536").maxChunkSize()).isEqualTo(65536L);
        assertThat(new MsrpHeaders().maxChunkSize()).isNull();
        assertThatThrownBy(() -> new MsrpHeaders().add(MsrpHeaders.MAX_CHUNK_SIZE, "64k").maxChunkSize())
                .hasMessageContaining("bad Max-Chunk-Size: '64k' is not a number of bytes");
    }

    @Test
    void status() {
        assertThat(Status.parse("000 200 OK")).isEqualTo(new Status(0, 200, "OK"));
        assertThat(Status.parse("000 408")).isEqualTo(new Status(0, 408, null));
        assertThat(Status.of(481, "no session").toString()).isEqualTo("000 481 no session");
        assertThat(new Status(0, 200, null).toString()).isEqualTo("000 200");
        assertThat(new Status(5, 7, "x").toString()).isEqualTo("005 007 x");
        assertThat(new Status(12, 99, null).toString()).isEqualTo("012 099");
        assertThatThrownBy(() -> new Status(0, 1000, null))
                .isInstanceOf(IllegalArgumentException.class);
        for (String bad : new String[] {"200 OK", "000 2000", "0a0 200", "000 20x", "000200 OK"}) {
            assertThatThrownBy(() -> Status.parse(bad)).as(bad).hasMessageContaining("bad Status");
        }
    }

    @Test
    void byteRanges() {
        assertThat(ByteRange.parse("1-25/25")).isEqualTo(new ByteRange(1, 25, 25));
        assertThat(ByteRange.parse("1-*/*")).isEqualTo(new ByteRange(1, -1, -1));
        assertThat(ByteRange.parse("1-0/0").length()).isZero();
        assertThat(ByteRange.parse("5-*/10").length()).isEqualTo(-1);
        assertThat(ByteRange.ofChunk(11, 10, 100)).isEqualTo(new ByteRange(11, 20, 100));
        assertThat(ByteRange.parse("91-95/100").roomToTotal()).isEqualTo(10);
        assertThat(ByteRange.parse("1-*/*").roomToTotal()).isEqualTo(Long.MAX_VALUE);
        assertThat(ByteRange.parse("9223372036854775000-*/*").roomToTotal()).as("to the last position").isEqualTo(808);
        assertThat(new ByteRange(1, -1, -1).toString()).isEqualTo("1-*/*");
        assertThat(new ByteRange(3, 9, 10).toString()).isEqualTo("3-9/10");
        assertThatThrownBy(() -> ByteRange.parse("1-5")).hasMessageContaining("not start-end/total");
        assertThatThrownBy(() -> ByteRange.parse("*-5/5")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ByteRange.parse("2-20/10")).hasMessageContaining("end 20 is beyond total");
    }

    @Test
    void aByteRangeParsedOnceStillFollowsItsHeader() {
        MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.BYTE_RANGE, "1-10/30");
        assertThat(h.byteRange()).isEqualTo(new ByteRange(1, 10, 30));
        assertThat(h.byteRange()).isSameAs(h.byteRange());
        h.set(MsrpHeaders.BYTE_RANGE, new ByteRange(11, 20, 30));
        assertThat(h.byteRange()).isEqualTo(new ByteRange(11, 20, 30));
        h.set(MsrpHeaders.BYTE_RANGE, "21-*/*");
        assertThat(h.byteRange()).isEqualTo(new ByteRange(21, -1, -1));
        h.remove(MsrpHeaders.BYTE_RANGE);
        assertThat(h.byteRange()).isNull();
    }

    @Test
    void contentDisposition() {
        ContentDisposition quoted = ContentDisposition.parse("attachment; filename=\"report.pdf\"");
        assertThat(quoted).isEqualTo(new ContentDisposition("attachment", "report.pdf"));
        assertThat(ContentDisposition.parse("attachment;filename=TODO").filename()).isEqualTo("TODO");
        assertThat(ContentDisposition.parse("Inline").type()).isEqualTo("inline");
        assertThat(ContentDisposition.parse("inline").filename()).isNull();
        assertThat(ContentDisposition.parse(
                "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf").filename())
                .isEqualTo("résumé.pdf");
        assertThat(ContentDisposition.parse("attachment; filename=\"a \\\"b\\\".txt\"").filename())
                .isEqualTo("a \"b\".txt");
        assertThat(ContentDisposition.parse("attachment; filename*=ISO-8859-1'en'%E9t%E9").filename())
                .isEqualTo("été");
    }

    @Test
    void contentDispositionRoundTrip() {
        for (String name : new String[] {"plain.txt", "with space.bin", "Grüße & ünïcode 😀.txt", "q\"uote"}) {
            ContentDisposition cd = ContentDisposition.attachment(name);
            assertThat(ContentDisposition.parse(cd.toString())).as(name).isEqualTo(cd);
        }
        assertThat(ContentDisposition.attachment("é.txt").toString())
                .isEqualTo("attachment; filename=\"_.txt\"; filename*=UTF-8''%C3%A9.txt");
        assertThat(new ContentDisposition("inline", null).toString()).isEqualTo("inline");
    }

    @Test
    void badContentDisposition() {
        assertThatThrownBy(() -> ContentDisposition.parse("; filename=x")).hasMessageContaining("no disposition type");
        assertThatThrownBy(() -> ContentDisposition.parse("attachment; filename*=x")).hasMessageContaining("charset'lang'value");
        assertThatThrownBy(() -> ContentDisposition.parse("attachment; filename*=nope''x")).hasMessageContaining("unknown charset");
        assertThatThrownBy(() -> ContentDisposition.parse("attachment; filename*=UTF-8''%zz")).hasMessageContaining("bad percent");
        assertThatThrownBy(() -> ContentDisposition.parse("attachment; filename*=UTF-8''%4")).hasMessageContaining("truncated");
    }

    @Test
    void encodeRefusesHeaderInjection() {
        MsrpPath p = MsrpPath.parse("msrps://a/1;tcp");
        MsrpRequest r = new MsrpRequest("abcd1234", "SEND", p, p, new MsrpHeaders().add("X", "a\r\nEvil: 1"));
        ByteBuf buf = Unpooled.buffer();
        assertThatThrownBy(() -> r.encode(buf)).isInstanceOf(IllegalArgumentException.class);
        buf.release();
        assertThatThrownBy(() -> new MsrpRequest("ab", "SEND", p, p, new MsrpHeaders()))
                .hasMessageContaining("transaction id");
        assertThatThrownBy(() -> new MsrpRequest("abcd", "send", p, p, new MsrpHeaders()))
                .hasMessageContaining("method");
        assertThatThrownBy(() -> new MsrpResponse("abcd", 20, null, p, p, new MsrpHeaders()))
                .hasMessageContaining("3 digits");
        assertThatThrownBy(() -> new MsrpResponse("abcd", 200, "a\nb", p, p, new MsrpHeaders()))
                .hasMessageContaining("line break");
    }

    @Test
    void respondSwapsTheFirstHops() {
        MsrpRequest r = new MsrpRequest("abcd1234", "SEND", MsrpPath.parse("msrps://relay/s;tcp msrps://bob/b;tcp"),
                MsrpPath.parse("msrps://alice/a;tcp"), new MsrpHeaders());
        MsrpResponse ok = r.respond(200, "OK");
        assertThat(ok.toPath()).isEqualTo(MsrpPath.parse("msrps://alice/a;tcp"));
        assertThat(ok.fromPath()).isEqualTo(MsrpPath.parse("msrps://relay/s;tcp"));
        ByteBuf buf = Unpooled.buffer();
        ok.encode(buf);
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
                "MSRP abcd1234 200 OK\r\nTo-Path: msrps://alice/a;tcp\r\nFrom-Path: msrps://relay/s;tcp\r\n");
        buf.release();
        assertThat(r.withPaths(ok.toPath(), ok.fromPath()).toPath()).isEqualTo(ok.toPath());
        assertThat(r.toString()).contains("SEND");
        assertThat(r.respond(481, null).comment()).isNull();
    }

    @Test
    void ids() {
        String tid = TransactionId.random();
        assertThat(TransactionId.isValid(tid)).isTrue();
        assertThat(tid).hasSize(20);
        assertThat(RandomIds.sessionId()).hasSize(24).matches("[A-Za-z0-9_-]+");
        assertThat(RandomIds.messageId()).isNotEqualTo(RandomIds.messageId());
        assertThat(TransactionId.isValid("a.b-c+d%e=f")).isTrue();
        assertThat(TransactionId.isValid(".abc")).isFalse();
        assertThat(TransactionId.isValid("abc")).isFalse();
        assertThat(TransactionId.isValid("a".repeat(33))).isFalse();
        assertThat(TransactionId.isValid("ab_cd")).isFalse();
    }

    @Test
    void randomIdAvoidsTheBody() {
        ByteBuf body = Unpooled.copiedBuffer("x-------abc", StandardCharsets.US_ASCII);
        String id = TransactionId.randomAvoiding(body);
        assertThat(body.toString(StandardCharsets.US_ASCII)).doesNotContain("-------" + id);
        body.release();
    }

    @Test
    void markerSearchFindsOnlyWholeMatches() {
        byte[] needle = "-------abc".getBytes(StandardCharsets.US_ASCII);
        ByteBuf hit = Unpooled.copiedBuffer("xx------abc-------ab-------abc", StandardCharsets.US_ASCII);
        ByteBuf miss = Unpooled.copiedBuffer("xx------abc-------ab-------ab", StandardCharsets.US_ASCII);
        assertThat(TransactionId.contains(hit, needle)).as("at the very end").isTrue();
        assertThat(TransactionId.contains(miss, needle)).isFalse();
        assertThat(TransactionId.contains(Unpooled.EMPTY_BUFFER, needle)).isFalse();
        hit.release();
        miss.release();
    }

    @Test
    void markerSearchFindsTheMarkerAtEveryOffset() {
        // The search reads every seventh byte: a marker at any offset from them must still be found.
        byte[] needle = "-------abcd".getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at <= 40; at++) {
            String text = "x".repeat(at) + "-------abcd" + "y".repeat(40 - at);
            ByteBuf body = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(TransactionId.contains(body, needle)).as("at %d", at).isTrue();
            body.writerIndex(at + needle.length - 1);
            assertThat(TransactionId.contains(body, needle)).as("cut at %d", at).isFalse();
            body.release();
        }
    }

    @Test
    void markerSearchAgreesWithAPlainSearch() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            String id = TransactionId.random().substring(0, 4 + random.nextInt(16));
            byte[] needle = ("-------" + id).getBytes(StandardCharsets.US_ASCII);
            // Bodies made of the marker's own characters, so near misses are common.
            String alphabet = "-" + id.substring(0, 2) + (char) random.nextInt(256);
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(200);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                text.insert(random.nextInt(text.length() + 1), "-------" + id);
            }
            ByteBuf body = Unpooled.directBuffer().writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            body.readerIndex(Math.min(random.nextInt(3), body.writerIndex()));
            String readable = text.substring(body.readerIndex());
            assertThat(TransactionId.contains(body, needle)).as(readable + " / " + id)
                    .isEqualTo(readable.contains("-------" + id));
            body.release();
        }
    }

    @Test
    void continuationSymbols() {
        assertThat(Continuation.of('$')).isEqualTo(Continuation.COMPLETE);
        assertThat(Continuation.of('+')).isEqualTo(Continuation.MORE);
        assertThat(Continuation.of('#')).isEqualTo(Continuation.ABORT);
        assertThat(Continuation.of('x')).isNull();
        assertThat(MsrpSyntaxException.Violation.BYTE_RANGE.status()).isEqualTo(400);
    }
}
