package org.msrptools.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.msrptools.protocol.MsrpDecoder;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpFrame;

/** Frames as the real encoder writes them, as bytes; bytes as the real decoder reads them, as frames. */
public final class Wire {

    private Wire() {
    }

    public static byte[] encode(MsrpFrame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpEncoder());
        for (MsrpFrame f : frames) {
            ch.writeOutbound(f);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    /** The frames the decoder makes of {@code bytes}, in order; the caller releases their contents. */
    public static List<Object> decode(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        ch.finish();
        List<Object> frames = new ArrayList<>();
        Object frame;
        while ((frame = ch.readInbound()) != null) {
            frames.add(frame);
        }
        return frames;
    }
}
