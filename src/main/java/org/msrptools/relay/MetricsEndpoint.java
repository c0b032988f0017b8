package org.msrptools.relay;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code --metrics}: an HTTP listener with {@code /metrics} (the Prometheus
 * text format, from the Prometheus client's own server), {@code /health}:
 * 200 while the relay listens and its account store answers, else 503 with
 * what is wrong, for a load balancer or a supervisor to act on, and
 * {@code /sessions}: who is signed in now ({@link SessionView}).
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

    private MetricsEndpoint(String host, int port, RelayServer relay, AccountStore accounts) throws IOException {
        this.relay = relay;
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
        return new MetricsEndpoint(host, port, relay, accounts);
    }

    public int port() {
        return server.getPort();
    }

    /** Every path but /metrics: /health, /sessions, else 404. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("/sessions".equals(path)) {
                reply(exchange, 200, "application/x-ndjson", sessions());
                return;
            }
            if (!"/health".equals(path)) {
                reply(exchange, 404, "not found: /metrics, /health and /sessions are served here\n");
                return;
            }
            String problem = !relay.listening() ? "the relay is not listening"
                    : !storeAnswers ? "the account store does not answer" : null;
            reply(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : "unavailable: " + problem + "\n");
        }
    }

    /**
     * The live sessions, one JSON object a line, oldest first, with the keys
     * of the log's session lines; at most {@value #MOST_SESSIONS} (then a
     * last line says how many were left out).
     */
    private String sessions() {
        List<SessionView> views = new ArrayList<>(relay.sessionsNow(MOST_SESSIONS + 1, SESSIONS_WAIT));
        views.sort(Comparator.comparing(SessionView::since));
        StringBuilder out = new StringBuilder();
        for (SessionView v : views.subList(0, Math.min(views.size(), MOST_SESSIONS))) {
            StringBuilder b = new StringBuilder("{");
            JsonFields.field(b, "user", v.user());
            JsonFields.field(b, "session", v.session());
            JsonFields.field(b, "address", v.address());
            JsonFields.field(b, "since", v.since().truncatedTo(ChronoUnit.SECONDS).toString());
            JsonFields.field(b, "expires_at", v.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
            JsonFields.field(b, "peer", v.peer());
            if (v.traffic() != null) {
                JsonFields.field(b, "messages_in", v.traffic().messagesIn());
                JsonFields.field(b, "bytes_in", v.traffic().bytesIn());
                JsonFields.field(b, "messages_out", v.traffic().messagesOut());
                JsonFields.field(b, "bytes_out", v.traffic().bytesOut());
            }
            out.append(b).append("}\n");
        }
        if (views.size() > MOST_SESSIONS) {
            out.append("{\"truncated\":true,\"shown\":").append(MOST_SESSIONS).append(",\"sessions\":")
                    .append(relay.sessionCount()).append("}\n");
        }
        return out.toString();
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
