package memcgspec.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a {@link Trace} as ASCII swim lanes, in the spirit of the diagrams in kernel mails: one column
 * per CPU, one row per step, and beside each row the state changes that matter.
 *
 * <pre>
 * step  c1     c2     -      changes
 * ----  -----  -----  -----  ---------------------------------
 * init                       x = 0, tmp = (c1 :&gt; 0 @@ c2 :&gt; 0)
 *    1  Read                 pc[c1]: "idle" -&gt; "read"
 *    2         Add(2)        x: 0 -&gt; 2
 *    3                Reset  x: 2 -&gt; 0
 * </pre>
 *
 * <p>The lane of a step is the value of its action's lane parameter ({@code c} by convention: every
 * per-CPU action's first parameter is the CPU); the label in the lane omits that parameter. Steps of
 * actions without it go to the lane "-". The change column lists only the variables that changed and,
 * for a function whose domain did not change, only the changed entries ({@code usage[m2]: 1 -> 2},
 * recursively, {@code .f} for record fields), wrapped onto continuation lines. Immutable: each option
 * returns a new renderer.
 */
public final class SwimLanes {
    private static final String NO_LANE = "-";

    private final String laneParam;
    private final Set<String> hidden;
    private final LinkedHashMap<Object, String> titles;
    private final int changesWidth;

    private SwimLanes(String laneParam, Set<String> hidden, LinkedHashMap<Object, String> titles, int changesWidth) {
        this.laneParam = laneParam;
        this.hidden = hidden;
        this.titles = titles;
        this.changesWidth = changesWidth;
    }

    /** Lane parameter {@code c}, nothing hidden, lanes titled by their value, change column 64 wide. */
    public static SwimLanes defaults() {
        return new SwimLanes("c", Set.of(), new LinkedHashMap<>(), 64);
    }

    /** Hides variables (e.g. {@code pc}) from the change column and the initial-state line. */
    public SwimLanes hide(String... vars) {
        Set<String> h = new LinkedHashSet<>(hidden);
        h.addAll(List.of(vars));
        return new SwimLanes(laneParam, Collections.unmodifiableSet(h), titles, changesWidth);
    }

    /**
     * Titles a lane, e.g. {@code laneTitle(V.model("c1"), "CPU A")}. Titled lanes come first, in the
     * order they were titled, and are shown even when no step runs in them.
     */
    public SwimLanes laneTitle(Object laneValue, String title) {
        LinkedHashMap<Object, String> t = new LinkedHashMap<>(titles);
        t.put(Objects.requireNonNull(laneValue), Objects.requireNonNull(title));
        return new SwimLanes(laneParam, hidden, t, changesWidth);
    }

    /** The action parameter that names the lane (default {@code c}). */
    public SwimLanes laneParam(String name) {
        return new SwimLanes(Objects.requireNonNull(name), hidden, titles, changesWidth);
    }

    /** Width at which the change column wraps (a single longer change still goes on one line). */
    public SwimLanes changesWidth(int width) {
        if (width < 10) throw new IllegalArgumentException("changes width too small: " + width);
        return new SwimLanes(laneParam, hidden, titles, width);
    }

    /** The rendering: plain ASCII, lines ending in '\n', no trailing spaces. */
    public String render(Trace trace) {
        // Lanes: titled ones first, then the others in value order, then "-" when used.
        List<Object> lanes = new ArrayList<>(titles.keySet());
        TreeSet<Object> others = new TreeSet<>(V.ORDER);
        boolean noLane = false;
        for (Trace.Step s : trace.steps()) {
            if (s.isInitial()) continue;
            Object lane = s.label().param(laneParam);
            if (lane == null) noLane = true;
            else if (!titles.containsKey(lane)) others.add(lane);
        }
        lanes.addAll(others);
        if (noLane) lanes.add(NO_LANE);

        List<String> header = new ArrayList<>();
        for (Object lane : lanes) header.add(ascii(lane == NO_LANE ? NO_LANE : titles.getOrDefault(lane, V.show(lane))));

        // Cells: one row per step (the initial state has no lane cell).
        int n = trace.steps().size();
        String[] laneCell = new String[n];
        int[] laneOf = new int[n];
        List<List<String>> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Trace.Step s = trace.steps().get(i);
            if (s.isInitial()) {
                laneOf[i] = -1;
                List<String> items = new ArrayList<>();
                s.after().forEach((k, v) -> {
                    if (!hidden.contains(k)) items.add(ascii(k + " = " + V.show(v)));
                });
                changes.add(items);
                continue;
            }
            ActionLabel l = s.label();
            Object lane = l.param(laneParam);
            laneOf[i] = lanes.indexOf(lane == null ? NO_LANE : lane);
            laneCell[i] = ascii(lane == null ? l.toString() : l.toString(Set.of(laneParam)));
            changes.add(changes(s.before(), s.after()));
        }

