package org.msrptools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file from msrp-send to msrp-receive through a running relay, as users
 * run them: separate processes started by their launchers, default options
 * (plus {@code senderOptions}), the relay's certificate verified with
 * --ca-file, passwords from MSRP_PASSWORD, paths swapped through
 * --path-file/--peer-path-file. Timed from the sender's "Starting
 * transmission of" (JVM start and AUTH are over) to the receiver's
 * "SHA-256:" line (the file is complete under its final name). Fails unless
 * both exit 0 and the SHA-256 the receiver prints, and that of the file it
 * stored, are the sent file's.
 */
final class CommandTransfer {

    /**
     * The time and the CPU time of each process for the transfer (from the
     * moment it started until the process ended; the relay until both
     * clients ended), and each client's CPU time before it (JVM start, AUTH).
     */
    record Result(long bytes, long nanos, Proc.Cpu sender, Proc.Cpu receiver, Proc.Cpu relay,
                  Proc.Cpu senderStartup, Proc.Cpu receiverStartup) {
        double mibPerSecond() {
            return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }
    }

    private static final Pattern STARTING = Pattern.compile("^Starting transmission of");
    private static final Pattern SHA = Pattern.compile("^SHA-256: ([0-9a-f]{64})");
    private static final Duration SIGN_IN = Duration.ofMinutes(2);
    /** The tools give up by themselves after 60 s without progress; this only bounds a hang. */
    private static final Duration TRANSFER = Duration.ofMinutes(30);

    private CommandTransfer() {
    }

    static Result run(RelayUnderTest relay, Path file, String sha256, Path work, List<String> senderOptions)
            throws Exception {
        Path dir = Files.createTempDirectory(work, "transfer");
        Path received = Files.createDirectories(dir.resolve("received"));
        String port = Integer.toString(relay.port);
        List<String> receive = Java.asUsersRunIt("msrp-receive");
        receive.addAll(List.of("user1@" + RelayUnderTest.REALM, "127.0.0.1", port, "--ca-file",
                relay.cert().toString(), "--path-file", dir.resolve("bob.path").toString(), "--peer-path-file",
                dir.resolve("alice.path").toString(), "--output-dir", received.toString()));
        List<String> send = Java.asUsersRunIt("msrp-send");
        send.addAll(List.of(file.toString(), "user0@" + RelayUnderTest.REALM, "127.0.0.1", port, "--ca-file",
                relay.cert().toString(), "--path-file", dir.resolve("alice.path").toString(), "--peer-path-file",
                dir.resolve("bob.path").toString()));
        send.addAll(senderOptions);
        Consumer<Map<String, String>> env = e -> {
            Java.userEnvironment(e);
            e.put("MSRP_PASSWORD", RelayUnderTest.PASSWORD);
        };
        try (MeasuredProcess receiver = MeasuredProcess.start("msrp-receive", receive, env);
             MeasuredProcess sender = MeasuredProcess.start("msrp-send", send, env)) {
            MeasuredProcess.Line started = sender.await(STARTING, SIGN_IN);
            ProcessHandle s = sender.command();
            ProcessHandle r = receiver.command();
            Proc.expectJava(s, "msrp-send");
            Proc.expectJava(r, "msrp-receive");
            Proc.Cpu senderStartup = Proc.cpu(s.pid());
            Proc.Cpu receiverStartup = Proc.cpu(r.pid());
            Proc.Cpu relayBefore = relay.cpu();
            MeasuredProcess.Line done = receiver.await(SHA, TRANSFER);
            MeasuredProcess.Exit sent = sender.waitFor(SIGN_IN);
            MeasuredProcess.Exit got = receiver.waitFor(SIGN_IN);
            Proc.Cpu relayCpu = relay.cpu().minus(relayBefore);
            if (sent.code() != 0 || got.code() != 0) {
                throw new IOException("msrp-send exited " + sent.code() + ", msrp-receive " + got.code() + ":\n"
                        + sender.transcript() + receiver.transcript());
            }
            check("msrp-receive printed", receiver.find(SHA), sha256, sender, receiver);
            Optional<String> senderSha = sender.find(SHA); // not promised: checked when printed
            if (senderSha.isPresent()) {
                check("msrp-send printed", senderSha, sha256, sender, receiver);
            }
            checkStored(received, Files.size(file), sha256);
            return new Result(Files.size(file), done.nanos() - started.nanos(), sent.cpu().minus(senderStartup),
                    got.cpu().minus(receiverStartup), relayCpu, senderStartup, receiverStartup);
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    private static void check(String what, Optional<String> sha, String expected, MeasuredProcess sender,
                              MeasuredProcess receiver) throws IOException {
        if (!sha.equals(Optional.of(expected))) {
            throw new IOException(what + " SHA-256 " + sha.orElse("(none)") + ", the file's is " + expected + ":\n"
                    + sender.transcript() + receiver.transcript());
        }
    }

    /** The one file msrp-receive stored: the size and the SHA-256 of the one sent. */
    private static void checkStored(Path dir, long size, String sha256) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        if (files.size() != 1) {
            throw new IOException("msrp-receive stored " + files + " in " + dir + ", not one file");
        }
        Path stored = files.get(0);
        if (Files.size(stored) != size || !BenchFiles.sha256(stored).equals(sha256)) {
            throw new IOException("msrp-receive stored " + stored + " (" + Files.size(stored)
                    + " bytes), which is not the file sent");
        }
    }
}
