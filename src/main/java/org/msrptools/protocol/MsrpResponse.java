package org.msrptools.protocol;

/** The head of a response: {@code MSRP <tid> <code> [comment]} and its headers. */
public final class MsrpResponse extends MsrpHead {

    private final int code;
    private final String comment;

    public MsrpResponse(String transactionId, int code, String comment, MsrpPath toPath, MsrpPath fromPath,
                        MsrpHeaders headers) {
        super(transactionId, toPath, fromPath, headers);
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code " + code + " is not 3 digits");
        }
        if (comment != null && (comment.indexOf('\r') >= 0 || comment.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("comment holds a line break");
        }
        this.code = code;
        this.comment = comment;
    }

    public int code() {
        return code;
    }

    /** The comment after the code, or null. */
    public String comment() {
        return comment;
    }

    @Override
    String startLineTail() {
        if (code == 200 && "OK".equals(comment)) {
            return "200 OK"; // a relay writes this one for every chunk
        }
        return comment == null ? Integer.toString(code) : code + " " + comment;
    }
}
