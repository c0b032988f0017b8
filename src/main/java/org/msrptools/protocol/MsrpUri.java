package org.msrptools.protocol;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MSRP URI (RFC 4975 section 6):
 * {@code msrp[s]://[userinfo@]host[:port][/session-id];transport[;param...]}.
 * Equality follows the RFC's comparison rules (section 6.1): scheme, host
 * (case-insensitive), port with the default applied, session id
 * (case-sensitive) and transport (case-insensitive); userinfo and extra
 * parameters do not take part.
 */
public final class MsrpUri {

    public static final int DEFAULT_PORT = 2855;

    // Character classes of RFC 4975 / RFC 3986, checked by hand: this runs for every URI of every
    // relayed chunk, where regular expressions were a visible share of the relay's CPU.
    private static final String SESSION_ID_MARKS = "-._~+=/";
    private static final String USERINFO_MARKS = "-._~!$&'()*+,=:%";
    private static final String TOKEN_MARKS = "-.!%*_+`'~";
    private static final String PARAM_VALUE_MARKS = TOKEN_MARKS + "[]/:&+$";

    private static boolean alnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** All characters alphanumeric or among {@code marks}, and a length within bounds. */
    private static boolean onlyOf(String s, int from, int to, String marks, int maxLength) {
        int n = to - from;
        if (n < 1 || n > maxLength) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!alnum(c) && marks.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSessionId(String s) {
        return onlyOf(s, 0, s.length(), SESSION_ID_MARKS, 256);
    }

    private static boolean isUserinfo(String s) {
        return onlyOf(s, 0, s.length(), USERINFO_MARKS, 256);
    }

    private static boolean isToken(String s) {
        return onlyOf(s, 0, s.length(), TOKEN_MARKS, 256);
    }

    /** name or name=value, the value possibly empty. */
    private static boolean isParam(String s) {
        int eq = s.indexOf('=');
        if (eq < 0) {
            return isToken(s);
        }
        return onlyOf(s, 0, eq, TOKEN_MARKS, 256)
                && (eq == s.length() - 1 || onlyOf(s, eq + 1, s.length(), PARAM_VALUE_MARKS, 256));
    }

    /** A DNS name or dotted IPv4 address: alphanumerics, '-' and '.', not starting or ending with either. */
    private static boolean isHostName(String s) {
        int n = s.length();
        return n >= 1 && n <= 254 && alnum(s.charAt(0)) && alnum(s.charAt(n - 1)) && onlyOf(s, 0, n, "-.", 254);
    }

    private static boolean isIpv6Literal(String s) {
        int n = s.length();
        if (n < 4 || n > 47 || s.charAt(0) != '[' || s.charAt(n - 1) != ']') {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private final boolean secure;
    private final String user;
    private final String host;
    private final int port;
    private final String sessionId;
    private final String transport;
    private final List<String> params;
    /** The URI as written, so a digest over "the URI exactly as the client wrote it" can be checked. */
    private final String text;

    private MsrpUri(boolean secure, String user, String host, int port, String sessionId,
                    String transport, List<String> params, String text) {
        this.secure = secure;
        this.user = user;
        this.host = host;
        this.port = port;
        this.sessionId = sessionId;
        this.transport = transport;
        this.params = List.copyOf(params);
        this.text = text != null ? text : canonical();
    }

    /** A host as a URI (and a HOST:PORT) writes it: an IPv6 address in brackets. */
    public static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Makes a URI from its parts; {@code port} -1 means "not written"
     * (the default applies), {@code user} and {@code sessionId} may be null.
     */
    public static MsrpUri of(boolean secure, String user, String host, int port, String sessionId) {
        return parse(new MsrpUri(secure, user, host, port, sessionId, "tcp", List.of(), null).toString());
    }

    public static MsrpUri parse(String text) {
        Objects.requireNonNull(text, "uri");
        String rest;
        boolean secure;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("msrps://")) {
            secure = true;
            rest = text.substring(8);
        } else if (lower.startsWith("msrp://")) {
            secure = false;
            rest = text.substring(7);
        } else {
            throw bad("scheme", text, "must start with msrp:// or msrps://");
        }
        int semi = rest.indexOf(';');
        if (semi < 0) {
            throw bad("transport", text, "missing ;tcp");
        }
        String authorityAndPath = rest.substring(0, semi);
        String[] tail = rest.substring(semi + 1).split(";", -1);
        String transport = tail[0];
        if (!isToken(transport)) {
            throw bad("transport", text, "'" + transport + "' is not a transport token");
        }
        List<String> params = List.of(tail).subList(1, tail.length);
        for (String p : params) {
            if (!isParam(p)) {
                throw bad("parameter", text, "'" + p + "' is not a URI parameter");
            }
        }
        String authority = authorityAndPath;
        String sessionId = null;
        int slash = authorityAndPath.indexOf('/');
        if (slash >= 0) {
            authority = authorityAndPath.substring(0, slash);
            sessionId = authorityAndPath.substring(slash + 1);
            if (!isSessionId(sessionId)) {
                throw bad("session id", text, "'" + sessionId + "' has characters outside the RFC 4975 set or is empty or too long");
            }
        }
        String user = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            user = authority.substring(0, at);
            authority = authority.substring(at + 1);
            if (!isUserinfo(user)) {
                throw bad("userinfo", text, "'" + user + "' is not valid userinfo");
            }
        }
        String host;
        int port = -1;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad("host", text, "unclosed IPv6 literal");
            }
            host = authority.substring(0, close + 1);
            if (!isIpv6Literal(host)) {
                throw bad("host", text, "'" + host + "' is not an IPv6 literal");
            }
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad("host", text, "unexpected '" + after + "' after IPv6 literal");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (!isHostName(host)) {
                throw bad("host", text, "'" + host + "' is not a host name or address");
            }
        }
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !Digits.only(portText)) {
                throw bad("port", text, "'" + portText + "' is not a port number");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw bad("port", text, port + " is out of range 1-65535");
            }
        }
        return new MsrpUri(secure, user, host, port, sessionId, transport, params, text);
    }

    private static MsrpSyntaxException bad(String part, String uri, String why) {
        return new MsrpSyntaxException(MsrpSyntaxException.Violation.URI,
                "bad " + part + " in MSRP URI '" + abbreviate(uri) + "': " + why);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    public boolean secure() {
        return secure;
    }

    public String scheme() {
        return secure ? "msrps" : "msrp";
    }

    /** The userinfo part, or null. */
    public String user() {
        return user;
    }

    /** The host as written; IPv6 literals keep their brackets. */
    public String host() {
        return host;
    }

    /** The host without IPv6 brackets, for socket addresses. */
    public String hostAddress() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port with the default applied. */
    public int port() {
        return port < 0 ? DEFAULT_PORT : port;
    }

    /** Whether the port was written in the URI. */
    public boolean hasExplicitPort() {
        return port >= 0;
    }

    /** The session id, or null. */
    public String sessionId() {
        return sessionId;
    }

    public String transport() {
        return transport;
    }

    /** Extra parameters after the transport, as written. */
    public List<String> params() {
        return params;
    }

    /** This URI with another session id. */
    public MsrpUri withSessionId(String newSessionId) {
        return parse(new MsrpUri(secure, user, host, port, newSessionId, transport, params, null).toString());
    }

    /** This URI without userinfo. */
    public MsrpUri withoutUser() {
        return new MsrpUri(secure, null, host, port, sessionId, transport, params, null);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MsrpUri other)) {
            return false;
        }
        return secure == other.secure
                && host.equalsIgnoreCase(other.host)
                && port() == other.port()
                && Objects.equals(sessionId, other.sessionId)
                && transport.equalsIgnoreCase(other.transport);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secure, host.toLowerCase(Locale.ROOT), port(), sessionId,
                transport.toLowerCase(Locale.ROOT));
    }

    /** The URI as it was written (parsed URIs) or in canonical form (built ones). */
    @Override
    public String toString() {
        return text;
    }

    private String canonical() {
        StringBuilder sb = new StringBuilder(64).append(scheme()).append("://");
        if (user != null) {
            sb.append(user).append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        if (sessionId != null) {
            sb.append('/').append(sessionId);
        }
        sb.append(';').append(transport);
        for (String p : params) {
            sb.append(';').append(p);
        }
        return sb.toString();
    }
}
