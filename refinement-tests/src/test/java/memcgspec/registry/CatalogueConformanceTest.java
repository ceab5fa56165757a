package memcgspec.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;
import memcgspec.CatalogueVacuityTest;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.conform.ConformanceReport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance of the Java implementation to every conformance model of the catalogue: every edge of
 * the reachable state graph replayed on the Java steps, every disabled action refused. The model's
 * vacuity gate runs first, on the same graph.
 */
class CatalogueConformanceTest {

    private static Catalogue catalogue() {
        return Catalogue.load(SpecRoot.specDir());
    }

    @TestFactory
    Stream<DynamicTest> everyEdgeOfEveryConformanceModelIsReproducedByTheJavaSteps() {
        List<CatalogueEntry> models = ConformRunner.conformanceModels(catalogue());
        assertFalse(models.isEmpty(), "no conformance model in the catalogue");
        return models.stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            // The vacuity gate on the same graph (CatalogueVacuityTest gates the models without a binding).
            ConformRunner.Result res = new ConformRunner(SpecRoot.specDir()).run(m, line -> {},
                    g -> CatalogueVacuityTest.gate(SpecRoot.specDir(), m, g));
            ConformanceReport r = res.report();
            System.out.printf("conform %s (explored in %.1f s)%n", r.summary(), res.exploreSeconds());
            if (!r.ok()) fail(r.describe());
            assertEquals(r.edges(), r.coveredEdges());
            assertTrue(r.disabledChecked() > 0, "disabled actions were checked too");
        }));
    }
}
