package org.msrptools.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example messages of RFC 4975 and RFC 4976, typed into test resources. */
class RfcExamplesTest {

    static byte[] resource(String name) {
        try (InputStream in = RfcExamplesTest.class.getResourceAsStream("/rfc/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sendWithBody() {
        byte[] wire = resource("rfc4975-send.msrp");
        List<Decoded.Message> messages = Decoded.decode(wire);
        assertThat(messages).hasSize(1);
        Decoded.Message m = messages.get(0);
        assertThat(m.error()).isNull();
        assertThat(m.bodyText()).isEqualTo("Hey Bob, are you there?");
        assertThat(m.end()).isEqualTo(new MsrpEnd("a786hjs2", Continuation.COMPLETE));
        // The head re-encodes to exactly the bytes it came from.
        assertThat(new String(wire, StandardCharsets.UTF_8)).startsWith(m.head());
    }

    @Test
    void typedAccessOnTheRfcSend() {
        MsrpRequest send = (MsrpRequest) heads("rfc4975-send.msrp").get(0);
        assertThat(send.method()).isEqualTo(MsrpMethod.SEND);
        assertThat(send.toPath().first().sessionId()).isEqualTo("kjhd37s2s20w2a");
        assertThat(send.toPath().first().port()).isEqualTo(12763);
        assertThat(send.fromPath().first().host()).isEqualTo("atlanta.example.com");
        assertThat(send.headers().byteRange()).isEqualTo(new ByteRange(1, 25, 25));
        assertThat(send.headers().messageId()).isEqualTo("87652491");
        assertThat(send.headers().contentType()).isEqualTo("text/plain");
        assertThat(send.headers().successReport()).isFalse();
        assertThat(send.headers().failureReport()).isEqualTo("yes");
        assertThat(send.hasBody()).isTrue();
    }

    @Test
    void responseAndReport() {
        MsrpResponse ok = (MsrpResponse) heads("rfc4975-response.msrp").get(0);
        assertThat(ok.code()).isEqualTo(200);
        assertThat(ok.comment()).isEqualTo("OK");
        assertThat(ok.hasBody()).isFalse();

        MsrpRequest report = (MsrpRequest) heads("rfc4975-report.msrp").get(0);
        assertThat(report.method()).isEqualTo(MsrpMethod.REPORT);
        assertThat(report.headers().status()).isEqualTo(new Status(0, 200, "OK"));
        assertThat(report.headers().byteRange().total()).isEqualTo(106);
    }

    @Test
    void chunkedMessageKeepsItsFlags() {
        List<Decoded.Message> messages = Decoded.decode(resource("rfc4975-chunks.msrp"));
        assertThat(messages).extracting(m -> m.end().continuation())
                .containsExactly(Continuation.MORE, Continuation.COMPLETE);
        assertThat(messages.get(0).bodyText()).startsWith("To: Bob").endsWith("sending you a long");
        assertThat(messages.get(1).bodyText()).isEqualTo("message</p>");
    }

    @Test
    void authExchangeOfRfc4976() {
        List<MsrpHead> heads = heads("rfc4976-auth.msrp");
        assertThat(heads).hasSize(4);
        MsrpRequest first = (MsrpRequest) heads.get(0);
        assertThat(first.method()).isEqualTo(MsrpMethod.AUTH);
        assertThat(first.toPath().first().user()).isEqualTo("alice");
        assertThat(first.toPath().first().sessionId()).isNull();

        DigestChallenge challenge = heads.get(1).headers().wwwAuthenticate();
        assertThat(challenge.realm()).isEqualTo("intra.example.com");
        assertThat(challenge.offersQopAuth()).isTrue();
        assertThat(challenge.algorithm()).isEqualTo(DigestAlgorithm.MD5);

        DigestCredentials credentials = heads.get(2).headers().authorization();
        assertThat(credentials.username()).isEqualTo("Alice");
        assertThat(credentials.uri()).isNull();
        assertThat(credentials.response()).isEqualTo("6629fae49393a05397450978507c4ef1");

        MsrpResponse ok = (MsrpResponse) heads.get(3);
        assertThat(ok.headers().usePath().first().sessionId()).isEqualTo("jui787s2f");
        assertThat(ok.headers().expires()).isEqualTo(900L);
    }

    @Test
    void relayedSendHasAThreeHopToPath() {
        List<Decoded.Message> messages = Decoded.decode(resource("rfc4976-relay-send.msrp"));
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).bodyText()).isEqualTo("Hi Bob");
        MsrpRequest send = (MsrpRequest) heads("rfc4976-relay-send.msrp").get(0);
        assertThat(send.toPath().size()).isEqualTo(3);
        MsrpPath next = send.toPath().withoutFirst();
        assertThat(next.first().host()).isEqualTo("relay.example.net");
        assertThat(send.fromPath().prepend(send.toPath().first()).size()).isEqualTo(2);
    }

    private static List<MsrpHead> heads(String name) {
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(new MsrpDecoder());
        ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(resource(name)));
        List<MsrpHead> heads = new java.util.ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof MsrpHead h) {
                heads.add(h);
            } else if (o instanceof MsrpContent c) {
                c.release();
            } else if (o instanceof MsrpFrameError e) {
                throw new AssertionError(e.cause());
            }
        }
        ch.finishAndReleaseAll();
        return heads;
    }
}
