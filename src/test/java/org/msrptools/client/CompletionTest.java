package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The waiting thread's idle clock: it counts time the peer let pass, not time this process was stopped. */
class CompletionTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Completion<String> completion = new Completion<>(now::get);

    private CompletableFuture<Object> waiting() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return completion.await(() -> Duration.ofSeconds(1), () -> "sending");
            } catch (ClientException e) {
                return e;
            } catch (InterruptedException e) {
                return e;
            }
        });
    }

    /** Looks are 200 ms apart: let a few pass at the clock's time now. */
    private static void fewLooks() throws InterruptedException {
        Thread.sleep(700);
    }

    @Test
    void nothingForLongerThanTheLimitIsATimeout() throws Exception {
        CompletableFuture<Object> wait = waiting();
        for (int i = 0; i < 8 && !wait.isDone(); i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(300)); // time passing as it does, look by look
            Thread.sleep(250);
        }
        assertThat(wait.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ClientException.class,
                e -> assertThat(e).hasMessage("nothing happened for 1 s while sending"));
    }

    /** Found by a new user: a sender stopped for 70 s (Ctrl-Z) blamed the receiver as soon as it ran again. */
    @Test
    void aJumpBetweenTwoLooksIsThisProcessStoppedNotThePeerIdle() throws Exception {
        CompletableFuture<Object> wait = waiting();
        fewLooks();
        long before = ProcessStops.seconds();
        now.addAndGet(TimeUnit.SECONDS.toNanos(70)); // stopped between two looks
        fewLooks();
        assertThat(wait).as("no timeout at the first look after the stop").isNotDone();
        assertThat(ProcessStops.seconds() - before).as("the stop, for the command line to say").isEqualTo(70);
        completion.activity(); // what the peer sent meanwhile, read
        completion.complete("done");
        assertThat(wait.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    }
}
