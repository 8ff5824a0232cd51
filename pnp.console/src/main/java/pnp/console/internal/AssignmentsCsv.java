package pnp.console.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import pnp.api.MacAddress;

/**
 * The CSV form of assignments. Export: {@code mac,extension,name} per phone, <em>without passwords</em>
 * (an export ends up in spreadsheets and mail; the passwords stay in Config Admin). Import reads the
 * same columns plus an optional password: one phone per line, {@code mac,extension,name[,password]}. Fields may be quoted
 * ({@code "Smith, Alice"}, {@code ""} for a quote). Blank lines, lines starting with {@code #} and a
 * header line starting with {@code mac} are skipped. Every line is judged on its own: a bad line is
 * reported with its number and the others still count.
 *
 * <p>Rejected: a field count other than 3 or 4, a bad MAC, an empty extension, a MAC or extension
 * that an earlier line of the same import already has.
 */
final class AssignmentsCsv {

    /** One good line; {@code password} is empty when the line gives none (one is generated). */
    record Line(int number, MacAddress mac, String extension, String displayName, String password) {
    }

    /** One rejected line and why. */
    record Problem(int number, String line, String message) {
    }

    record Result(List<Line> lines, List<Problem> problems) {
    }

    private AssignmentsCsv() {
    }

    static Result parse(String text) {
        List<Line> lines = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<MacAddress, Integer> macs = new HashMap<>();
        Map<String, Integer> extensions = new HashMap<>();
        String[] rows = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < rows.length; i++) {
            int number = i + 1;
            String row = rows[i];
            String trimmed = row.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")
                    || (lines.isEmpty() && problems.isEmpty() && trimmed.toLowerCase(Locale.ROOT).startsWith("mac"))) {
                continue;
            }
            List<String> fields;
            try {
                fields = fields(row);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(number, row, e.getMessage()));
                continue;
            }
            if (fields.size() < 3 || fields.size() > 4) {
                problems.add(new Problem(number, row,
                        "expected mac,extension,name[,password] but found " + fields.size() + " fields"));
                continue;
            }
            Optional<MacAddress> mac = MacAddress.parse(fields.get(0).strip());
            if (mac.isEmpty()) {
                problems.add(new Problem(number, row, "'" + fields.get(0).strip() + "' is not a MAC address"));
                continue;
            }
            String extension = fields.get(1).strip();
            if (extension.isEmpty()) {
                problems.add(new Problem(number, row, "the extension is empty"));
                continue;
            }
            Integer earlier = macs.get(mac.get());
            if (earlier != null) {
                problems.add(new Problem(number, row, "duplicate: MAC " + mac.get().colonSeparated()
                        + " is already on line " + earlier));
                continue;
            }
            earlier = extensions.get(extension);
            if (earlier != null) {
                problems.add(new Problem(number, row, "duplicate: extension " + extension + " is already on line "
                        + earlier));
                continue;
            }
            macs.put(mac.get(), number);
            extensions.put(extension, number);
            String password = fields.size() == 4 ? fields.get(3).strip() : "";
            lines.add(new Line(number, mac.get(), extension, fields.get(2).strip(), password));
        }
        return new Result(lines, problems);
    }

    /** Splits one CSV row (RFC 4180 quoting, no line breaks inside fields). */
    static List<String> fields(String row) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < row.length() && row.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                field.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        out.add(field.toString());
        return out;
    }

    /** The export: a header line, then one line per assignment, no passwords. */
    static String write(Collection<Assignments.Current> assignments) {
        StringBuilder out = new StringBuilder("mac,extension,name\r\n");
        for (Assignments.Current a : assignments) {
            out.append(a.mac().colonSeparated()).append(',').append(field(a.extension())).append(',')
                    .append(field(a.displayName())).append("\r\n");
        }
        return out.toString();
    }

    /** One CSV field, quoted when it needs to be; a leading {@code = + - @} is defused for spreadsheets. */
    static String field(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
                || !v.equals(v.strip())) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
