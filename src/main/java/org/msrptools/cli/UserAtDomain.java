package org.msrptools.cli;

/** USER@DOMAIN from the command line. */
record UserAtDomain(String user, String domain) {

    static UserAtDomain parse(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1 || text.indexOf(':') >= 0) {
            throw new CliException(ExitCodes.USAGE, "'" + text + "' is not USER@DOMAIN");
        }
        return new UserAtDomain(text.substring(0, at), text.substring(at + 1));
    }

    @Override
    public String toString() {
        return user + "@" + domain;
    }
}
