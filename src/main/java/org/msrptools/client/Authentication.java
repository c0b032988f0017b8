package org.msrptools.client;

import io.netty.util.NetUtil;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.msrptools.protocol.AuthenticationInfo;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.DigestChallenge;
import org.msrptools.protocol.DigestCredentials;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PasswordNotChecked;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.TransactionId;

/**
 * The client's side of AUTH (RFC 4976 section 5) over a fresh connection,
 * built to work with every relay met in practice: ours, Kamailio (which
 * needs the digest {@code uri}) and the original Python relay (which never
 * answers an Authorization that carries {@code uri}). So it sends {@code uri}
 * first and, when no answer comes, signs in again on a new connection
 * without it. A {@code stale=true} challenge is answered once more.
 */
public final class Authentication {

    /**
     * After this long without an answer to the digest, try the other digest
     * form. Our relay holds an answer to a password back for less (its
     * throttle), so that this is never taken for the original relay's silence.
     */
    public static final long NO_ANSWER_MILLIS = 4000;
    /** The longest session lifetime taken from a relay's Expires (a year): longer is the same to a client. */
    static final long LONGEST_LIFETIME_S = 366L * 24 * 3600;
    /** Passwords tried on one connection: relays close it after three failures (ours by default, the original). */
    static final int PASSWORD_TRIES = 3;
    /**
     * How long to wait before a password the relay did not check (another
     * from this address was being checked: {@link PasswordNotChecked})
     * goes again; a little more each time, so that clients refused together
     * do not come back together.
     */
    static final long TURN_RETRY_MILLIS = 500;

    /**
     * A signed-in connection: the relay's Use-Path, this client's own URI,
     * how long the relay keeps the session from sign-in (its Expires; null
     * when it did not say), what refreshes it before then (null when it
     * did not say), and the largest chunk to send through it (its
     * Max-Chunk-Size; 0 when it did not say).
     */
    public record Session(MsrpConnection connection, MsrpPath usePath, MsrpUri ownUri, ResponseQueue responses,
                          Duration lifetime, long signedInNanos, SessionRefresh refresh, long maxChunkSize) {

        /** A session nothing refreshes, through a relay that says nothing of chunk sizes. */
        public Session(MsrpConnection connection, MsrpPath usePath, MsrpUri ownUri, ResponseQueue responses,
                       Duration lifetime, long signedInNanos) {
            this(connection, usePath, ownUri, responses, lifetime, signedInNanos, null, 0);
        }

        /** The path to give the peer: Use-Path, then this client's URI. */
        public MsrpPath advertisedPath() {
            return usePath.append(ownUri);
        }

        /**
         * Whether the session is refreshed before the relay's lifetime runs
         * out (so that no longer bounds it): the relay gave one, and took
         * every refresh so far.
         */
        public boolean refreshed() {
            return refresh != null && refresh.working();
        }

        /** How the relay's lifetime ran out, for a message: the lifetime, and a refresh it did not take. */
        public String lifetimeSaid() {
            String said = "the lifetime it granted (Expires: " + lifetime.toSeconds() + " s) ran out";
            return refresh == null || refresh.working() ? said
                    : said + "; it did not take this side's refresh (" + refresh.refused() + ")";
        }

        /**
         * Time left until the relay ends the session, by the last lifetime it
         * granted ({@link Long#MAX_VALUE} ns when it did not say).
         */
        public Duration left() {
            if (lifetime == null) {
                return Duration.ofNanos(Long.MAX_VALUE);
            }
            if (refresh != null) {
                return refresh.left();
            }
            return lifetime.minusNanos(System.nanoTime() - signedInNanos);
        }

        /** Whether the relay's lifetime for the session has run out (within a second: clocks differ). */
        public boolean ended() {
            return left().compareTo(Duration.ofSeconds(1)) <= 0;
        }
    }

    private final RelayAccount account;
    private final Consumer<String> console;
    private Supplier<String> askAgain;
    /** The realm the relay challenged in: the password is checked for user@realm, whatever domain was typed. */
    private String realm;
    private String password;

    public Authentication(RelayAccount account, Consumer<String> console) {
        this.account = account;
        this.console = console;
        this.password = account.password();
    }

    /** Where a refused password can be typed again (a terminal); without it a refusal is final. */
    public Authentication askingAgain(Supplier<String> ask) {
        this.askAgain = ask;
        return this;
    }

    public Session signIn() throws ClientException, InterruptedException {
        Session s = attempt(true);
        return s != null ? s : attempt(false);
    }

