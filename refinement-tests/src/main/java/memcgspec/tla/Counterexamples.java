package memcgspec.tla;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.trace.SwimLanes;
import memcgspec.trace.Trace;
import memcgspec.trace.V;

/**
 * Counterexamples as swim lanes: TLC (forked) finds the shortest counterexample of a violating
 * model; TLC's evaluator (in-process, a {@link SpecSession}: no state graph is explored) recovers each
 * step's parameters with {@link TraceLabeler}, so that every step lands in the lane of its CPU;
 * {@link SwimLanes} draws it.
 */
public final class Counterexamples {
    private Counterexamples() {}

    /**
     * A rendered counterexample; {@code trace} and {@code text} are null when TLC found none, or when this JVM's
     * (pinned) evaluator could not replay the states TLC printed: then {@code replayError} says why (one line).
     * That can happen with a user's tla2tools.jar whose TLC evaluates the spec differently from TLC 2.18.
     */
    public record Rendered(CatalogueEntry model, TlcResult result, Trace trace, String text, String replayError) {
        public Rendered(CatalogueEntry model, TlcResult result, Trace trace, String text) {
            this(model, result, trace, text, null);
        }
    }

    /**
     * Lane title of a CPU model value: {@code cpuA} is "CPU A", {@code c1} is "CPU c1".
     */
    public static String laneTitle(Object cpu) {
        String n = cpu instanceof V.Model m ? m.name() : V.show(cpu);
        return "CPU " + (n.startsWith("cpu") && n.length() > 3 ? n.substring(3) : n);
    }

    /** Runs the model through TLC and renders its counterexample (if any). */
    public static Rendered show(CatalogueEntry model, Path specDir, TlcRunner runner, TlcRunner.Options options,
                                java.util.function.Consumer<String> progress) {
        TlcResult result = runner.run(model, options, progress);
        if (result.trace().isEmpty()) return new Rendered(model, result, null, null);
        List<Map<String, Object>> states = new ArrayList<>();
        for (TlcResult.TraceState s : result.trace()) states.add(s.vars());
        try (SpecSession session = SpecSession.open(model.moduleFile(specDir).getParent(), model.moduleName(), model.cfgFile(specDir))) {
            Trace trace;
            try {
                trace = new TraceLabeler(session).trace(states);
            } catch (IllegalArgumentException e) {
                return new Rendered(model, result, null, null, UserError.oneLine(e.getMessage()));
            }
            SwimLanes lanes = SwimLanes.defaults().hide("pc");
            Object cpus = session.constants().get("CPUs");
            if (cpus instanceof Set<?> set) {
                for (Object c : set) lanes = lanes.laneTitle(c, laneTitle(c));
            }
            return new Rendered(model, result, trace, lanes.render(trace));
        }
    }
}
