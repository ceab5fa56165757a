package memcgspec.conform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.StateGraph;
import memcgspec.tla.UserError;

/** Runs conformance for catalogue models: explore the model's graph, replay it on the Java code. */
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
        for (CatalogueEntry m : catalogue.ci()) if (Bindings.forModule(m.moduleName()).isPresent()) out.add(m);
        return out;
    }

    /** Explores the model and replays every edge; the exploration time is reported separately. */
    public Result run(CatalogueEntry model, Consumer<String> progress) {
        Binding<?> binding = Bindings.forModule(model.moduleName()).orElseThrow(() -> new UserError(
                "model '" + model.name() + "' has no Java binding (conformance targets: modules " + Bindings.modules() + ")"));
        progress.accept("exploring " + model.name() + " ...");
        try (StateGraph g = StateGraph.explore(model.moduleFile(specDir).getParent(), model.moduleName(),
                model.cfgFile(specDir), MAX_STATES)) {
            progress.accept(String.format("explored %d states, %d edges in %.1f s; replaying on the Java code ...",
                    g.size(), g.edgeCount(), g.exploreSeconds()));
            ConformanceReport r = Conformance.run(g, binding,
                    (done, total, edges, bad) -> progress.accept("replayed " + done + "/" + total + " states, " + edges + " edges, " + bad + " mismatches"));
            return new Result(model, r, g.exploreSeconds());
        }
    }

    public record Result(CatalogueEntry model, ConformanceReport report, double exploreSeconds) {}
}