    /** One sign-in on a new connection; null when the relay did not answer the digest (try without uri). */
    private Session attempt(boolean withUri) throws ClientException, InterruptedException {
        long deadline = System.nanoTime() + account.timeout().toNanos();
        console.accept("Connecting to " + MsrpUri.bracketed(account.host()) + ":" + account.port());
        ResponseQueue responses = new ResponseQueue();
        MsrpConnection connection = MsrpConnection.open(account.host(), account.address(), account.port(), account.tls(),
                account.timeout(), responses);
        boolean ok = false;
        try {
            // IPv6 as people write it (::1, not 0:0:0:0:0:0:0:1), and without a zone, which URIs do not take.
            String local = NetUtil.toAddressString(connection.localAddress().getAddress());
            MsrpUri own = MsrpUri.of(true, null, MsrpUri.bracketed(local),
                    connection.localAddress().getPort(), RandomIds.sessionId());
            MsrpUri relay = MsrpUri.of(true, account.user(), account.authHost(),
                    account.port() == MsrpUri.DEFAULT_PORT ? -1 : account.port(), null);
            console.accept("Sending initial AUTH");
            MsrpResponse r = exchange(connection, responses, relay, own, null, account.timeout().toMillis());
            if (r == null) {
                throw new ClientException(ClientException.Kind.TIMEOUT, "the relay did not answer AUTH within "
                        + account.timeout().toSeconds() + " s (--timeout; is this an MSRP relay?)");
            }
            boolean staleRetried = false;
            int tries = 0;
            while (r.code() == 401) {
                DigestChallenge challenge;
                try {
                    challenge = r.headers().wwwAuthenticate();
                } catch (MsrpSyntaxException e) {
                    throw new ClientException(ClientException.Kind.AUTHENTICATION,
                            "the relay's challenge is malformed: " + e.getMessage());
                }
                if (challenge == null) {
                    throw new ClientException(ClientException.Kind.AUTHENTICATION, "the relay's 401 has no challenge");
                }
                if (tries > 0) { // our answer was refused
                    if (challenge.stale() && !staleRetried) {
                        staleRetried = true; // the nonce expired meanwhile: the same password again
                    } else if (askAgain != null && tries < PASSWORD_TRIES) {
                        console.accept("Authentication failed, try again.");
                        password = askAgain.get();
                    } else {
                        throw failed();
                    }
                }
                realm = challenge.realm();
                if (tries == 0 && !challenge.realm().equalsIgnoreCase(account.domain())) {
                    // The digest is over the relay's realm: the domain typed does not count, and a typo in it
                    // went unnoticed (with RELAY_HOST given, it is not used to find the relay either).
                    console.accept("The relay's realm is " + challenge.realm() + ", not " + account.domain()
                            + ": signing in as " + account.user() + "@" + challenge.realm());
                }
                tries++;
                console.accept("Got challenge, sending response AUTH");
                DigestCredentials credentials = answer(challenge, relay.toString());
                if (!withUri) {
                    credentials = credentials.withoutUri();
                }
                long answerMillis = withUri ? Math.min(NO_ANSWER_MILLIS, account.timeout().toMillis())
                        : account.timeout().toMillis();
                r = exchange(connection, responses, relay, own, credentials, answerMillis);
                for (int turn = 1; r != null && PasswordNotChecked.is(r) && System.nanoTime() < deadline; turn++) {
                    if (turn == 1) {
                        console.accept("The relay checks one password at a time from this address, and another is "
                                + "being checked: trying again");
                    }
                    Thread.sleep(TURN_RETRY_MILLIS * Math.min(turn, 4) + ThreadLocalRandom.current().nextLong(250));
                    r = exchange(connection, responses, relay, own, credentials, answerMillis);
                }
                if (r == null) {
                    if (withUri) {
                        return null;
                    }
                    throw new ClientException(ClientException.Kind.TIMEOUT, "the relay did not answer the AUTH response");
                }
                if (r.code() == 200) {
                    checkRspauth(r, credentials.withUri(relay.toString()));
                }
            }
            if (r.code() == 401) {
                throw failed();
            }
            if (r.code() == 403) { // its comment may say more than a wrong password (ours: too many failures)
                throw new ClientException(ClientException.Kind.AUTHENTICATION, failed().getMessage()
                        + (r.comment() == null ? "" : " (403 " + r.comment() + ")"));
            }
            // The relay's fault (its account database down, say): exit 3, which a job retries. Not 501: an endpoint
            // that takes no AUTH is no RFC 4976 relay, and trying again changes nothing.
            if (r.code() >= 500 && r.code() != 501) {
                throw new ClientException(ClientException.Kind.CONNECTION, "the relay could not check the password: "
                        + r.code() + (r.comment() == null ? "" : " " + r.comment()) + " (a fault on the relay's side, "
                        + "not the password: try again later)");
            }
            if (r.code() != 200) {
                throw new ClientException(ClientException.Kind.AUTHENTICATION,
                        "the relay refused AUTH: " + r.code() + (r.comment() == null ? "" : " " + r.comment()));
            }
            MsrpPath usePath;
            try {
                usePath = r.headers().usePath();
            } catch (MsrpSyntaxException e) {
                throw new ClientException(ClientException.Kind.AUTHENTICATION, "the relay's Use-Path is bad: " + e.getMessage());
            }
            if (usePath == null) {
                throw new ClientException(ClientException.Kind.AUTHENTICATION, "the relay's 200 has no Use-Path");
            }
            connection.pauseReading();
            responses.checkHeld();
            ok = true;
            Duration lifetime = lifetime(r);
            long now = System.nanoTime();
            SessionRefresh refresh = lifetime == null ? null : new SessionRefresh(connection, relay, own, usePath,
                    challenge -> refreshAnswer(challenge, relay, withUri), lifetime, now);
            return new Session(connection, usePath, own, responses, lifetime, now, refresh, maxChunkSize(r));
        } finally {
            if (!ok) {
                connection.close();
            }
        }
    }

