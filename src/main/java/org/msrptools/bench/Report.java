package org.msrptools.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the figures go: the table's lines as they are measured (not with
 * --json), and every figure under a name for --json.
 */
final class Report {

    private final boolean json;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    Report(boolean json) {
        this.json = json;
    }

    void line(String format, Object... args) {
        if (!json) {
            System.out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
            System.out.flush();
        }
    }

    void put(String name, Object value) {
        figures.put(name, value);
    }

    /** Just enough JSON for a flat map of numbers and strings. */
    String json() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            sb.append(v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue())
                    : "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return sb.append('}').toString();
    }
}
