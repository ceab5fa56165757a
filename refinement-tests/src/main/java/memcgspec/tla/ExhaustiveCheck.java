package memcgspec.tla;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.trace.ActionLabel;
import tlc2.tool.Action;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.impl.FastTool;
import tlc2.util.IdThread;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;

/**
 * Every check of a TLC configuration against every reachable state and step, in-process on TLC's own
 * evaluator: what {@code tlc2.TLC -continue} decides, without forking a JVM per model and without
 * printing a trace per violation.
 *
 * <p>The checks are the cfg's INVARIANTs (each evaluated in every reachable state), its PROPERTYs (each
 * a safety property {@code Init /\ [][A]_v}: the refinement of an abstract spec, or an action property
 * written in the root module; see {@code owners} for how their implied predicates are told apart: its implied
 * initial predicate evaluated in every initial state, its implied action on every edge, as TLC's
 * ModelChecker does) and, when the cfg checks deadlock (TLC's default), {@link #DEADLOCK}: a reachable
 * state without successor. The whole graph is explored, successors of violating states included (as
 * with {@code -continue}), so the set of violated checks does not depend on the order of the search.
 * A check already found violated is not evaluated again: its first violation (breadth-first, so on a
 * shortest path) is the one kept.
 *
 * <p>A bound on integers keeps an infinite graph finite (a mutant can make a finite model infinite: a
 * statistic that drifts by one at every cycle of a page). The bound gives, per variable, an {@link IntRange}:
 * a reachable state in which some variable holds an integer outside its range (anywhere in its value) is
 * checked like any other (every invariant, and every property on the step into it) but not expanded; the
 * report counts these {@linkplain Report#cut() cut} states, and gives per variable the range of the integers
 * met in the reachable states.
 *
 * <p>An evaluation error (TLC's "Error: ... evaluating") ends the run with an {@link EvaluationError}
 * naming the state's path: TLC would stop there too, and a verdict on the rest would be partial.
 *
 * <p>One spec per JVM at a time: the check holds a {@link SpecSession} (and its lock) while it runs.
 * Liveness properties are not supported (they need TLC's tableau): loading a cfg with one fails.
 */
public final class ExhaustiveCheck {

    /** The pseudo-check of a reachable state with no successor (TLC's "Deadlock reached"). */
    public static final String DEADLOCK = "Deadlock";

    /** A closed range of integers. */
    public record IntRange(int min, int max) {
        public static final IntRange ALL = new IntRange(Integer.MIN_VALUE, Integer.MAX_VALUE);

        public boolean contains(int v) {
            return min <= v && v <= max;
        }

        /** This range widened by {@code d} on each side. */
        public IntRange widen(int d) {
            return new IntRange(min - d, max + d);
        }

        @Override
        public String toString() {
            return "[" + min + ", " + max + "]";
        }
    }

    /** The first violation of one check: the violating state's depth and the path to it (the step included for a property). */
    public record Violation(String check, int depth, List<ActionLabel> path) {
        /** The path as one line of action labels, e.g. "AllocAnon(c1, p1, 1) TryCharge(c1)". */
        public String pathString() {
            StringBuilder b = new StringBuilder();
            for (ActionLabel l : path) b.append(b.length() == 0 ? "" : " ").append(l);
            return b.toString();
        }
    }

