package org.msrptools.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus server for tests, from Debian's {@code prometheus}
 * package (installed by .ci/run): 127.0.0.1 and a free port, its own
 * storage, scraping one target every second as job {@value #JOB}.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    public static final String JOB = "msrp-relay";

    /** The sample of an instant vector's first series: {@code "value":[<time>,"<number>"]}. */
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,\\]]+,\"([^\"]+)\"\\]");

    private final Tool process;
    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Tool process, URI api) {
        this.process = process;
        this.api = api;
    }

    public static boolean installed() {
        return Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL);
    }

    /** Starts a server in {@code dir} scraping {@code target} (host:port, /metrics); returns once it serves its API. */
    public static PrometheusServer start(Path dir, String target) throws Exception {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Tool process = Tool.run(Map.of(), List.of(PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        try {
            process.await("Server is ready to receive web requests", Duration.ofSeconds(60));
        } catch (AssertionError | InterruptedException e) {
            process.close();
            throw e;
        }
        return new PrometheusServer(process, URI.create("http://127.0.0.1:" + port + "/api/v1/"));
    }

    /**
     * The value of an instant query's first series, through the HTTP API;
     * empty if the query selects nothing (not scraped yet).
     */
    public Optional<Double> query(String promql) throws IOException, InterruptedException {
        String body = get("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!body.contains("\"status\":\"success\"")) {
            throw new AssertionError("Prometheus did not answer " + promql + ": " + body);
        }
        Matcher m = VALUE.matcher(body);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    /** Prometheus's view of its targets (health, last error), for a failure's message. */
    public String targets() throws IOException, InterruptedException {
        return get("targets");
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code promtool check metrics} on a metrics page: its exit code and what it printed. */
    public record Check(int exitCode, String output) { }

    public static Check checkMetrics(Path page) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectInput(page.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool check metrics still running after 30 s:\n" + output);
        }
        return new Check(p.exitValue(), output);
    }

    public String output() {
        return process.output();
    }

    /** Killed: its storage is a throwaway, nothing needs a clean shutdown. */
    @Override
    public void close() {
        process.close();
    }
}
