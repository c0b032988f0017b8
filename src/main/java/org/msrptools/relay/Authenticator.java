package org.msrptools.relay;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.msrptools.protocol.AuthenticationInfo;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PasswordNotChecked;
import org.msrptools.tls.CertificateFiles;

/**
 * The AUTH method of RFC 4976 section 5: challenge, check the digest answer,
 * grant a session with its Use-Path. A digest {@code uri} must name the
 * AUTH's To-Path URI (RFC 2617: the digest-uri is the request's target),
 * compared as MSRP URIs are (RFC 4975 section 6.1), so that an answer
 * computed for another relay or target is not accepted here. Compatible
 * with the original clients, which leave it out (then the digest-uri is the
 * AUTH's To-Path URI exactly as the client wrote it).
 */
public final class Authenticator {

    /**
     * The chunk size said in the 200 ({@link MsrpHeaders#MAX_CHUNK_SIZE}).
     * This relay takes chunks of any size; up to this one, a chunk is not
     * split for another message's turn while its bytes keep coming (see
     * {@link Outbound}). A client whose peer signed in here too may then
     * send chunks this large: fewer chunks cost every hop less than the
     * 10 KiB that every relay takes.
     */
    static final int MAX_CHUNK_SIZE = Outbound.FAIR_SHARE_BYTES;

    /** What the connection does after an AUTH: answer, and maybe close or own a session. */
    public record Outcome(MsrpResponse response, boolean close, RelaySession session) {
    }

    /** The per-connection facts AUTH needs. */
    public interface Client {
        Channel channel();

        InetAddress address();

        /** Failed attempts so far on this connection. */
        int failures();

        void failed();

        /** The session this connection already owns, or null. */
        RelaySession session();
    }

    /** A password whose account lookup has not ended by then is answered 500, and gives its turn back. */
    static final long LOOKUP_GIVEN_UP_SECONDS = 30;

    private final RelayConfig config;
    private final AccountStore accounts;
    private final NonceService nonces;
    private final SessionTable sessions;
    private final RelayIdentity identity;
    private final Clock clock;
    private final String fallbackRealm = CertificateFiles.machineHostName();
    private final AuthThrottle throttle;
    private final RelayEvents events;

    public Authenticator(RelayConfig config, AccountStore accounts, NonceService nonces, SessionTable sessions,
                         RelayIdentity identity, Clock clock, RelayEvents events) {
        this.events = events;
        this.config = config;
        this.accounts = accounts;
        this.nonces = nonces;
        this.sessions = sessions;
        this.identity = identity;
        this.clock = clock;
        this.throttle = new AuthThrottle(clock);
    }

    /**
     * Answers an AUTH. Everything but the account lookup is decided at once;
     * the lookup may take a database round trip, so the outcome is a future,
     * completed on {@code client}'s own event loop. A password is checked in
     * its address's turn (see {@link AuthThrottle}).
     */
    public CompletableFuture<Outcome> handle(MsrpRequest auth, Client client) {
        if (client.session() != null || auth.headers().get(MsrpHeaders.AUTHORIZATION) == null) {
            // A refresh comes from a connection that proved its password (and is for its own user only, see
            // decide): kept waiting, it could outlast the session. A challenge checks no password.
            return decide(auth, client);
        }
        InetAddress address = client.address();
        CompletableFuture<Outcome> answered = new CompletableFuture<>();
        Runnable check = () -> onLoopOf(client, () -> inTurn(auth, client, answered));
        if (!throttle.whenTurn(address, check)) {
            events.authThrottled(address, 0, "a password from this address is being checked already");
            return done(answer(auth, 403, PasswordNotChecked.COMMENT));
        }
        return answered;
    }

