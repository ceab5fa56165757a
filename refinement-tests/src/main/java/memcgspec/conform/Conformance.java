package memcgspec.conform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import memcgspec.impl.StepRefused;
import memcgspec.trace.ActionLabel;
import memcgspec.tla.StateGraph;

/**
 * Checks a Java implementation against an explored {@link StateGraph}, through a {@link Binding}.
 *
 * <p>For every state s the implementation is brought to s and its abstraction compared with s. Then for
 * every edge (s, label, t) the bound Java step is applied to a copy and the copy's abstraction compared
 * with t's concrete variables, and for every action instance disabled in s the Java step must be refused
 * ({@link StepRefused}) without changing the state: on a copy each, or, when the binding has a
 * {@linkplain Binding#fingerprint fingerprint}, one after another on one copy (see refusalsOnOneCopy).
 *
 * <p><b>How states are reached.</b> Depth-first over the BFS tree of the graph: the implementation of a
 * state is the copy on which its tree edge was just checked, so each state costs no replay at all, and
 * only the implementations of pending tree children along the current path are alive (about depth x
 * branching objects, not a whole BFS frontier). A state whose tree edge fails is not reached, nor are its
 * tree descendants: they are counted in {@link ConformanceReport#statesChecked()}, and their edges stay
 * uncovered, so the run still fails.
 */
public final class Conformance {
    /** Mismatches kept in a report (the shallowest ones); all are counted. */
    public static final int KEPT_MISMATCHES = 20;

    /** Progress of a run: called every {@link #PROGRESS_EVERY} states and once at the end. */
    public interface Progress {
        void update(int statesChecked, int states, long edgesChecked, long mismatches);
    }

    public static final int PROGRESS_EVERY = 1000;

    private Conformance() {}

    public static <S> ConformanceReport run(StateGraph g, Binding<S> b) {
        return run(g, b, (done, total, edges, mismatches) -> {});
    }

    public static <S> ConformanceReport run(StateGraph g, Binding<S> b, Progress progress) {
        return new Run<>(g, b, progress).run();
    }

    /** A step applied to a copy: the copy, and what the step threw (null if nothing). */
    private record Applied<S>(S copy, Throwable thrown) {}

    /** The state must be abandoned: steps on copies changed the original. */
    private static final Applied<Object> ABANDON = new Applied<>(null, null);

    private static final class Run<S> {
        private final StateGraph g;
        private final Binding<S> b;
        private final Progress progress;
        private final Set<String> bound;
        private final List<String> unbound = new ArrayList<>();
        private final Set<Long> nondeterministic = new HashSet<>();  // (state, label) keys, see key()
        private final Map<ActionLabel, Integer> labelIds = new java.util.HashMap<>();
        // The graph's labels are shared objects: found by identity first (an ActionLabel's hash
        // code hashes its parameter map).
        private final Map<ActionLabel, Integer> labelIdsByIdentity = new java.util.IdentityHashMap<>();
        private final boolean[] boundLabel;
        // Kept mismatches: a max-heap on (depth, state) so the deepest is dropped first.
        private final PriorityQueue<Mismatch> kept;
        private long mismatchCount, covered, disabledChecked, edgesChecked;
        private int statesChecked;

        Run(StateGraph g, Binding<S> b, Progress progress) {
            this.g = g;
            this.b = b;
            this.progress = progress;
            this.bound = Set.copyOf(b.boundActions());
            for (String a : g.actionNames()) if (!bound.contains(a)) unbound.add(a);
            for (ActionLabel l : g.actionLabels()) {
                labelIdsByIdentity.put(l, labelIds.size());
                labelIds.put(l, labelIds.size());
            }
            boundLabel = new boolean[labelIds.size()];
            labelIds.forEach((l, id) -> boundLabel[id] = bound.contains(l.name()));
            Comparator<Mismatch> shallowFirst = Comparator.<Mismatch>comparingInt(m -> g.state(m.state()).depth())
                    .thenComparingInt(Mismatch::state);
            this.kept = new PriorityQueue<>(shallowFirst.reversed());
        }

        private int labelId(ActionLabel l) {
            Integer id = labelIdsByIdentity.get(l);
            return id != null ? id : labelIds.get(l);
        }

        private long key(int state, ActionLabel l) {
            return (long) state * labelIds.size() + labelId(l);
        }

        private boolean bound(ActionLabel l) {
            Integer id = labelIdsByIdentity.get(l);
            return id != null ? boundLabel[id] : bound.contains(l.name());
        }

