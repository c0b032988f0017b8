package org.msrptools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.HtdigestAccounts;
import org.msrptools.relay.RelayConfig;
import org.msrptools.relay.RelayServer;
import org.msrptools.tls.CertificateFiles;

/**
 * The run that the build records in the jar's class-data-sharing archive
 * ({@code java -XX:ArchiveClassesAtExit=target/msrp-tools.jsa -cp
 * target/msrp-tools.jar org.msrptools.cli.ArchiveTraining}): a small
 * file sent with msrp-send to msrp-receive through a relay on 127.0.0.1, the
 * dialogue as users run it (options, TLS on the default engine, AUTH, the
 * paths swapped through files, progress, the stored file). The classes this
 * loads, and the lambdas it links, are then read from the archive by every
 * client started by {@code bin/}, instead of being found in the jar, verified
 * and linked again; that is most of a client's start-up.
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("msrp-cds-training");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CertificateFiles.createSelfSigned(cert, key, List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
        Path accounts = dir.resolve("accounts.htdigest");
        Path password = Files.writeString(dir.resolve("password"), "training\n");
        for (String user : List.of("alice", "bob")) {
            HtdigestAccounts.put(accounts, user, "example.com", DigestAlgorithm.MD5.ha1(user, "example.com", "training"));
        }
        RelayConfig config = RelayConfig.builder().listenHost("127.0.0.1").listenPort(0).hostname("localhost")
                .certFile(cert).keyFile(key).shutdownGrace(Duration.ofSeconds(1)).build();
        int code;
        try (HtdigestAccounts store = new HtdigestAccounts(accounts)) {
            RelayServer relay = new RelayServer(config, store, Clock.systemUTC()).start();
            try {
                code = transfer(dir, relay.port(), cert, password);
            } finally {
                relay.stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Exit explicitly: the archive is written as the JVM exits, and nothing of the run may linger.
        System.exit(code);
    }

    private static int transfer(Path dir, int port, Path cert, Path password) throws Exception {
        Path file = Files.write(dir.resolve("training.bin"), new byte[100_000]);
        Path received = Files.createDirectories(dir.resolve("received"));
        String relay = Integer.toString(port);
        CompletableFuture<Integer> receiver = CompletableFuture.supplyAsync(() -> MsrpTool.execute("msrp-receive",
                "bob@example.com", "127.0.0.1", relay, "--ca-file", cert.toString(), "--password-file",
                password.toString(), "--path-file", dir.resolve("bob.path").toString(), "--peer-path-file",
                dir.resolve("alice.path").toString(), "--output-dir", received.toString(), "--timeout", "30"));
        int sent = MsrpTool.execute("msrp-send", file.toString(), "alice@example.com", "127.0.0.1", relay,
                "--ca-file", cert.toString(), "--password-file", password.toString(), "--path-file",
                dir.resolve("alice.path").toString(), "--peer-path-file", dir.resolve("bob.path").toString(),
                "--timeout", "30");
        int got = receiver.get();
        if (sent != 0 || got != 0) {
            System.err.println("training transfer failed: msrp-send exited " + sent + ", msrp-receive " + got);
            return 1;
        }
        return 0;
    }
}
