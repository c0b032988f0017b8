package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link MsrpFrame}s. Body pieces pass through as the caller's own
 * buffers (no copy); a {@code FileRegion} written between a head and its end
 * is not an MsrpFrame and so passes this encoder untouched, which gives
 * zero-copy file bodies on plain sockets.
 *
 * <p>One encoder per channel: it remembers whether the last head opened a
 * body, because the end-line after a body is preceded by CRLF and
 * {@link MsrpEnd} itself does not say.
 */
public final class MsrpEncoder extends MessageToMessageEncoder<MsrpFrame> {

    private boolean bodyOpen;

    public MsrpEncoder() {
        super(MsrpFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MsrpFrame frame, List<Object> out) {
        if (frame instanceof MsrpHead head) {
            ByteBuf buf = ctx.alloc().buffer(256);
            head.encode(buf);
            bodyOpen = head.hasBody();
            out.add(buf);
        } else if (frame instanceof MsrpContent content) {
            out.add(content.content().retain());
        } else if (frame instanceof MsrpEnd end) {
            ByteBuf buf = ctx.alloc().buffer(48);
            encodeEnd(end.transactionId(), end.continuation(), bodyOpen, buf);
            bodyOpen = false;
            out.add(buf);
        } else {
            throw new IllegalArgumentException("a decoder error is not written");
        }
    }

    /** Writes {@code [CRLF]-------<tid><flag>CRLF}; the CRLF ends a body. */
    public static void encodeEnd(String transactionId, Continuation flag, boolean afterBody, ByteBuf out) {
        if (afterBody) {
            out.writeShort(('\r' << 8) | '\n');
        }
        out.writeCharSequence("-------", StandardCharsets.US_ASCII);
        out.writeCharSequence(transactionId, StandardCharsets.US_ASCII);
        out.writeByte(flag.symbol());
        out.writeShort(('\r' << 8) | '\n');
    }
}
