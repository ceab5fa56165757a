package memcgspec.tla;

import memcgspec.trace.V;
import memcgspec.trace.ActionLabel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import memcgspec.trace.Trace;
import tlc2.tool.TLCState;

/**
 * Recovers the action labels of a behaviour given only as a sequence of states (for example a TLC
 * counterexample, which names the action of each step but not its parameters).
 *
 * <p>Works from the concrete states: it starts from the initial state of the model equal to the first
 * state, and for each next state evaluates every action instance on the current concrete TLC state,
 * keeping the first one (in TLC's action order) whose successor equals the next state. When two action
 * instances lead to the same state (for example two CPUs doing the same atomic step), the first wins.
 * Needs an open {@link SpecSession} (nothing is explored; a {@link StateGraph}'s is {@link StateGraph#session()}).
 */
public final class TraceLabeler {
    private final SpecSession session;

    public TraceLabeler(SpecSession session) {
        this.session = session;
    }

    /**
     * Labels a behaviour.
     *
     * @param states the states, first the initial one: variable name -> neutral value
     * @return one step per state: step 0 has no label (the initial state)
     * @throws IllegalArgumentException when the first state is not an initial state of the model or a
     *     step matches no action; the message names the step and the closest candidate's differences
     */
    public List<Trace.Step> label(List<? extends Map<String, Object>> states) {
        if (states.isEmpty()) throw new IllegalArgumentException("empty behaviour");
        List<Trace.Step> out = new ArrayList<>();
        TLCState current = null;
        Closest closest = new Closest();
        for (TLCState init : session.initialStates()) {
            LinkedHashMap<String, Object> v = session.varsOf(init);
            if (v.equals(states.get(0))) {
                current = init;
                break;
            }
            closest.offer("initial state", v, states.get(0));
        }
        if (current == null)
            throw new IllegalArgumentException("state 1 is not an initial state of model " + session.modelName() + closest.explain());
        out.add(Trace.Step.initial(states.get(0)));
        for (int i = 1; i < states.size(); i++) {
            Map<String, Object> next = states.get(i);
            TLCState found = null;
            ActionLabel label = null;
            closest = new Closest();
            for (SpecSession.Successor s : session.successors(current)) {
                LinkedHashMap<String, Object> v = session.varsOf(s.state());
                if (v.equals(next)) {
                    found = s.state();
                    label = s.label();
                    break;
                }
                closest.offer(s.label().toString(), v, next);
            }
            if (found == null)
                throw new IllegalArgumentException("step " + i + " (state " + i + " -> state " + (i + 1)
                        + "): no action of model " + session.modelName() + " leads there" + closest.explain());
            out.add(new Trace.Step(label, states.get(i - 1), next));
            current = found;
        }
        return out;
    }

    /** {@link #label} as a {@link Trace}. */
    public Trace trace(List<? extends Map<String, Object>> states) {
        return new Trace(label(states));
    }

    /** The candidate differing from the wanted state in the fewest variables, for the error message. */
    private static final class Closest {
        private String name;
        private List<String> diffs;

        void offer(String candidate, Map<String, Object> got, Map<String, Object> wanted) {
            TreeSet<String> keys = new TreeSet<>(got.keySet());
            keys.addAll(wanted.keySet());
            List<String> d = new ArrayList<>();
            for (String k : keys) {
                Object a = got.get(k), b = wanted.get(k);
                if (a == null ? b != null : !a.equals(b))
                    d.add(k + " = " + (a == null ? "(absent)" : V.show(a)) + " instead of " + (b == null ? "(absent)" : V.show(b)));
            }
            if (diffs == null || d.size() < diffs.size()) {
                name = candidate;
                diffs = d;
            }
        }

        String explain() {
            if (diffs == null) return " (no action is enabled there)";
            return "; closest: " + name + ", which gives " + String.join(", ", diffs);
        }
    }
}
