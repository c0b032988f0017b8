package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.TestRelay;

/** The metrics endpoint's HTTP, against clients that misbehave. */
class MetricsEndpointTest {

    /**
     * Requests sent by half hold no thread: /health is answered while they
     * are still open (found by review: with the JDK's server, 10 of them
     * held its 10 threads, and /health waited until they were timed out,
     * 10 s, again and again as they were sent anew); and as many as the cap
     * keep no probe out: the oldest makes room (found by a new user: a cap
     * per address reset the probe from the same host).
     */
    @Test
    void healthIsAnsweredWhileHalfSentRequestsWait() throws Exception {
        try (TestRelay relay = TestRelay.start();
             MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store())) {
            List<Socket> halves = new ArrayList<>();
            try {
                for (int i = 0; i < MetricsEndpoint.MOST_CONNECTIONS; i++) {
                    Socket half = new Socket("127.0.0.1", endpoint.port());
                    half.getOutputStream().write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                    halves.add(half);
                }
                assertThat(ask(endpoint, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
                        .startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok\n");
                halves.get(0).setSoTimeout(10_000);
                assertThat(halves.get(0).getInputStream().read()).as("the oldest made room").isEqualTo(-1);
                for (Socket half : halves.subList(1, halves.size())) {
                    half.setSoTimeout(20);
                    InputStream in = half.getInputStream();
                    assertThatThrownBy(in::read).as("still open, still unanswered")
                            .isInstanceOf(SocketTimeoutException.class);
                }
            } finally {
                for (Socket half : halves) {
                    half.close();
                }
            }
        }
    }

    /** As the Prometheus client's own server answered: HEAD, GET, the formats a scraper asks for. */
    @Test
    void headHasNoBodyAndOtherMethodsAreRefused() throws Exception {
        try (TestRelay relay = TestRelay.start();
             MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, relay.server, relay.store())) {
            assertThat(ask(endpoint, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("content-length: 3\r\n").endsWith("\r\n\r\n");
            assertThat(ask(endpoint, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
                    .startsWith("HTTP/1.1 405 ").contains("allow: GET, HEAD\r\n");
            assertThat(ask(endpoint, "GET http://127.0.0.1/health HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .as("a target in absolute form").startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(ask(endpoint, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n")
                    .contains("msrp_relay_sessions_active 0.0")
                    .satisfies(page -> assertThat(Double.parseDouble(page.replaceAll(
                            "(?s).*\nmsrp_relay_certificate_expiry_timestamp_seconds (\\S+)\n.*", "$1")))
                            .as("in seconds").isEqualTo(relay.server.certificate().getNotAfter().getTime() / 1000));
            // As a Prometheus server that prefers the protobuf format asks (native histograms).
            assertThat(ask(endpoint, "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/vnd.google.protobuf;"
                    + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;"
                    + "version=1.0.0;q=0.5\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("content-type: application/vnd.google.protobuf;");
        }
    }

    /** The whole answer to {@code request}: the endpoint closes the connection after it. */
    private static String ask(MetricsEndpoint endpoint, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
