package org.msrptools.cli;

import picocli.CommandLine.Option;

/** How much a client prints. */
final class OutputOptions {

    @Option(names = "--quiet", description = "Print only errors and the final lines.")
    boolean quiet;

    @Option(names = "--verbose", description = "Log the MSRP messages on the wire (heads); stack traces on errors.")
    boolean verbose;
}
