package org.msrptools.cli;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How long the relay's certificate holds, as its start block says it, and
 * a warning when clients refuse it or soon will: a relay started with an
 * expired certificate ran as if nothing were wrong, and every client then
 * failed its handshake.
 */
record CertificateValidity(String text, boolean warning) {

    /** Warned about this long before the end, so there is time to renew and hand out the new one. */
    static final Duration SOON = Duration.ofDays(30);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** {@code generated}: the relay made it in its state directory, so the way out is to let it make another. */
    static CertificateValidity of(X509Certificate certificate, Instant now, boolean generated) {
        Instant start = certificate.getNotBefore().toInstant();
        Instant end = certificate.getNotAfter().toInstant();
        String renew = generated
                ? "remove cert.pem and key.pem from the state directory and restart for a new one (clients then need it)"
                : "renew it";
        if (now.isBefore(start)) {
            return new CertificateValidity("not valid before " + DAY.format(start) + ": clients refuse it until then "
                    + "(is this machine's clock right?)", true);
        }
        if (!now.isBefore(end)) {
            return new CertificateValidity("expired on " + DAY.format(end) + ": clients refuse it; " + renew, true);
        }
        // Days begun, as a calendar counts them: a certificate made for 3650 days says 3650 on the day it is made.
        long days = (Duration.between(now, end).toSeconds() + 86_399) / 86_400;
        String until = DAY.format(end) + " (" + days + (days == 1 ? " day)" : " days)");
        return Duration.between(now, end).compareTo(SOON) < 0
                ? new CertificateValidity("expires on " + until + "; " + renew, true)
                : new CertificateValidity(until, false);
    }
}
