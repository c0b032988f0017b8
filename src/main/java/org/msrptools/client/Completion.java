package org.msrptools.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end of a transfer as seen by the waiting thread: it completes or
 * fails from the connection's thread, and fails with a timeout when nothing
 * happened for the allowed idle time.
 */
final class Completion<T> {

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private volatile long lastActivity = System.nanoTime();

    void activity() {
        lastActivity = System.nanoTime();
    }

    void complete(T value) {
        future.complete(value);
    }

    void fail(ClientException e) {
        future.completeExceptionally(e);
    }

    boolean isDone() {
        return future.isDone();
    }

    T await(Duration idleTimeout, String waitingFor) throws ClientException, InterruptedException {
        while (true) {
            try {
                return future.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
                    throw new ClientException(ClientException.Kind.TIMEOUT,
                            "nothing happened for " + idleTimeout.toSeconds() + " s while " + waitingFor);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ClientException c) {
                    throw c;
                }
                throw new ClientException(ClientException.Kind.TRANSFER, e.getCause().toString(), e.getCause());
            }
        }
    }
}
