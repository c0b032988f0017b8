package org.msrptools.client;

import java.util.logging.Logger;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpUri;

/**
 * The chunk size msrp-send uses when it is not given one. 10 KiB fits
 * every relay met so far (Kamailio closes the connection on frames over
 * about 11 KB). Larger chunks cost every hop less, but are safe only where
 * every relay on the path takes them, and a sender hears only from its own
 * relay. So: the relay's Max-Chunk-Size (capped at {@link #LARGEST}) when it
 * said a larger one and the receiver's path leads through that same relay
 * alone (its one relay URI has the host, port and scheme of this side's
 * Use-Path: msrp-relay never forwards such a URI, whatever its session);
 * a smaller one, down to {@link #SMALLEST}, on any path, for that relay is on
 * every path; else 10 KiB. Nothing is probed: Kamailio answers a chunk that
 * is too large by closing the connection.
 */
public final class DefaultChunkSize {

    /** Fits one chunk in a frame of about 11 KB, the most Kamailio's relay takes. */
    public static final int STANDARD = 10 * 1024;
    /** The most taken from a relay's word: a block of chunks is held in memory while it is sent. */
    static final int LARGEST = 1024 * 1024;
    /** The least taken from a relay's word: below it, the cost per chunk would swamp the bytes. */
    static final int SMALLEST = 1024;

    private static final Logger LOG = Logger.getLogger(DefaultChunkSize.class.getName());

    private DefaultChunkSize() {
    }

    /** For a session and the receiver's path (as given: its relays, then the receiver); said with --verbose. */
    public static int forPath(Authentication.Session session, MsrpPath destination) {
        long said = session.maxChunkSize();
        int size;
        String why;
        if (said == 0) {
            size = STANDARD;
            why = "the relay says nothing of chunk sizes (Max-Chunk-Size)";
        } else if (said <= STANDARD) {
            size = (int) Math.max(said, SMALLEST);
            why = "the relay's Max-Chunk-Size is " + said;
        } else if (!throughOneRelay(session.usePath(), destination)) {
            size = STANDARD;
            why = "the receiver's path does not lead through this side's relay alone";
        } else {
            size = (int) Math.min(said, LARGEST);
            why = "the relay takes them (Max-Chunk-Size: " + said + ") and the receiver signed in there too";
        }
        LOG.fine(() -> "chunks of " + size + " bytes: " + why);
        return size;
    }

    private static boolean throughOneRelay(MsrpPath usePath, MsrpPath destination) {
        return usePath.size() == 1 && destination.size() == 2 && sameRelay(usePath.first(), destination.first());
    }

    private static boolean sameRelay(MsrpUri own, MsrpUri peers) {
        return own.secure() == peers.secure() && own.port() == peers.port()
                && own.host().equalsIgnoreCase(peers.host());
    }
}
