package org.msrptools.relay;

/** What failed when the relay tried to reach a next hop: the reason of next_hop_failed and its metric's label. */
enum NextHopFailure {
    /** The host name does not resolve. */
    NAME("name"),
    /** It resolves to a loopback, private or link-local address, and those are not allowed. */
    PRIVATE("private"),
    /** Every resolver thread is busy with other names. */
    RESOLVER_BUSY("resolver_busy"),
    /** The lookup itself failed. */
    ERROR("error"),
    CONNECT("connect"),
    /** Its certificate was refused. */
    TLS("tls"),
    TLS_TIMEOUT("tls_timeout"),
    /** It hung up during the TLS handshake. */
    CLOSED("closed");

    final String label;

    NextHopFailure(String label) {
        this.label = label;
    }
}
