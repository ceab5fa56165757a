package memcgspec.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
        if (m instanceof Fcn f) return f;
        Builder b = new Builder(m.size());
        m.forEach(b::put);
        return b.build();
    }

    /** A tuple/sequence value: a function with domain 1..n. */
    public static Map<Object, Object> tuple(List<?> elems) {
        Builder b = new Builder(elems.size());
        for (int i = 0; i < elems.size(); i++) b.put(i + 1, elems.get(i));
        return b.build();
    }

    /**
     * Builds a function value pair by pair, without an intermediate map (the abstraction of a
     * Java state builds one per variable, for every step conformance replays): {@code put} in any
     * order, then {@link #build}. A key put twice keeps its last value, as in a map.
     */
    public static Builder fcnBuilder(int expectedSize) {
        return new Builder(expectedSize);
    }

    /** See {@link #fcnBuilder}. */
    public static final class Builder {
        private Object[] keys, vals;
        private int n;

        private Builder(int expectedSize) {
            keys = new Object[Math.max(expectedSize, 1)];
            vals = new Object[keys.length];
        }

        public Builder put(Object k, Object v) {
            check(k);
            check(v);
            if (n == keys.length) {
                keys = java.util.Arrays.copyOf(keys, 2 * n);
                vals = java.util.Arrays.copyOf(vals, 2 * n);
            }
            keys[n] = k;
            vals[n] = v;
            n++;
            return this;
        }

        /** The function value; the builder must not be used again. */
        public Map<Object, Object> build() {
            return Fcn.of(keys, vals, n);
        }
    }

    /**
     * A function value: keys sorted by {@link #ORDER}, distinct, with their values, in two arrays.
     * Immutable. Two of them are equal when their arrays are, element by element (one pass, no
     * lookups: both are sorted by the same total order); against any other {@link Map} equality is
     * {@link java.util.AbstractMap#equals}'s, and the hash code is a map's.
     */
    private static final class Fcn extends java.util.AbstractMap<Object, Object> {
        private final Object[] keys, vals;
        /** The hash code once computed (0 until then, String's scheme: safe to race on). */
        private int hash;
        private boolean hashIsZero;

        private Fcn(Object[] keys, Object[] vals) {
            this.keys = keys;
            this.vals = vals;
        }

        /** Sorts the first n pairs by key; a key given twice keeps its last value. */
        static Fcn of(Object[] ks, Object[] vs, int n) {
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) sorted = compare(ks[i - 1], ks[i]) < 0;
            if (sorted) {
                return new Fcn(n == ks.length ? ks : java.util.Arrays.copyOf(ks, n), n == vs.length ? vs : java.util.Arrays.copyOf(vs, n));
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            // Stable: of pairs with equal keys the last put comes last.
            java.util.Arrays.sort(order, (a, b) -> compare(ks[a], ks[b]));
            Object[] k = new Object[n], v = new Object[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                int at = order[i];
                if (m > 0 && compare(k[m - 1], ks[at]) == 0) {
                    v[m - 1] = vs[at];  // the same key again: a map keeps the first key and the last value
                } else {
                    k[m] = ks[at];
                    v[m] = vs[at];
                    m++;
                }
            }
            return new Fcn(m == n ? k : java.util.Arrays.copyOf(k, m), m == n ? v : java.util.Arrays.copyOf(v, m));
        }

        private int indexOf(Object key) {
            int lo = 0, hi = keys.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = compare(keys[mid], key);
                if (c < 0) lo = mid + 1;
                else if (c > 0) hi = mid - 1;
                else return mid;
            }
            return -1;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public Object get(Object key) {
            int i = indexOf(key);
            return i < 0 ? null : vals[i];
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super Object, ? super Object> action) {
            for (int i = 0; i < keys.length; i++) action.accept(keys[i], vals[i]);
        }

        @Override
        public Set<Entry<Object, Object>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public Iterator<Entry<Object, Object>> iterator() {
                    return new Iterator<>() {
                        private int i;

                        @Override
                        public boolean hasNext() {
                            return i < keys.length;
                        }

                        @Override
                        public Entry<Object, Object> next() {
                            if (i >= keys.length) throw new java.util.NoSuchElementException();
                            Entry<Object, Object> e = new java.util.AbstractMap.SimpleImmutableEntry<>(keys[i], vals[i]);
                            i++;
                            return e;
                        }
                    };
                }
            };
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) return true;
            if (o instanceof Fcn f) {
                if (f.keys.length != keys.length) return false;
                if (hash != 0 && f.hash != 0 && hash != f.hash) return false;
                for (int i = 0; i < keys.length; i++)
                    if (!keys[i].equals(f.keys[i]) || !vals[i].equals(f.vals[i])) return false;
                return true;
            }
            return super.equals(o);
        }

        @Override
        public int hashCode() {
            int h = hash;
            if (h == 0 && !hashIsZero) {
                for (int i = 0; i < keys.length; i++) h += keys[i].hashCode() ^ vals[i].hashCode();
                if (h == 0) hashIsZero = true;
                else hash = h;
            }
            return h;
        }
    }

    /** A record value [f1 |-> v1, ...] built from alternating names and values. */
    public static Map<Object, Object> record(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("odd record arguments");
        Builder b = new Builder(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) b.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return b.build();
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
