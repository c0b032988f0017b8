package org.msrptools.relay;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest nonces that need no server-side table to check: each carries its
 * issue time and 128 random bits, sealed with an HMAC over those and the
 * client's address under a key made at start-up. So a nonce cannot be forged,
 * is bound to the address it was given to, and expires. Nonces that gave a
 * session are remembered until they expire, so none is used twice.
 */
public final class NonceService {

    public enum Check { VALID, STALE, INVALID, REPLAYED }

    private static final int RANDOM_BYTES = 16;
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final Map<String, Long> used = new ConcurrentHashMap<>();

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

    /** Marks a valid nonce as used; false when it already was (a replay). */
    public boolean consume(String nonce) {
        forgetExpired();
        return used.putIfAbsent(nonce, clock.millis()) == null;
    }

    private void forgetExpired() {
        long cutoff = clock.millis() - lifetime.toMillis() * 2;
        for (Iterator<Long> it = used.values().iterator(); it.hasNext();) {
            if (it.next() < cutoff) {
                it.remove();
            }
        }
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
