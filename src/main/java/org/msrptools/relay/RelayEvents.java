package org.msrptools.relay;

import static java.time.temporal.ChronoUnit.SECONDS;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the relay tells its operator, in one place: each method is one event,
 * written as one log line ({@link LogEvent}) and counted in
 * {@link RelayMetrics}. Fields never carry a password, a digest response or
 * a whole session id: sessions are named by the first
 * {@value #SESSION_PREFIX_CHARS} characters of their id, enough to tell them
 * apart in a log and far too few to use one. Any thread.
 */
public final class RelayEvents {

    static final int SESSION_PREFIX_CHARS = 6;
    /** Lines a second of each event that outsiders can cause; connection_refused, a flood's own sign, once. */
    static final int OUTSIDER_LINES_PER_SECOND = 20;
    private static final Logger LOG = Logger.getLogger(RelayEvents.class.getName());

    private final RelayMetrics metrics;
    private final LogRate accepted = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate refusedConnections = new LogRate(1);
    private final LogRate closed = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate tlsFailures = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate authFailures = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate throttled = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate refusedRequests = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate failureReports = new LogRate(OUTSIDER_LINES_PER_SECOND);
    private final LogRate nextHopFailures = new LogRate(OUTSIDER_LINES_PER_SECOND);
    /** Clients choose the next hops: their links' lines are bounded like outsiders' events. */
    private final LogRate nextHopLinks = new LogRate(OUTSIDER_LINES_PER_SECOND);

    public RelayEvents(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    /** The part of a session id that names it in logs. */
    static String prefix(String sessionId) {
        return sessionId == null ? null
                : sessionId.substring(0, Math.min(SESSION_PREFIX_CHARS, sessionId.length())) + "...";
    }

    /**
     * The connection events carry the client's port beside its address: with
     * many clients behind one address (a NAT), it is what pairs a close with
     * its accept.
     */
    void connectionAccepted(InetSocketAddress remote, int open) {
        metrics.connectionsAccepted.inc();
        log(Level.INFO, accepted, () -> LogEvent.of("connection_accepted").with("address", host(remote.getAddress()))
                .with("port", remote.getPort()).with("open", open));
    }

    void connectionRefused(InetAddress address, String cap, int open) {
        metrics.connectionsRefused.labelValues(cap).inc();
        log(Level.WARNING, refusedConnections, () -> LogEvent.of("connection_refused").with("address", host(address))
                .with("cap", cap).with("open", open));
    }

    /** This relay could not reach a next hop (a client's request named it): once per attempt, not per chunk. */
    void nextHopFailed(String hop, NextHopFailure reason, int code, String detail) {
        metrics.nextHopFailures.labelValues(reason.label).inc();
        log(Level.WARNING, nextHopFailures, () -> LogEvent.of("next_hop_failed").with("hop", hop)
                .with("reason", reason.label).with("code", code).with("detail", detail));
    }

    /** This relay connected to a next hop (TLS done): relay links are few and long-lived, each worth a line. */
    void nextHopConnected(String hop, InetAddress address, String tlsProtocol) {
        metrics.nextHopConnectionsOpen.inc();
        log(Level.INFO, nextHopLinks, () -> LogEvent.of("next_hop_connected").with("hop", hop)
                .with("address", host(address)).with("tls", tlsProtocol));
    }

    /** A connection {@link #nextHopConnected} announced has closed; traffic as seen from this relay. */
    void nextHopClosed(String hop, InetAddress address, Duration lasted, Traffic t, String reason, String detail) {
        metrics.nextHopConnectionsOpen.dec();
        log(Level.INFO, nextHopLinks, () -> LogEvent.of("next_hop_closed").with("hop", hop)
                .with("address", host(address)).with("duration_s", seconds(lasted))
                .with("messages_in", t.messagesIn()).with("bytes_in", t.bytesIn())
                .with("messages_out", t.messagesOut()).with("bytes_out", t.bytesOut())
                .with("reason", reason).with("detail", detail));
    }

    void tlsHandshakeFailed(InetSocketAddress remote, String reason) {
        metrics.tlsHandshakeFailures.inc();
        log(Level.INFO, tlsFailures, () -> LogEvent.of("tls_handshake_failed").with("address", host(remote.getAddress()))
                .with("port", remote.getPort()).with("reason", reason));
    }

    void authOk(String user, InetAddress address, String sessionId) {
        metrics.auth.labelValues("ok").inc();
        log(Level.INFO, LogEvent.of("auth_ok").with("user", user).with("address", host(address))
                .with("session", prefix(sessionId)));
    }

    void authFailed(String user, InetAddress address, String reason, int attempt) {
        metrics.auth.labelValues("failed").inc();
        log(Level.WARNING, authFailures, () -> LogEvent.of("auth_failed").with("user", user).with("address", host(address))
                .with("reason", reason).with("attempt", attempt));
    }

    /** An AUTH answer held back ({@code delayMillis}), or refused unchecked (0), for failures from its address. */
    void authThrottled(InetAddress address, long delayMillis, String reason) {
        metrics.authThrottled.inc();
        log(Level.WARNING, throttled, () -> LogEvent.of("auth_throttled").with("address", host(address))
                .with("reason", reason).with("delay_ms", delayMillis));
    }

    void authUnavailable(String user, InetAddress address, String reason) {
        metrics.auth.labelValues("unavailable").inc();
        log(Level.WARNING, LogEvent.of("auth_unavailable").with("user", user).with("address", host(address))
                .with("reason", reason));
    }

    void accountLookup(long nanos) {
        metrics.accountLookupSeconds.observe(nanos / 1e9);
    }

    void sessionCreated(RelaySession s, InetAddress address, Duration lifetime) {
        metrics.sessionsCreated.inc();
        log(Level.INFO, LogEvent.of("session_created").with("user", s.user()).with("session", prefix(s.id()))
                .with("address", host(address)).with("expires_s", lifetime.toSeconds())
                .with("expires_at", s.expiresAt().truncatedTo(SECONDS)));
    }

    void sessionRefreshed(RelaySession s, Duration lifetime) {
        log(Level.INFO, LogEvent.of("session_refreshed").with("user", s.user()).with("session", prefix(s.id()))
                .with("expires_s", lifetime.toSeconds()).with("expires_at", s.expiresAt().truncatedTo(SECONDS)));
    }

    /** What went through a session, each way: from its client (in) and to it (out). */
    record Traffic(long messagesIn, long bytesIn, long messagesOut, long bytesOut) {
    }

    void sessionEnded(RelaySession s, InetAddress address, Duration lasted, Traffic t, EndReason reason,
                      String detail) {
        metrics.sessionsEnded.labelValues(reason.label).inc();
        log(Level.INFO, LogEvent.of("session_ended").with("user", s.user()).with("session", prefix(s.id()))
                .with("address", host(address)).with("duration_s", seconds(lasted))
                .with("messages_in", t.messagesIn()).with("bytes_in", t.bytesIn())
                .with("messages_out", t.messagesOut()).with("bytes_out", t.bytesOut())
                .with("reason", reason.label).with("detail", detail));
    }

    /** A connection without a session that the relay closed (one with a session ends with session_ended). */
    void connectionClosed(InetSocketAddress remote, EndReason reason, String detail) {
        metrics.connectionsClosed.labelValues(reason.label).inc();
        log(Level.INFO, closed, () -> LogEvent.of("connection_closed").with("address", host(remote.getAddress()))
                .with("port", remote.getPort()).with("reason", reason.label).with("detail", detail));
    }

    void requestRefused(int code, String comment, String method, String sessionId, InetAddress address) {
        log(Level.INFO, refusedRequests, () -> LogEvent.of("request_refused").with("code", code).with("comment", comment)
                .with("method", method).with("session", prefix(sessionId)).with("address", host(address)));
    }

    /** A framed message too broken to answer (no paths), or one never answered (a REPORT, a response): dropped. */
    void messageDropped(String reason, String user, InetAddress address) {
        metrics.messagesDropped.inc();
        log(Level.INFO, refusedRequests, () -> LogEvent.of("message_dropped").with("reason", reason)
                .with("user", user).with("address", host(address)));
    }

    void response(int code) {
        metrics.response(code);
    }

    /** Counted always; logged when {@code logged} (the first for its message and code). */
    void failureReportSent(int code, String comment, String toUser, InetAddress toAddress, String messageId,
                           boolean logged) {
        metrics.failureReport(code);
        if (!logged) {
            return;
        }
        log(Level.INFO, failureReports, () -> LogEvent.of("failure_report_sent").with("code", code).with("comment", comment)
                .with("to_user", toUser).with("to_address", host(toAddress)).with("message_id", messageId));
    }

    void chunkInterrupted() {
        metrics.chunksInterrupted.inc();
    }

    /** Rounded, not cut: a connection closed after an idle timeout of 30 s lasted 30 s, not 29. */
    private static long seconds(Duration d) {
        return (d.toMillis() + 500) / 1000;
    }

    private static String host(InetAddress a) {
        return a == null ? null : a.getHostAddress();
    }

    private static void log(Level level, LogEvent e) {
        if (LOG.isLoggable(level)) {
            e.log(LOG, level);
        }
    }

    /** A line within {@code rate}, built only when it is logged. */
    private static void log(Level level, LogRate rate, Supplier<LogEvent> event) {
        if (!LOG.isLoggable(level)) {
            return;
        }
        long skipped = rate.admit(System.nanoTime());
        if (skipped >= 0) {
            LogEvent e = event.get();
            if (skipped > 0) {
                e.with("not_logged_since", skipped);
            }
            e.log(LOG, level);
        }
    }
}
