package org.msrptools.protocol;

/**
 * Emitted once when the input stops being valid MSRP; nothing follows it on
 * that connection. {@code transactionId} is the id of the broken message
 * when the start line could be read (so a relay can answer 400 to it), else
 * null.
 */
public record MsrpFrameError(MsrpSyntaxException cause, String transactionId) implements MsrpFrame {
}
