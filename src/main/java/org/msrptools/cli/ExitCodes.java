package org.msrptools.cli;

/** The exit codes of every command, the same in --help and the README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something unexpected; the message says what (--verbose shows the stack trace). */
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    /** The relay could not be found or reached (DNS, connection refused, no TLS there), or could not listen. */
    public static final int CONNECTION = 3;
    /** TLS failed: the relay's certificate is not trusted or does not match. */
    public static final int TLS = 4;
    public static final int AUTHENTICATION = 5;
    /** The transfer failed or the peer refused it. */
    public static final int TRANSFER = 6;
    public static final int TIMEOUT = 7;
    /** A local file could not be read or written. */
    public static final int LOCAL_FILE = 8;
    /** msrp-send sent every byte, but the receiver did not confirm delivery (see --accept-unconfirmed). */
    public static final int UNCONFIRMED = 9;
    /** Stopped by Ctrl-C (SIGINT), as a shell reports it; a client tells its peer first. */
    public static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM; a client tells its peer first (the relay exits 0: an orderly stop). */
    public static final int TERMINATED = 143;
    /** A client's terminal closed (SIGHUP); it tells its peer first. */
    public static final int HUNG_UP = 129;

    /** The clients' codes up to 8, which both can end with (lines under 80 characters: picocli wraps longer ones). */
    private static final String CLIENT_CODES = "Exit codes:%n"
            + "  0  success%n"
            + "  1  internal error%n"
            + "  2  usage error%n"
            + "  3  relay not found, unreachable (DNS, connection, not a TLS port)%n"
            + "     or unable to check the password (its database down)%n"
            + "  4  TLS failure (certificate not trusted or wrong host)%n"
            + "  5  authentication failed%n"
            + "  6  transfer failed or refused by the peer%n"
            + "  7  timeout (the relay, a transfer, or the other side: --timeout,%n"
            + "     --peer-timeout)%n"
            + "  8  local file error%n";
    private static final String STOPPED = "130  stopped by Ctrl-C (143: by SIGTERM; 129: its terminal closed),%n"
            + "     after telling its peer";

    /** For msrp-send's footer: the README's table, less what only the relay ends with. */
    public static final String HELP = CLIENT_CODES
            + "  9  sent, but the receiver did not confirm delivery%n"
            + STOPPED;

    /** For msrp-receive's footer: msrp-send's, less its code 9. */
    public static final String RECEIVE_HELP = CLIENT_CODES + STOPPED;

    /** For msrp-relay's footer: the codes it can end with (the clients' others are theirs). */
    public static final String RELAY_HELP = "Exit codes:%n"
            + "  0  stopped in order (SIGTERM or Ctrl-C)%n"
            + "  1  internal error%n"
            + "  2  usage error (options, limits, a bad --config)%n"
            + "  3  cannot listen (the port or the metrics port is taken, or the%n"
            + "     address is not this machine's)%n"
            + "  8  local file error (certificate, key, accounts or state directory)";

    /** For passwd's footer: the codes it can end with. */
    public static final String PASSWD_HELP = "Exit codes:%n"
            + "  0  the account is saved (or removed)%n"
            + "  1  internal error%n"
            + "  2  usage error (no password, no such account to remove, a database's%n"
            + "     accounts, a bad --config)%n"
            + "  8  local file error (the accounts or password file)%n"
            + "130  stopped by Ctrl-C at the prompt";

    private ExitCodes() {
    }
}
