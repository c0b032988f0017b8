package org.msrptools.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds a domain's MSRP relays (RFC 4976 section 6): SRV records of
 * {@code _msrps._tcp.DOMAIN}, tried by priority, then in weighted random
 * order within a priority (RFC 2782); without records, the domain itself on
 * port 2855. A lookup that fails (no answer in time, a server failure) is an
 * error, not "no records": the domain's relay is not known then, and
 * another host must not be tried in its place.
 */
public final class RelayLocator {

    /**
     * A relay to try: where to connect; {@code address} is its host's, when
     * --dns-server resolved it (else null: the system resolves it).
     */
    public record Target(String host, int port, InetAddress address) {
        public Target(String host, int port) {
            this(host, port, null);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public static final int DEFAULT_PORT = 2855;
    /**
     * A DNS answer comes in milliseconds, and resolvers give up after a few
     * seconds: a lookup with none in 10 s is a server that will not answer,
     * and the user should hear so without waiting the whole --timeout.
     */
    static final Duration MOST_WAITED = Duration.ofSeconds(10);

    private static final int ATTEMPTS = 3;

    private final Resolver resolver;
    /** The server asked, as the failure names it: --dns-server's, or none for the system's. */
    private final String where;
    /** --dns-server was given: it resolves the targets' names too (found by a new user with a private zone). */
    private final boolean ownServer;
    private final Duration timeout;
    private final Random random;

    /** Uses {@code server} when given, else the system's servers; either way giving up after {@code timeout}. */
    public RelayLocator(InetSocketAddress server, Duration timeout) {
        this(server, timeout, new SecureRandom());
    }

    RelayLocator(InetSocketAddress server, Duration timeout, Random random) {
        this.timeout = timeout.compareTo(MOST_WAITED) < 0 ? timeout : MOST_WAITED;
        ExtendedResolver servers = server != null ? new ExtendedResolver(new Resolver[] {new SimpleResolver(server)})
                : new ExtendedResolver();
        // Each server is asked up to ATTEMPTS times, each time for its share of the time: a lost datagram is
        // asked again, and a server that does not answer leaves time for the next (found by review and a user:
        // one query in 10 s, or all of a short --timeout spent on the first server).
        Resolver[] each = servers.getResolvers();
        Duration share = this.timeout.dividedBy((long) Math.max(1, each.length) * ATTEMPTS);
        for (Resolver r : each) {
            r.setTimeout(share.compareTo(Duration.ofSeconds(1)) > 0 ? share : Duration.ofSeconds(1));
        }
        servers.setRetries(ATTEMPTS);
        servers.setTimeout(this.timeout);
        this.resolver = servers;
        this.where = server != null ? " at " + server.getHostString() + ":" + server.getPort() : "";
        this.ownServer = server != null;
        this.random = random;
    }

    /**
     * The relays to try for {@code domain}, in order; a {@link NoServiceException}
     * when its records all name the target "." (RFC 2782: the service is
     * decidedly not available there), an {@link IOException} when the lookup
     * failed.
     */
    public List<Target> locate(String domain) throws IOException, NoServiceException {
        List<Target> found = find(domain);
        return ownServer ? found.stream().map(this::resolved).toList() : found;
    }

    /**
     * The target with its host's address as --dns-server gives it (A, else
     * AAAA): a private zone's relay names are known there, not to the
     * system. Without one, as it was, for the system to resolve.
     */
    private Target resolved(Target t) {
        if (Address.isDottedQuad(t.host()) || t.host().indexOf(':') >= 0) {
            return t;
        }
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                Lookup lookup = lookup(t.host() + ".", type);
                Record[] answers = lookup.run();
                for (Record r : lookup.getResult() == Lookup.SUCCESSFUL && answers != null ? answers : new Record[0]) {
                    if (r instanceof ARecord a) {
                        return new Target(t.host(), t.port(), a.getAddress());
                    }
                    if (r instanceof AAAARecord a) {
                        return new Target(t.host(), t.port(), a.getAddress());
                    }
                }
            } catch (TextParseException e) {
                return t; // not a name DNS can ask for: the connection says what is wrong with it
            }
        }
        return t;
    }

    /** A lookup of {@code name} (absolute: no search domain appended) asked of this locator's servers, afresh. */
    private Lookup lookup(String name, int type) throws TextParseException {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        return lookup;
    }

    private List<Target> find(String domain) throws IOException, NoServiceException {
        // Absolute, so no search domain of the resolver configuration is appended.
        String name = "_msrps._tcp." + domain + ".";
        Lookup lookup = lookup(name, Type.SRV);
        long started = System.nanoTime();
        Record[] records = lookup.run();
        int result = lookup.getResult();
        if (result == Lookup.TRY_AGAIN || result == Lookup.UNRECOVERABLE) {
            // dnsjava calls a server that never answered a "network error": the time waited says it better.
            boolean waitedOut = System.nanoTime() - started >= timeout.toNanos() * 9 / 10;
            String why = waitedOut ? "no answer within " + timeout.toSeconds() + " s" : lookup.getErrorString();
            throw new IOException("the SRV lookup of " + name + where + " failed (" + why
                    + "): give the relay's host (RELAY_HOST) to do without it");
        }
        if (result != Lookup.SUCCESSFUL || records == null || records.length == 0) {
            return List.of(new Target(domain, DEFAULT_PORT)); // no such name, or no SRV records: none there
        }
        List<SRVRecord> srv = Arrays.stream(records).filter(SRVRecord.class::isInstance).map(SRVRecord.class::cast)
                .toList();
        if (srv.isEmpty()) {
            return List.of(new Target(domain, DEFAULT_PORT));
        }
        List<Target> targets = order(srv);
        if (targets.isEmpty()) {
            throw new NoServiceException("_msrps._tcp." + domain + " names the target \".\": " + domain
                    + " offers no MSRP relay (RFC 2782)");
        }
        return targets;
    }

    /** The domain says it has no relay. */
    public static final class NoServiceException extends Exception {
        NoServiceException(String message) {
            super(message);
        }
    }

    /** RFC 2782 ordering: ascending priority; within one, weighted random without replacement. */
    List<Target> order(List<SRVRecord> records) {
        Map<Integer, List<SRVRecord>> byPriority = new TreeMap<>();
        for (SRVRecord r : records) {
            byPriority.computeIfAbsent(r.getPriority(), p -> new ArrayList<>()).add(r);
        }
        List<Target> ordered = new ArrayList<>();
        for (List<SRVRecord> group : byPriority.values()) {
            List<SRVRecord> left = new ArrayList<>(group);
            left.sort(Comparator.comparingInt(SRVRecord::getWeight)); // zero weights first, as RFC 2782 asks
            while (!left.isEmpty()) {
                int sum = left.stream().mapToInt(SRVRecord::getWeight).sum();
                int pick = sum == 0 ? 0 : random.nextInt(sum + 1);
                int running = 0;
                int chosen = 0;
                for (int i = 0; i < left.size(); i++) {
                    running += left.get(i).getWeight();
                    if (running >= pick) {
                        chosen = i;
                        break;
                    }
                }
                SRVRecord r = left.remove(chosen);
                String host = r.getTarget().toString(true);
                if (!host.isEmpty() && !host.equals(".")) {
                    ordered.add(new Target(host, r.getPort()));
                }
            }
        }
        return ordered;
    }
}
