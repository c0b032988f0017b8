package org.msrptools.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What msrp-send and msrp-receive share: the account and relay (positional,
 * after whatever a command puts first) and the option groups, one mixin per
 * concern.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    RelayArguments relay;

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
}
