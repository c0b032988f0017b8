package org.msrptools.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids for sessions and messages, from SecureRandom. */
public final class RandomIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    /** A URL-safe session id of 144 random bits (24 characters of base64url). */
    public static String sessionId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A Message-ID of 119 random bits, from the transaction-id alphabet. */
    public static String messageId() {
        return TransactionId.random();
    }
}
