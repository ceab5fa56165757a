package memcgspec.tla;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.tla.VacuityAnnotations.UnusedAction;
import memcgspec.tla.VacuityAnnotations.Window;

/**
 * The vacuity gate of one model (DESIGN.md, "Properties that bite"): on the model's explored
 * {@link StateGraph}, every action of Next labels at least one edge, unless the model's cfg declares
 * it {@code unused-action} (and then it must label none, so the declaration cannot go stale), and the
 * antecedent of every {@code window} holds in at least its threshold of distinct reachable states.
 * The graph is the whole reachable graph: a model that violates an invariant is explored past the
 * violation, as {@link StateGraph} does.
 *
 * <p>Nothing here throws for a problem of the model or its annotations: each is a line of
 * {@link Report#problems()}, naming the model, the annotation's file and line, and what to do.
 */
public final class VacuityGate {

    private VacuityGate() {}

    /**
     * A window measured: the states (of {@code reachable}) where its operator holds; -1 when it could not
     * be evaluated (the problem says why).
     */
    public record WindowCount(Window window, long states, long reachable) {
        public boolean reached() {
            return states >= window.minStates();
        }
    }

    /**
     * The gate's verdict on one model.
     *
     * @param edgesPerAction every action of Next ({@link SpecSession#nextActionNames()}, in that order) and
     *     the number of edges it labels (0 for one that never fires)
     * @param windows the annotated windows, measured
     * @param problems what fails the gate, one line each; empty when the gate passes
     */
    public record Report(String model, int states, long edges, Map<String, Long> edgesPerAction,
                         List<UnusedAction> declaredUnused, List<WindowCount> windows, List<String> problems) {
        public Report {
            edgesPerAction = Collections.unmodifiableMap(new LinkedHashMap<>(edgesPerAction));
            declaredUnused = List.copyOf(declaredUnused);
            windows = List.copyOf(windows);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        /** The actions that label no edge. */
        public List<String> neverFired() {
            return edgesPerAction.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
        }

        /** A few lines: the edges per action, the windows, the problems. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("vacuity %s: %d states, %d edges%n", model, states, edges));
            b.append("  edges per action:");
            edgesPerAction.forEach((a, n) -> b.append(' ').append(a).append('=').append(n));
            b.append(System.lineSeparator());
            for (UnusedAction u : declaredUnused)
                b.append("  unused-action ").append(u.action()).append(" -- ").append(u.reason()).append(System.lineSeparator());
            for (WindowCount w : windows)
                b.append(String.format("  window %s %s: %s of %d states (min %d)%n", w.window().property(),
                        w.window().operator(), w.states() < 0 ? "?" : Long.toString(w.states()), w.reachable(), w.window().minStates()));
            for (String p : problems) b.append("  PROBLEM ").append(p).append(System.lineSeparator());
            return b.toString();
        }
    }

    /**
     * Checks an explored graph against its model's annotations.
     *
     * @param model the name used in messages (e.g. the catalogue name)
     */
    public static Report check(String model, StateGraph graph, VacuityAnnotations annotations) {
        SpecSession session = graph.session();
        List<String> problems = new ArrayList<>();

        Map<String, Long> perAction = new LinkedHashMap<>();
        for (String a : session.nextActionNames()) perAction.put(a, 0L);
        for (int s = 0; s < graph.size(); s++)
            for (StateGraph.Edge e : graph.edges(s)) perAction.merge(e.label().name(), 1L, Long::sum);

        Map<String, UnusedAction> declared = new LinkedHashMap<>();
        for (UnusedAction u : annotations.unusedActions()) {
            declared.put(u.action(), u);
            Long n = perAction.get(u.action());
            if (n == null) {
                problems.add(model + ": " + annotations.at(u.line()) + ": unused-action " + u.action()
                        + " names no action of Next (its actions: " + String.join(", ", perAction.keySet()) + ")");
            } else if (n > 0) {
                problems.add(model + ": " + annotations.at(u.line()) + ": unused-action " + u.action()
                        + " labels " + n + " edge(s) of the state graph: it fires, remove the annotation");
            }
        }
        for (Map.Entry<String, Long> e : perAction.entrySet()) {
            if (e.getValue() == 0 && !declared.containsKey(e.getKey()))
                problems.add(model + ": action " + e.getKey() + " labels no edge of the reachable state graph ("
                        + graph.size() + " states, " + graph.edgeCount() + " edges): make the model exercise it, or say why it"
                        + " may not in " + annotations.source() + ": \\* vacuity: unused-action " + e.getKey() + " -- <reason>");
        }

        List<WindowCount> counts = new ArrayList<>();
        Set<String> checked = new LinkedHashSet<>(session.invariantNames());
        checked.addAll(session.propertyNames());
        for (Window w : annotations.windows()) {
            String where = model + ": " + annotations.at(w.line()) + ": window " + w.property() + " " + w.operator();
            long n = -1;
            if (!checked.contains(w.property())) {
                problems.add(where + ": the model checks no property " + w.property() + " (INVARIANTS and PROPERTIES: "
                        + String.join(", ", checked) + ")");
            } else {
                try {
                    SpecSession.StatePredicate p = session.statePredicate(w.operator());
                    long holds = 0;
                    for (StateGraph.State s : graph.states()) if (session.holds(p, s.tlcState())) holds++;
                    n = holds;
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                } catch (RuntimeException e) {  // TLC's evaluation errors
                    problems.add(where + ": TLC cannot evaluate " + w.operator() + ": " + UserError.oneLine(String.valueOf(e.getMessage())));
                }
                if (n >= 0 && !session.refersTo(w.property(), w.operator())) {
                    problems.add(where + ": " + w.property() + " does not use " + w.operator()
                            + ": the annotation is stale, name the property's antecedent");
                } else if (n >= 0 && n < w.minStates()) {
                    problems.add(where + ": " + w.operator() + " holds in " + n + " of " + graph.size()
                            + " reachable states, fewer than the threshold " + w.minStates());
                }
            }
            counts.add(new WindowCount(w, n, graph.size()));
        }
        return new Report(model, graph.size(), graph.edgeCount(), perAction, annotations.unusedActions(), counts, problems);
    }
}