    /**
     * Checks a password in its address's turn; the turn passes on with the
     * answer. A wrong password's answer, and so the turn, is held back as
     * long as the address's failures say; a right one is answered at once.
     */
    private void inTurn(MsrpRequest auth, Client client, CompletableFuture<Outcome> answered) {
        InetAddress address = client.address();
        if (!client.channel().isActive()) {
            throttle.endTurn(address); // gone while it waited: nothing to check
            answered.complete(answer(auth, 481, "Connection closed"));
            return;
        }
        long started = System.nanoTime();
        long hold = throttle.delayMillis(address);
        CompletableFuture<Outcome> decided;
        try {
            // A lookup that never ends would keep the address's turn for good: it is given up (a 500).
            decided = decide(auth, client).orTimeout(LOOKUP_GIVEN_UP_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException | Error e) { // the turn must not be lost: the address would wait for good
            throttle.endTurn(address);
            answered.completeExceptionally(e);
            return;
        }
        decided.whenComplete((o, e) -> {
            boolean signedIn = o != null && o.session() != null;
            if (!signedIn && hold > 0) {
                events.authThrottled(address, hold, "recent failed attempts from this address");
            }
            // The hold counts from the check's start: a slow lookup is part of it (the clients' fallback is not).
            long left = signedIn ? 0 : Math.max(0, hold - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            answerAfter(client, left, () -> {
                if (e != null) {
                    answered.completeExceptionally(e);
                } else {
                    answered.complete(o);
                }
                throttle.endTurn(address); // after: the next check's answer cannot overtake this one
            });
        });
    }

    /** Runs {@code answer} on {@code client}'s loop after {@code millis}; at once when the relay is stopping. */
    private static void answerAfter(Client client, long millis, Runnable answer) {
        try {
            client.channel().eventLoop().schedule(answer, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            answer.run(); // a turn must not stay taken
        }
    }

    private static void onLoopOf(Client client, Runnable task) {
        if (client.channel().eventLoop().inEventLoop()) {
            task.run();
        } else {
            answerAfter(client, 0, task);
        }
    }

    private CompletableFuture<Outcome> decide(MsrpRequest auth, Client client) {
        if (auth.toPath().size() != 1 || auth.fromPath().size() != 1) {
            return done(answer(auth, 400, "AUTH needs one To-Path and one From-Path URI"));
        }
        MsrpUri target = auth.toPath().first();
        String realm = realmFor(target);
        Long expires;
        try {
            expires = auth.headers().expires();
        } catch (MsrpSyntaxException e) {
            return done(answer(auth, 400, e.getMessage()));
        }
        if (expires != null && expires < config.minExpires()) {
            MsrpResponse r = auth.respond(423, "Interval Out-of-Bounds");
            r.headers().add(MsrpHeaders.MIN_EXPIRES, config.minExpires());
            return done(new Outcome(r, false, null));
        }
        if (expires != null && expires > config.maxExpires()) {
            MsrpResponse r = auth.respond(423, "Interval Out-of-Bounds");
            r.headers().add(MsrpHeaders.MAX_EXPIRES, config.maxExpires());
            return done(new Outcome(r, false, null));
        }
        String header = auth.headers().get(MsrpHeaders.AUTHORIZATION);
        if (header == null) {
            return done(challenge(auth, client, realm, false));
        }
        DigestCredentials credentials;
        try {
            credentials = DigestCredentials.parse(header);
        } catch (MsrpSyntaxException e) {
            return done(failure(auth, client, realm, "?", e.getMessage()));
        }
        String user = userPart(credentials.username());
        String who = user + "@" + credentials.realm();
        if (!credentials.realm().equals(realm)) {
            return done(failure(auth, client, realm, who, "realm mismatch (expected " + realm + ")"));
        }
        RelaySession own = client.session();
        if (own != null && !own.user().equals(user + "@" + realm)) {
            // A refresh is its own user's: another's password is not checked here, where the throttle does not
            // hold refreshes back (else any account were a way to test others' passwords at full speed).
            return done(answer(auth, 403, "This connection is signed in as " + own.user() + ": an AUTH on it "
                    + "refreshes that session only"));
        }
        if (credentials.uri() != null && !names(credentials.uri(), target)) {
            return done(failure(auth, client, realm, who, "digest uri is not the AUTH's To-Path"));
        }
        if (!"auth".equalsIgnoreCase(credentials.qop()) || credentials.nc() == null || credentials.cnonce() == null) {
            return done(failure(auth, client, realm, who, "qop is not auth with nc and cnonce"));
        }
        switch (nonces.check(credentials.nonce(), client.address())) {
            case STALE -> {
                return done(challenge(auth, client, realm, true));
            }
            case INVALID -> {
                return done(failure(auth, client, realm, who, "nonce not issued to this address"));
            }
            case REPLAYED -> {
                return done(failure(auth, client, realm, who, "nonce already used"));
            }
            default -> {
                // valid: go on
            }
        }
        DigestCredentials withUri = credentials.uri() == null ? credentials.withUri(target.toString()) : credentials;
        Long granted = expires;
        long lookupStarted = System.nanoTime();
        return accounts.ha1(user, realm).handleAsync((ha1, error) -> {
            events.accountLookup(System.nanoTime() - lookupStarted);
            if (error != null) {
                events.authUnavailable(who, client.address(), rootMessage(error));
                return answer(auth, 500, "Account database unavailable");
            }
            return verified(auth, client, realm, who, user, withUri, credentials, ha1, granted);
        }, client.channel().eventLoop());
    }

    private Outcome verified(MsrpRequest auth, Client client, String realm, String who, String user,
                             DigestCredentials withUri, DigestCredentials credentials, Optional<String> ha1,
                             Long expires) {
        DigestAlgorithm algorithm = credentials.algorithm();
        // An account's HA1 is MD5; SHA-256 answers need the password, which the relay never stores.
        boolean ok = ha1.isPresent() && algorithm == DigestAlgorithm.MD5
                && DigestAlgorithm.matches(algorithm.authResponse(ha1.get(), withUri), credentials.response());
        if (!ok) {
            return failure(auth, client, realm, who, ha1.isPresent() ? "wrong password" : "unknown user");
        }
        if (!nonces.consume(credentials.nonce())) {
            return failure(auth, client, realm, who, "nonce already used");
        }
        throttle.succeeded(client.address(), who);
        Duration lifetime = Duration.ofSeconds(expires != null ? expires : config.defaultExpires());
        RelaySession session = client.session();
        if (!client.channel().isActive()) {
            return answer(auth, 481, "Connection closed"); // gone during the lookup: no session for nobody
        }
        if (session == null) {
            session = sessions.create(user + "@" + realm, client.channel(), lifetime);
            events.authOk(who, client.address(), session.id());
            events.sessionCreated(session, client.address(), lifetime);
        } else if (session.extend(clock.instant(), clock.instant().plus(lifetime))) {
            events.authOk(who, client.address(), session.id());
            events.sessionRefreshed(session, lifetime);
        } else {
            return answer(auth, 481, "Session expired"); // its connection closes with it
        }
        MsrpResponse ok200 = auth.respond(200, "OK");
        ok200.headers().add(MsrpHeaders.USE_PATH, MsrpPath.of(identity.uri(session.id())))
                .add(MsrpHeaders.EXPIRES, lifetime.toSeconds())
                .add(MsrpHeaders.MAX_CHUNK_SIZE, MAX_CHUNK_SIZE)
                .add(MsrpHeaders.AUTHENTICATION_INFO, new AuthenticationInfo("auth",
                        algorithm.rspauth(ha1.get(), withUri), credentials.cnonce(), credentials.nc(), null));
        return new Outcome(ok200, false, session);
    }

    private static CompletableFuture<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage();
    }

    /**
     * The realm for an AUTH: --domain, else the To-Path host if it has
     * accounts, else the accounts' first domain (the htdigest file's first,
     * so adding a user of a new domain at its end does not change the realm
     * of those who sign in by address), else the machine's host name.
     */
    String realmFor(MsrpUri target) {
        if (config.domain() != null) {
            return config.domain();
        }
        Set<String> realms = accounts.realms();
        String host = target.hostAddress().toLowerCase(Locale.ROOT);
        for (String r : realms) {
            if (r.equalsIgnoreCase(host)) {
                return r;
            }
        }
        return realms.isEmpty() ? fallbackRealm : realms.iterator().next();
    }

    /** Whether a digest-uri names {@code target}: the same MSRP URI by RFC 4975's comparison rules. */
    private static boolean names(String digestUri, MsrpUri target) {
        try {
            return MsrpUri.parse(digestUri).equals(target);
        } catch (MsrpSyntaxException e) {
            return false;
        }
    }

    private static String userPart(String username) {
        int at = username.indexOf('@');
        return at < 0 ? username : username.substring(0, at);
    }

    private Outcome challenge(MsrpRequest auth, Client client, String realm, boolean stale) {
        MsrpResponse r = auth.respond(401, "Unauthorized");
        String nonce = nonces.issue(client.address());
        r.headers().add(MsrpHeaders.WWW_AUTHENTICATE,
                new DigestChallenge(realm, nonce, opaque(nonce), "auth", DigestAlgorithm.MD5, stale));
        return new Outcome(r, false, null);
    }

    /** The original clients echo opaque; it carries nothing the nonce does not. */
    private static String opaque(String nonce) {
        return Integer.toHexString(nonce.hashCode());
    }

    private Outcome failure(MsrpRequest auth, Client client, String realm, String who, String why) {
        client.failed();
        throttle.failed(client.address(), who);
        events.authFailed(who, client.address(), why, client.failures());
        if (client.failures() >= config.maxAuthFailures()) {
            return new Outcome(auth.respond(403, "Too many failed attempts"), true, null);
        }
        return challenge(auth, client, realm, false);
    }

    private static Outcome answer(MsrpRequest auth, int code, String comment) {
        return new Outcome(auth.respond(code, comment), false, null);
    }
}