        private record Frame<S>(int state, S impl) {}

        ConformanceReport run() {
            long t0 = System.nanoTime();
            for (StateGraph.Nondeterminism n : g.nondeterminism()) nondeterministic.add(key(n.state(), n.label()));

            // Tree children of every state (the states whose BFS parent it is).
            int n = g.size();
            List<List<Integer>> children = new ArrayList<>(n);
            for (int i = 0; i < n; i++) children.add(new ArrayList<>(2));
            for (StateGraph.State s : g.states()) if (!s.isInitial()) children.get(s.parent()).add(s.index());

            Deque<Frame<S>> stack = new ArrayDeque<>();
            List<Integer> inits = g.initialStates();
            for (int k = inits.size() - 1; k >= 0; k--) {
                int i = inits.get(k);
                try {
                    stack.push(new Frame<>(i, b.create(g.constants(), g.state(i).vars())));
                } catch (RuntimeException e) {
                    mismatch(Mismatch.Kind.EXCEPTION, i, null, "create() threw " + oneLine(e), List.of());
                }
            }
            while (!stack.isEmpty()) {
                Frame<S> f = stack.pop();
                statesChecked++;
                List<Frame<S>> next = checkState(f.state(), f.impl(), children.get(f.state()));
                for (int k = next.size() - 1; k >= 0; k--) stack.push(next.get(k));
                if (statesChecked % PROGRESS_EVERY == 0) progress.update(statesChecked, n, edgesChecked, mismatchCount);
            }
            progress.update(statesChecked, n, edgesChecked, mismatchCount);

            List<Mismatch> sorted = new ArrayList<>(kept);
            sorted.sort(kept.comparator().reversed());
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new ConformanceReport(g.modelName(), n, statesChecked, g.edgeCount(), covered, disabledChecked,
                    mismatchCount, sorted, unbound, seconds);
        }

        /** Checks one state and its edges; returns the frames of its tree children that were reached. */
        private List<Frame<S>> checkState(int si, S impl, List<Integer> treeChildren) {
            StateGraph.State s = g.state(si);
            LinkedHashMap<String, Object> actual;
            try {
                actual = b.abstraction(impl);
            } catch (RuntimeException e) {
                mismatch(Mismatch.Kind.EXCEPTION, si, null, "abstraction() threw " + oneLine(e), List.of());
                return List.of();
            }
            if (!same(s.vars(), actual)) {
                mismatch(Mismatch.Kind.STATE_MISMATCH, si, null, "the Java state differs from the spec state", diff(s.vars(), actual));
                return List.of();
            }

            List<Frame<S>> reached = new ArrayList<>();
            boolean firstStep = true;
            Set<ActionLabel> nondetReported = new LinkedHashSet<>();
            for (StateGraph.Edge e : g.edges(si)) {
                ActionLabel l = e.label();
                if (!bound(l)) continue;
                if (nondeterministic.contains(key(si, l))) {
                    if (nondetReported.add(l))
                        mismatch(Mismatch.Kind.NONDETERMINISTIC_SPEC, si, l,
                                "the spec has several successors for this label; conformance needs one", List.of());
                    continue;
                }
                edgesChecked++;
                Applied<S> a = onCopy(impl, s, l, firstStep);
                firstStep = false;
                if (a == ABANDON) return List.of();
                if (a == null) continue;
                S c = a.copy();
                Throwable thrown = a.thrown();
                if (thrown instanceof StepRefused r) {
                    mismatch(Mismatch.Kind.REFUSED_ENABLED, si, l, "refused an enabled step: " + r.getMessage(), List.of());
                    continue;
                } else if (thrown != null) {
                    mismatch(Mismatch.Kind.EXCEPTION, si, l, oneLine(thrown), List.of());
                    continue;
                }
                LinkedHashMap<String, Object> after = abstraction(c, si, l);
                if (after == null) continue;
                if (!same(e.successor(), after)) {
                    mismatch(Mismatch.Kind.WRONG_SUCCESSOR, si, l, "the Java step gave another successor", diff(e.successor(), after));
                    continue;
                }
                covered++;
                // The tree edge of a child: its stored variables are this edge's concrete successor.
                StateGraph.State t = g.state(e.target());
                if (t.parent() == si && l.equals(t.parentLabel()) && treeChildren.contains(t.index()))
                    reached.add(new Frame<>(t.index(), c));
            }

            if (b.fingerprint(impl) != null) {
                if (!refusalsOnOneCopy(impl, s, firstStep)) return List.of();
                if (!originalIntact(impl, s)) return List.of();
                return reached;
            }
            for (ActionLabel l : g.disabled(si)) {
                if (!bound(l)) continue;
                Applied<S> a = onCopy(impl, s, l, firstStep);
                firstStep = false;
                if (a == ABANDON) return List.of();
                if (a == null) continue;
                S c = a.copy();
                Throwable thrown = a.thrown();
                if (thrown == null) {
                    mismatch(Mismatch.Kind.ACCEPTED_DISABLED, si, l, "accepted a disabled step", List.of());
                    continue;
                } else if (!(thrown instanceof StepRefused)) {
                    mismatch(Mismatch.Kind.EXCEPTION, si, l, "on a disabled step: " + oneLine(thrown), List.of());
                    continue;
                }
                // Refused, as it should be; the state must be unchanged.
                LinkedHashMap<String, Object> after = abstraction(c, si, l);
                if (after == null) continue;
                if (!same(s.vars(), after)) {
                    mismatch(Mismatch.Kind.REFUSAL_CHANGED_STATE, si, l, "refusal changed state", diff(s.vars(), after));
                    continue;
                }
                disabledChecked++;
            }

            if (!originalIntact(impl, s)) return List.of();
            return reached;
        }

