package org.msrptools.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.msrptools.protocol.MsrpFrame;

/** A listener that keeps every frame it is given, in order, for a test to look at. */
final class CollectingListener implements MsrpConnection.Listener {

    final List<MsrpFrame> frames = new CopyOnWriteArrayList<>();

    @Override
    public void frame(MsrpFrame frame) {
        frames.add(frame);
    }

    @Override
    public void closed() {
    }
}
