package org.msrptools.cli;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.MsrpUri;

/** HOST:PORT as given on a command line ({@code [::1]:2855} for IPv6). */
record HostPort(String host, int port) {

    /** A port of 0 taken (a listener's: any free port). */
    static HostPort parse(String text, int defaultPort) {
        return parse(text, defaultPort, 0);
    }

    /** A port below {@code lowestPort} refused. */
    static HostPort parse(String text, int defaultPort, int lowestPort) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new CliException(ExitCodes.USAGE, "bad address '" + text + "': unclosed [");
            }
            host = text.substring(1, close);
            if (text.length() > close + 1) {
                if (text.charAt(close + 1) != ':') {
                    throw new CliException(ExitCodes.USAGE, "bad address '" + text + "'");
                }
                port = text.substring(close + 2);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        return new HostPort(host, port == null ? defaultPort : port(port, lowestPort));
    }

    /**
     * A host as it goes into MSRP URIs, from {@code option}: an
     * internationalized name in its ASCII form (RFC 4975's URIs are ASCII),
     * without a trailing dot; an IPv6 address without brackets. Anything
     * else is a usage error, said now rather than in every URI.
     */
    static String uriHost(String text, String option) {
        boolean bracketed = text.startsWith("[") && text.endsWith("]");
        String host = bracketed ? text.substring(1, text.length() - 1) : text;
        if (host.indexOf(':') >= 0) {
            if (host.matches("[0-9A-Fa-f:.]+") && isIpv6Literal(host) && inUris(host)) {
                return host;
            }
        } else if (!bracketed) {
            try {
                String ascii = IDN.toASCII(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
                // Labels of letters, digits and '-' inside; all digits only as an IPv4 address.
                if (ascii.matches(LABEL + "(\\." + LABEL + ")*")
                        && (!ascii.matches("[0-9.]+") || ascii.matches(IPV4)) && inUris(ascii)) {
                    return ascii;
                }
            } catch (IllegalArgumentException e) {
                // said below
            }
        }
        throw new CliException(ExitCodes.USAGE, option + " '" + text + "' is not a host name or IP address");
    }

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String IPV4 = OCTET + "(?:\\." + OCTET + "){3}";

    /** Whether an MSRP URI takes {@code host}, by the rules every URI the relay makes is held to (a length too). */
    private static boolean inUris(String host) {
        try {
            MsrpUri.parse("msrps://" + MsrpUri.bracketed(host) + ":2855/s;tcp");
            return true;
        } catch (MsrpSyntaxException e) {
            return false;
        }
    }

    /** Whether {@code host} is an IPv6 address: a bracketed literal is parsed, never looked up. */
    private static boolean isIpv6Literal(String host) {
        try {
            InetAddress.getByName("[" + host + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static int port(String text, int lowest) {
        if (text.matches("[0-9]{1,5}")) { // digits only: parseInt would take "+2855" too
            int p = Integer.parseInt(text);
            if (p >= lowest && p <= 65535) {
                return p;
            }
        }
        throw new CliException(ExitCodes.USAGE, "bad port '" + text + "': a number from " + lowest + " to 65535");
    }

    @Override
    public String toString() {
        return MsrpUri.bracketed(host) + ":" + port;
    }
}
