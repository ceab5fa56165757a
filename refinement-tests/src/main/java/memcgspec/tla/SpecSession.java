package memcgspec.tla;

import memcgspec.trace.ActionLabel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import tla2sany.semantic.APSubstInNode;
import tla2sany.semantic.ASTConstants;
import tla2sany.semantic.ExprNode;
import tla2sany.semantic.ExprOrOpArgNode;
import tla2sany.semantic.FormalParamNode;
import tla2sany.semantic.LabelNode;
import tla2sany.semantic.LetInNode;
import tla2sany.semantic.OpApplNode;
import tla2sany.semantic.OpDeclNode;
import tla2sany.semantic.OpDefNode;
import tla2sany.semantic.SemanticNode;
import tla2sany.semantic.SubstInNode;
import tla2sany.semantic.SymbolNode;
import tlc2.tool.Action;
import tlc2.tool.BuiltInOPs;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.ToolGlobals;
import tlc2.tool.impl.FastTool;
import tlc2.util.Context;
import tlc2.util.IdThread;
import tlc2.util.Vect;
import tlc2.value.IBoolValue;
import tlc2.value.IValue;
import tlc2.value.impl.LazyValue;
import util.UniqueString;

/**
 * A TLA+ spec and TLC configuration loaded into TLC's own evaluator ({@link FastTool}), ready to
 * evaluate: the model's facts (constants, variables in declaration order, action instances with their
 * labels, invariants) and the TLC-level operations on single states (initial states, the labelled
 * successors of a state, the neutral variables of a state, invariant evaluation). Nothing is explored:
 * {@link TraceLabeler} labels a given behaviour with a session, and {@link StateGraph} builds the
 * reachable state graph on one.
 *
 * <p><b>One spec per JVM at a time.</b> TLC keeps the loaded spec in static fields (the variables of
 * {@link TLCState}, the model values, the tool used for fingerprints, the definition slots cached in
 * interned names), so a second spec loaded while a session is still in use would silently corrupt the
 * first one's states. {@link #open} therefore takes a JVM-wide lock that {@link #close} releases: a
 * thread opening a session waits until the previous session is closed; opening a second session on the
 * thread that holds one fails at once with an {@link IllegalStateException} instead of deadlocking. A
 * {@link StateGraph} holds its session, so the same rule covers graphs. Loading specs one after another
 * works. Use try-with-resources.
 *
 * <p>Action instances: TLC makes one action per disjunct of Next and per value of each {@code \E}; each
 * gets a label (the action's name and parameter values). Instances may share a label (the same action
 * reached through two disjuncts); {@link #actionLabels()} lists each distinct label once.
 */
public final class SpecSession implements AutoCloseable {

    /** A successor computed by TLC from a concrete state, before any deduplication. */
    public record Successor(ActionLabel label, TLCState state) {}

    private static final Semaphore SPEC_LOCK = new Semaphore(1);
    private static volatile Thread lockHolder;

    private final String modelName;
    private final FastTool tool;
    private final Action[] actions;
    /** One label per distinct action instance; labelIndex[i] is the index of the label of actions[i]. */
    private final List<ActionLabel> labels = new ArrayList<>();
    private final int[] labelIndex;
    private final List<String> actionNames;
    private final List<String> nextActionNames;
    private final List<String> varNames = new ArrayList<>();
    private final UniqueString[] varKeys;
    private final LinkedHashMap<String, Object> constants = new LinkedHashMap<>();
    private final Action[] invariants;
    private final List<String> invariantNames;
    private final List<String> propertyNames;
    private volatile boolean closed;

