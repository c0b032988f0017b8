package org.msrptools.client;

import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpUri;

/**
 * The file one sender is sending: its message, who sends it, where its
 * bytes go and which of them have come.
 */
final class IncomingFile {

    final String messageId;
    /** The original sender (last URI of From-Path): checked against the path the user gives. */
    final MsrpUri sender;
    /** From-Path as received: the way back for REPORTs while the sender's path is not known. */
    final MsrpPath replyPath;
    final String name;
    final PartFile part;
    final ReceivedRanges ranges = new ReceivedRanges();
    long total;
    boolean successReport;
    /** The bytes without a gap that the last progress REPORT confirmed. */
    long reportedPrefix;
    /** Failure-Report was not "no": the sender wants to hear about refusals. */
    boolean failureReports = true;
    /** Its progress is shown (from its first bytes, before the sender's path is given too). */
    boolean shown;
    /** "Receiving file" was printed: only once the sender's path is known and matches. */
    boolean announced;
    /** Every byte has come; then it is synced, hashed and published off the connection's thread. */
    boolean complete;
    /** Being synced, hashed and published; read by the thread that waits for the transfer too. */
    volatile boolean storing;

    IncomingFile(String messageId, MsrpUri sender, MsrpPath replyPath, String name, long total, PartFile part) {
        this.messageId = messageId;
        this.sender = sender;
        this.replyPath = replyPath;
        this.name = name;
        this.total = total;
        this.part = part;
    }

    boolean totalKnown() {
        return total != ByteRange.UNKNOWN;
    }

    /** Byte-Range for a REPORT on the bytes that came without a gap. */
    ByteRange receivedRange() {
        long end = ranges.prefix();
        return new ByteRange(1, end, totalKnown() ? total : ByteRange.UNKNOWN);
    }

    String describe() {
        return ranges.received() + " bytes of \"" + name + "\"";
    }
}
