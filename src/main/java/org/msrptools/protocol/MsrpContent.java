package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a message body as it arrived. The decoder hands out slices of
 * its input; whoever receives one releases it (or passes it on).
 */
public final class MsrpContent extends DefaultByteBufHolder implements MsrpFrame {

    public MsrpContent(ByteBuf data) {
        super(data);
    }

    @Override
    public MsrpContent replace(ByteBuf content) {
        return new MsrpContent(content);
    }

    @Override
    public MsrpContent retain() {
        super.retain();
        return this;
    }

    @Override
    public MsrpContent retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }
}
