package memcgspec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

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
 */
class CatalogueVacuityTest {

    /** A safety bound on a CI model's state graph (the largest, Swap.cfg, has about 40,000 states). */
    static final int MAX_STATES = 200_000;

    @TestFactory
    Stream<DynamicTest> ciModels() {
        Catalogue catalogue = Catalogue.load(SpecRoot.specDir());
        assertFalse(catalogue.ci().isEmpty(), "no ci model in the catalogue");
        return catalogue.ci().stream().map(m -> DynamicTest.dynamicTest(m.name() + " (" + m.cfg() + ")",
                () -> check(catalogue.specDir(), m)));
    }

    static void check(Path specDir, CatalogueEntry m) {
        Path cfg = m.cfgFile(specDir);
        VacuityAnnotations annotations = VacuityAnnotations.read(cfg);  // a malformed annotation fails here, with its line
        VacuityGate.Report r;
        // Without the invariants (CatalogueTlcTest checks them): about half the time on the swap models.
        try (StateGraph g = StateGraph.open(m.moduleFile(specDir).getParent(), m.moduleName(), cfg)) {
            g.explore(MAX_STATES, false);
            r = VacuityGate.check(m.name(), g, annotations);
        }
        System.out.print(r.describe());
        if (!r.ok()) fail(String.join(System.lineSeparator(), r.problems()));
    }
}
