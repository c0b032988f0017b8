package org.msrptools.client;

import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpUri;

/**
 * The chunk size msrp-send uses when it is not given one. 10 KiB fits
 * every relay met so far (Kamailio closes the connection on frames over
 * about 11 KB). Larger chunks cost every hop less, but are safe only where
 * every relay on the path takes them, and a sender hears only from its own
 * relay. So: the relay's Max-Chunk-Size (capped at {@link #LARGEST}) when it
 * said one and the receiver's path leads through that same relay alone
 * (its one relay URI has the host, port and scheme of this side's
 * Use-Path); else 10 KiB. Nothing is probed: Kamailio answers a chunk that
 * is too large by closing the connection.
 */
public final class DefaultChunkSize {

    /** Fits one chunk in a frame of about 11 KB, the most Kamailio's relay takes. */
    public static final int STANDARD = 10 * 1024;
    /** The most taken from a relay's word: a block of chunks is held in memory while it is sent. */
    static final int LARGEST = 1024 * 1024;

    private DefaultChunkSize() {
    }

    /** For a session and the receiver's path (as given: its relays, then the receiver). */
    public static int forPath(Authentication.Session session, MsrpPath destination) {
        MsrpPath usePath = session.usePath();
        if (session.maxChunkSize() <= STANDARD || usePath.size() != 1 || destination.size() != 2
                || !sameRelay(usePath.first(), destination.first())) {
            return STANDARD;
        }
        return (int) Math.min(session.maxChunkSize(), LARGEST);
    }

    private static boolean sameRelay(MsrpUri own, MsrpUri peers) {
        return own.secure() == peers.secure() && own.port() == peers.port()
                && own.host().equalsIgnoreCase(peers.host());
    }
}
