package org.msrptools.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.HtdigestAccounts;

/**
 * {@code msrp-relay} as a child process on 127.0.0.1 and a free port, with
 * its own state directory and the accounts alice/bob/carol@example.com.
 */
public final class RelayProcess implements AutoCloseable {

    public final Path state;
    public final Tool tool;
    public final int port;

    private RelayProcess(Path state, Tool tool, int port) {
        this.state = state;
        this.tool = tool;
        this.port = port;
    }

    public static RelayProcess start(Path state, List<String> jvmArgs, String... extraArgs) throws Exception {
        return start(state, args -> Tool.start(Map.of(), jvmArgs, args), extraArgs);
    }

    /** As a user starts it: {@code bin/msrp-relay}, with the launcher's JVM options and no others. */
    public static RelayProcess startAsShipped(Path state, String... extraArgs) throws Exception {
        return start(state, args -> {
            List<String> command = new ArrayList<>(List.of(Path.of("bin", "msrp-relay").toAbsolutePath().toString()));
            command.addAll(List.of(args).subList(1, args.length)); // the launcher names the tool itself
            return Tool.run(Map.of(), command);
        }, extraArgs);
    }

    private interface Launch {
        Tool start(String[] args) throws java.io.IOException;
    }

    private static RelayProcess start(Path state, Launch launch, String... extraArgs) throws Exception {
        Files.createDirectories(state);
        Path accounts = state.resolve("accounts.htdigest");
        if (!Files.exists(accounts)) {
            for (String user : List.of("alice", "bob", "carol")) {
                HtdigestAccounts.put(accounts, user, TestRelay.REALM,
                        DigestAlgorithm.MD5.ha1(user, TestRelay.REALM, user + "-secret"));
            }
        }
        List<String> args = new ArrayList<>(List.of("msrp-relay", "--state-dir", state.toString(),
                "--hostname", "localhost"));
        if (!List.of(extraArgs).contains("--listen")) {
            args.addAll(List.of("--listen", "127.0.0.1:0"));
        }
        args.addAll(List.of(extraArgs));
        Tool tool = launch.start(args.toArray(String[]::new));
        int port = Integer.parseInt(tool.await("Listening on: +(?:127\\.0\\.0\\.1|\\[::1\\]):(\\d+)",
                Duration.ofSeconds(30)));
        return new RelayProcess(state, tool, port);
    }

    public static RelayProcess start(Path state) throws Exception {
        return start(state, List.of());
    }

    public Path cert() {
        return state.resolve("cert.pem");
    }

    /** What the relay's /metrics says now; it must have been started with {@code --metrics 127.0.0.1:0}. */
    public String metrics() throws Exception {
        URI metrics = URI.create(tool.await("Metrics: +(http://127\\.0\\.0\\.1:\\d+/metrics) ", Duration.ZERO));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        tool.close();
    }
}
