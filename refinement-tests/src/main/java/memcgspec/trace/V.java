package memcgspec.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The neutral value language shared by the TLC side (evaluator values, TLC's printed traces) and the
 * Java side (the abstraction of the implementation's state). Comparing a spec state with the Java
 * state is comparing two trees of these values with {@link Object#equals}.
 *
 * <ul>
 *   <li>TLA+ integer: {@link Integer}</li>
 *   <li>TLA+ string: {@link String}</li>
 *   <li>TLA+ model value: {@link Model}</li>
 *   <li>TLA+ boolean: {@link Boolean}</li>
 *   <li>function, record, tuple, sequence: an immutable {@link Map} (a tuple/sequence has keys 1..n;
 *       a record has String keys), sorted by {@link #ORDER}</li>
 *   <li>set: an immutable {@link Set}, sorted by {@link #ORDER}</li>
 * </ul>
 */
public final class V {
    private V() {}

    /** A TLA+ model value, such as {@code c1} or {@code NoMemcg}: equal only to itself. */
    public record Model(String name) implements Comparable<Model> {
        public Model {
            Objects.requireNonNull(name);
        }

        @Override
        public int compareTo(Model o) {
            return name.compareTo(o.name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static Model model(String name) {
        return new Model(name);
    }

    /** A total order over neutral values: booleans, integers, strings, model values, sets, functions. */
    public static final Comparator<Object> ORDER = V::compare;

    private static int rank(Object o) {
        if (o instanceof Boolean) return 0;
        if (o instanceof Integer) return 1;
        if (o instanceof String) return 2;
        if (o instanceof Model) return 3;
        if (o instanceof Set) return 4;
        if (o instanceof Map) return 5;
        throw new IllegalArgumentException("not a neutral value: " + (o == null ? "null" : o.getClass()));
    }

    @SuppressWarnings("unchecked")
    private static int compare(Object a, Object b) {
        int ra = rank(a), rb = rank(b);
        if (ra != rb) return Integer.compare(ra, rb);
        switch (ra) {
            case 0: return Boolean.compare((Boolean) a, (Boolean) b);
            case 1: return Integer.compare((Integer) a, (Integer) b);
            case 2: return ((String) a).compareTo((String) b);
            case 3: return ((Model) a).compareTo((Model) b);
            case 4: return compareIterables(((Set<Object>) a), ((Set<Object>) b));
            default: {
                Map<Object, Object> ma = (Map<Object, Object>) a, mb = (Map<Object, Object>) b;
                int c = compareIterables(ma.keySet(), mb.keySet());
                if (c != 0) return c;
                for (Object k : ma.keySet()) {
                    c = compare(ma.get(k), mb.get(k));
                    if (c != 0) return c;
                }
                return 0;
            }
        }
    }

    private static int compareIterables(Iterable<Object> a, Iterable<Object> b) {
        List<Object> la = sorted(a), lb = sorted(b);
        for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
            int c = compare(la.get(i), lb.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(la.size(), lb.size());
    }

    private static List<Object> sorted(Iterable<Object> it) {
        List<Object> l = new ArrayList<>();
        it.forEach(l::add);
        l.sort(ORDER);
        return l;
    }

    /** An immutable, sorted function value. Keys and values must be neutral values. */
    public static Map<Object, Object> fcn(Map<?, ?> m) {
        TreeMap<Object, Object> t = new TreeMap<>(ORDER);
        m.forEach((k, v) -> t.put(check(k), check(v)));
        return Collections.unmodifiableMap(t);
    }

    /** A tuple/sequence value: a function with domain 1..n. */
    public static Map<Object, Object> tuple(List<?> elems) {
        TreeMap<Object, Object> t = new TreeMap<>(ORDER);
        for (int i = 0; i < elems.size(); i++) t.put(i + 1, check(elems.get(i)));
        return Collections.unmodifiableMap(t);
    }

    /** A record value [f1 |-> v1, ...] built from alternating names and values. */
    public static Map<Object, Object> record(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("odd record arguments");
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return fcn(m);
    }

    /** An immutable, sorted set value. */
    public static Set<Object> set(Iterable<?> elems) {
        TreeSet<Object> t = new TreeSet<>(ORDER);
        for (Object e : elems) t.add(check(e));
        return Collections.unmodifiableSet(t);
    }

    public static Set<Object> set(Object... elems) {
        return set(List.of(elems));
    }

    private static Object check(Object o) {
        rank(o);
        return o;
    }

    /** True when m is a non-empty function whose domain is exactly 1..n. */
    public static boolean isTuple(Map<?, ?> m) {
        if (m.isEmpty()) return false;
        int i = 1;
        for (Object k : m.keySet()) {
            if (!(k instanceof Integer) || (Integer) k != i) return false;
            i++;
        }
        return true;
    }

    private static boolean isRecord(Map<?, ?> m) {
        if (m.isEmpty()) return false;
        for (Object k : m.keySet()) if (!(k instanceof String) || !((String) k).matches("[A-Za-z_][A-Za-z0-9_]*")) return false;
        return true;
    }

    /** Renders a neutral value in TLA+ syntax, the way TLC prints it. */
    public static String show(Object o) {
        StringBuilder sb = new StringBuilder();
        show(o, sb);
        return sb.toString();
    }

    private static void show(Object o, StringBuilder sb) {
        if (o instanceof String s) {
            sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r").replace("\f", "\\f")).append('"');
        } else if (o instanceof Set<?> s) {
            sb.append('{');
            join(s.iterator(), sb);
            sb.append('}');
        } else if (o instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("<<>>");
            } else if (isTuple(m)) {
                sb.append("<<");
                join(m.values().iterator(), sb);
                sb.append(">>");
            } else if (isRecord(m)) {
                sb.append('[');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    sb.append(e.getKey()).append(" |-> ");
                    show(e.getValue(), sb);
                }
                sb.append(']');
            } else {
                sb.append('(');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(" @@ ");
                    first = false;
                    show(e.getKey(), sb);
                    sb.append(" :> ");
                    show(e.getValue(), sb);
                }
                sb.append(')');
            }
        } else if (o instanceof Boolean b) {
            sb.append(b ? "TRUE" : "FALSE");
        } else {
            sb.append(o);
        }
    }

    private static void join(Iterator<?> it, StringBuilder sb) {
        boolean first = true;
        while (it.hasNext()) {
            if (!first) sb.append(", ");
            first = false;
            show(it.next(), sb);
        }
    }
}
