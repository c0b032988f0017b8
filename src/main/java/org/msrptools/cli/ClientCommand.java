package org.msrptools.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What msrp-send and msrp-receive share: the account and relay (positional,
 * so each command declares them in its own order) and the option groups,
 * one mixin per concern.
 */
abstract class ClientCommand implements Callable<Integer> {

    static final String ACCOUNT = "The account; you are asked for its password.";
    static final String RELAY_HOST = "The relay. Without it: DNS SRV _msrps._tcp.DOMAIN, else DOMAIN itself.";
    static final String RELAY_PORT = "The relay's port (default 2855).";

    @Mixin
    TlsOptions trust;

    @Mixin
    CredentialOptions credentials;

    @Mixin
    PathExchangeOptions paths;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    abstract String account();

    abstract String relayHost();

    abstract String relayPort();
}
