package org.msrptools.relay;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code --metrics}: an HTTP listener with {@code /metrics} (the Prometheus
 * text format, from the Prometheus client's own server) and {@code /health}:
 * 200 while the relay listens and its account store answers, else 503 with
 * what is wrong, for a load balancer or a supervisor to act on.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;
    private final RelayServer relay;
    private final AccountStore accounts;

    private MetricsEndpoint(String host, int port, RelayServer relay, AccountStore accounts) throws IOException {
        this.relay = relay;
        this.accounts = accounts;
        this.server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(relay.metrics().registry())
                .registerHealthHandler(false) // ours is /health, which also asks the account store
                .defaultHandler(this::handle)
                .buildAndStart();
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
                    : !accounts.answers() ? "the account store does not answer" : null;
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
        server.close();
    }
}
