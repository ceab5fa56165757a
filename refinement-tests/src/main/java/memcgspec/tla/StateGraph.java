package memcgspec.tla;

import memcgspec.trace.ActionLabel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import memcgspec.trace.Trace;
import tla2sany.semantic.FormalParamNode;
import tla2sany.semantic.OpDeclNode;
import tla2sany.semantic.OpDefNode;
import tlc2.tool.Action;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.impl.FastTool;
import tlc2.util.Context;
import tlc2.util.IdThread;
import tlc2.value.IValue;
import tlc2.value.impl.LazyValue;
import util.UniqueString;

/**
 * The reachable state graph of a TLC model, enumerated with TLC's own evaluator ({@link FastTool}), with
 * every edge labelled by its action instance (name and parameter values) and, for every state, the
 * action instances that are disabled in it. This is what the conformance engine replays against the
 * Java implementation.
 *
 * <p><b>One spec per JVM at a time.</b> TLC keeps the loaded spec in static fields (the variables of
 * {@link TLCState}, the model values, the tool used for fingerprints), so a second spec loaded while a
 * graph is still in use would silently corrupt the first one's states. {@link #open} therefore takes a
 * JVM-wide lock that {@link #close} releases: a thread opening a graph waits until the previous graph is
 * closed (opening a second graph on the thread that holds one fails at once instead of deadlocking).
 * Use try-with-resources.
 *
 * <p><b>Concrete states and symmetry.</b> States are deduplicated by TLC's fingerprint, which applies
 * the model's SYMMETRY and VIEW. A state keeps the concrete variables of its first discovery (which is
 * its BFS-tree edge, so the tree path of every state is concretely consistent); an edge keeps the
 * concrete successor computed from its source state, which under symmetry may be a permutation of the
 * stored target.
 *
 * <p>Successors excluded by a state CONSTRAINT or ACTION_CONSTRAINT are not edges; an action instance
 * whose every successor is excluded is neither an edge nor disabled (it is counted in
 * {@link #prunedLabels()}).
 */
public final class StateGraph implements AutoCloseable {

    /** A reachable state: its variables (declaration order), TLC's state, and its BFS-tree parent. */
    public record State(int index, LinkedHashMap<String, Object> vars, TLCState tlcState, int parent,
                        ActionLabel parentLabel, int depth) {
        public boolean isInitial() {
            return parent < 0;
        }
    }

    /** An edge: the action instance, the index of the (fingerprint-equal) target state, the concrete successor. */
    public record Edge(ActionLabel label, int target, LinkedHashMap<String, Object> successor) {}

    /** An action instance with more than one concrete successor in a state: conformance needs one. */
    public record Nondeterminism(int state, ActionLabel label, List<LinkedHashMap<String, Object>> successors) {}

    /** The first state found (BFS order, so on a shortest path) that violates an invariant. */
    public record InvariantViolation(String invariant, int state, Trace path) {}

    /** A successor computed by TLC from a concrete state, before deduplication (see {@link TraceLabeler}). */
    record Successor(ActionLabel label, TLCState state) {}

    private static final Semaphore SPEC_LOCK = new Semaphore(1);
    private static volatile Thread lockHolder;

    private final String modelName;
    private final FastTool tool;
    private final Action[] actions;
    /** One label per action instance; labelIndex[i] is the label of actions[i] (instances may share labels). */
    private final List<ActionLabel> labels = new ArrayList<>();
    private final int[] labelIndex;
    private final List<String> actionNames;
    private final List<String> varNames = new ArrayList<>();
    private final UniqueString[] varKeys;
    private final LinkedHashMap<String, Object> constants = new LinkedHashMap<>();
    private final Action[] invariants;
    private final List<String> invariantNames;
    private boolean closed;

    // Filled by explore().
    private boolean explored;
    private final List<State> states = new ArrayList<>();
    private final List<Integer> initialStates = new ArrayList<>();
    private final List<List<Edge>> edges = new ArrayList<>();
    private final List<int[]> disabled = new ArrayList<>();
    private final List<Nondeterminism> nondeterminism = new ArrayList<>();
    private InvariantViolation invariantViolation;
    private long edgeCount;
    private long prunedLabels;
    private double exploreSeconds;