        /**
         * The refusals of state s, checked one after another on one copy w: each step must throw
         * {@link StepRefused} and leave w's fingerprint as it was; w's abstraction is compared with s
         * once at the end, which catches a change the fingerprint missed. A step that is accepted, or
         * throws something else, or changes the fingerprint, is reported and w is copied afresh. When
         * the final abstraction differs, the refusals are re-checked one by one, each on a copy of its
         * own, to name the culprit (the slow path of a failing run only).
         *
         * @return false when the state must be abandoned (the original changed: reported)
         */
        private boolean refusalsOnOneCopy(S impl, StateGraph.State s, boolean firstStep) {
            int si = s.index();
            S w = copyOf(impl, si, null);
            if (w == null) return true;
            Object fp = b.fingerprint(w);
            boolean first = firstStep;
            long checked = 0;
            for (ActionLabel l : g.disabled(si)) {
                if (!bound(l)) continue;
                Throwable thrown = null;
                try {
                    b.apply(w, l);
                } catch (RuntimeException | AssertionError x) {
                    thrown = x;
                }
                if (first && !originalIntact(impl, s)) return false;
                first = false;
                boolean fresh = false;
                if (thrown == null) {
                    mismatch(Mismatch.Kind.ACCEPTED_DISABLED, si, l, "accepted a disabled step", List.of());
                    fresh = true;
                } else if (!(thrown instanceof StepRefused)) {
                    mismatch(Mismatch.Kind.EXCEPTION, si, l, "on a disabled step: " + oneLine(thrown), List.of());
                    fresh = true;
                } else if (!java.util.Objects.deepEquals(fp, b.fingerprint(w))) {
                    LinkedHashMap<String, Object> after = abstraction(w, si, l);
                    mismatch(Mismatch.Kind.REFUSAL_CHANGED_STATE, si, l, "refusal changed state",
                            after == null ? List.of() : diff(s.vars(), after));
                    fresh = true;
                } else {
                    checked++;
                }
                if (fresh) {
                    w = copyOf(impl, si, l);
                    if (w == null) return true;
                    fp = b.fingerprint(w);
                }
            }
            LinkedHashMap<String, Object> end = abstraction(w, si, null);
            if (end == null) return true;
            if (same(s.vars(), end)) {
                disabledChecked += checked;
                return true;
            }
            // A refusal changed what the fingerprint does not see: find it, one copy per refusal.
            long culprits = mismatchCount;
            for (ActionLabel l : g.disabled(si)) {
                if (!bound(l)) continue;
                Applied<S> a = onCopy(impl, s, l, false);
                if (a == null || a.thrown() == null || !(a.thrown() instanceof StepRefused)) continue;
                LinkedHashMap<String, Object> after = abstraction(a.copy(), si, l);
                if (after == null) continue;
                List<Mismatch.VarDiff> dd = diff(s.vars(), after);
                if (!dd.isEmpty()) mismatch(Mismatch.Kind.REFUSAL_CHANGED_STATE, si, l, "refusal changed state (unseen by the fingerprint)", dd);
                else disabledChecked++;
            }
            if (mismatchCount == culprits)
                mismatch(Mismatch.Kind.REFUSAL_CHANGED_STATE, si, null,
                        "the refusals of this state together changed it, none alone", diff(s.vars(), end));
            return true;
        }

