package org.msrptools.protocol;

import java.util.Locale;
import java.util.Map;

/**
 * WWW-Authenticate: {@code Digest realm="...", nonce="...", qop="auth",
 * opaque="...", algorithm=MD5, stale=true}.
 */
public record DigestChallenge(String realm, String nonce, String opaque, String qop,
                              DigestAlgorithm algorithm, boolean stale) {

    public static DigestChallenge parse(String text) {
        Map<String, String> p = DigestParamsSupport.params(text, MsrpHeaders.WWW_AUTHENTICATE);
        String realm = DigestParamsSupport.require(p, "realm", MsrpHeaders.WWW_AUTHENTICATE);
        String nonce = DigestParamsSupport.require(p, "nonce", MsrpHeaders.WWW_AUTHENTICATE);
        String stale = p.get("stale");
        return new DigestChallenge(realm, nonce, p.get("opaque"), p.get("qop"),
                DigestAlgorithm.fromToken(p.get("algorithm")),
                stale != null && stale.toLowerCase(Locale.ROOT).equals("true"));
    }

    /** Whether the challenge offers qop "auth" (its value is a list). */
    public boolean offersQopAuth() {
        if (qop == null) {
            return false;
        }
        for (String q : qop.split(",")) {
            if (q.strip().equalsIgnoreCase("auth")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Digest realm=").append(HeaderParams.quote(realm))
                .append(", qop=").append(HeaderParams.quote(qop == null ? "auth" : qop))
                .append(", nonce=").append(HeaderParams.quote(nonce));
        if (opaque != null) {
            sb.append(", opaque=").append(HeaderParams.quote(opaque));
        }
        sb.append(", algorithm=").append(algorithm.token());
        if (stale) {
            sb.append(", stale=true");
        }
        return sb.toString();
    }
}