    private SpecSession(Path dir, String module, Path cfg) {
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
        Arrays.sort(vars, Comparator
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
        LinkedHashSet<String> written = new LinkedHashSet<>();
        Action next = tool.getNextStateSpec();
        try {
            if (next != null) collectActionNames(next.pred, next.getOpDef(), written);
        } catch (RuntimeException e) {
            written.clear();  // a shape the walk does not know: TLC's names alone, rather than no session
        }
        written.addAll(actionNames);  // TLC's names, should the walk have missed a shape
        nextActionNames = List.copyOf(written);
        invariants = tool.getInvariants();
        invariantNames = List.of(tool.getInvNames());
        List<String> props = new ArrayList<>();
        Vect<?> cfgProps = tool.getModelConfig().getProperties();
        for (int i = 0; i < cfgProps.size(); i++) props.add(cfgProps.elementAt(i).toString());
        propertyNames = List.copyOf(props);
    }

    /**
     * Loads a spec (module {@code module}.tla in {@code dir}) with a TLC configuration file, waiting for
     * any other open session (or graph) to be closed first (see the class comment).
     *
     * @throws IllegalStateException when this thread already holds an open session or graph
     * @throws IllegalArgumentException when a file is missing; TLC's own exceptions for parse,
     *     semantic and configuration errors (the lock is released in every failing case)
     */
    public static SpecSession open(Path dir, String module, Path cfg) {
        if (lockHolder == Thread.currentThread())
            throw new IllegalStateException("this thread already has a spec open (a SpecSession or StateGraph): "
                    + "TLC holds one spec per JVM; close it first");
        SPEC_LOCK.acquireUninterruptibly();
        lockHolder = Thread.currentThread();
        try {
            return new SpecSession(dir, module, cfg);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    private static void release() {
        lockHolder = null;
        SPEC_LOCK.release();
    }

    /** Releases the JVM-wide spec lock; idempotent. The session's TLC states are unusable afterwards. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        release();
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("SpecSession " + modelName + " is closed");
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

    /**
     * The names TLC gives the actions of a next-state relation, found on its syntax alone: the walk of
     * TLC's {@code Tool.getActions} (2.18) without evaluating a quantifier's domain. Disjunctions and
     * {@code \E x \in S} are split; an application of a user-defined operator whose arguments are
     * constant-level (bound identifiers included) is expanded into its body; LET, labels and an INSTANCE
     * without substitutions are looked through; anything else is one action, named by the innermost
     * operator expanded so far.
     */
    private void collectActionNames(SemanticNode node, OpDefNode action, LinkedHashSet<String> out) {
        String name = action == null ? "Next" : action.getName().toString();
        if (node instanceof OpApplNode appl) {
            ExprOrOpArgNode[] args = appl.getArgs();
            SymbolNode op = appl.getOperator();
            int opcode = BuiltInOPs.getOpCode(op.getName());
            if (opcode == 0) {
                Object val = tool.lookup(op, Context.Empty, false);
                if (val instanceof OpDefNode def && BuiltInOPs.getOpCode(def.getName()) == 0) {
                    boolean constantArgs = true;
                    for (ExprOrOpArgNode a : args) constantArgs &= a.getLevel() == 0;
                    if (constantArgs && def.getBody() != null) {
                        collectActionNames(def.getBody(), def, out);
                        return;
                    }
                }
                out.add(op instanceof OpDefNode ? op.getName().toString() : name);
                return;
            }
            if (opcode == ToolGlobals.OPCODE_be) {
                collectActionNames(args[0], action, out);
                return;
            }
            if (opcode == ToolGlobals.OPCODE_dl || opcode == ToolGlobals.OPCODE_lor) {
                for (ExprOrOpArgNode a : args) collectActionNames(a, action, out);
                return;
            }
            out.add(name);
        } else if (node instanceof LetInNode let) {
            collectActionNames(let.getBody(), action, out);
        } else if (node instanceof LabelNode label) {
            collectActionNames(label.getBody(), action, out);
        } else if (node instanceof SubstInNode subst && subst.getSubsts().length == 0) {
            collectActionNames(subst.getBody(), action, out);
        } else if (node instanceof APSubstInNode subst && subst.getSubsts().length == 0) {
            collectActionNames(subst.getBody(), action, out);
        } else {
            out.add(name);
        }
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

    // ---------------------------------------------------------------- model facts

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

    /**
     * The action names the next-state relation is written with, in the order they are written: those
     * of {@link #actionNames()} and also those TLC makes no instance of in this model because a
     * quantifier's domain is empty (e.g. {@code \E c \in CPUs, i \in Indexes : AllocCache(...)} with
     * {@code Indexes = {}}). Such an action cannot fire.
     */
    public List<String> nextActionNames() {
        return nextActionNames;
    }

    /** The names of the model's INVARIANTs. */
    public List<String> invariantNames() {
        return invariantNames;
    }

    /** The names of the model's PROPERTYs (temporal formulas: TLC checks them on behaviours, not states). */
    public List<String> propertyNames() {
        return propertyNames;
    }

    // ---------------------------------------------------------------- TLC-level operations

    /** The concrete initial states of the model that satisfy its CONSTRAINT, in TLC's order. */
    public List<TLCState> initialStates() {
        checkOpen();
        StateVec init = tool.getInitStates();
        List<TLCState> l = new ArrayList<>(init.size());
        for (int i = 0; i < init.size(); i++) if (tool.isInModel(init.elementAt(i))) l.add(init.elementAt(i));
        return l;
    }

    /**
     * All concrete successors of a state, each with its label, in action order; successors excluded by
     * a CONSTRAINT or ACTION_CONSTRAINT are left out, duplicates are not removed.
     */
    public List<Successor> successors(TLCState s) {
        checkOpen();
        IdThread.setCurrentState(s);  // for TLCGet("level")
        try {
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
            return out;
        } finally {
            IdThread.resetCurrentState();
        }
    }

    /**
     * The exploration's hot loop, per state: the distinct concrete successors of {@code s} by label
     * index ({@code byLabel.get(i)} for {@code actionLabels().get(i)}; the caller clears the lists), and
     * in {@code pruned[i]} whether some successor of label {@code i} fell outside a CONSTRAINT or
     * ACTION_CONSTRAINT. Every kept successor has {@code s} as predecessor (its level set).
     *
     * <p>Leaves {@code s} as the thread's current TLC state (for {@code TLCGet("level")}), so that the
     * caller's fingerprinting and invariant checks of the successors see the same level; the caller
     * resets it ({@link IdThread#resetCurrentState()}) when done. No open check: the caller checks once.
     */
    void successorsByLabel(TLCState s, List<List<TLCState>> byLabel, boolean[] pruned) {
        IdThread.setCurrentState(s);
        for (int ai = 0; ai < actions.length; ai++) {
            StateVec sv = tool.getNextStates(actions[ai], s);
            int li = labelIndex[ai];
            List<TLCState> bucket = byLabel.get(li);
            for (int k = 0; k < sv.size(); k++) {
                TLCState t = sv.elementAt(k);
                if (!tool.isInModel(t) || !tool.isInActions(s, t)) {
                    pruned[li] = true;
                    continue;
                }
                if (!containsEqual(bucket, t)) {
                    t.setPredecessor(s);  // sets its level, for TLCGet("level")
                    bucket.add(t);
                }
            }
        }
    }

    private static boolean containsEqual(List<TLCState> l, TLCState t) {
        for (TLCState u : l) if (u.equals(t)) return true;
        return false;
    }

    // ---------------------------------------------------------------- for the engines of this package

    /** TLC's tool of this session (package engines that need more than the operations above: {@link ExhaustiveCheck}). */
    FastTool tool() {
        checkOpen();
        return tool;
    }

    /** TLC's action instances, in action order (one per disjunct of Next and per value of each {@code \E}). */
    Action[] actions() {
        return actions;
    }

    /** The label of {@code actions()[i]}. */
    ActionLabel actionLabel(int i) {
        return labels.get(labelIndex[i]);
    }

    /** The neutral variables of a TLC state, in declaration order. */
    public LinkedHashMap<String, Object> varsOf(TLCState t) {
        return varsOf(t, null, null);
    }

    /**
     * The neutral variables of a TLC state. When the predecessor is given, a value TLC shares with it
     * (an UNCHANGED variable is the same object) reuses the predecessor's neutral value: most steps change
     * one or two variables, so this saves most of the conversion work.
     */
    LinkedHashMap<String, Object> varsOf(TLCState t, TLCState pred, Map<String, Object> predVars) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < varKeys.length; i++) {
            IValue v = t.lookup(varKeys[i]);
            String name = varNames.get(i);
            if (pred != null && v == pred.lookup(varKeys[i])) m.put(name, predVars.get(name));
            else m.put(name, v == null ? null : Values.of(v));
        }
        return m;
    }

    /** The index (in {@link #invariantNames()}) of the first INVARIANT the state violates, or -1. */
    int violatedInvariantIndex(TLCState s) {
        for (int i = 0; i < invariants.length; i++) if (!tool.isValid(invariants[i], s)) return i;
        return -1;
    }

    /** The first INVARIANT (in configuration order) that the state violates, if any. */
    public Optional<String> violatedInvariant(TLCState s) {
        checkOpen();
        int i = violatedInvariantIndex(s);
        return i < 0 ? Optional.empty() : Optional.of(invariantNames.get(i));
    }

    /**
     * The TLC state whose variables have the given neutral values (as {@link TlaValueParser#parseState} reads a state
     * TLC printed): a state of this session, for {@link #violatedInvariant}, {@link #violatedActionProperty} and
     * {@link #successors}.
     *
     * @throws IllegalArgumentException when a variable of the spec is missing, or a name is not a variable
     */
    public TLCState stateOf(Map<String, Object> vars) {
        checkOpen();
        if (!vars.keySet().equals(new java.util.HashSet<>(varNames)))
            throw new IllegalArgumentException("a state of " + modelName + " has the variables " + varNames + ", not " + vars.keySet());
        TLCState s = TLCState.Empty.createEmpty();
        for (int i = 0; i < varKeys.length; i++) s = s.bind(varKeys[i], Values.toTlc(vars.get(varNames.get(i))));
        return s;
    }

    /**
     * The first PROPERTY (in the order TLC checks them: its implied actions' order) whose action part the step
     * from {@code s} to {@code t} violates, if any: a violated {@code [][A]_v}, such as a refinement's
     * {@code [][AbsNext]_absVars}. Which PROPERTY an implied action belongs to is found as
     * {@link #propertyOwners} says.
     */
    public Optional<String> violatedActionProperty(TLCState s, TLCState t) {
        checkOpen();
        Action[] implied = tool.getImpliedActions();
        String[] owners = propertyOwners(implied);
        IdThread.setCurrentState(s);
        try {
            for (int i = 0; i < implied.length; i++) if (!tool.isValid(implied[i], s, t)) return Optional.of(owners[i]);
            return Optional.empty();
        } finally {
            IdThread.resetCurrentState();
        }
    }

    /**
     * The PROPERTYs with a liveness part (an implied temporal formula: {@code <>P}, {@code P ~> Q}, the fairness
     * of a refined spec), which TLC checks with its tableau rather than state by state or step by step. A temporal
     * formula located in a PROPERTY's definition in the root module names that PROPERTY; one located elsewhere (in
     * an INSTANCE'd module) names every PROPERTY not written out in the root module. Empty when the model has none.
     */
    public List<String> livenessProperties() {
        checkOpen();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Action a : tool.getImpliedTemporals()) {
            tla2sany.st.Location at = a.pred.getLocation();
            String found = null;
            for (String p : propertyNames) {
                OpDefNode def = tool.getRootModule().getOpDef(p);
                if (def != null && at != null && def.getBody().getLocation().includes(at)) found = p;
            }
            if (found != null) {
                out.add(found);
            } else {
                for (String p : propertyNames) if (!writtenInRoot(p)) out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** Whether TLC reports a reachable state without successors (the cfg's CHECK_DEADLOCK, TRUE by default). */
    public boolean checksDeadlock() {
        checkOpen();
        return tool.getModelConfig().getCheckDeadlock();
    }

    /** Whether some action is enabled in {@code s} (constraints aside: TLC's deadlock check ignores them). */
    public boolean hasSuccessor(TLCState s) {
        checkOpen();
        IdThread.setCurrentState(s);
        try {
            for (Action a : actions) if (tool.getNextStates(a, s).size() > 0) return true;
            return false;
        } finally {
            IdThread.resetCurrentState();
        }
    }

    /** Whether PROPERTY {@code p} is written out as {@code [][A]_v} in the root module's text (an action property). */
    private boolean writtenInRoot(String p) {
        String root = tool.getRootModule().getName().toString();
        OpDefNode def = tool.getRootModule().getOpDef(p);
        tla2sany.st.Location loc = def == null ? null : def.getBody().getLocation();
        return def != null && loc != null && root.equals(loc.source())
                && def.getBody() instanceof OpApplNode app
                && "[]".equals(app.getOperator().getName().toString());
    }

    /**
     * The PROPERTY each implied predicate or action comes from. TLC keeps no link back, so it is
     * found by source location: a predicate inside the definition of a PROPERTY written out as
     * {@code [][A]_v} in the root module belongs to it (an action property); the others (the
     * refinement's {@code Abs!Spec}, whose predicates TLC locates in the INSTANCE) belong to the one
     * PROPERTY that is not written out so. Anything else is ambiguous.
     *
     * @throws IllegalArgumentException when a predicate's PROPERTY cannot be told
     */
    String[] propertyOwners(Action[] preds) {
        Map<String, tla2sany.st.Location> local = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (String p : propertyNames) {
            if (writtenInRoot(p)) local.put(p, tool.getRootModule().getOpDef(p).getBody().getLocation());
            else other.add(p);
        }
        String[] out = new String[preds.length];
        for (int i = 0; i < preds.length; i++) {
            tla2sany.st.Location at = preds[i].pred.getLocation();
            for (Map.Entry<String, tla2sany.st.Location> e : local.entrySet())
                if (at != null && e.getValue().includes(at)) out[i] = e.getKey();
            if (out[i] == null && other.size() == 1) out[i] = other.get(0);
            if (out[i] == null)
                throw new IllegalArgumentException(modelName + ": cannot tell which PROPERTY of " + propertyNames
                        + " the implied predicate at " + at + " belongs to (written out in the root module: " + local.keySet() + ")");
        }
        return out;
    }

    /**
     * A state predicate of the spec: a zero-arity operator of the root module (defined there or in a
     * module it EXTENDS), resolved once by {@link #statePredicate} and evaluated per state by
     * {@link #holds(StatePredicate, TLCState)}. It belongs to the session that resolved it.
     */
    public static final class StatePredicate {
        private final SpecSession session;
        private final String name;
        private final ExprNode body;

        private StatePredicate(SpecSession session, String name, ExprNode body) {
            this.session = session;
            this.name = name;
            this.body = body;
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "StatePredicate[" + name + "]";
        }
    }

    /**
     * Resolves a zero-arity operator of the spec as a state predicate, e.g. {@code Quiescent}. Whether it
     * is boolean is found when it is evaluated ({@link #holds}); everything else is checked here.
     *
     * @throws IllegalArgumentException when the root module has no user-defined operator of that name
     *     (a built-in such as {@code TRUE} does not count), when it takes arguments, or when it is not a
     *     state-level expression (it primes a variable or is temporal)
     */
    public StatePredicate statePredicate(String name) {
        checkOpen();
        String module = tool.getRootModule().getName().toString();
        OpDefNode def = userDefinition(name);
        if (def.getArity() != 0)
            throw new IllegalArgumentException("operator " + name + " of module " + module + " takes "
                    + def.getArity() + " argument(s): a state predicate takes none");
        // A definition the model overrides (Op <- Other in the .cfg) is evaluated as TLC would.
        Object resolved = tool.lookup(def, Context.Empty, false);
        if (resolved instanceof OpDefNode od && od.getArity() == 0) def = od;
        if (def.getBody().getLevel() > 1)
            throw new IllegalArgumentException("operator " + name + " of module " + module
                    + " is not a state predicate (it is an action or a temporal formula)");
        return new StatePredicate(this, name, def.getBody());
    }

    /**
     * Whether a state predicate holds in a state.
     *
     * @throws IllegalArgumentException when the predicate is another session's, or its value in the
     *     state is not a boolean
     */
    public boolean holds(StatePredicate p, TLCState s) {
        checkOpen();
        if (p.session != this) throw new IllegalArgumentException(p + " belongs to another session");
        IdThread.setCurrentState(s);  // for TLCGet("level")
        try {
            IValue v = tool.eval(p.body, Context.Empty, s);
            if (v instanceof IBoolValue b) return b.getVal();
            throw new IllegalArgumentException("operator " + p.name + " is not a predicate: its value is " + v);
        } finally {
            IdThread.resetCurrentState();
        }
    }

    /**
     * Whether definition {@code definition} of the root module uses operator {@code operator}, directly
     * or through the operators it uses (INSTANCE'd definitions included). Both are looked up as
     * {@link #statePredicate} looks up names, by the definitions they resolve to, not by spelling.
     *
     * @throws IllegalArgumentException when either name is not a user-defined operator of the root module
     */
    public boolean refersTo(String definition, String operator) {
        checkOpen();
        OpDefNode from = userDefinition(definition);
        OpDefNode to = userDefinition(operator);
        Set<SemanticNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<SemanticNode> todo = new ArrayDeque<>();
        todo.push(from.getBody());
        while (!todo.isEmpty()) {
            SemanticNode n = todo.pop();
            if (n == null || !seen.add(n)) continue;
            if (n instanceof OpApplNode appl && appl.getOperator() instanceof OpDefNode def
                    && def.getKind() == ASTConstants.UserDefinedOpKind) {
                if (def == to) return true;
                todo.push(def.getBody());
            }
            SemanticNode[] children = n.getChildren();
            if (children != null) for (SemanticNode ch : children) todo.push(ch);
        }
        return false;
    }

    private OpDefNode userDefinition(String name) {
        Object sym = tool.getRootModule().getContext().getSymbol(UniqueString.uniqueStringOf(name));
        if (!(sym instanceof OpDefNode def) || def.getKind() != ASTConstants.UserDefinedOpKind)
            throw new IllegalArgumentException("module " + tool.getRootModule().getName() + " defines no operator " + name);
        return def;
    }

    /** {@link #statePredicate} then {@link #holds(StatePredicate, TLCState)}: for one-off evaluations. */
    public boolean holds(String operator, TLCState s) {
        return holds(statePredicate(operator), s);
    }

    @Override
    public String toString() {
        return "SpecSession[" + modelName + (closed ? ", closed" : "") + "]";
    }
}
