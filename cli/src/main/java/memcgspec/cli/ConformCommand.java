package memcgspec.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import memcgspec.registry.Protocols;
import memcgspec.registry.ConformRunner;
import memcgspec.conform.ConformanceReport;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** conform: replay every edge of a model's state graph on the Java implementation. */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = "Check that the Java implementation conforms to the spec: every edge of the model's reachable "
                + "state graph replayed on the Java steps and compared variable by variable, every disabled action "
                + "refused. Without MODEL: every conformance model (CI-size models with a Java binding).")
final class ConformCommand extends Base implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Catalogue model names.")
    List<String> models;

    @Option(names = "--json", description = "One JSON object on stdout instead of the table.")
    boolean json;

    @Option(names = "--verbose", description = "Describe every kept mismatch with its path as swim lanes.")
    boolean verbose;

    @Override
    public Integer call() {
        List<CatalogueEntry> selected;
        if (models == null || models.isEmpty()) {
            selected = ConformRunner.conformanceModels(Common.catalogue());
        } else {
            selected = new ArrayList<>();
            for (String n : models) {
                CatalogueEntry m = Common.catalogue().byName(n);
                if (Protocols.forModule(m.moduleName()).isEmpty()) {
                    throw new UserError("model '" + n + "' is not a conformance model: module " + m.moduleName()
                            + " has no Java binding (bound modules: " + String.join(", ", Protocols.modules()) + ")");
                }
                selected.add(m);
            }
        }
        ConformRunner runner = new ConformRunner(Common.specDir());
        Table table = new Table("model", "states", "edges", "covered", "coverage", "disabled checked", "mismatches", "seconds", "edges/s")
                .rightAlign(1, 2, 3, 4, 5, 6, 7, 8);
        List<Object> jsonModels = new ArrayList<>();
        StringBuilder details = new StringBuilder();
        boolean allOk = true;
        for (CatalogueEntry m : selected) {
            ConformRunner.Result res = runner.run(m, Common::progress);
            ConformanceReport r = res.report();
            allOk &= r.ok();
            double coverage = r.edges() == 0 ? 0 : 100.0 * r.coveredEdges() / r.edges();
            table.row(m.name(), r.states(), r.edges(), r.coveredEdges(), String.format("%.1f%%", coverage),
                    r.disabledChecked(), r.mismatchCount(), Common.seconds(r.seconds()), String.format("%.0f", r.edgesPerSecond()));
            if (!r.ok()) details.append('\n').append(verbose ? r.describe() : firstMismatch(r));
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", m.name());
            j.put("spec", m.spec());
            j.put("ok", r.ok());
            j.put("states", r.states());
            j.put("edges", r.edges());
            j.put("coveredEdges", r.coveredEdges());
            j.put("disabledChecked", r.disabledChecked());
            j.put("mismatches", r.mismatchCount());
            j.put("unboundActions", r.unboundActions());
            j.put("seconds", r.seconds());
            j.put("exploreSeconds", res.exploreSeconds());
            j.put("edgesPerSecond", r.edgesPerSecond());
            List<Object> ms = new ArrayList<>();
            r.mismatches().forEach(x -> ms.add(x.summary()));
            j.put("mismatchSummaries", ms);
            jsonModels.add(j);
        }
        String human = table.render() + details
                + (allOk ? "all " + selected.size() + " models conform (100% of edges, no mismatch)\n" : "CONFORMANCE FAILED\n");
        return finish(json, allOk, jsonModels, human);
    }

    private static String firstMismatch(ConformanceReport r) {
        StringBuilder b = new StringBuilder(r.summary()).append('\n');
        if (!r.unboundActions().isEmpty()) b.append("unbound actions: ").append(r.unboundActions()).append('\n');
        if (!r.mismatches().isEmpty()) {
            b.append(r.mismatches().get(0).describe());
            if (r.mismatchCount() > 1) b.append("... ").append(r.mismatchCount() - 1).append(" more (--verbose shows up to ")
                    .append(r.mismatches().size()).append(")\n");
        }
        return b.toString();
    }
}
