package memcgspec.mutation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memcgspec.protocol.Protocol;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;

/**
 * The mutants of the registry's protocols as docs/mutants.md shows them (its generated block), and which
 * mutants violate each check of each CI model: the CI models are the catalogue's CI-size models of the
 * protocols' modules; a mutant counts for a CI model through its verdicts on that model's mutation twins
 * ({@code <CI>_mutants*.cfg}, same checks).
 */
public final class MutantsTable {
    /** Markers of the generated block in docs/mutants.md. */
    public static final String BEGIN = "<!-- BEGIN GENERATED: mutants -->\n";
    public static final String END = "<!-- END GENERATED -->";

    private MutantsTable() {}

    /** The CI model a mutation twin stands for: {@code Swap_v2_mutants_slots.cfg -> Swap_v2.cfg}; a cfg that is no twin (a small CI model checked as it is, such as Swap_reuse.cfg) stands for itself. */
    public static String ciModelOf(String cfg) {
        int i = cfg.indexOf("_mutants");
        return i < 0 ? cfg : cfg.substring(0, i) + ".cfg";
    }

    /**
     * The catalogue's CI-size models whose module is one of the protocols' and that are expected to
     * hold (the models whose properties must bite; a model that shows a property failing on purpose,
     * such as stock-kmem-refinement, is a demonstration, bitten by construction).
     */
    public static List<CatalogueEntry> ciModels(List<Protocol> protocols, Path specDir) {
        List<String> modules = protocols.stream().map(Protocol::module).toList();
        return Catalogue.load(specDir).ci().stream().filter(e -> modules.contains(e.moduleName()) && e.expect().holds()).toList();
    }

    /**
     * For a CI model (cfg relative to spec/, e.g. "Swap.cfg"): each of its checks (properties, then lemmas, in
     * cfg order) -> the names of the mutants that violate it on one of the model's twins.
     */
    public static Map<String, List<String>> biters(List<Protocol> protocols, String ciCfg, CfgChecks checks) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String c : checks.nonLemmas()) m.put(c, new ArrayList<>());
        for (String c : checks.lemmas()) m.put(c, new ArrayList<>());
        for (Protocol p : protocols)
            for (Protocol.Mutant mu : p.mutants())
                for (Protocol.Mutant.Verdict v : mu.verdicts())
                    if (ciCfg.equals(ciModelOf(v.cfg())))
                        for (String c : v.caughtBy()) {
                            List<String> l = m.get(c);
                            if (l != null && !l.contains(mu.name())) l.add(mu.name());
                        }
        return m;
    }

    /** The generated block's content: the mutants per spec, then the checks per CI model. */
    public static String render(List<Protocol> protocols, Path specDir) {
        StringBuilder b = new StringBuilder();
        for (Protocol p : protocols) {
            if (p.mutants().isEmpty()) continue;
            b.append("### ").append(p.module()).append(".tla\n\n");
            b.append("| mutant | re-introduces | kernel function | the change | caught by |\n");
            b.append("|---|---|---|---|---|\n");
            for (Protocol.Mutant mu : p.mutants()) {
                List<String> verdicts = new ArrayList<>();
                for (Protocol.Mutant.Verdict v : mu.verdicts()) {
                    String model = v.cfg().replaceFirst("\\.cfg$", "");
                    String checks = v.caughtBy().isEmpty() ? "**nothing**" : String.join(", ", v.caughtBy());
                    verdicts.add(mu.verdicts().size() == 1 ? checks + " (" + model + ")" : model + ": " + checks);
                }
                b.append("| `").append(mu.name()).append("` | ").append(cell(mu.reintroduces())).append(" | ")
                        .append(cell(mu.kernelFunction())).append(" | ").append(cell(mu.bug())).append(" | ")
                        .append(String.join("<br>", verdicts)).append(" |\n");
            }
            b.append('\n');
        }
        b.append("### The checks of each CI model, and the mutants that violate them\n\n");
        for (CatalogueEntry e : ciModels(protocols, specDir)) {
            CfgChecks checks = CfgChecks.read(specDir.resolve(e.cfg()));
            Map<String, List<String>> biters = biters(protocols, e.cfg(), checks);
            b.append("`").append(e.cfg()).append("` (`").append(e.moduleName()).append("`, catalogue model `")
                    .append(e.name()).append("`):\n\n");
            b.append("| check | kind | violated by |\n|---|---|---|\n");
            for (Map.Entry<String, List<String>> x : biters.entrySet()) {
                boolean lemma = checks.lemmas().contains(x.getKey());
                String kind = checks.properties().contains(x.getKey()) ? "property (PROPERTY)" : lemma ? "lemma" : "property";
                String by = x.getValue().isEmpty() ? (lemma ? "none (a lemma)" : "**none**")
                        : String.join(", ", x.getValue().stream().map(n -> "`" + n + "`").toList());
                b.append("| ").append(x.getKey()).append(" | ").append(kind).append(" | ").append(by).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
