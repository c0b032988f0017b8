package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.testing.PrometheusServer;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.Transfer;

/**
 * msrp-relay --metrics as an operator's Prometheus sees it: a real
 * Prometheus server scrapes the relay process on loopback while the real
 * msrp-send and msrp-receive move a file through it.
 */
class PrometheusScrapeIT {

    private static final long FILE_SIZE = 10L << 20;
    private static final String UP = "up{job=\"" + PrometheusServer.JOB + "\"}";
    private static final String BYTES = "msrp_relay_forwarded_bytes_total{job=\"" + PrometheusServer.JOB
            + "\",direction=\"client_to_client\"}";

    @Test
    void prometheusScrapesTheRelayAndCountsAFileGoingThrough(@TempDir Path work) throws Exception {
        Assumptions.assumeTrue(PrometheusServer.installed(), "Prometheus test skipped: "
                + PrometheusServer.PROMETHEUS + " or " + PrometheusServer.PROMTOOL
                + " is missing (Debian's package 'prometheus', installed by .ci/run)");
        try (RelayProcess relay = RelayProcess.start(work.resolve("state"), List.of(), "--metrics", "127.0.0.1:0")) {
            URI metrics = URI.create(relay.tool.await("Metrics: +(http://127\\.0\\.0\\.1:\\d+/metrics) ",
                    Duration.ofSeconds(10)));

            HttpResponse<Path> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofFile(work.resolve("metrics.txt")));
            assertThat(page.statusCode()).isEqualTo(200);
            PrometheusServer.Check check = PrometheusServer.checkMetrics(page.body());
            assertThat(check.exitCode()).as("promtool check metrics:\n" + check.output()).isZero();

            try (PrometheusServer prometheus = PrometheusServer.start(work.resolve("prometheus"),
                    metrics.getHost() + ":" + metrics.getPort())) {
                Optional<Double> up = await(prometheus, UP, v -> v == 1, Duration.ofSeconds(30));
                assertThat(up).as("Prometheus's " + UP + "; its targets: " + prometheus.targets()).contains(1.0);
                Optional<Double> before = prometheus.query(BYTES);
                assertThat(before).as(BYTES + " after the first scrape").contains(0.0);

                Path file = work.resolve("payload.bin");
                byte[] data = new byte[(int) FILE_SIZE];
                new Random().nextBytes(data);
                Files.write(file, data);
                Transfer t = Transfer.start(work, file, "127.0.0.1", relay.port,
                        List.of("--ca-file", relay.cert().toString(), "--timeout", "30"), List.of(), List.of());
                assertThat(t.exitCodes(Duration.ofSeconds(60)))
                        .as("sender:\n" + t.sender.output() + "\nreceiver:\n" + t.receiver.output())
                        .containsExactly(0, 0);
                String expected = TransferContract.sha256(file);
                assertThat(Transfer.sha256(t.sender)).isEqualTo(expected);
                assertThat(Transfer.sha256(t.receiver)).isEqualTo(expected);
                assertThat(TransferContract.sha256(Path.of(Transfer.savedAs(t.receiver)))).isEqualTo(expected);

                double wanted = before.get() + FILE_SIZE;
                Optional<Double> after = await(prometheus, BYTES, v -> v >= wanted, Duration.ofSeconds(20));
                String asked = String.format("Prometheus's %s 20 s after a %d-byte file went through, %.0f before,"
                        + " should be at least %.0f; its targets: %s", BYTES, FILE_SIZE, before.get(), wanted,
                        prometheus.targets());
                assertThat(after).as(asked).isPresent();
                assertThat(after.get()).as(asked).isGreaterThanOrEqualTo(wanted);
            }
        }
    }

    /** Asks {@code promql} until its value satisfies {@code done} or {@code timeout} passes; returns the last value. */
    private static Optional<Double> await(PrometheusServer prometheus, String promql,
                                          DoublePredicate done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Double> value = prometheus.query(promql);
            if (value.isPresent() && done.test(value.get()) || System.nanoTime() > deadline) {
                return value;
            }
            Thread.sleep(250);
        }
    }
}
