package org.msrptools.relay;

import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.msrptools.protocol.RandomIds;

/** Every live session of the relay, by session id. */
public final class SessionTable {

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    public SessionTable(Clock clock) {
        this.clock = clock;
    }

    /** A new session with an unguessable id for {@code owner}. */
    public RelaySession create(String user, Channel owner, Duration lifetime) {
        while (true) {
            Instant now = clock.instant();
            RelaySession s = new RelaySession(RandomIds.sessionId(), user, owner, now, now.plus(lifetime));
            if (sessions.putIfAbsent(s.id(), s) == null) {
                return s;
            }
        }
    }

    /**
     * The live session with that id, or null. An expired one counts as gone
     * at once, but stays for {@link #expire()}, which closes its owner: a
     * busy session is looked up far more often than the sweep runs, and a
     * lookup that removed it would leave the owner's connection open.
     */
    public RelaySession get(String id) {
        if (id == null) {
            return null;
        }
        RelaySession s = sessions.get(id);
        return s == null || s.expired(clock.instant()) ? null : s;
    }

    public void remove(RelaySession s) {
        sessions.remove(s.id(), s);
    }

    public int size() {
        return sessions.size();
    }

    /** The sessions not expired now, oldest first. */
    List<RelaySession> live() {
        Instant now = clock.instant();
        return sessions.values().stream().filter(s -> !s.expired(now))
                .sorted(Comparator.comparing(RelaySession::since)).toList();
    }

    /** Removes expired sessions and returns them, so their owners can be closed. */
    public List<RelaySession> expire() {
        Instant now = clock.instant();
        List<RelaySession> expired = new ArrayList<>();
        for (RelaySession s : sessions.values()) {
            if (s.endIfExpired(now)) {
                remove(s);
                expired.add(s);
            }
        }
        return expired;
    }
}
