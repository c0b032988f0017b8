package org.msrptools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.HtdigestAccounts;
import org.msrptools.relay.RelayConfig;
import org.msrptools.relay.RelayServer;
import org.msrptools.tls.CertificateFiles;

/**
 * The run that makes the class list of the jar's class-data-sharing archive
 * ({@code java -cp target/msrp-tools.jar org.msrptools.cli.ArchiveTraining
 * target/msrp-tools.classlist}, then a static dump of that list into
 * target/msrp-tools.jsa): a small file sent with msrp-send to msrp-receive
 * through a relay on 127.0.0.1, the dialogue as users run it (options, TLS on
 * the default engine, AUTH, the paths swapped through files, progress, the
 * stored file). The classes the two clients load, and the lambdas they link,
 * are then read from the archive by every client started by {@code bin/},
 * instead of being found in the jar, verified and linked again; that is most
 * of a client's start-up.
 * <p>
 * The clients run as processes of their own, started as bin/ starts them, and
 * only they list what they load: the relay (here, in this JVM) and the making
 * of its certificate load about a thousand classes no client needs, and the
 * JVM relocates every class of the archive at each start (a fifth more
 * classes made a client's path come about 35 ms later).
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ArchiveTraining CLASSLIST");
            System.exit(2);
        }
        Path classList = Path.of(args[0]);
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
                code = transfer(dir, relay.port(), cert, password, classList);
            } finally {
                relay.stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Exit explicitly: nothing of the run (the relay's threads) may linger.
        System.exit(code);
    }

    private static int transfer(Path dir, int port, Path cert, Path password, Path classList) throws Exception {
        Path file = Files.write(dir.resolve("training.bin"), new byte[100_000]);
        Path received = Files.createDirectories(dir.resolve("received"));
        String relay = Integer.toString(port);
        Process receiver = client(dir.resolve("receive.classlist"), "msrp-receive", "bob@example.com", "127.0.0.1",
                relay, "--ca-file", cert.toString(), "--password-file", password.toString(), "--path-file",
                dir.resolve("bob.path").toString(), "--peer-path-file", dir.resolve("alice.path").toString(),
                "--output-dir", received.toString(), "--timeout", "30", "--peer-timeout", "30");
        int sent;
        int got;
        try {
            Process sender = client(dir.resolve("send.classlist"), "msrp-send", file.toString(), "alice@example.com",
                    "127.0.0.1", relay, "--ca-file", cert.toString(), "--password-file", password.toString(),
                    "--path-file", dir.resolve("alice.path").toString(), "--peer-path-file",
                    dir.resolve("bob.path").toString(), "--timeout", "30", "--peer-timeout", "30");
            sent = exitCode(sender);
            got = exitCode(receiver);
        } finally {
            receiver.destroyForcibly(); // gone already, unless the sender could not start
        }
        if (sent != 0 || got != 0) {
            System.err.println("training transfer failed: msrp-send exited " + sent + ", msrp-receive " + got);
            return 1;
        }
        Files.write(classList, merged(dir.resolve("receive.classlist"), dir.resolve("send.classlist")));
        return 0;
    }

    /**
     * A client as bin/ starts it (the serial collector, none of Netty's JFR
     * events, Netty's native libraries from target/native), listing the
     * classes it loads, read from the jar rather than from an archive.
     */
    private static Process client(Path list, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xshare:off", "-XX:DumpLoadedClassList=" + list, "-XX:+UseSerialGC",
                "-Dio.netty.jfr.enabled=false"));
        Path natives = jar.toAbsolutePath().resolveSibling("native");
        if (Files.isDirectory(natives)) {
            command.add("-Djava.library.path=" + natives);
        }
        command.addAll(List.of("-cp", jar.toString(), MsrpTool.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /**
     * Both clients' lists as one, each line once. Lambdas that implement
     * picocli's or SLF4J's interfaces go: their Java 5 class files cannot be
     * archived, and Java 17 crashes dumping them rather than leaving them out.
     */
    private static List<String> merged(Path... lists) throws IOException {
        Set<String> lines = new LinkedHashSet<>();
        for (Path list : lists) {
            for (String line : Files.readAllLines(list)) {
                if (!line.startsWith("@lambda-proxy") || !UNARCHIVABLE_LAMBDA.matcher(line).find()) {
                    lines.add(line);
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static final Pattern UNARCHIVABLE_LAMBDA = Pattern.compile("L(picocli|org/slf4j)/");
}
