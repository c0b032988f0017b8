package org.msrptools.cli;

import picocli.CommandLine.Parameters;

/**
 * USER@DOMAIN [RELAY_HOST] [RELAY_PORT], as both clients take them. The
 * indexes are relative ("0+"), so they follow whatever positional
 * parameters a command puts first (msrp-send's FILE).
 */
final class RelayArguments {

    @Parameters(index = "0+", paramLabel = "USER@DOMAIN", description = "The account; you are asked for its password.")
    String account;

    @Parameters(index = "1+", arity = "0..1", paramLabel = "RELAY_HOST",
            description = "The relay, HOST or HOST:PORT. Without it: DNS SRV _msrps._tcp.DOMAIN, else DOMAIN itself.")
    String host;

    @Parameters(index = "2+", arity = "0..1", paramLabel = "RELAY_PORT", description = "The relay's port (default 2855).")
    String port;
}
