package org.msrptools.dns;

import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds a domain's MSRP relays (RFC 4976 section 6): SRV records of
 * {@code _msrps._tcp.DOMAIN}, tried by priority, then in weighted random
 * order within a priority (RFC 2782); without records, the domain itself on
 * port 2855.
 */
public final class RelayLocator {

    /** A relay to try: where to connect. */
    public record Target(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public static final int DEFAULT_PORT = 2855;

    private final SimpleResolver resolver;
    private final Random random;

    /** Uses the system's resolver, or {@code server} ("host" or "host:port") when given. */
    public RelayLocator(String server, Duration timeout) throws UnknownHostException {
        this(server, timeout, new SecureRandom());
    }

    RelayLocator(String server, Duration timeout, Random random) throws UnknownHostException {
        if (server == null) {
            this.resolver = null;
        } else {
            int colon = server.lastIndexOf(':');
            boolean hasPort = colon > 0 && server.indexOf(':') == colon;
            this.resolver = new SimpleResolver(hasPort ? server.substring(0, colon) : server);
            if (hasPort) {
                this.resolver.setPort(Integer.parseInt(server.substring(colon + 1)));
            }
            this.resolver.setTimeout(timeout);
        }
        this.random = random;
    }

    /**
     * The relays to try for {@code domain}, in order; a {@link NoServiceException}
     * when its records all name the target "." (RFC 2782: the service is
     * decidedly not available there).
     */
    public List<Target> locate(String domain) throws TextParseException, NoServiceException {
        // Absolute, so no search domain of the resolver configuration is appended.
        Lookup lookup = new Lookup("_msrps._tcp." + domain + ".", Type.SRV);
        if (resolver != null) {
            lookup.setResolver(resolver);
            lookup.setCache(null);
        }
        Record[] records = lookup.run();
        if (lookup.getResult() != Lookup.SUCCESSFUL || records == null || records.length == 0) {
            return List.of(new Target(domain, DEFAULT_PORT));
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
