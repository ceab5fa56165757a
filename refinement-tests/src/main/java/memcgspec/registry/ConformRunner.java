package memcgspec.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import memcgspec.protocol.ProtocolBinding;
import memcgspec.conform.Binding;
import memcgspec.conform.Conformance;
import memcgspec.conform.ConformanceReport;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.StateGraph;
import memcgspec.tla.UserError;

/**
 * Runs conformance for catalogue models: explore the model's graph, replay it on the Java code
 * through the binding of the protocol the {@link Protocols} registry holds to its module.
 */
public final class ConformRunner {
    /** Safety bound on the states explored in-process; CI models are far below it. */
    public static final int MAX_STATES = 2_000_000;

    private final Path specDir;

    public ConformRunner(Path specDir) {
        this.specDir = specDir;
    }

    /** The conformance models: CI-size catalogue models whose module has a binding. */
    public static List<CatalogueEntry> conformanceModels(Catalogue catalogue) {
        List<CatalogueEntry> out = new ArrayList<>();
        for (CatalogueEntry m : catalogue.ci()) if (Protocols.forModule(m.moduleName()).isPresent()) out.add(m);
        return out;
    }

    /** Explores the model and replays every edge; the exploration time is reported separately. */
    public Result run(CatalogueEntry model, Consumer<String> progress) {
        return run(model, progress, g -> {});
    }

    /**
     * {@link #run(CatalogueEntry, Consumer)}, handing the explored graph to {@code explored} before the replay
     * (CatalogueConformanceTest runs the vacuity gate on it instead of exploring the model a second time).
     * The graph is explored without evaluating the model's INVARIANTs: conformance compares the steps, and
     * TLC checks the invariants (CatalogueTlcTest, {@code memcg-spec check}); on the swap models that is
     * about half the exploration time.
     */
    public Result run(CatalogueEntry model, Consumer<String> progress, Consumer<StateGraph> explored) {
        Binding<?> binding = Protocols.forModule(model.moduleName()).map(ProtocolBinding::new).orElseThrow(() -> new UserError(
                "model '" + model.name() + "' has no Java binding (conformance targets: modules " + Protocols.modules() + ")"));
        progress.accept("exploring " + model.name() + " ...");
        try (StateGraph g = StateGraph.open(model.moduleFile(specDir).getParent(), model.moduleName(), model.cfgFile(specDir))) {
            g.explore(MAX_STATES, false);
            progress.accept(String.format("explored %d states, %d edges in %.1f s; replaying on the Java code ...",
                    g.size(), g.edgeCount(), g.exploreSeconds()));
            explored.accept(g);
            ConformanceReport r = Conformance.run(g, binding,
                    (done, total, edges, bad) -> progress.accept("replayed " + done + "/" + total + " states, " + edges + " edges, " + bad + " mismatches"));
            return new Result(model, r.named(model.name()), g.exploreSeconds());
        }
    }

    public record Result(CatalogueEntry model, ConformanceReport report, double exploreSeconds) {}
}
