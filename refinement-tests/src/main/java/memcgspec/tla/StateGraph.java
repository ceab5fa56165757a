package memcgspec.tla;

import memcgspec.trace.ActionLabel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import memcgspec.trace.Trace;
import tlc2.tool.TLCState;
import tlc2.util.IdThread;

/**
 * The reachable state graph of a TLC model, enumerated breadth-first on a {@link SpecSession} (TLC's own
 * evaluator), with every edge labelled by its action instance (name and parameter values) and, for
 * every state, the action instances that are disabled in it. This is what the conformance engine
 * replays against the Java implementation. Code that only evaluates single states (labelling a given
 * behaviour, reading the model's constants) needs no graph: use a {@link SpecSession}.
 *
 * <p><b>One spec per JVM at a time.</b> A graph owns its session, which holds the JVM-wide spec lock
 * (see {@link SpecSession}): {@link #open} waits until any other session or graph is closed, opening a
 * second one on the thread that holds one fails at once with an {@link IllegalStateException}, and
 * {@link #close} (which closes the session) releases the lock. Use try-with-resources. The model facts
 * ({@link #modelName}, {@link #constants}, {@link #variables}, {@link #actionLabels}, ...) are the
 * session's and are available once open; the graph itself after {@link #explore(int)}.
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

    private final SpecSession session;
    /** The session's action labels: disabled actions are stored as indexes into this list. */
    private final List<ActionLabel> labels;

    // Filled by explore().
    private boolean explored;
    private boolean invariantsChecked = true;
    private final List<State> states = new ArrayList<>();
    private final List<Integer> initialStates = new ArrayList<>();
    private final List<List<Edge>> edges = new ArrayList<>();
    private final List<int[]> disabled = new ArrayList<>();
    private final List<Nondeterminism> nondeterminism = new ArrayList<>();
    private InvariantViolation invariantViolation;
    private long edgeCount;
    private long prunedLabels;
    private double exploreSeconds;

    private StateGraph(SpecSession session) {
        this.session = session;
        this.labels = session.actionLabels();
    }

    /**
     * Loads a spec (module {@code module}.tla in {@code dir}) with a TLC configuration file into a new
     * {@link SpecSession}, waiting for any other open session or graph to be closed first (see the class
     * comment). Nothing is explored yet.
     *
     * @throws IllegalStateException when this thread already holds an open session or graph
     * @throws IllegalArgumentException when a file is missing; TLC's own exceptions for parse,
     *     semantic and configuration errors
     */
    public static StateGraph open(Path dir, String module, Path cfg) {
        return new StateGraph(SpecSession.open(dir, module, cfg));
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

    /** The session the graph is built on (closed with the graph). */
    public SpecSession session() {
        return session;
    }

    /** Closes the session, releasing the JVM-wide spec lock; idempotent. */
    @Override
    public void close() {
        session.close();
    }

    private void checkOpen() {
        if (session.isClosed()) throw new IllegalStateException("StateGraph " + modelName() + " is closed");
    }

    private void checkExplored() {
        checkOpen();
        if (!explored) throw new IllegalStateException("StateGraph " + modelName() + " not explored yet: call explore()");
    }

    // ---------------------------------------------------------------- exploration

    /**
     * Breadth-first exploration of the reachable states, single-threaded.
     *
     * @param maxStates safety bound: exploration stops with an {@link IllegalStateException} when more
     *     distinct states are found
     */
    public StateGraph explore(int maxStates) {
        return explore(maxStates, true);
    }

    /**
     * {@link #explore(int)}, optionally without evaluating the model's INVARIANTs on each state: for
     * callers that only need the graph (the vacuity gate), about half the time on the swap models.
     * Without them, {@link #invariantViolation()} throws.
     */
    public StateGraph explore(int maxStates, boolean checkInvariants) {
        checkOpen();
        if (explored) return this;
        invariantsChecked = checkInvariants;
        long t0 = System.nanoTime();
        ActionLabel[] labels = this.labels.toArray(new ActionLabel[0]);
        Map<Long, Integer> byFingerprint = new HashMap<>();
        for (TLCState s : session.initialStates()) {
            if (byFingerprint.putIfAbsent(s.fingerPrint(), states.size()) != null) continue;
            initialStates.add(states.size());
            addState(s, session.varsOf(s), -1, null, 0, maxStates);
        }

        // Per source state: the distinct concrete successors of each label (by label index).
        List<List<TLCState>> succByLabel = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) succByLabel.add(new ArrayList<>(2));
        boolean[] pruned = new boolean[labels.length];
        try {
            for (int si = 0; si < states.size(); si++) {
                State s = states.get(si);
                TLCState st = s.tlcState();
                for (List<TLCState> l : succByLabel) l.clear();
                Arrays.fill(pruned, false);
                session.successorsByLabel(st, succByLabel, pruned);
                List<Edge> out = new ArrayList<>();
                List<Integer> dis = new ArrayList<>();
                for (int li = 0; li < labels.length; li++) {
                    List<TLCState> bucket = succByLabel.get(li);
                    if (bucket.isEmpty()) {
                        if (pruned[li]) prunedLabels++;
                        else dis.add(li);
                        continue;
                    }
                    List<LinkedHashMap<String, Object>> concrete = new ArrayList<>(bucket.size());
                    for (TLCState t : bucket) {
                        long fp = t.fingerPrint();
                        Integer target = byFingerprint.get(fp);
                        LinkedHashMap<String, Object> tv;
                        if (target == null) {
                            target = states.size();
                            byFingerprint.put(fp, target);
                            tv = session.varsOf(t, st, s.vars());
                            addState(t, tv, si, labels[li], s.depth() + 1, maxStates);
                        } else {
                            State known = states.get(target);
                            // Without symmetry the concrete successor is the stored state: share its map.
                            tv = t.equals(known.tlcState()) ? known.vars() : session.varsOf(t, st, s.vars());
                        }
                        concrete.add(tv);
                        out.add(new Edge(labels[li], target, tv));
                        edgeCount++;
                    }
                    if (bucket.size() > 1) nondeterminism.add(new Nondeterminism(si, labels[li], List.copyOf(concrete)));
                }
                edges.add(Collections.unmodifiableList(out));
                disabled.add(dis.stream().mapToInt(Integer::intValue).toArray());
            }
        } finally {
            IdThread.resetCurrentState();
        }
        exploreSeconds = (System.nanoTime() - t0) / 1e9;
        explored = true;
        return this;
    }

    private void addState(TLCState s, LinkedHashMap<String, Object> vars, int parent, ActionLabel label, int depth, int maxStates) {
        if (states.size() >= maxStates)
            throw new IllegalStateException("model " + modelName() + " has more than " + maxStates + " states (the safety bound)");
        int index = states.size();
        states.add(new State(index, vars, s, parent, label, depth));
        if (invariantsChecked && invariantViolation == null) {
            int inv = session.violatedInvariantIndex(s);
            if (inv >= 0) invariantViolation = new InvariantViolation(session.invariantNames().get(inv), index, null);
        }
    }

    // ---------------------------------------------------------------- model facts (the session's, available once open)

    /** The configuration file's name without .cfg, e.g. {@code Charge_deep}. */
    public String modelName() {
        return session.modelName();
    }

    /** The model's values of the root module's CONSTANTs (neutral values, declaration order). */
    public Map<String, Object> constants() {
        return session.constants();
    }

    /** The spec's variables, in declaration order (the key order of every vars map). */
    public List<String> variables() {
        return session.variables();
    }

    /** Every distinct action instance of the next-state relation, in TLC's action order. */
    public List<ActionLabel> actionLabels() {
        return session.actionLabels();
    }

    /** The distinct action names, in TLC's action order. */
    public List<String> actionNames() {
        return session.actionNames();
    }

    /** The names of the model's INVARIANTs. */
    public List<String> invariantNames() {
        return session.invariantNames();
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
        if (!invariantsChecked)
            throw new IllegalStateException("StateGraph " + modelName() + " was explored without checking invariants");
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
        return "StateGraph[" + modelName() + (explored ? ", " + states.size() + " states, " + edgeCount + " edges" : "") + "]";
    }
}
