package org.msrptools.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import org.msrptools.protocol.MsrpEncoder;
import org.msrptools.protocol.MsrpFrame;

/** Frames as the real encoder writes them, as bytes. */
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
}
