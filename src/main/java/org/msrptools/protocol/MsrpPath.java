package org.msrptools.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ordered list of MSRP URIs: the value of To-Path, From-Path or Use-Path.
 * To-Path lists the hops still ahead with the final peer last; From-Path the
 * hops back with the original sender last.
 */
public final class MsrpPath {

    /** More URIs than any real relay chain; bounds work per header. */
    public static final int MAX_URIS = 32;

    private final List<MsrpUri> uris;
    /*
     * A relay rewrites and writes the same paths for every chunk of a session
     * (the decoder hands out one instance per distinct path text), so each
     * path keeps its text and its last rewrites. Benign races: every thread
     * computes the same immutable values.
     */
    private String text;
    /** Volatile, unlike the others: an array's elements are not safely published by its reference alone. */
    private volatile byte[] utf8;
    private MsrpPath withoutFirst;
    private MsrpPath firstOnly;
    private Prepended prepended;

    private record Prepended(MsrpUri uri, MsrpPath path) {
    }

    private MsrpPath(List<MsrpUri> uris) {
        this.uris = uris;
    }

    public static MsrpPath of(List<MsrpUri> uris) {
        if (uris.isEmpty()) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.URI, "a path needs at least one URI");
        }
        return new MsrpPath(List.copyOf(uris));
    }

    public static MsrpPath of(MsrpUri... uris) {
        return of(List.of(uris));
    }

    /** Parses a space-separated list (any run of spaces or tabs separates). */
    public static MsrpPath parse(String text) {
        List<MsrpUri> uris = new ArrayList<>(4);
        int n = text.length();
        int i = 0;
        while (true) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                i++;
            }
            if (uris.size() == MAX_URIS) {
                throw new MsrpSyntaxException(MsrpSyntaxException.Violation.URI,
                        "path has more than " + MAX_URIS + " URIs");
            }
            uris.add(MsrpUri.parse(text.substring(start, i)));
        }
        if (uris.isEmpty()) {
            throw new MsrpSyntaxException(MsrpSyntaxException.Violation.URI, "empty path");
        }
        return new MsrpPath(Collections.unmodifiableList(uris));
    }

    public List<MsrpUri> uris() {
        return uris;
    }

    public int size() {
        return uris.size();
    }

    public MsrpUri first() {
        return uris.get(0);
    }

    public MsrpUri last() {
        return uris.get(uris.size() - 1);
    }

    /** The path of the first URI alone (a response's paths, RFC 4975 section 7.2). */
    public MsrpPath firstOnly() {
        MsrpPath f = firstOnly;
        if (f == null) {
            f = uris.size() == 1 ? this : of(first());
            firstOnly = f;
        }
        return f;
    }

    /** The path without its first URI (what a relay forwards as To-Path). */
    public MsrpPath withoutFirst() {
        MsrpPath w = withoutFirst;
        if (w == null) {
            w = of(uris.subList(1, uris.size()));
            withoutFirst = w;
        }
        return w;
    }

    /** The path with a URI put in front (what a relay forwards as From-Path). */
    public MsrpPath prepend(MsrpUri uri) {
        Prepended last = prepended;
        if (last != null && last.uri() == uri) {
            return last.path();
        }
        List<MsrpUri> list = new ArrayList<>(uris.size() + 1);
        list.add(uri);
        list.addAll(uris);
        MsrpPath p = of(list);
        prepended = new Prepended(uri, p);
        return p;
    }

    /** This path followed by {@code other}. */
    public MsrpPath concat(MsrpPath other) {
        List<MsrpUri> list = new ArrayList<>(uris);
        list.addAll(other.uris);
        return of(list);
    }

    /** The path with a URI added at the end. */
    public MsrpPath append(MsrpUri uri) {
        List<MsrpUri> list = new ArrayList<>(uris);
        list.add(uri);
        return of(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MsrpPath other && uris.equals(other.uris);
    }

    @Override
    public int hashCode() {
        return uris.hashCode();
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = uris.stream().map(MsrpUri::toString).collect(Collectors.joining(" "));
            text = t;
        }
        return t;
    }

    /** The text as a head carries it, made once; a text holding a line break is refused (see MsrpHead.line). */
    byte[] utf8() {
        byte[] b = utf8;
        if (b == null) {
            String t = toString();
            if (t.indexOf('\r') >= 0 || t.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("path " + t + " holds a line break");
            }
            b = t.getBytes(StandardCharsets.UTF_8);
            utf8 = b;
        }
        return b;
    }
}
