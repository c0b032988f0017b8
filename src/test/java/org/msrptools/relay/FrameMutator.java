package org.msrptools.relay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations that know MSRP's shape: methods, headers, header values, path
 * URIs, bodies and flags change, but the start line and the end-line keep
 * one transaction id, so the stream stays framed and the relay goes on
 * reading the connection after most of them. The byte-level mutations of
 * the decoder's fuzz test break framing and so end the connection at once;
 * this lets one connection carry many frames, and so reach the relay's
 * handling of each decoded message many more times.
 */
final class FrameMutator {

    private static final String[] METHODS = {"SEND", "SEND", "REPORT", "NICKNAME", "AUTH", "FOO"};
    private static final String[] NAMES = {"Byte-Range", "Success-Report", "Failure-Report", "Status", "Expires",
        "Min-Expires", "Max-Expires", "Content-Type", "Message-ID", "Use-Path", "Authorization", "WWW-Authenticate",
        "Authentication-Info", "Content-Disposition", "Use-Nickname", "X-Other"};
    private static final String[] VALUES = {"", "*", "0", "-1", "1-*/*", "1-0/0", "0-5/5", "5-3/10", "1-10/5",
        "1-9223372036854775807/9223372036854775807", "yes", "no", "partial", "YES", "000 200 OK", "000 999 x",
        "000 413", "text/plain", "a/b; x=\"y\"", "attachment; filename=\"../../etc/passwd\"",
        "attachment; filename*=UTF-8''%E2%80%AE.txt", "Digest username=\"alice\"", "Digest realm=\"x",
        "msrps://127.0.0.1:1/x;tcp", "msrp://example.com/x;tcp", "x".repeat(2000), "\u00e9\u6f22\u5b57",
        "\"unterminated", "3600", "99999999999999999999"};
    private static final Map<String, String[]> CHECKED = Map.of(
            "Byte-Range", new String[] {"1-*/*", "1-0/0", "1-10/10", "5-*/100", "1-1/*"},
            "Success-Report", new String[] {"yes", "no", "No"},
            "Failure-Report", new String[] {"yes", "no", "partial"});
    private static final String[] URIS = {"msrps://127.0.0.1:9/x;tcp", "msrps://[::1]:9/x;tcp",
        "msrp://example.com/x;tcp", "msrps://example.com:9/x;udp", "msrps://10.0.0.1/x;tcp",
        "msrps://224.0.0.1:9/m;tcp", "msrps://example.invalid:2855/y;tcp", "msrps://alice@127.0.0.1:9;tcp"};

    /** A valid message to start from. */
    record Seed(String method, String toPath, String fromPath, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    private FrameMutator() {
    }

    /** The seed itself, framed with {@code tid}. */
    static byte[] valid(Seed seed, String tid) {
        return frame(tid, seed.method(), seed.toPath(), seed.fromPath(), seed.headers(), seed.body(), '$');
    }

    static byte[] mutate(Seed seed, String tid, Random random) {
        String method = seed.method();
        List<String> to = new ArrayList<>(List.of(seed.toPath().split(" ")));
        List<String> from = new ArrayList<>(List.of(seed.fromPath().split(" ")));
        List<Map.Entry<String, String>> headers = new ArrayList<>(seed.headers());
        byte[] body = seed.body();
        char flag = '$';
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(9)) {
                case 0 -> method = pick(METHODS, random);
                case 1 -> {
                    String name = pick(NAMES, random);
                    headers.add(Map.entry(name, value(name, random)));
                }
                case 2 -> {
                    if (!headers.isEmpty()) {
                        int i = random.nextInt(headers.size());
                        headers.set(i, Map.entry(headers.get(i).getKey(), value(headers.get(i).getKey(), random)));
                    }
                }
                case 3 -> {
                    if (!headers.isEmpty()) {
                        headers.remove(random.nextInt(headers.size()));
                    }
                }
                case 4 -> changePath(random.nextBoolean() ? to : from, random);
                case 5 -> body = body == null ? randomBytes(random, random.nextInt(2000)) : null;
                case 6 -> body = lookAlikes(tid, random);
                case 7 -> flag = "$+#".charAt(random.nextInt(3));
                default -> body = randomBytes(random, random.nextInt(random.nextInt(8) == 0 ? 70_000 : 100));
            }
        }
        return frame(tid, method, String.join(" ", to), String.join(" ", from), headers, body, flag);
    }

    /**
     * A value for header {@code name}. The decoder checks the values of a
     * few headers and ends the connection on a bad one; those mostly get a
     * valid value, so that a bad one is one frame in many, not most.
     */
    private static String value(String name, Random random) {
        String[] valid = CHECKED.get(name);
        return valid != null && random.nextInt(16) != 0 ? pick(valid, random) : pick(VALUES, random);
    }

    private static void changePath(List<String> path, Random random) {
        switch (random.nextInt(4)) {
            case 0 -> path.set(random.nextInt(path.size()), pick(URIS, random));
            case 1 -> path.add(0, path.get(0));
            case 2 -> {
                if (path.size() > 1) {
                    path.remove(0);
                }
            }
            default -> java.util.Collections.reverse(path);
        }
    }

    private static byte[] lookAlikes(String tid, Random random) {
        String[] parts = {"\r\n-------" + tid + "x", "\r\n-------other99$\r\n", "-------" + tid + "$", "\r\n------",
            "\r\n-------" + tid.substring(1) + "$\r\n", "\r\r\n", "MSRP " + tid + " SEND\r\n"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(5); i++) {
            b.append(parts[random.nextInt(parts.length)]).append((char) ('a' + random.nextInt(26)));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] frame(String tid, String method, String to, String from,
                                List<Map.Entry<String, String>> headers, byte[] body, char flag) {
        StringBuilder head = new StringBuilder("MSRP ").append(tid).append(' ').append(method).append("\r\n")
                .append("To-Path: ").append(to).append("\r\nFrom-Path: ").append(from).append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (body != null) {
            head.append("Content-Type: application/octet-stream\r\n\r\n");
        }
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("-------" + tid + flag + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String pick(String[] from, Random random) {
        return from[random.nextInt(from.length)];
    }
}
