package org.msrptools.testing;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.msrptools.relay.AccountStore;

/**
 * An account store of one domain, example.com, whose lookups answer as a
 * test scripts them: late, never, or wrongly.
 */
public final class ScriptedAccounts implements AccountStore {

    private final String description;
    private final Supplier<CompletableFuture<Optional<String>>> answer;

    private ScriptedAccounts(String description, Supplier<CompletableFuture<Optional<String>>> answer) {
        this.description = description;
        this.answer = answer;
    }

    /** Every lookup gets what {@code answer} gives at the time. */
    public static ScriptedAccounts answering(String description, Supplier<CompletableFuture<Optional<String>>> answer) {
        return new ScriptedAccounts(description, answer);
    }

    @Override
    public CompletableFuture<Optional<String>> ha1(String user, String realm) {
        return answer.get();
    }

    @Override
    public Set<String> realms() {
        return Set.of("example.com");
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean answers() {
        return true;
    }
}