        /**
         * Applies a label's step to a copy of the state's implementation: the copy and what the step
         * threw (null when it ran to the end); null when no copy could be made (reported); ABANDON
         * when, after the state's first step, the original turned out changed (reported).
         */
        @SuppressWarnings("unchecked")
        private Applied<S> onCopy(S impl, StateGraph.State s, ActionLabel l, boolean firstStep) {
            S c = copyOf(impl, s.index(), l);
            if (c == null) return null;
            Throwable thrown = null;
            try {
                b.apply(c, l);
            } catch (RuntimeException | AssertionError x) {
                thrown = x;
            }
            if (firstStep && !originalIntact(impl, s)) return (Applied<S>) ABANDON;
            return new Applied<>(c, thrown);
        }

        /**
         * The original must not be touched by steps applied to its copies. Checked after the first step
         * of a state (a broken copy shows at once, before later steps can undo the damage) and after the
         * last; a state whose original was changed is abandoned.
         */
        private boolean originalIntact(S impl, StateGraph.State s) {
            LinkedHashMap<String, Object> again = abstraction(impl, s.index(), null);
            if (again == null) return false;
            if (same(s.vars(), again)) return true;
            mismatch(Mismatch.Kind.COPY_NOT_INDEPENDENT, s.index(), null,
                    "steps applied to copies changed the original: copy() is not a deep copy", diff(s.vars(), again));
            return false;
        }

        private S copyOf(S impl, int si, ActionLabel l) {
            try {
                return b.copy(impl);
            } catch (RuntimeException e) {
                mismatch(Mismatch.Kind.EXCEPTION, si, l, "copy() threw " + oneLine(e), List.of());
                return null;
            }
        }

        private LinkedHashMap<String, Object> abstraction(S impl, int si, ActionLabel l) {
            try {
                return b.abstraction(impl);
            } catch (RuntimeException e) {
                mismatch(Mismatch.Kind.EXCEPTION, si, l, "abstraction() threw " + oneLine(e), List.of());
                return null;
            }
        }

        /**
         * Whether {@link #diff} would find no difference, without building its list: when both maps
         * name their variables in the same order (the abstraction adds them in the spec's
         * declaration order), one pass comparing the values position by position, the same
         * {@code equals} as diff's; otherwise diff itself decides. Callers build the readable diff
         * only when this is false.
         */
        private static boolean same(Map<String, Object> expected, Map<String, Object> actual) {
            if (expected.size() != actual.size()) return false;  // the variable sets differ
            java.util.Iterator<Map.Entry<String, Object>> ie = expected.entrySet().iterator(), ia = actual.entrySet().iterator();
            while (ie.hasNext()) {
                Map.Entry<String, Object> e = ie.next(), a = ia.next();
                if (!e.getKey().equals(a.getKey())) return diff(expected, actual).isEmpty();
                Object av = a.getValue();
                if (av == null || !av.equals(e.getValue())) return false;
            }
            return true;
        }

        /** Variable-by-variable comparison: spec variables first, then extra Java ones. */
        private static List<Mismatch.VarDiff> diff(Map<String, Object> expected, Map<String, Object> actual) {
            List<Mismatch.VarDiff> d = new ArrayList<>();
            for (Map.Entry<String, Object> e : expected.entrySet()) {
                Object a = actual.get(e.getKey());
                if (a == null || !a.equals(e.getValue())) d.add(new Mismatch.VarDiff(e.getKey(), e.getValue(), a));
            }
            for (Map.Entry<String, Object> e : actual.entrySet())
                if (!expected.containsKey(e.getKey())) d.add(new Mismatch.VarDiff(e.getKey(), null, e.getValue()));
            return d;
        }

        private void mismatch(Mismatch.Kind kind, int si, ActionLabel l, String message, List<Mismatch.VarDiff> d) {
            mismatchCount++;
            if (kept.size() >= KEPT_MISMATCHES) {
                // Build the path (the costly part) only for a mismatch shallower than the deepest kept.
                Mismatch deepest = kept.peek();
                if (g.state(si).depth() >= g.state(deepest.state()).depth()) return;
            }
            kept.add(new Mismatch(kind, si, l, message, d, g.traceTo(si)));
            if (kept.size() > KEPT_MISMATCHES) kept.poll();
        }

        private static String oneLine(Throwable t) {
            String msg = t.getMessage();
            String s = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
            StackTraceElement[] st = t.getStackTrace();
            return st.length > 0 ? s + " (at " + st[0] + ")" : s;
        }
    }
}
