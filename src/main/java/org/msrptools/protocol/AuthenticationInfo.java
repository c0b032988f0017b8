package org.msrptools.protocol;

import java.util.Map;

/** Authentication-Info: {@code qop=auth, rspauth="...", cnonce="...", nc=00000001}. */
public record AuthenticationInfo(String qop, String rspauth, String cnonce, String nc, String nextnonce) {

    public static AuthenticationInfo parse(String text) {
        Map<String, String> p = DigestParamsSupport.params(text, MsrpHeaders.AUTHENTICATION_INFO);
        return new AuthenticationInfo(p.get("qop"),
                DigestParamsSupport.require(p, "rspauth", MsrpHeaders.AUTHENTICATION_INFO),
                p.get("cnonce"), p.get("nc"), p.get("nextnonce"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (qop != null) {
            sb.append("qop=").append(qop).append(", ");
        }
        sb.append("rspauth=").append(HeaderParams.quote(rspauth));
        if (cnonce != null) {
            sb.append(", cnonce=").append(HeaderParams.quote(cnonce));
        }
        if (nc != null) {
            sb.append(", nc=").append(nc);
        }
        if (nextnonce != null) {
            sb.append(", nextnonce=").append(HeaderParams.quote(nextnonce));
        }
        return sb.toString();
    }
}
