package org.msrptools.testing;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.relay.AccountStore;

/**
 * The accounts of example.com, any user's password its name and "-secret",
 * whose lookups take as long as a test says for each user (a database under
 * load); lookups are counted, and how many were under way at once.
 */
public final class SlowAccounts implements AccountStore {

    public final AtomicInteger lookups = new AtomicInteger();
    public final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger atOnce = new AtomicInteger();
    private final ToLongFunction<String> millis;

    public SlowAccounts(ToLongFunction<String> millis) {
        this.millis = millis;
    }

    @Override
    public CompletableFuture<Optional<String>> ha1(String user, String realm) {
        lookups.incrementAndGet();
        mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
        return CompletableFuture.supplyAsync(() -> {
            atOnce.decrementAndGet();
            return Optional.of(DigestAlgorithm.MD5.ha1(user, realm, user + "-secret"));
        }, CompletableFuture.delayedExecutor(millis.applyAsLong(user), TimeUnit.MILLISECONDS));
    }

    @Override
    public Set<String> realms() {
        return Set.of("example.com");
    }

    @Override
    public int size() {
        return 4;
    }

    @Override
    public String describe() {
        return "slow accounts";
    }

    @Override
    public boolean answers() {
        return true;
    }
}