        String stepTitle = "step";
        int stepWidth = Math.max(stepTitle.length(), String.valueOf(n - 1).length());
        int[] width = new int[lanes.size()];
        for (int j = 0; j < lanes.size(); j++) width[j] = header.get(j).length();
        for (int i = 0; i < n; i++) if (laneOf[i] >= 0) width[laneOf[i]] = Math.max(width[laneOf[i]], laneCell[i].length());

        StringBuilder out = new StringBuilder();
        List<String> cells = new ArrayList<>();
        cells.add(pad(stepTitle, stepWidth));
        for (int j = 0; j < lanes.size(); j++) cells.add(pad(header.get(j), width[j]));
        cells.add("changes");
        line(out, cells);
        cells.clear();
        cells.add("-".repeat(stepWidth));
        for (int w : width) cells.add("-".repeat(w));
        cells.add("-".repeat(Math.min(changesWidth, Math.max(7, maxLen(changes)))));
        line(out, cells);

        for (int i = 0; i < n; i++) {
            List<String> wrapped = wrap(changes.get(i));
            for (int k = 0; k < Math.max(1, wrapped.size()); k++) {
                cells.clear();
                String step = k > 0 ? "" : i == 0 ? "init" : String.valueOf(i);
                cells.add(padLeft(step, stepWidth));
                for (int j = 0; j < lanes.size(); j++) cells.add(pad(k == 0 && laneOf[i] == j ? laneCell[i] : "", width[j]));
                cells.add(k < wrapped.size() ? wrapped.get(k) : "");
                line(out, cells);
            }
        }
        return out.toString();
    }

    /** The changed variables of a step, as "name: old -> new" items (function entries one by one). */
    public List<String> changes(Map<String, Object> before, Map<String, Object> after) {
        List<String> items = new ArrayList<>();
        LinkedHashSet<String> vars = new LinkedHashSet<>(after.keySet());
        vars.addAll(before.keySet());
        for (String v : vars) if (!hidden.contains(v)) diff(v, before.get(v), after.get(v), items);
        List<String> ascii = new ArrayList<>(items.size());
        for (String s : items) ascii.add(ascii(s));
        return ascii;
    }

    private static void diff(String path, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) return;
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb && !ma.isEmpty() && ma.keySet().equals(mb.keySet())) {
            boolean record = isRecord(ma);
            for (Object k : ma.keySet())
                diff(path + (record ? "." + k : "[" + V.show(k) + "]"), ma.get(k), mb.get(k), out);
            return;
        }
        out.add(path + ": " + show(a) + " -> " + show(b));
    }

    private static boolean isRecord(Map<?, ?> m) {
        for (Object k : m.keySet()) if (!(k instanceof String s) || !s.matches("[A-Za-z_][A-Za-z0-9_]*")) return false;
        return true;
    }

    private static String show(Object o) {
        return o == null ? "(none)" : V.show(o);
    }

    /** Greedy fill of items separated by ", " into lines of at most changesWidth; continuations indented. */
    private List<String> wrap(List<String> items) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i < items.size() - 1 ? "," : "");
            if (cur.length() > 0 && cur.length() + 1 + item.length() > changesWidth) {
                lines.add(cur.toString());
                cur.setLength(0);
                cur.append("  ");  // continuation indent
            } else if (cur.length() > 0) {
                cur.append(' ');
            }
            cur.append(item);
        }
        if (cur.length() > 0) lines.add(cur.toString());
        return lines;
    }

    private static int maxLen(List<List<String>> changes) {
        int m = 0;
        for (List<String> l : changes) m = Math.max(m, String.join(", ", l).length());
        return m;
    }

    private static void line(StringBuilder out, List<String> cells) {
        String s = String.join("  ", cells);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') end--;
        out.append(s, 0, end).append('\n');
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    /** Printable ASCII only: other characters become \\uXXXX escapes (control characters too). */
    static String ascii(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = ch >= 0x20 && ch < 0x7f;
            if (!ok && b == null) b = new StringBuilder(s.substring(0, i));
            if (b != null) {
                if (ok) b.append(ch);
                else b.append(String.format("\\u%04x", (int) ch));
            }
        }
        return b == null ? s : b.toString();
    }
}
