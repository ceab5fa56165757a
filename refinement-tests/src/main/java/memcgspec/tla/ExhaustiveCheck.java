package memcgspec.tla;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.trace.ActionLabel;
import tla2sany.semantic.LetInNode;
import tla2sany.semantic.OpApplNode;
import tla2sany.semantic.OpArgNode;
import tla2sany.semantic.OpDefNode;
import tla2sany.semantic.SemanticNode;
import tla2sany.semantic.Subst;
import tla2sany.semantic.SubstInNode;
import tla2sany.st.Location;
import tlc2.tool.Action;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.impl.FastTool;
import tlc2.util.Context;
import tlc2.util.FP64;
import tlc2.util.IdThread;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.LazyValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.UniqueString;

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
 * <p>What an unmutated model established can be reused for its mutants ({@link Known}, {@link Change}): a
 * run of a model that holds every check records the states in which every invariant held (by fingerprint, the
 * one TLC's search uses, symmetry included) and the steps on which every property's action held (by the two
 * states' values, without symmetry). A run of a mutant of that model (the same cfg, one module's text changed)
 * then skips an invariant in a recorded state, and a property's action on a recorded step, unless that check
 * reads the changed text: a check is a function of the values of its state (or step) and of the definitions it
 * reaches, so a check that reaches no changed definition has, on the same values, the value it had in the
 * unmutated run, which held. What a check reaches is read from SANY's semantic tree (every definition it
 * applies, through LET, INSTANCE substitutions and operator arguments, transitively); "changed" is the
 * lines between the first and the last character in which the mutated module differs from the original.
 * The verdicts do not change: a recorded state or step violates nothing, and every other one is checked in
 * full; breadth-first order, and so each violation kept, is the same.
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
     * in the reachable states; {@code reused}: the evaluations of a check skipped because the unmutated model's run
     * established it there ({@link Known}).
     */
    public record Report(String model, List<String> checks, Map<String, Violation> violations, int states, long edges,
                         int depth, int cut, Map<String, IntRange> values, double seconds, long reused) {
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

    /**
     * What a run of an unmutated model that held every check established, for its mutants: the states (TLC
     * fingerprints) in which every invariant held and the steps (the fingerprints of the two states' values,
     * without symmetry) on which every property's action held. Filled by {@link #baseline}.
     */
    public static final class Known {
        private final Set<Long> states = new HashSet<>();
        private final Set<Step> steps = new HashSet<>();
        private boolean complete;

        private record Step(long from, long to) {}

        /** Whether the run that filled this held every check (else nothing may be reused: {@link #run} ignores it). */
        public boolean complete() {
            return complete;
        }

        public int states() {
            return states.size();
        }

        public int steps() {
            return steps.size();
        }
    }

    /**
     * The text a mutant changed: lines {@code firstLine} to {@code lastLine} (1-based, inclusive) of module
     * {@code module} as mutated.
     */
    public record Change(String module, int firstLine, int lastLine) {
        /** The lines between the first and the last character in which {@code after} differs from {@code before}. */
        public static Change between(String module, String before, String after) {
            int n = Math.min(before.length(), after.length());
            int p = 0;
            while (p < n && before.charAt(p) == after.charAt(p)) p++;
            int q = 0;
            while (q < n - p && before.charAt(before.length() - 1 - q) == after.charAt(after.length() - 1 - q)) q++;
            int end = Math.max(p, after.length() - q - 1);  // the last changed character (p itself for a deletion)
            return new Change(module, line(after, p), line(after, end));
        }

        private static int line(String text, int at) {
            int l = 1;
            for (int i = 0; i < Math.min(at, text.length()); i++) if (text.charAt(i) == '\n') l++;
            return l;
        }

        /** Whether a node at {@code loc} lies on a changed line. */
        boolean touches(Location loc) {
            return loc != null && module.equals(loc.source()) && loc.beginLine() <= lastLine && loc.endLine() >= firstLine;
        }
    }

    private ExhaustiveCheck() {}

    /**
     * {@link #run(Path, String, Path, int)}, recording in {@code into} what the run established when it holds every
     * check ({@link Known}; a run with a violation leaves {@code into} incomplete).
     */
    public static Report baseline(Path dir, String module, Path cfg, int maxStates, Known into) {
        try (SpecSession session = SpecSession.open(dir, module, cfg)) {
            Run run = new Run(session, maxStates, Map.of());
            run.collect = into;
            Report r = run.explore();
            into.complete = r.violations().isEmpty();
            if (!into.complete) {
                into.states.clear();
                into.steps.clear();
            }
            return r;
        }
    }

    /**
     * {@link #run(Path, String, Path, int, Map)} of a mutant: the model's checks, skipped in the states and on the steps
     * {@code known} (its unmutated model's) records, each unless it reaches a line of {@code change}.
     */
    public static Report run(Path dir, String module, Path cfg, int maxStates, Map<String, IntRange> bound, Known known, Change change) {
        try (SpecSession session = SpecSession.open(dir, module, cfg)) {
            Run run = new Run(session, maxStates, bound);
            if (known.complete()) run.reuse(known, change);
            return run.explore();
        }
    }

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
        /** Filled with what this run established (a baseline), or null. */
        private Known collect;
        /** Reused from the unmutated model, or null; per invariant and implied action, whether it may be skipped there. */
        private Known known;
        private boolean[] reuseInvariant, reuseAction;
        private long reused;
        /** The variables, in declaration order: the order of a state's values in {@link #valuesFp}. */
        private final UniqueString[] vars;

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
            this.vars = session.variables().stream().map(UniqueString::uniqueStringOf).toArray(UniqueString[]::new);
        }

        /**
         * Skip the checks that do not reach {@code change} where {@code known} says they hold. A check reaches what
         * its definition in the root module reaches (a property's whole definition, not only the implied action TLC
         * extracted from it: TLC moves INSTANCE substitutions into the action's context, some as values already
         * evaluated) and what the action TLC evaluates reaches; a check without such a definition is never skipped.
         */
        void reuse(Known known, Change change) {
            this.known = known;
            reuseInvariant = new boolean[invariants.length];
            for (int i = 0; i < invariants.length; i++)
                reuseInvariant[i] = unchanged(tool.getRootModule().getOpDef(invariantNames[i]), invariants[i], change);
            reuseAction = new boolean[impliedActions.length];
            for (int j = 0; j < impliedActions.length; j++)
                reuseAction[j] = unchanged(tool.getRootModule().getOpDef(actionProperty[j]), impliedActions[j], change);
        }

        private static boolean unchanged(OpDefNode def, Action evaluated, Change change) {
            return def != null && !Reach.touches(def, change) && !Reach.touches(evaluated, change);
        }

        /** A fingerprint of the state's values as they are (no symmetry): a step's end in {@link Known}. */
        private long valuesFp(TLCState s) {
            long fp = FP64.New();
            for (UniqueString v : vars) fp = s.lookup(v).fingerPrint(fp);
            return fp;
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
                    checkInvariants(s, idx, s.fingerPrint());
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
                    long sv0 = known != null || collect != null ? valuesFp(s) : 0;
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
                            Known.Step step = known != null || collect != null ? new Known.Step(sv0, valuesFp(t)) : null;
                            boolean knownStep = known != null && known.steps.contains(step);
                            for (int j = 0; j < impliedActions.length; j++) {
                                if (violations.containsKey(actionProperty[j])) continue;
                                if (knownStep && reuseAction[j]) reused++;
                                else if (!valid(impliedActions[j], s, t, si, ai)) violate(actionProperty[j], si, ai);
                            }
                            if (collect != null) collect.steps.add(step);
                            long fp = t.fingerPrint();
                            if (seen.containsKey(fp)) continue;
                            if (size >= maxStates)
                                throw new IllegalStateException(session.modelName() + ": more than " + maxStates
                                        + " distinct states (the safety bound); depth " + maxDepth);
                            int ti = add(si, ai, depth[si] + 1);
                            seen.put(fp, ti);
                            t.setPredecessor(s);
                            queue.add(t);
                            checkInvariants(t, ti, fp);
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
            return new Report(session.modelName(), checks, ordered, size, edges, maxDepth, cut, ranges, (System.nanoTime() - t0) / 1e9, reused);
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

        private void checkInvariants(TLCState s, int idx, long fp) {
            boolean knownState = known != null && known.states.contains(fp);
            for (int i = 0; i < invariants.length; i++) {
                String name = invariantNames[i];
                if (violations.containsKey(name)) continue;
                if (knownState && reuseInvariant[i]) reused++;
                else if (!valid(invariants[i], s, null, idx, -1)) violate(name, idx, -1);
            }
            if (collect != null) collect.states.add(fp);
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

    /** Whether a check reaches a changed line: its expression, every definition it applies, transitively. */
    static final class Reach {
        private final Change change;
        private final Map<Object, Boolean> seen = new IdentityHashMap<>();
        private boolean touched;

        private Reach(Change change) {
            this.change = change;
        }

        static boolean touches(Action check, Change change) {
            Reach r = new Reach(change);
            r.visit(check.pred);
            r.visit(check.con);
            return r.touched;
        }

        static boolean touches(OpDefNode def, Change change) {
            Reach r = new Reach(change);
            r.visit(def);
            return r.touched;
        }

        private void visit(Context con) {
            if (con == null || seen.put(con, Boolean.TRUE) != null) return;
            con.lookupName(sym -> {
                Object v = con.lookup(sym);
                if (v instanceof LazyValue lv) {
                    visit(lv.expr);
                    visit(lv.con);
                } else if (v instanceof SemanticNode n) {
                    visit(n);
                }
                return false;
            });
        }

        private void visit(SemanticNode n) {
            if (n == null || touched || seen.put(n, Boolean.TRUE) != null) return;
            if (change.touches(n.getLocation())) {
                touched = true;
                return;
            }
            if (n instanceof OpApplNode a) {
                visit(a.getOperator());
                if (a.getBdedQuantBounds() != null) for (SemanticNode b : a.getBdedQuantBounds()) visit(b);
            } else if (n instanceof OpArgNode o) {
                visit(o.getOp());
            } else if (n instanceof OpDefNode d) {
                visit(d.getBody());
            } else if (n instanceof SubstInNode si) {
                for (Subst sub : si.getSubsts()) visit(sub.getExpr());
            } else if (n instanceof LetInNode l) {
                for (OpDefNode d : l.getLets()) visit(d);
            }
            SemanticNode[] children = n.getChildren();
            if (children != null) for (SemanticNode c : children) visit(c);
        }
    }
}
