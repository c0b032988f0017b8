package org.msrptools.relay;

import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/** Responses and failure REPORTs the relay writes itself (bodiless: the end-line is the outbound's). */
final class Reports {

    private Reports() {
    }

    /** Whether the sender of {@code request} wants to hear of its failure: a failure response or REPORT. */
    static boolean wantsResponse(MsrpRequest request) {
        return !MsrpMethod.REPORT.equals(request.method()) && !"no".equals(request.headers().failureReport());
    }

    /** Whether it wants a 200 too when all went well: not with Failure-Report partial. */
    static boolean wantsSuccess(MsrpRequest request) {
        return wantsResponse(request) && request.headers().successResponseWanted();
    }

    /**
     * A failure REPORT (RFC 4975 section 7.1.2) back towards the sender of
     * {@code received}, or null when the sender asked for none.
     */
    static MsrpRequest failure(MsrpRequest received, int code, String comment) {
        String messageId = received.headers().messageId();
        if (!wantsResponse(received) || messageId == null) {
            return null;
        }
        return failure(messageId, received.fromPath(), received.toPath().first(),
                received.headers().get(MsrpHeaders.BYTE_RANGE), code, comment);
    }

    /**
     * A failure REPORT about message {@code messageId}, to the From-Path
     * {@code replyTo} of a request sent to this relay's {@code via}, for its
     * chunk with {@code byteRange} (may be null).
     */
    static MsrpRequest failure(String messageId, MsrpPath replyTo, MsrpUri via, String byteRange, int code,
                               String comment) {
        MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, messageId);
        if (byteRange != null) {
            h.add(MsrpHeaders.BYTE_RANGE, byteRange);
        }
        h.add(MsrpHeaders.STATUS, Status.of(code, comment));
        return new MsrpRequest(TransactionId.random(), MsrpMethod.REPORT, replyTo, MsrpPath.of(via), h);
    }
}