    private StateGraph(Path dir, String module, Path cfg) {
        Path absDir = dir.toAbsolutePath().normalize();
        Path absCfg = cfg.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absDir.resolve(module + ".tla")))
            throw new IllegalArgumentException("no module " + module + ".tla in " + absDir);
        if (!Files.isRegularFile(absCfg)) throw new IllegalArgumentException("no configuration file " + absCfg);
        String cfgName = absCfg.getFileName().toString();
        if (!cfgName.endsWith(".cfg")) throw new IllegalArgumentException("a TLC configuration file ends in .cfg: " + absCfg);
        this.modelName = cfgName.substring(0, cfgName.length() - 4);
        // TLC appends ".cfg" itself and resolves the configuration relative to the spec directory
        // (an absolute path is not accepted), hence the relative path without extension.
        String cfgArg = absDir.relativize(absCfg).toString();
        cfgArg = cfgArg.substring(0, cfgArg.length() - 4);

        forgetPreviousSpec();
        tlc2.util.FP64.Init(0);                 // without it every fingerprint is 0
        util.ToolIO.setMode(util.ToolIO.TOOL);  // keeps SANY's chatter off stdout
        // TLC's module resolver looks in the user directory (by default the JVM's working directory)
        // before the spec directory: a stray Counter.tla in the working directory would win.
        util.ToolIO.setUserDir(absDir.toString());
        this.tool = new FastTool(absDir.toString(), module, cfgArg, new util.SimpleFilenameToStream(absDir.toString()));

        for (OpDeclNode c : tool.getRootModule().getConstantDecls()) {
            if (c.getArity() != 0) continue;  // operator constants have no value to show
            Object v = tool.lookup(c, Context.Empty, false);
            if (v instanceof IValue iv) constants.put(c.getName().toString(), Values.of(evaluated(iv)));
        }
        // TLC lists the variables in its own order; sort them into declaration order (the root
        // module's own first, by position).
        OpDeclNode[] vars = tool.getRootModule().getVariableDecls().clone();
        String rootName = tool.getRootModule().getName().toString();
        java.util.Arrays.sort(vars, java.util.Comparator
                .<OpDeclNode>comparingInt(d -> rootName.equals(d.getLocation().source()) ? 0 : 1)
                .thenComparingInt(d -> d.getLocation().beginLine())
                .thenComparingInt(d -> d.getLocation().beginColumn()));
        varKeys = new UniqueString[vars.length];
        for (int i = 0; i < vars.length; i++) {
            varNames.add(vars[i].getName().toString());
            varKeys[i] = vars[i].getName();
        }

        actions = tool.getActions();
        labelIndex = new int[actions.length];
        Map<ActionLabel, Integer> seen = new HashMap<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (int i = 0; i < actions.length; i++) {
            ActionLabel l = labelOf(actions[i]);
            names.add(l.name());
            Integer idx = seen.get(l);
            if (idx == null) {
                idx = labels.size();
                labels.add(l);
                seen.put(l, idx);
            }
            labelIndex[i] = idx;
        }
        actionNames = List.copyOf(names);
        invariants = tool.getInvariants();
        invariantNames = List.of(tool.getInvNames());
    }

    /**
     * Loads a spec (module {@code module}.tla in {@code dir}) with a TLC configuration file, waiting for
     * any other open graph to be closed first (see the class comment). Nothing is explored yet.
     *
     * @throws IllegalArgumentException when a file is missing; TLC's own exceptions for parse,
     *     semantic and configuration errors
     */
    public static StateGraph open(Path dir, String module, Path cfg) {
        if (lockHolder == Thread.currentThread())
            throw new IllegalStateException("this thread already has a StateGraph open: TLC holds one spec per JVM; close it first");
        SPEC_LOCK.acquireUninterruptibly();
        lockHolder = Thread.currentThread();
        try {
            return new StateGraph(dir, module, cfg);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /** {@link #open} then {@link #explore(int)}. The caller closes the graph. */
    public static StateGraph explore(Path dir, String module, Path cfg, int maxStates) {
        StateGraph g = open(dir, module, cfg);
        try {
            return g.explore(maxStates);
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
    }

    private static void release() {
        lockHolder = null;
        SPEC_LOCK.release();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        release();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("StateGraph " + modelName + " is closed");
    }

    private void checkExplored() {
        checkOpen();
        if (!explored) throw new IllegalStateException("StateGraph " + modelName + " not explored yet: call explore()");
    }

    /**
     * TLC caches, in each interned name ({@link UniqueString}), the slot of its definition or variable in
     * the loaded spec's tables, and nothing resets these slots when another spec is loaded: a name the new
     * spec does not redefine keeps pointing into the old numbering (observed: after loading a module that
     * EXTENDS Sequences, the next spec's {@code +} was applied as {@code Strings.STRING}). Clearing every
     * slot makes the next load start clean. Called under the lock.
     */
    private static void forgetPreviousSpec() {
        if (UniqueString.internTbl == null) return;
        for (UniqueString u : UniqueString.internTbl.toMap().values()) u.setLoc(-1);
    }

    /** Evaluates a lazily bound value (TLC binds operator arguments lazily). */
    private IValue evaluated(IValue v) {
        if (v instanceof LazyValue lv && lv.getValue() == null)
            return tool.eval(lv.expr, lv.con, TLCState.Empty);
        return v;
    }

    private ActionLabel labelOf(Action a) {
        OpDefNode def = a.getOpDef();
        LinkedHashMap<String, Object> params = new LinkedHashMap<>();
        if (def == null) return new ActionLabel(a.getName().toString(), params);
        for (FormalParamNode p : def.getParams()) {
            Object v = a.con.lookup(p);
            if (v instanceof IValue iv) {
                params.put(p.getName().toString(), Values.of(evaluated(iv)));
            } else {
                throw new IllegalStateException("action " + def.getName() + ": parameter " + p.getName()
                        + " is not bound to a value (" + v + "); write Next as a disjunction of \\E x \\in S : A(x)");
            }
        }
        return new ActionLabel(def.getName().toString(), params);
    }

    // ---------------------------------------------------------------- exploration

    /**
     * Breadth-first exploration of the reachable states, single-threaded.
     *
     * @param maxStates safety bound: exploration stops with an {@link IllegalStateException} when more
     *     distinct states are found
     */
    public StateGraph explore(int maxStates) {
        checkOpen();
        if (explored) return this;
        long t0 = System.nanoTime();
        Map<Long, Integer> byFingerprint = new HashMap<>();
        StateVec init = tool.getInitStates();
        for (int i = 0; i < init.size(); i++) {
            TLCState s = init.elementAt(i);
            if (!tool.isInModel(s)) continue;
            if (byFingerprint.putIfAbsent(s.fingerPrint(), states.size()) != null) continue;
            initialStates.add(states.size());
            addState(s, toVars(s, null, null), -1, null, 0, maxStates);
        }

        // Per source state: the distinct concrete successors of each label (by label index).
        List<List<TLCState>> succByLabel = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) succByLabel.add(new ArrayList<>(2));
        boolean[] pruned = new boolean[labels.size()];
        for (int si = 0; si < states.size(); si++) {
            State s = states.get(si);
            TLCState st = s.tlcState();
            IdThread.setCurrentState(st);
            for (List<TLCState> l : succByLabel) l.clear();
            java.util.Arrays.fill(pruned, false);
            for (int ai = 0; ai < actions.length; ai++) {
                StateVec sv = tool.getNextStates(actions[ai], st);
                List<TLCState> bucket = succByLabel.get(labelIndex[ai]);
                for (int k = 0; k < sv.size(); k++) {
                    TLCState t = sv.elementAt(k);
                    if (!tool.isInModel(t) || !tool.isInActions(st, t)) {
                        pruned[labelIndex[ai]] = true;
                        continue;
                    }
                    if (!containsEqual(bucket, t)) bucket.add(t);
                }
            }
            List<Edge> out = new ArrayList<>();
            List<Integer> dis = new ArrayList<>();
            for (int li = 0; li < labels.size(); li++) {
                List<TLCState> bucket = succByLabel.get(li);
                if (bucket.isEmpty()) {
                    if (pruned[li]) prunedLabels++;
                    else dis.add(li);
                    continue;
                }
                List<LinkedHashMap<String, Object>> concrete = new ArrayList<>(bucket.size());
                for (TLCState t : bucket) {
                    t.setPredecessor(st);  // sets its level, for TLCGet("level")
                    long fp = t.fingerPrint();
                    Integer target = byFingerprint.get(fp);
                    LinkedHashMap<String, Object> tv;
                    if (target == null) {
                        target = states.size();
                        byFingerprint.put(fp, target);
                        tv = toVars(t, st, s.vars());
                        addState(t, tv, si, labels.get(li), s.depth() + 1, maxStates);
                    } else {
                        State known = states.get(target);
                        // Without symmetry the concrete successor is the stored state: share its map.
                        tv = t.equals(known.tlcState()) ? known.vars() : toVars(t, st, s.vars());
                    }
                    concrete.add(tv);
                    out.add(new Edge(labels.get(li), target, tv));
                    edgeCount++;
                }
                if (bucket.size() > 1) nondeterminism.add(new Nondeterminism(si, labels.get(li), List.copyOf(concrete)));
            }
            edges.add(Collections.unmodifiableList(out));
            disabled.add(dis.stream().mapToInt(Integer::intValue).toArray());
        }
        IdThread.resetCurrentState();
        exploreSeconds = (System.nanoTime() - t0) / 1e9;
        explored = true;
        return this;
    }

    private static boolean containsEqual(List<TLCState> l, TLCState t) {
        for (TLCState u : l) if (u.equals(t)) return true;
        return false;
    }

    private void addState(TLCState s, LinkedHashMap<String, Object> vars, int parent, ActionLabel label, int depth, int maxStates) {
        if (states.size() >= maxStates)
            throw new IllegalStateException("model " + modelName + " has more than " + maxStates + " states (the safety bound)");
        int index = states.size();
        states.add(new State(index, vars, s, parent, label, depth));
        if (invariantViolation == null) {
            for (int i = 0; i < invariants.length; i++) {
                if (!tool.isValid(invariants[i], s)) {
                    invariantViolation = new InvariantViolation(invariantNames.get(i), index, null);
                    break;
                }
            }
        }
    }

    /**
     * The neutral variables of a TLC state. When the predecessor is given, a value TLC shares with it
     * (an UNCHANGED variable is the same object) reuses the predecessor's neutral value: most steps change
     * one or two variables, so this saves most of the conversion work.
     */
    private LinkedHashMap<String, Object> toVars(TLCState t, TLCState pred, LinkedHashMap<String, Object> predVars) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < varKeys.length; i++) {
            IValue v = t.lookup(varKeys[i]);
            if (pred != null && v == pred.lookup(varKeys[i])) m.put(varNames.get(i), predVars.get(varNames.get(i)));
            else m.put(varNames.get(i), v == null ? null : Values.of(v));
        }
        return m;
    }

    /** Neutral variables of a TLC state (for {@link TraceLabeler}). */
    LinkedHashMap<String, Object> varsOf(TLCState t) {
        return toVars(t, null, null);
    }

    /** The concrete initial states of the model (for {@link TraceLabeler}). */
    List<TLCState> initialTlcStates() {
        checkOpen();
        StateVec init = tool.getInitStates();
        List<TLCState> l = new ArrayList<>();
        for (int i = 0; i < init.size(); i++) if (tool.isInModel(init.elementAt(i))) l.add(init.elementAt(i));
        return l;
    }

    /** All concrete successors of a state, each with its label, in action order (for {@link TraceLabeler}). */
    List<Successor> successors(TLCState s) {
        checkOpen();
        IdThread.setCurrentState(s);
        List<Successor> out = new ArrayList<>();
        for (int ai = 0; ai < actions.length; ai++) {
            StateVec sv = tool.getNextStates(actions[ai], s);
            for (int k = 0; k < sv.size(); k++) {
                TLCState t = sv.elementAt(k);
                if (!tool.isInModel(t) || !tool.isInActions(s, t)) continue;
                t.setPredecessor(s);
                out.add(new Successor(labels.get(labelIndex[ai]), t));
            }
        }
        IdThread.resetCurrentState();
        return out;
    }

    // ---------------------------------------------------------------- model facts (available once open)

    /** The configuration file's name without .cfg, e.g. {@code Charge_deep}. */
    public String modelName() {
        return modelName;
    }

    /** The model's values of the root module's CONSTANTs (neutral values, declaration order). */
    public Map<String, Object> constants() {
        return Collections.unmodifiableMap(constants);
    }

    /** The spec's variables, in declaration order (the key order of every vars map). */
    public List<String> variables() {
        return Collections.unmodifiableList(varNames);
    }

    /** Every distinct action instance of the next-state relation, in TLC's action order. */
    public List<ActionLabel> actionLabels() {
        return Collections.unmodifiableList(labels);
    }

    /** The distinct action names, in TLC's action order. */
    public List<String> actionNames() {
        return actionNames;
    }

    /** The names of the model's INVARIANTs. */
    public List<String> invariantNames() {
        return invariantNames;
    }

    // ---------------------------------------------------------------- the graph (after explore)

    public int size() {
        checkExplored();
        return states.size();
    }

    public State state(int index) {
        checkExplored();
        return states.get(index);
    }

    /** All states in BFS order (index order). */
    public List<State> states() {
        checkExplored();
        return Collections.unmodifiableList(states);
    }

    public List<Integer> initialStates() {
        checkExplored();
        return Collections.unmodifiableList(initialStates);
    }

    /** The outgoing edges of a state, in action order. */
    public List<Edge> edges(int state) {
        checkExplored();
        return edges.get(state);
    }

    /** The action instances with no successor in a state. */
    public List<ActionLabel> disabled(int state) {
        checkExplored();
        int[] d = disabled.get(state);
        List<ActionLabel> l = new ArrayList<>(d.length);
        for (int i : d) l.add(labels.get(i));
        return l;
    }

    public long edgeCount() {
        checkExplored();
        return edgeCount;
    }

    /** Number of (state, action instance) pairs whose successors all fall outside a CONSTRAINT. */
    public long prunedLabels() {
        checkExplored();
        return prunedLabels;
    }

    /** (state, label) pairs with more than one successor: empty for a spec fit for conformance. */
    public List<Nondeterminism> nondeterminism() {
        checkExplored();
        return Collections.unmodifiableList(nondeterminism);
    }

    /** The first invariant violation found, with its (shortest) path. */
    public Optional<InvariantViolation> invariantViolation() {
        checkExplored();
        if (invariantViolation == null) return Optional.empty();
        InvariantViolation v = invariantViolation;
        return Optional.of(new InvariantViolation(v.invariant(), v.state(), traceTo(v.state())));
    }

    public double exploreSeconds() {
        checkExplored();
        return exploreSeconds;
    }

    /** The BFS-tree path from an initial state to a state: step 0 is the initial state. */
    public List<Trace.Step> pathTo(int stateIndex) {
        checkExplored();
        List<Trace.Step> rev = new ArrayList<>();
        State s = states.get(stateIndex);
        while (!s.isInitial()) {
            State p = states.get(s.parent());
            rev.add(new Trace.Step(s.parentLabel(), p.vars(), s.vars()));
            s = p;
        }
        rev.add(Trace.Step.initial(s.vars()));
        Collections.reverse(rev);
        return rev;
    }

    /** {@link #pathTo} as a {@link Trace}. */
    public Trace traceTo(int stateIndex) {
        return new Trace(pathTo(stateIndex));
    }

    @Override
    public String toString() {
        return "StateGraph[" + modelName + (explored ? ", " + states.size() + " states, " + edgeCount + " edges" : "") + "]";
    }
}
