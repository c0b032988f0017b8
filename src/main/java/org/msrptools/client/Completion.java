package org.msrptools.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
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

    /** How often the waiting thread looks. */
    private static final long LOOK_MILLIS = 200;
    /**
     * A look this much later than planned means this process did not run
     * meanwhile (Ctrl-Z, SIGSTOP, a debugger): that time is no idleness of
     * the peer's. Judged at once, the wait blamed the peer for it before the
     * connection's thread had read what the peer sent meanwhile (found by a
     * new user: a sender stopped for 70 s said the receiver had not confirmed).
     */
    private static final long STOPPED_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final CompletableFuture<T> future = new CompletableFuture<>();
    /** The monotonic clock, {@link System#nanoTime} but in tests. */
    private final LongSupplier nanos;
    private volatile long lastActivity;
    private volatile IdleOutcome<T> whenIdle;

    Completion() {
        this(System::nanoTime);
    }

    Completion(LongSupplier nanos) {
        this.nanos = nanos;
        this.lastActivity = nanos.getAsLong();
    }

    void activity() {
        lastActivity = nanos.getAsLong();
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
        long lastLook = nanos.getAsLong();
        while (true) {
            try {
                return future.get(LOOK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (unless != null && unless.isDone()) {
                    return null;
                }
                long now = nanos.getAsLong();
                if (now - lastLook > STOPPED_NANOS) {
                    lastActivity = now; // stopped: the idle clock starts again, once what waited has been read
                    ProcessStops.stopped(now - lastLook);
                }
                lastLook = now;
                Duration limit = idleLimit.get();
                if (now - lastActivity > limit.toNanos()) {
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
