package org.msrptools.client;

/**
 * How far msrp-send may go beyond what the receiver's success REPORTs have
 * confirmed. A relay that answers each chunk at once and queues it for the
 * receiver without passing back-pressure (Kamailio's msrp module does, and
 * closes the receiver's connection once 4 MiB wait) would otherwise fill up
 * whenever the receiver is slower than the sender, or stops for a while.
 * msrp-receive confirms as it goes ({@link FileReceiver#PROGRESS_REPORT_BYTES}).
 * Other receivers report differently, and a wait at the limit tells them
 * apart: with no confirmation at all after {@link #FIRST_REPORT_MILLIS}, the
 * receiver reports only at the end (or never) and the rest goes unpaced
 * (until a confirmation comes after all); with one confirmation before but
 * none since for {@link #STALL_MILLIS}, it reports more sparsely than the
 * limit, and the limit doubles. A receiver that has confirmed more than once
 * confirms as it goes: it is waited for (a stopped process, a slow disk),
 * as long as the sender's --timeout allows.
 */
public final class ConfirmationPace {

    /**
     * The first limit: half the write queue of the Kamailio this project is
     * tested against (4 MiB per connection), and, with a REPORT every 512 KiB,
     * enough in flight that the receiver does not wait for bytes on a short
     * path. A long one is slower: at most this much per round trip.
     */
    public static final long FIRST_LIMIT = 2L * 1024 * 1024;
    public static final long FIRST_REPORT_MILLIS = 2000;
    public static final long STALL_MILLIS = 5000;
    private static final long UNPACED = Long.MAX_VALUE;

    private long limit = FIRST_LIMIT;
    /** How many REPORTs confirmed more. */
    private int confirmations;

    boolean allows(long sent, long confirmed) {
        return sent - confirmed < limit;
    }

    /** How long to wait at the limit for more to be confirmed before {@link #relax}. */
    long patienceMillis() {
        return confirmations > 0 ? STALL_MILLIS : FIRST_REPORT_MILLIS;
    }

    /**
     * Nothing more was confirmed at the limit for {@link #patienceMillis}:
     * says what it does instead, or null when it keeps waiting.
     */
    String relax() {
        if (confirmations == 0) {
            limit = UNPACED;
            return "no REPORT yet: the receiver reports only at the end; sending unpaced";
        }
        if (confirmations > 1) {
            return null;
        }
        limit = limit > UNPACED / 2 ? UNPACED : limit * 2;
        return "the receiver confirms less often than every " + limit / 2 + " bytes; sending up to " + limit
                + " bytes ahead";
    }

    /** The receiver confirmed more: it reports as it goes, so a sender sending unpaced is paced again. */
    void confirmed() {
        confirmations++;
        if (limit == UNPACED) {
            limit = FIRST_LIMIT;
        }
    }

    long limit() {
        return limit;
    }
}
