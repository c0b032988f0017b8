package org.msrptools.protocol;

/**
 * What the streaming decoder emits and the encoder writes: a message is a
 * {@link MsrpHead}, any number of {@link MsrpContent} pieces, then an
 * {@link MsrpEnd}. A {@link MsrpFrameError} replaces the rest of the
 * stream when the input is not valid MSRP, or one message that a relay's
 * decoder skipped.
 */
public sealed interface MsrpFrame permits MsrpHead, MsrpContent, MsrpEnd, MsrpFrameError {
}
