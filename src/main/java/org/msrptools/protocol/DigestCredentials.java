package org.msrptools.protocol;

import java.util.Map;

/**
 * Authorization: {@code Digest username="...", realm="...", nonce="...",
 * uri="...", qop=auth, nc=00000001, cnonce="...", response="...",
 * opaque="..."}. {@code uri} may be null: the original MSRP clients omit it,
 * and then the digest-uri is the AUTH's To-Path URI.
 */
public record DigestCredentials(String username, String realm, String nonce, String uri,
                                String qop, String nc, String cnonce, String response,
                                String opaque, DigestAlgorithm algorithm) {

    public static DigestCredentials parse(String text) {
        String h = MsrpHeaders.AUTHORIZATION;
        Map<String, String> p = DigestParamsSupport.params(text, h);
        return new DigestCredentials(
                DigestParamsSupport.require(p, "username", h),
                DigestParamsSupport.require(p, "realm", h),
                DigestParamsSupport.require(p, "nonce", h),
                p.get("uri"),
                p.get("qop"),
                p.get("nc"),
                p.get("cnonce"),
                DigestParamsSupport.require(p, "response", h),
                p.get("opaque"),
                DigestAlgorithm.fromToken(p.get("algorithm")));
    }

    /** The same credentials with the digest-uri filled in (for clients that omit it). */
    public DigestCredentials withUri(String digestUri) {
        return new DigestCredentials(username, realm, nonce, digestUri, qop, nc, cnonce, response, opaque, algorithm);
    }

    /** The same credentials without the uri parameter (for relays that choke on it). */
    public DigestCredentials withoutUri() {
        return withUri(null);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Digest username=").append(HeaderParams.quote(username))
                .append(", realm=").append(HeaderParams.quote(realm))
                .append(", nonce=").append(HeaderParams.quote(nonce));
        if (uri != null) {
            sb.append(", uri=").append(HeaderParams.quote(uri));
        }
        if (qop != null) {
            sb.append(", qop=").append(qop).append(", nc=").append(nc)
                    .append(", cnonce=").append(HeaderParams.quote(cnonce));
        }
        sb.append(", response=").append(HeaderParams.quote(response));
        if (opaque != null) {
            sb.append(", opaque=").append(HeaderParams.quote(opaque));
        }
        sb.append(", algorithm=").append(algorithm.token());
        return sb.toString();
    }
}
