package org.msrptools.relay;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The relay's Prometheus metrics, in a registry of its own (so that two
 * relays in one JVM, as in tests, count apart). Counting is always on: an
 * increment is a striped add, and the data path's counters are resolved
 * once, not looked up by label on every chunk. {@code --metrics} only
 * decides whether they are served.
 */
public final class RelayMetrics {

    /**
     * Which way a forwarded message went: from and to a client of this relay,
     * or a peer (another relay, or an endpoint sending directly). A peer may
     * only deliver into a client's session: this is no open relay.
     */
    enum Direction {
        CLIENT_TO_CLIENT, CLIENT_TO_PEER, PEER_TO_CLIENT;

        static Direction of(boolean fromClient, boolean toClient) {
            return !fromClient ? PEER_TO_CLIENT : toClient ? CLIENT_TO_CLIENT : CLIENT_TO_PEER;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    final CounterDataPoint connectionsAccepted;
    final Counter connectionsRefused;
    final Counter connectionsClosed;
    final CounterDataPoint tlsHandshakeFailures;
    final Counter auth;
    final CounterDataPoint authThrottled;
    final CounterDataPoint sessionsCreated;
    final Counter sessionsEnded;
    private final CounterDataPoint[] forwardedMessages = new CounterDataPoint[Direction.values().length];
    private final CounterDataPoint[] forwardedBytes = new CounterDataPoint[Direction.values().length];
    final CounterDataPoint chunksInterrupted;
    final CounterDataPoint messagesDropped;
    final Counter responses;
    /** The response counters by code, resolved once each: a 200 goes out for nearly every chunk. */
    private final CounterDataPoint[] responsesByCode = new CounterDataPoint[1000];
    final Counter failureReports;
    final Counter nextHopFailures;
    final GaugeDataPoint nextHopConnectionsOpen;
    final Histogram accountLookupSeconds;

    public RelayMetrics() {
        connectionsAccepted = counter("msrp_relay_connections_accepted", "Connections accepted (TLS not yet done).");
        connectionsRefused = counter("msrp_relay_connections_refused",
                "Connections closed at once because a cap was reached, by cap.", "cap");
        connectionsClosed = counter("msrp_relay_connections_closed", "Connections without a session (never signed "
                + "in, or another relay's) that the relay closed, by reason: silent, slow, garbage, refused sign-ins "
                + "(a session's end: msrp_relay_sessions_ended_total; a failed TLS handshake: "
                + "msrp_relay_tls_handshake_failures_total).", "reason");
        tlsHandshakeFailures = counter("msrp_relay_tls_handshake_failures", "Clients' TLS handshakes that failed or "
                + "timed out (the relay's own with next hops: msrp_relay_next_hop_failures_total).");
        nextHopFailures = counter("msrp_relay_next_hop_failures", "Attempts to reach a next hop that failed, by what "
                + "failed: " + java.util.Arrays.stream(NextHopFailure.values()).map(f -> f.label)
                .collect(java.util.stream.Collectors.joining(", ")) + " (answers from the relay's memory of a recent "
                + "failure not counted).", "reason");
        nextHopConnectionsOpen = Gauge.builder().name("msrp_relay_next_hop_connections_open").help("Connections "
                + "this relay opened to next hops (other relays) and has open now, TLS done.").withoutExemplars()
                .register(registry).labelValues();
        auth = counter("msrp_relay_auth", "AUTH requests with credentials, by result: ok, failed, unavailable "
                + "(account store down).", "result");
        authThrottled = counter("msrp_relay_auth_throttled",
                "AUTH answers held back for the recent failed attempts from the client's address.");
        sessionsCreated = counter("msrp_relay_sessions_created", "Sessions granted by AUTH.");
        sessionsEnded = counter("msrp_relay_sessions_ended", "Sessions ended, by reason.", "reason");
        Counter messages = counter("msrp_relay_forwarded_messages",
                "Requests forwarded whole (SEND chunks, REPORTs, others), by direction.", "direction");
        Counter bytes = counter("msrp_relay_forwarded_bytes",
                "Body bytes forwarded, by direction, counted as they are read.", "direction");
        for (Direction d : Direction.values()) {
            forwardedMessages[d.ordinal()] = messages.labelValues(d.label());
            forwardedBytes[d.ordinal()] = bytes.labelValues(d.label());
        }
        chunksInterrupted = counter("msrp_relay_chunks_interrupted",
                "Chunks the relay ended with '+' to let other messages on a shared connection go first.");
        messagesDropped = counter("msrp_relay_messages_dropped", "Messages with a bad head dropped unanswered, the "
                + "connection going on: no readable paths, or a REPORT or a response (a request that can be answered "
                + "gets a 400: msrp_relay_responses_total).");
        responses = counter("msrp_relay_responses", "Transaction responses the relay sent itself, by code.", "code");
        failureReports = counter("msrp_relay_failure_reports", "Failure REPORTs the relay sent, by code.", "code");
        // Known label values are there from the start, at 0: a rate or an alert on them has data before the first event.
        for (String result : new String[] {"ok", "failed", "unavailable"}) {
            auth.labelValues(result);
        }
        for (EndReason reason : EndReason.values()) {
            if (reason != EndReason.TLS_HANDSHAKE && reason != EndReason.NO_VALID_MESSAGE) { // never a session's end
                sessionsEnded.labelValues(reason.label);
            }
            if (reason != EndReason.TLS_HANDSHAKE && reason != EndReason.CLOSED_BY_CLIENT
                    && reason != EndReason.EXPIRED) { // counted elsewhere, not the relay's doing, a session's
                connectionsClosed.labelValues(reason.label);
            }
        }
        for (NextHopFailure f : NextHopFailure.values()) {
            nextHopFailures.labelValues(f.label);
        }
        KNOWN_FAILURE_CODES.forEach(code -> failureReports.labelValues(Integer.toString(code)));
        failureReports.labelValues("other");
        for (String cap : new String[] {ConnectionLimit.MAX_CONNECTIONS, ConnectionLimit.MAX_PER_ADDRESS}) {
            connectionsRefused.labelValues(cap);
        }
        var lookups = Histogram.builder()
                .name("msrp_relay_account_lookup_seconds")
                .help("Time to look an account up for AUTH (cache hits included).")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .withoutExemplars();
        accountLookupSeconds = (Histogram) lookups.register(registry);
    }

    private Counter counter(String name, String help, String... labels) {
        return (Counter) Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars()
                .register(registry);
    }

    private CounterDataPoint counter(String name, String help) {
        return counter(name, help, new String[0]).labelValues();
    }

    /** The gauges read from the relay's own state when scraped, and the JVM's and process's metrics. */
    void gauges(LongSupplier connectionsOpen, LongSupplier sessionsActive, LongSupplier queuedBytes,
                LongSupplier pausedForTotal, LongSupplier certificateExpiry) {
        // The start block warns once; a relay runs for months, and an alert needs a figure (found by a new user).
        gauge("msrp_relay_certificate_expiry_timestamp_seconds", "When the relay's certificate, or one of its chain, expires first (Unix time).",
                certificateExpiry);
        gauge("msrp_relay_connections_open", "Connections accepted and open now (clients, and peers that connected "
                + "to this relay).", connectionsOpen);
        gauge("msrp_relay_sessions_active", "Sessions live now.", sessionsActive);
        gauge("msrp_relay_outbound_queued_bytes",
                "Bytes read from connections and not yet written onward (see --total-buffer).", queuedBytes);
        gauge("msrp_relay_connections_paused_total_buffer", "Connections not read now because the relay holds "
                + "more than --total-buffer for all of them.", pausedForTotal);
        JvmMetrics.builder().register(registry);
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsLong())).register(registry);
    }

    /** A response the relay sent itself; its codes are its own, three digits. */
    void response(int code) {
        CounterDataPoint counter = responsesByCode[code];
        if (counter == null) { // resolved once; two threads racing to it resolve the same data point
            counter = responses.labelValues(Integer.toString(code));
            responsesByCode[code] = counter;
        }
        counter.inc();
    }

    /**
     * A failure REPORT the relay sent. Its code may be a next hop's answer:
     * one outside the codes RFC 4975 and 4976 define counts as "other", so
     * that a peer cannot make up new series without end.
     */
    void failureReport(int code) {
        failureReports.labelValues(KNOWN_FAILURE_CODES.contains(code) ? Integer.toString(code) : "other").inc();
    }

    private static final java.util.Set<Integer> KNOWN_FAILURE_CODES =
            java.util.Set.of(400, 403, 408, 413, 415, 423, 481, 500, 501, 506);

    void forwardedBytes(Direction d, long n) {
        forwardedBytes[d.ordinal()].inc(n);
    }

    void forwardedMessage(Direction d) {
        forwardedMessages[d.ordinal()].inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
