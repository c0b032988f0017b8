package org.msrptools.relay;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.tls.CertificateFiles;

/**
 * How the relay recognises its own URIs: by every name and address it
 * answers on, and its port; and the URI it hands out in Use-Path.
 */
public final class RelayIdentity {

    private final String hostname;
    private final int port;
    private final Set<String> names;

    public RelayIdentity(String hostname, int port, Collection<String> otherNames) {
        this.hostname = hostname;
        this.port = port;
        this.names = java.util.stream.Stream.concat(java.util.stream.Stream.of(hostname), otherNames.stream())
                .map(RelayIdentity::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /** A name in lower case; an address in one form (IPv6 has many: ::1 is 0:0:0:0:0:0:0:1). */
    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return CertificateFiles.shortAddress(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
    }

    public boolean isOwn(MsrpUri uri) {
        return uri.secure() && uri.port() == port && names.contains(normalise(uri.host()));
    }

    /** The Use-Path URI of a session. */
    public MsrpUri uri(String sessionId) {
        return MsrpUri.of(true, null, MsrpUri.bracketed(hostname), port, sessionId);
    }

    public String hostname() {
        return hostname;
    }

    public int port() {
        return port;
    }

    public Set<String> names() {
        return names;
    }
}
