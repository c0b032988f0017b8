package org.msrptools.relay;

import java.util.Optional;
import java.util.Set;

/**
 * Where the relay finds users: the htdigest file by default, a database
 * later. Implementations must be safe to call from several threads.
 */
public interface AccountStore {

    /** HA1 = MD5(user:realm:password) of that account, if it exists. */
    Optional<String> ha1(String user, String realm);

    /** The realms (domains) that have at least one account. */
    Set<String> realms();

    /** How many accounts there are. */
    int size();
}
