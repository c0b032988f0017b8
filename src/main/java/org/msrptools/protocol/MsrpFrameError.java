package org.msrptools.protocol;

/**
 * Emitted when the input stops being valid MSRP; nothing follows it on that
 * connection, unless {@code skipped}: then only the message it names was
 * bad (framed, but with a bad value or path in its head), was dropped, and
 * decoding goes on with the next ({@link MsrpDecoder#skippingBadMessages()}).
 * {@code request} is the broken request's head when its start line and
 * paths could be read (so a relay can answer it with 400), else null.
 */
public record MsrpFrameError(MsrpSyntaxException cause, MsrpRequest request, boolean skipped) implements MsrpFrame {
}
