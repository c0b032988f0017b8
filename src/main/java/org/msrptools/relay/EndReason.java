package org.msrptools.relay;

/** Why a connection, and the session it owns, ended: the {@code reason} of the session_ended event. */
enum EndReason {
    CLOSED_BY_CLIENT("closed_by_client"),
    EXPIRED("expired"),
    IDLE_TIMEOUT("idle_timeout"),
    RELAY_STOPPING("relay_stopping"),
    /** Data waited for the client and it read nothing for the transaction timeout. */
    NOT_READING("not_reading"),
    /** A message head took longer than the head timeout (slow-loris). */
    HEAD_TIMEOUT("head_timeout"),
    /** Neither an AUTH nor a valid request within the first-message timeout. */
    NO_VALID_MESSAGE("no_valid_message"),
    BAD_INPUT("bad_input"),
    AUTH_REFUSED("auth_refused"),
    /** Logged as its own event, tls_handshake_failed, and not again as connection_closed. */
    TLS_HANDSHAKE("tls_handshake_failed"),
    CONNECTION_ERROR("connection_error");

    final String label;

    EndReason(String label) {
        this.label = label;
    }
}
