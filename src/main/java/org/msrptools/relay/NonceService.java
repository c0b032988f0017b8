package org.msrptools.relay;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest nonces that need no server-side table to check: each carries its
 * issue time and 128 random bits, sealed with an HMAC over those and the
 * client's address under a key made at start-up. So a nonce cannot be forged,
 * is bound to the address it was given to, and expires. Nonces that gave a
 * session are remembered until they expire, so none is used twice: at most
 * {@value #MOST_REMEMBERED}; past that the oldest is forgotten before it
 * expires (a flood of sign-ins by an account holder; a replay of it would
 * still need its digest answer, which only travelled inside TLS, from the
 * same address, within the nonce's lifetime).
 */
public final class NonceService {

    public enum Check { VALID, STALE, INVALID, REPLAYED }

    private static final int RANDOM_BYTES = 16;
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    static final int MOST_REMEMBERED = 100_000;

    /** Used nonces, and the same in the order they were used, with when each may be forgotten. */
    private final Map<String, Boolean> used = new ConcurrentHashMap<>();
    private final ArrayDeque<Used> byExpiry = new ArrayDeque<>();

    private record Used(String nonce, long forgetAtMillis) {
    }

    public NonceService(Clock clock, Duration lifetime) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public String issue(InetAddress client) {
        ByteBuffer b = ByteBuffer.allocate(8 + RANDOM_BYTES + MAC_BYTES);
        b.putLong(clock.millis());
        byte[] r = new byte[RANDOM_BYTES];
        random.nextBytes(r);
        b.put(r);
        b.put(mac(b.array(), 8 + RANDOM_BYTES, client));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** Checks a nonce without using it up. */
    public Check check(String nonce, InetAddress client) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        if (bytes.length != 8 + RANDOM_BYTES + MAC_BYTES) {
            return Check.INVALID;
        }
        byte[] expected = mac(bytes, 8 + RANDOM_BYTES, client);
        byte[] actual = java.util.Arrays.copyOfRange(bytes, 8 + RANDOM_BYTES, bytes.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Check.INVALID;
        }
        if (used.containsKey(nonce)) {
            return Check.REPLAYED;
        }
        long issued = ByteBuffer.wrap(bytes).getLong();
        long age = clock.millis() - issued;
        return age < 0 || age > lifetime.toMillis() ? Check.STALE : Check.VALID;
    }

    /**
     * Marks a valid nonce as used; false when it already was (a replay). It
     * is remembered for a lifetime from now: by then it is stale whatever
     * its issue time, and refused as such. The oldest go first, a few at a
     * time (a scan of all at every sign-in made a flood of them cost the
     * square of their number: found by review).
     */
    public synchronized boolean consume(String nonce) {
        long now = clock.millis();
        while (!byExpiry.isEmpty() && (byExpiry.peekFirst().forgetAtMillis() <= now || used.size() >= MOST_REMEMBERED)) {
            used.remove(byExpiry.pollFirst().nonce());
        }
        if (used.putIfAbsent(nonce, Boolean.TRUE) != null) {
            return false;
        }
        byExpiry.addLast(new Used(nonce, now + lifetime.toMillis() + 1)); // stale only past its lifetime: then gone
        return true;
    }

    int remembered() {
        return used.size();
    }

    private byte[] mac(byte[] data, int length, InetAddress client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(data, 0, length);
            mac.update(client.getAddress());
            return java.util.Arrays.copyOf(mac.doFinal(), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
