package org.msrptools.protocol;

/** The head of a request: {@code MSRP <tid> <METHOD>} and its headers. */
public final class MsrpRequest extends MsrpHead {

    private final String method;

    public MsrpRequest(String transactionId, String method, MsrpPath toPath, MsrpPath fromPath, MsrpHeaders headers) {
        super(transactionId, toPath, fromPath, headers);
        if (!MsrpMethod.isValid(method)) {
            throw new IllegalArgumentException("invalid method '" + method + "'");
        }
        this.method = method;
    }

    public String method() {
        return method;
    }

    /** This request as the next hop sees it: new paths, same id, method and headers. */
    public MsrpRequest withPaths(MsrpPath newToPath, MsrpPath newFromPath) {
        return new MsrpRequest(transactionId(), method, newToPath, newFromPath, headers());
    }

    /**
     * The response to this request (RFC 4975 section 7.2): To-Path is the
     * first URI of the request's From-Path, From-Path the first URI of its
     * To-Path.
     */
    public MsrpResponse respond(int code, String comment) {
        return new MsrpResponse(transactionId(), code, comment,
                fromPath().firstOnly(), toPath().firstOnly(), new MsrpHeaders());
    }

    @Override
    String startLineTail() {
        return method;
    }
}
