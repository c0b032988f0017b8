package org.msrptools.client;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * How a client reaches and signs in to its relay: where to connect, the
 * host to name in the AUTH To-Path (the domain when found by SRV), and the
 * credentials.
 */
public record RelayAccount(String host, int port, String authHost, String user, String domain, String password,
                           SslContext tls, Duration timeout) {
}
