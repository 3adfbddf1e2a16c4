package tally.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A plain aligned text table: columns of numbers (and money) right-aligned, text left-aligned. */
public final class TextTable {
    /** A cell of a numeric column; compiled once (String.matches compiled it per cell: ~20 ms of a 150-row table). */
    private static final Pattern NUMERIC = Pattern.compile("[-+$0-9.,]*( \\+?\\d+ unpriced)?|unpriced");

    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> rules = new ArrayList<>();

    public TextTable(String... header) {
        rows.add(header);
        rules.add(1);
    }

    public TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** A rule line before the next row. */
    public TextTable rule() {
        rules.add(rows.size());
        return this;
    }

    public String render() {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
        }
        boolean[] numeric = new boolean[cols];
        for (int i = 1; i < cols; i++) {
            numeric[i] = true;
            for (int r = 1; r < rows.size(); r++) {
                if (!NUMERIC.matcher(rows.get(r)[i]).matches()) numeric[i] = false;
            }
        }
        int total = (cols - 1) * 2;
        for (int w : width) total += w;
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            if (rules.contains(r)) sb.append("-".repeat(total)).append('\n');
            String[] cells = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                if (i > 0) line.append("  ");
                String c = cells[i];
                String pad = " ".repeat(width[i] - c.length());
                line.append(numeric[i] ? pad + c : c + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
