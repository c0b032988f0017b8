package org.msrptools.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * HTTP Digest arithmetic (RFC 2617, with SHA-256 from RFC 7616) as MSRP's
 * AUTH uses it: the method string is {@code AUTH}, the digest-uri the
 * To-Path URI, qop {@code auth}. Hashing is the JDK's MessageDigest.
 */
public enum DigestAlgorithm {
    MD5("MD5", "MD5"),
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jdkName;

    DigestAlgorithm(String token, String jdkName) {
        this.token = token;
        this.jdkName = jdkName;
    }

    /** The name written in the algorithm parameter. */
    public String token() {
        return token;
    }

    /** Finds the algorithm for a parameter value; absent means MD5. */
    public static DigestAlgorithm fromToken(String token) {
        if (token == null) {
            return MD5;
        }
        for (DigestAlgorithm a : values()) {
            if (a.token.equalsIgnoreCase(token)) {
                return a;
            }
        }
        throw new MsrpSyntaxException(MsrpSyntaxException.Violation.HEADER_VALUE,
                "unsupported digest algorithm '" + token + "'");
    }

    public String hash(String data) {
        try {
            MessageDigest md = MessageDigest.getInstance(jdkName);
            return HexFormat.of().formatHex(md.digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jdkName + " is part of every JDK", e);
        }
    }

    /** HA1 = H(username:realm:password). */
    public String ha1(String username, String realm, String password) {
        return hash(username + ":" + realm + ":" + password);
    }

    /** HA2 = H(method:digest-uri). */
    public String ha2(String method, String uri) {
        return hash(method + ":" + uri);
    }

    /** response = H(HA1:nonce:nc:cnonce:qop:HA2). */
    public String response(String ha1, String nonce, String nc, String cnonce, String qop, String ha2) {
        return hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** The response a client sends to an AUTH challenge, from HA1. */
    public String authResponse(String ha1, DigestCredentials c) {
        return response(ha1, c.nonce(), c.nc(), c.cnonce(), c.qop(), ha2("AUTH", c.uri()));
    }

    /** rspauth of Authentication-Info: as the response, with an empty method in HA2. */
    public String rspauth(String ha1, DigestCredentials c) {
        return response(ha1, c.nonce(), c.nc(), c.cnonce(), c.qop(), ha2("", c.uri()));
    }

    /** Constant-time comparison of two hex digests. */
    public static boolean matches(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII));
    }
}
