package org.msrptools.bench;

import io.netty.handler.ssl.SslContext;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.msrptools.client.Authentication;
import org.msrptools.client.FileReceiver;
import org.msrptools.client.FileSender;
import org.msrptools.client.Progress;
import org.msrptools.client.RelayAccount;

/**
 * One file through the relay with the product's own client code
 * (Authentication, FileSender, FileReceiver), both ends in this JVM.
 * Measured from the first chunk to the receiver's last byte on disk.
 */
final class InProcessTransfer {

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());
    /** Receivers wait on their own threads: many transfers may run at once. */
    private static final ExecutorService RECEIVERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-receiver");
        t.setDaemon(true);
        return t;
    });

    record Result(long bytes, long nanos) {
        double mibPerSecond() {
            return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }
    }

    private InProcessTransfer() {
    }

    static Result run(int port, SslContext tls, Path file, Path outDir, int senderUser, int receiverUser,
                      int chunkSize) throws Exception {
        Duration timeout = Duration.ofSeconds(120);
        Authentication.Session rs = signIn(port, tls, receiverUser, timeout);
        Authentication.Session ss = signIn(port, tls, senderUser, timeout);
        try (var rc = rs.connection(); var sc = ss.connection()) {
            Files.createDirectories(outDir);
            Progress receiving = new Progress("received", Progress.Output.to(NOWHERE, false), true);
            CompletableFuture<FileReceiver.Result> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return new FileReceiver(rs, ss.advertisedPath(), outDir, Long.MAX_VALUE, receiving, l -> { })
                            .receive(timeout);
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }, RECEIVERS);
            long start = System.nanoTime();
            FileSender.Result sent = new FileSender(ss, rs.advertisedPath(), file, file.getFileName().toString(),
                    "application/octet-stream", chunkSize, false, MsrpLoad.WINDOW, Duration.ofSeconds(60), // as msrp-send
                    new Progress("sent", Progress.Output.to(NOWHERE, false), true)).send(timeout);
            FileReceiver.Result r = received.join();
            if (!sent.sha256().equals(r.sha256()) || sent.bytes() != r.bytes()) {
                throw new IllegalStateException("corrupted transfer: sent " + sent.bytes() + " bytes " + sent.sha256()
                        + ", received " + r.bytes() + " bytes " + r.sha256());
            }
            Files.deleteIfExists(r.file());
            return new Result(r.bytes(), receiving.completedNanos() - start);
        }
    }

    static Authentication.Session signIn(int port, SslContext tls, int user, Duration timeout) throws Exception {
        RelayAccount account = new RelayAccount("127.0.0.1", port, "127.0.0.1", "user" + user, RelayUnderTest.REALM,
                RelayUnderTest.PASSWORD, tls, timeout);
        return new Authentication(account, line -> { }).signIn();
    }
}
