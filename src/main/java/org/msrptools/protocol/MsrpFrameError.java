package org.msrptools.protocol;

/**
 * Emitted once when the input stops being valid MSRP; nothing follows it on
 * that connection. {@code request} is the broken request's head when its
 * start line and paths could be read (so a relay can answer it with 400
 * before closing), else null.
 */
public record MsrpFrameError(MsrpSyntaxException cause, MsrpRequest request) implements MsrpFrame {
}
