package memcgspec.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns; numeric columns right-aligned. */
final class Table {
    private final List<String> header;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
        this.right = new boolean[header.length];
    }

    Table rightAlign(int... cols) {
        for (int c : cols) right[c] = true;
        return this;
    }

    void row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(String.valueOf(c));
        rows.add(r);
    }

    String render() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        line(header, w, sb);
        List<String> rule = new ArrayList<>();
        for (int x : w) rule.add("-".repeat(x));
        line(rule, w, sb);
        for (List<String> r : rows) line(r, w, sb);
        return sb.toString();
    }

    private void line(List<String> cells, int[] w, StringBuilder sb) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(w[i] - c.length());
            l.append(right[i] ? pad + c : c + pad);
            if (i < w.length - 1) l.append("  ");
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
