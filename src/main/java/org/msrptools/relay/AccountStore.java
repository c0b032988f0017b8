package org.msrptools.relay;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where the relay finds users: the htdigest file by default, an SQL
 * database when configured. Lookups answer asynchronously so that a slow
 * database never blocks the relay's event loops; a store that cannot answer
 * fails the future with {@link Unavailable}.
 */
public interface AccountStore extends AutoCloseable {

    /** HA1 = MD5(user:realm:password) of that account, if it exists. */
    CompletableFuture<Optional<String>> ha1(String user, String realm);

    /**
     * The realms (domains) that have at least one account, as last known,
     * the default first: the realm of those who sign in by address.
     */
    Set<String> realms();

    /** How many accounts there are, as last known (-1 when the store cannot tell cheaply). */
    int size();

    /** Where the accounts are, for the start block. */
    String describe();

    /** Whether the store answers now, for the relay's /health; may take a round trip, never on an event loop. */
    boolean answers();

    @Override
    default void close() {
    }

    /** The store cannot be reached: the relay answers 500 and goes on serving established sessions. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
