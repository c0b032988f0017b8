package org.msrptools.relay;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code --metrics}: an HTTP listener with {@code /metrics} (the Prometheus
 * text format, from the Prometheus client's own server), {@code /health}:
 * 200 while the relay listens and its account store answers, else 503 with
 * what is wrong, for a load balancer or a supervisor to act on, and, when
 * the operator asks for it, {@code /sessions}: who is signed in now
 * ({@link SessionView}).
 *
 * <p>The account store is asked every {@value #CHECK_SECONDS} s by a thread
 * of its own, and /health answers from the last check: a database that is
 * down makes each check wait seconds, and probes that waited on it would
 * hold the server's few threads (scrapes of /metrics included) and the
 * pool's connections that AUTH needs.
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final int CHECK_SECONDS = 2;
    /** Sessions listed by /sessions at most: a page an operator can read, a reply the server builds at once. */
    static final int MOST_SESSIONS = 10_000;
    /** How long /sessions waits for the event loops' figures in all. */
    private static final Duration SESSIONS_WAIT = Duration.ofSeconds(2);
    private static final long SESSIONS_PAGE_NANOS = 1_000_000_000L;

    static {
        // The JDK's HTTP server waits for a request's head for ever unless told: a few connections that
        // send half a request would hold every worker thread.
        System.setProperty("sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", "10"));
        System.setProperty("sun.net.httpserver.maxRspTime",
                System.getProperty("sun.net.httpserver.maxRspTime", "10"));
    }

    private final HTTPServer server;
    private final RelayServer relay;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "msrp-relay-health");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean storeAnswers = true;
    /** Whether /sessions is served: it names users and their addresses, so only when the operator asks. */
    private final boolean sessionsServed;
    /** The last /sessions page and when it was made: one build a second at most, however many ask. */
    private String sessionsPage;
    private long sessionsPageNanos;

    private MetricsEndpoint(String host, int port, RelayServer relay, AccountStore accounts, boolean sessionsServed)
            throws IOException {
        this.relay = relay;
        this.sessionsServed = sessionsServed;
        this.server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(relay.metrics().registry())
                .registerHealthHandler(false) // ours is /health, which also asks the account store
                .defaultHandler(this::handle)
                .buildAndStart();
        checker.scheduleWithFixedDelay(() -> storeAnswers = answers(accounts), 0, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** Whether the store answers; a check that throws says no (and must not end the checks). */
    private static boolean answers(AccountStore accounts) {
        try {
            return accounts.answers();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static MetricsEndpoint start(String host, int port, RelayServer relay, AccountStore accounts)
            throws IOException {
        return start(host, port, relay, accounts, false);
    }

    /** With {@code sessionsServed}, /sessions too. */
    public static MetricsEndpoint start(String host, int port, RelayServer relay, AccountStore accounts,
                                        boolean sessionsServed) throws IOException {
        return new MetricsEndpoint(host, port, relay, accounts, sessionsServed);
    }

    public int port() {
        return server.getPort();
    }

    /** Every path but /metrics: /health, /sessions, else 404. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (sessionsServed && "/sessions".equals(path)) {
                reply(exchange, 200, "application/x-ndjson", sessions());
                return;
            }
            if (!"/health".equals(path)) {
                reply(exchange, 404, "not found: /metrics" + (sessionsServed ? ", /health and /sessions are"
                        : " and /health are") + " served here\n");
                return;
            }
            String problem = !relay.listening() ? "the relay is not listening"
                    : !storeAnswers ? "the account store does not answer" : null;
            reply(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : "unavailable: " + problem + "\n");
        }
    }

    /**
     * The live sessions, one JSON object a line, oldest first, with the keys
     * and the cleaned values of the log's session lines (a key without a
     * value is left out: no peer yet, no figures in time); at most
     * {@value #MOST_SESSIONS} (then a last line says how many there are).
     * Made once a second at most: each build asks every event loop.
     */
    private synchronized String sessions() {
        if (sessionsPage != null && System.nanoTime() - sessionsPageNanos < SESSIONS_PAGE_NANOS) {
            return sessionsPage;
        }
        RelayServer.SessionsPage page = relay.sessionsNow(MOST_SESSIONS, SESSIONS_WAIT);
        StringBuilder out = new StringBuilder();
        for (SessionView v : page.shown()) {
            LogEvent e = LogEvent.of("session").with("user", v.user()).with("session", v.session())
                    .with("address", v.address()).with("since", v.since().truncatedTo(ChronoUnit.SECONDS))
                    .with("expires_at", v.expiresAt().truncatedTo(ChronoUnit.SECONDS)).with("peer", v.peer());
            if (v.traffic() != null) {
                e.with("messages_in", v.traffic().messagesIn()).with("bytes_in", v.traffic().bytesIn())
                        .with("messages_out", v.traffic().messagesOut()).with("bytes_out", v.traffic().bytesOut());
            }
            StringBuilder b = new StringBuilder("{");
            for (var field : e.fields()) {
                JsonFields.field(b, field.getKey(), field.getValue());
            }
            out.append(b).append("}\n");
        }
        if (page.live() > page.shown().size()) {
            out.append("{\"truncated\":true,\"shown\":").append(page.shown().size()).append(",\"sessions\":")
                    .append(page.live()).append("}\n");
        }
        sessionsPage = out.toString();
        sessionsPageNanos = System.nanoTime();
        return sessionsPage;
    }

    private static void reply(HttpExchange exchange, int code, String text) throws IOException {
        reply(exchange, code, "text/plain", text);
    }

    private static void reply(HttpExchange exchange, int code, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
        server.close();
    }
}
