package org.msrptools.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;

/**
 * How long the relay's certificate holds, as its start block says it, and
 * a warning when clients refuse it or soon will: a relay started with an
 * expired certificate ran as if nothing were wrong, and every client then
 * failed its handshake. The chain the relay sends counts as a whole: an
 * intermediate that ends first ends it for every client. {@code refused}:
 * out of its validity now, which the relay's log also says of a failed
 * handshake.
 */
public record CertificateValidity(String text, boolean warning, boolean refused) {

    /** Warned about from this many days before the end, so there is time to renew and hand out the new one. */
    public static final long SOON_DAYS = 30;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd 'UTC'").withZone(ZoneOffset.UTC);
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    /**
     * {@code chain}: the relay's certificate first, then those sent with it.
     * {@code generated}: the relay made it in its state directory, so the
     * way out is to let it make another.
     */
    public static CertificateValidity of(List<X509Certificate> chain, Instant now, boolean generated) {
        X509Certificate lastToBegin = chain.stream().max(Comparator.comparing(X509Certificate::getNotBefore)).orElseThrow();
        X509Certificate firstToEnd = chain.stream().min(Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow();
        Instant start = lastToBegin.getNotBefore().toInstant();
        Instant end = firstToEnd.getNotAfter().toInstant();
        String renew = generated
                ? "remove cert.pem and key.pem from the state directory and restart for a new one (clients then need it)"
                : "renew it";
        if (now.isBefore(start)) {
            return new CertificateValidity("not valid before " + DAY.format(start) + whose(lastToBegin, chain)
                    + ": clients refuse it until then (is this machine's clock right?)", true, true);
        }
        if (!now.isBefore(end)) {
            return new CertificateValidity("expired on " + DAY.format(end) + whose(firstToEnd, chain)
                    + ": clients refuse it; " + renew, true, true);
        }
        // Days begun, as a calendar counts them: a certificate made for 3650 days says 3650 on the day it is made.
        long days = Math.floorDiv(Duration.between(now, end).toMillis() + DAY_MILLIS - 1, DAY_MILLIS);
        String until = DAY.format(end) + whose(firstToEnd, chain) + " (" + days + (days == 1 ? " day)" : " days)");
        return days <= SOON_DAYS
                ? new CertificateValidity("expires on " + until + "; " + renew, true, false)
                : new CertificateValidity(until, false, false);
    }

    /** Which certificate decides, when it is not the relay's own. */
    private static String whose(X509Certificate c, List<X509Certificate> chain) {
        return c == chain.get(0) ? "" : " (the chain's " + c.getSubjectX500Principal().getName() + ")";
    }
}