    /** The answer to a refresh's challenge, as the sign-in answered (with the digest uri or without); or null. */
    private DigestCredentials refreshAnswer(DigestChallenge challenge, MsrpUri relay, boolean withUri) {
        try {
            DigestCredentials credentials = answer(challenge, relay.toString());
            return withUri ? credentials : credentials.withoutUri();
        } catch (ClientException e) {
            return null; // a challenge it cannot answer: the session ends when the relay says
        }
    }

    /** The relay's Max-Chunk-Size, or 0: a malformed one promises nothing, and is no reason to fail. */
    static long maxChunkSize(MsrpResponse ok) {
        try {
            Long bytes = ok.headers().maxChunkSize();
            return bytes == null ? 0 : bytes;
        } catch (MsrpSyntaxException e) {
            return 0;
        }
    }

    /** The relay's Expires; a missing or malformed one is no reason to fail, so the lifetime is then unknown. */
    static Duration lifetime(MsrpResponse ok) {
        try {
            Long seconds = ok.headers().expires();
            // A lifetime of centuries is forever here: capped, so that clock arithmetic in nanoseconds holds.
            return seconds == null || seconds <= 0 ? null : Duration.ofSeconds(Math.min(seconds, LONGEST_LIFETIME_S));
        } catch (MsrpSyntaxException e) {
            return null;
        }
    }

    /**
     * The refusal, saying the realm the password was checked in when it is
     * not the domain typed: with --quiet, the line that said so before is
     * not shown, and the right password of another domain's account looked
     * wrong (found by a new user).
     */
    private ClientException failed() {
        String who = account.user() + "@" + account.domain();
        boolean otherRealm = realm != null && !realm.equalsIgnoreCase(account.domain());
        return new ClientException(ClientException.Kind.AUTHENTICATION, "authentication failed for " + who
                + (otherRealm ? " (checked as " + account.user() + "@" + realm + ": the relay's realm for the host "
                + "it was reached by is " + realm + "; an account of " + account.domain() + " signs in when the relay "
                + "is reached by that name, or found by its SRV record)" : ""));
    }

    private MsrpResponse exchange(MsrpConnection c, ResponseQueue responses, MsrpUri relay, MsrpUri own,
                                  DigestCredentials credentials, long waitMillis)
            throws ClientException, InterruptedException {
        String tid = TransactionId.random();
        MsrpHeaders h = new MsrpHeaders();
        if (credentials != null) {
            h.add(MsrpHeaders.AUTHORIZATION, credentials);
        }
        c.send(new MsrpRequest(tid, MsrpMethod.AUTH, MsrpPath.of(relay), MsrpPath.of(own), h),
                new MsrpEnd(tid, Continuation.COMPLETE));
        return responses.await(tid, waitMillis);
    }

    private DigestCredentials answer(DigestChallenge challenge, String digestUri) throws ClientException {
        if (!challenge.offersQopAuth()) {
            throw new ClientException(ClientException.Kind.AUTHENTICATION,
                    "the relay's challenge does not offer qop=auth");
        }
        byte[] c = new byte[8];
        new SecureRandom().nextBytes(c);
        String cnonce = HexFormat.of().formatHex(c);
        var algorithm = challenge.algorithm();
        String ha1 = algorithm.ha1(account.user(), challenge.realm(), password);
        DigestCredentials unsigned = new DigestCredentials(account.user(), challenge.realm(), challenge.nonce(),
                digestUri, "auth", "00000001", cnonce, null, challenge.opaque(), algorithm);
        return new DigestCredentials(account.user(), challenge.realm(), challenge.nonce(), digestUri, "auth",
                "00000001", cnonce, algorithm.authResponse(ha1, unsigned), challenge.opaque(), algorithm);
    }

    /** A relay that proves it knows the password too (rspauth) must get it right. */
    private void checkRspauth(MsrpResponse ok, DigestCredentials sent) throws ClientException {
        AuthenticationInfo info;
        try {
            info = ok.headers().authenticationInfo();
        } catch (MsrpSyntaxException e) {
            return; // a relay's malformed extra is not the user's problem
        }
        if (info == null) {
            return;
        }
        var algorithm = sent.algorithm();
        String ha1 = algorithm.ha1(account.user(), sent.realm(), password);
        if (!info.rspauth().equalsIgnoreCase(algorithm.rspauth(ha1, sent))) {
            // The original relay computes rspauth over another uri form; report, do not fail.
            java.util.logging.Logger.getLogger(Authentication.class.getName())
                    .fine("relay's rspauth does not match our computation");
        }
    }
}
