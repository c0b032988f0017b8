package org.msrptools.protocol;

/** The end-line of a request or response: {@code -------<transaction-id><flag>}. */
public record MsrpEnd(String transactionId, Continuation continuation) implements MsrpFrame {
}
