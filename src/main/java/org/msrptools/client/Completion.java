package org.msrptools.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The end of a transfer as seen by the waiting thread: it completes or
 * fails from the connection's thread, and ends as {@link #whenIdle} says
 * (by default a timeout) when nothing happened for the allowed idle time.
 */
final class Completion<T> {

    /** What an idle wait ends with: a value, or a failure. */
    interface IdleOutcome<T> {
        T get() throws ClientException;
    }

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private volatile long lastActivity = System.nanoTime();
    private volatile IdleOutcome<T> whenIdle;

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

    /** Done (either way) once the transfer has ended: for waits that must give up with it. */
    CompletableFuture<T> future() {
        return future;
    }

    /** From now on an idle wait ends with {@code outcome} instead of a timeout. */
    void whenIdle(IdleOutcome<T> outcome) {
        whenIdle = outcome;
    }

    /** Waits for the end, as below with nothing that ends the wait early. */
    T await(Supplier<Duration> idleLimit, Supplier<String> waitingFor) throws ClientException, InterruptedException {
        return await(idleLimit, waitingFor, null);
    }

    /**
     * Waits for the end, or until {@code unless} (if not null) is done: then
     * null. {@code idleLimit} is asked again at every look, as what the
     * transfer waits for (and so how long it may take) changes.
     */
    T await(Supplier<Duration> idleLimit, Supplier<String> waitingFor, Future<?> unless)
            throws ClientException, InterruptedException {
        while (true) {
            try {
                return future.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (unless != null && unless.isDone()) {
                    return null;
                }
                Duration limit = idleLimit.get();
                if (System.nanoTime() - lastActivity > limit.toNanos()) {
                    idle(limit, waitingFor);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ClientException c) {
                    throw c;
                }
                throw new ClientException(ClientException.Kind.TRANSFER, e.getCause().toString(), e.getCause());
            }
        }
    }

    /** Ends the wait through the future, so the connection's thread sees it is over. */
    private void idle(Duration idleTimeout, Supplier<String> waitingFor) {
        IdleOutcome<T> outcome = whenIdle;
        if (outcome == null) {
            fail(new ClientException(ClientException.Kind.TIMEOUT,
                    "nothing happened for " + idleTimeout.toSeconds() + " s while " + waitingFor.get()));
            return;
        }
        try {
            complete(outcome.get());
        } catch (ClientException e) {
            fail(e);
        }
    }
}