    /**
     * The outcome: the checks in cfg order (invariants, then properties, then {@link #DEADLOCK} if checked),
     * the violated ones with their first violation, the size of the explored graph, the states left
     * unexpanded by the bound ({@code cut}) and, per variable holding integers, the range of the integers met
     * in the reachable states.
     */
    public record Report(String model, List<String> checks, Map<String, Violation> violations, int states, long edges,
                         int depth, int cut, Map<String, IntRange> values, double seconds) {
        public Report {
            checks = List.copyOf(checks);
            violations = Collections.unmodifiableMap(new LinkedHashMap<>(violations));
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** The violated checks, in cfg order. */
        public Set<String> violated() {
            Set<String> s = new LinkedHashSet<>();
            for (String c : checks) if (violations.containsKey(c)) s.add(c);
            return s;
        }
    }

    /** An evaluation error of TLC's evaluator, with the path to the state where it happened. */
    public static final class EvaluationError extends RuntimeException {
        public EvaluationError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ExhaustiveCheck() {}

    /**
     * Loads the model (module {@code module}.tla in {@code dir}, configuration {@code cfg}) and checks it.
     *
     * @param maxStates safety bound: a model with more distinct states fails with an {@link IllegalStateException}
     *                  (a mutant can make a finite model infinite)
     */
    public static Report run(Path dir, String module, Path cfg, int maxStates) {
        return run(dir, module, cfg, maxStates, Map.of());
    }

    /**
     * {@link #run(Path, String, Path, int)}, expanding only the states whose every variable named in {@code bound}
     * holds integers in its range (a variable not named is not bounded).
     */
    public static Report run(Path dir, String module, Path cfg, int maxStates, Map<String, IntRange> bound) {
        try (SpecSession session = SpecSession.open(dir, module, cfg)) {
            return new Run(session, maxStates, bound).explore();
        }
    }

    private static final class Run {
        private final SpecSession session;
        private final FastTool tool;
        private final int maxStates;
        private final Map<String, IntRange> bound;
        private int cut;
        /** Per variable holding integers: {min, max} met. */
        private final Map<String, int[]> met = new LinkedHashMap<>();
        private int[] cur;  // the entry of met of the variable being walked
        private final Action[] actions;
        private final Action[] invariants;
        private final String[] invariantNames;
        private final Action[] impliedInits;
        private final Action[] impliedActions;
        /** The PROPERTY each implied initial predicate and action belongs to (see {@link #owners}). */
        private final String[] initProperty, actionProperty;
        private final List<String> properties;
        private final boolean checkDeadlock;
        private final List<String> checks = new ArrayList<>();
        private final Map<String, Violation> violations = new HashMap<>();
        /** Per state: its BFS parent and the index of the action that found it (-1 for an initial state), its depth. */
        private int[] parent = new int[1024];
        private int[] via = new int[1024];
        private int[] depth = new int[1024];
        private int size;
        private long edges;
        private int maxDepth;

        Run(SpecSession session, int maxStates, Map<String, IntRange> bound) {
            this.session = session;
            this.tool = session.tool();
            this.maxStates = maxStates;
            this.bound = bound;
            this.actions = session.actions();
            this.invariants = tool.getInvariants();
            this.invariantNames = tool.getInvNames();
            this.impliedInits = tool.getImpliedInits();
            this.impliedActions = tool.getImpliedActions();
            if (tool.getImpliedTemporals().length > 0)
                throw new IllegalArgumentException(session.modelName() + ": liveness properties are not supported by ExhaustiveCheck");
            List<String> props = new ArrayList<>();
            tlc2.util.Vect<?> pv = tool.getModelConfig().getProperties();
            for (int i = 0; i < pv.size(); i++) props.add(pv.elementAt(i).toString());
            this.properties = List.copyOf(props);
            this.initProperty = owners(impliedInits);
            this.actionProperty = owners(impliedActions);
            this.checkDeadlock = tool.getModelConfig().getCheckDeadlock();
            checks.addAll(List.of(invariantNames));
            checks.addAll(properties);
            if (checkDeadlock) checks.add(DEADLOCK);
        }

        /** The PROPERTY each implied predicate or action comes from ({@link SpecSession#propertyOwners}). */
        private String[] owners(Action[] preds) {
            return session.propertyOwners(preds);
        }

        Report explore() {
            long t0 = System.nanoTime();
            Map<Long, Integer> seen = new HashMap<>();
            List<TLCState> queue = new ArrayList<>();
            try {
                for (TLCState s : session.initialStates()) {
                    if (seen.putIfAbsent(s.fingerPrint(), size) != null) continue;
                    int idx = add(-1, -1, 0);
                    queue.add(s);
                    checkInvariants(s, idx);
                    for (int k = 0; k < impliedInits.length; k++)
                        if (!violations.containsKey(initProperty[k]) && !valid(impliedInits[k], s, null, idx, -1))
                            violate(initProperty[k], idx, -1);
                }
                for (int head = 0; head < queue.size(); head++) {
                    TLCState s = queue.get(head);
                    queue.set(head, null);  // BFS never revisits: let the state go
                    int si = head;          // states are numbered in queue order
                    if (!inBound(s)) {
                        cut++;
                        continue;
                    }
                    IdThread.setCurrentState(s);
                    boolean any = false;
                    for (int ai = 0; ai < actions.length; ai++) {
                        StateVec sv;
                        try {
                            sv = tool.getNextStates(actions[ai], s);
                        } catch (RuntimeException e) {
                            throw error("evaluating action " + session.actionLabel(ai), si, -1, e);
                        }
                        for (int k = 0; k < sv.size(); k++) {
                            TLCState t = sv.elementAt(k);
                            any = true;
                            if (!tool.isInModel(t) || !tool.isInActions(s, t)) continue;
                            edges++;
                            for (int j = 0; j < impliedActions.length; j++)
                                if (!violations.containsKey(actionProperty[j]) && !valid(impliedActions[j], s, t, si, ai))
                                    violate(actionProperty[j], si, ai);
                            long fp = t.fingerPrint();
                            if (seen.containsKey(fp)) continue;
                            if (size >= maxStates)
                                throw new IllegalStateException(session.modelName() + ": more than " + maxStates
                                        + " distinct states (the safety bound); depth " + maxDepth);
                            int ti = add(si, ai, depth[si] + 1);
                            seen.put(fp, ti);
                            t.setPredecessor(s);
                            queue.add(t);
                            checkInvariants(t, ti);
                        }
                    }
                    if (!any && checkDeadlock && !violations.containsKey(DEADLOCK)) violate(DEADLOCK, si, -1);
                }
            } finally {
                IdThread.resetCurrentState();
            }
            Map<String, Violation> ordered = new LinkedHashMap<>();
            for (String c : checks) if (violations.containsKey(c)) ordered.put(c, violations.get(c));
            Map<String, IntRange> ranges = new LinkedHashMap<>();
            for (String v : session.variables()) {
                int[] r = met.get(v);
                if (r != null && r[0] <= r[1]) ranges.put(v, new IntRange(r[0], r[1]));
            }
            return new Report(session.modelName(), checks, ordered, size, edges, maxDepth, cut, ranges, (System.nanoTime() - t0) / 1e9);
        }

        /** Whether every variable's integers lie in its bound; records the integers met. */
        private boolean inBound(TLCState s) {
            boolean in = true;
            for (Map.Entry<util.UniqueString, tlc2.value.IValue> e : s.getVals().entrySet()) {
                String name = e.getKey().toString();
                cur = met.computeIfAbsent(name, k -> new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE});
                IntRange b = bound.getOrDefault(name, IntRange.ALL);
                in &= inBound(e.getValue(), b);
            }
            return in;
        }

        private boolean inBound(tlc2.value.IValue v, IntRange b) {
            if (v instanceof IntValue i) {
                cur[0] = Math.min(cur[0], i.val);
                cur[1] = Math.max(cur[1], i.val);
                return b.contains(i.val);
            }
            boolean in = true;
            if (v instanceof FcnRcdValue f) {
                for (Value e : f.values) in &= inBound(e, b);
            } else if (v instanceof RecordValue r) {
                for (Value e : r.values) in &= inBound(e, b);
            } else if (v instanceof TupleValue t) {
                for (Value e : t.elems) in &= inBound(e, b);
            } else if (v instanceof SetEnumValue se) {
                for (int i = 0; i < se.elems.size(); i++) in &= inBound(se.elems.elementAt(i), b);
            }
            return in;
        }

        private int add(int from, int action, int d) {
            if (size == parent.length) {
                parent = java.util.Arrays.copyOf(parent, size * 2);
                via = java.util.Arrays.copyOf(via, size * 2);
                depth = java.util.Arrays.copyOf(depth, size * 2);
            }
            parent[size] = from;
            via[size] = action;
            depth[size] = d;
            maxDepth = Math.max(maxDepth, d);
            return size++;
        }

        private void checkInvariants(TLCState s, int idx) {
            for (int i = 0; i < invariants.length; i++) {
                String name = invariantNames[i];
                if (violations.containsKey(name)) continue;
                if (!valid(invariants[i], s, null, idx, -1)) violate(name, idx, -1);
            }
        }

        private boolean valid(Action a, TLCState s, TLCState t, int idx, int step) {
            try {
                return t == null ? tool.isValid(a, s) : tool.isValid(a, s, t);
            } catch (RuntimeException e) {
                throw error("evaluating " + (t == null ? "invariant or initial predicate " : "the property's action ") + a.getName(), idx, step, e);
            }
        }

        private void violate(String check, int idx, int step) {
            violations.put(check, new Violation(check, depth[idx] + (step < 0 ? 0 : 1), path(idx, step)));
        }

        /** The labels of the path to state idx, then the step {@code step} from it (if not -1). */
        private List<ActionLabel> path(int idx, int step) {
            List<ActionLabel> rev = new ArrayList<>();
            if (step >= 0) rev.add(session.actionLabel(step));
            for (int i = idx; i >= 0 && via[i] >= 0; i = parent[i]) rev.add(session.actionLabel(via[i]));
            Collections.reverse(rev);
            return rev;
        }

        private EvaluationError error(String what, int idx, int step, RuntimeException e) {
            StringBuilder b = new StringBuilder();
            for (ActionLabel l : path(idx, step)) b.append(' ').append(l);
            return new EvaluationError(session.modelName() + ": error " + what + " after the path:" + b + "\n" + e.getMessage(), e);
        }
    }
}
