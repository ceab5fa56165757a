package memcgspec.props;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal swim-lane renderer for property-run traces: one line per step, one column per lane
 * (CPU), the step written in its lane's column, the state changes on the right. Rows with lane -1
 * span every lane and are not numbered (markers such as the start of the drain).
 *
 * <pre>
 *   # | c1                | c2            | changes
 *   1 | AllocAnon(p3, 1)  |               | ref[p3] _-&gt;1
 *   2 |                   | GetPage(p3)   | ref[p3] 1-&gt;2
 * </pre>
 *
 * Kept deliberately small so that it can be replaced by a shared renderer later: its whole API is
 * {@link Row} and {@link #render}.
 */
public final class PropTrace {
    private PropTrace() {}

    /**
     * One line of a trace.
     *
     * @param lane the lane (column) index, or -1 for a row spanning all lanes
     * @param label the step, e.g. {@code TryCharge(c1) -> ENOMEM}
     * @param changes what the step changed, e.g. {@code usage[1] 3->4, owner[p7] _->1}
     */
    public record Row(int lane, String label, String changes) {}

    /** Renders rows under a header of lane names. */
    public static String render(List<String> laneNames, List<Row> rows) {
        int lanes = laneNames.size();
        int[] w = new int[lanes];
        for (int i = 0; i < lanes; i++) w[i] = laneNames.get(i).length();
        for (Row r : rows) if (r.lane() >= 0 && r.lane() < lanes) w[r.lane()] = Math.max(w[r.lane()], r.label().length());
        int total = -3;
        for (int x : w) total += x + 3;
        int nw = Math.max(1, String.valueOf(rows.size()).length());
        StringBuilder sb = new StringBuilder();
        List<String> head = new ArrayList<>();
        for (int i = 0; i < lanes; i++) head.add(pad(laneNames.get(i), w[i]));
        line(sb, pad("#", nw), String.join(" | ", head), "changes");
        int n = 0;
        for (Row r : rows) {
            String cells;
            if (r.lane() < 0 || r.lane() >= lanes) {
                cells = pad(r.label(), total);
            } else {
                List<String> c = new ArrayList<>();
                for (int i = 0; i < lanes; i++) c.add(pad(i == r.lane() ? r.label() : "", w[i]));
                cells = String.join(" | ", c);
            }
            String num = r.lane() < 0 ? "" : String.valueOf(++n);
            line(sb, pad(num, nw), cells, r.changes() == null ? "" : r.changes());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String num, String cells, String changes) {
        sb.append(num).append(" | ").append(cells).append(" | ").append(changes);
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') end--;
        sb.setLength(end);
        sb.append('\n');
    }

    private static String pad(String s, int w) {
        if (s.length() >= w) return s;
        return s + " ".repeat(w - s.length());
    }
}
