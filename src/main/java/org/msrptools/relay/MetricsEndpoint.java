package org.msrptools.relay;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code --metrics}: an HTTP listener with {@code /metrics} (the Prometheus
 * text format, from the Prometheus client's own server) and {@code /health}:
 * 200 while the relay listens and its account store answers, else 503 with
 * what is wrong, for a load balancer or a supervisor to act on.
 *
 * <p>The account store is asked every {@value #CHECK_SECONDS} s by a thread
 * of its own, and /health answers from the last check: a database that is
 * down makes each check wait seconds, and probes that waited on it would
 * hold the server's few threads (scrapes of /metrics included) and the
 * pool's connections that AUTH needs.
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final int CHECK_SECONDS = 2;

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

    /** Every path but /metrics: /health, else 404. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"/health".equals(exchange.getRequestURI().getPath())) {
                reply(exchange, 404, "not found: /metrics and /health are served here\n");
                return;
            }
            String problem = !relay.listening() ? "the relay is not listening"
                    : !storeAnswers ? "the account store does not answer" : null;
            reply(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : "unavailable: " + problem + "\n");
        }
    }

    private static void reply(HttpExchange exchange, int code, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
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
