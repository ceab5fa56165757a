package memcgspec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import memcgspec.registry.ConformRunner;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.StateGraph;
import memcgspec.tla.VacuityAnnotations;
import memcgspec.tla.VacuityGate;

/**
 * The vacuity gates (DESIGN.md, "Properties that bite"; spec/README.md, "Vacuity gates") on every {@code ci}
 * model of spec/catalogue, the museum's included: every action of Next labels an edge of the reachable state
 * graph unless the cfg says {@code \* vacuity: unused-action A -- why} (and then it labels none), and every
 * {@code \* vacuity: window P Op N} antecedent holds in at least N reachable states. One state graph per model,
 * explored whole: a museum prefix model is explored past its violation (the gate asks what the model can do,
 * not where TLC stops). Each model prints its edges per action and its windows.
 *
 * <p>The conformance models' gates run in CatalogueConformanceTest, on the graph it explores for the replay
 * (the same graph: both are explored whole, without the invariants); this class gates the others, so the
 * two together gate every ci model.
 */
public class CatalogueVacuityTest {

    /** A safety bound on a CI model's state graph (the largest, Swap.cfg, has about 40,000 states). */
    static final int MAX_STATES = 200_000;

    /** The ci models whose gates run here: those without a conformance binding (the museum's). */
    static List<CatalogueEntry> gatedHere(Catalogue catalogue) {
        List<CatalogueEntry> conformance = ConformRunner.conformanceModels(catalogue);
        return catalogue.ci().stream().filter(m -> !conformance.contains(m)).toList();
    }

    @TestFactory
    Stream<DynamicTest> ciModels() {
        Catalogue catalogue = Catalogue.load(SpecRoot.specDir());
        assertFalse(gatedHere(catalogue).isEmpty(), "no ci model without a conformance binding in the catalogue");
        return gatedHere(catalogue).stream().map(m -> DynamicTest.dynamicTest(m.name() + " (" + m.cfg() + ")", () -> {
            // Without the invariants (CatalogueTlcTest checks them): about half the time on the swap models.
            try (StateGraph g = StateGraph.open(m.moduleFile(catalogue.specDir()).getParent(), m.moduleName(), m.cfgFile(catalogue.specDir()))) {
                g.explore(MAX_STATES, false);
                gate(catalogue.specDir(), m, g);
            }
        }));
    }

    /**
     * The gates of model {@code m} on its explored graph {@code g}: prints the report, fails with its problems.
     * A malformed annotation fails here, with its line.
     */
    public static void gate(Path specDir, CatalogueEntry m, StateGraph g) {
        VacuityAnnotations annotations = VacuityAnnotations.read(m.cfgFile(specDir));
        VacuityGate.Report r = VacuityGate.check(m.name(), g, annotations);
        System.out.print(r.describe());
        if (!r.ok()) fail(String.join(System.lineSeparator(), r.problems()));
    }
}
