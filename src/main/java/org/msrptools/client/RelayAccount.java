package org.msrptools.client;

import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.time.Duration;

/**
 * How a client reaches and signs in to its relay: where to connect (with
 * the host's address when --dns-server resolved it, else null), the host to
 * name in the AUTH To-Path (the domain when found by SRV), and the
 * credentials.
 */
public record RelayAccount(String host, int port, String authHost, String user, String domain, String password,
                           SslContext tls, Duration timeout, InetAddress address) {

    /** With the host resolved by the system, when connecting. */
    public RelayAccount(String host, int port, String authHost, String user, String domain, String password,
                        SslContext tls, Duration timeout) {
        this(host, port, authHost, user, domain, password, tls, timeout, null);
    }
}
