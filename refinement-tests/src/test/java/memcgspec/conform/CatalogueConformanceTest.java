package memcgspec.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.StateGraph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance of the Java implementation to every conformance model of the catalogue: every edge of
 * the reachable state graph replayed on the Java steps, every disabled action refused.
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
            ConformRunner.Result res = new ConformRunner(SpecRoot.specDir()).run(m, line -> {});
            ConformanceReport r = res.report();
            System.out.printf("conform %s (explored in %.1f s)%n", r.summary(), res.exploreSeconds());
            if (!r.ok()) fail(r.describe());
            assertEquals(r.edges(), r.coveredEdges());
            assertTrue(r.disabledChecked() > 0, "disabled actions were checked too");
        }));
    }

    /** Every current-protocol module (not history/) in the catalogue is a conformance target. */
    @Test
    void everyCurrentProtocolSpecHasABinding() {
        for (CatalogueEntry m : catalogue().all()) {
            if (m.spec().startsWith("history/")) continue;
            assertTrue(Bindings.forModule(m.moduleName()).isPresent(), "module " + m.moduleName() + " has no Java binding");
        }
    }

    /** Every action of a bound spec has a binding, calling the Java step method of the same name. */
    @TestFactory
    Stream<DynamicTest> everySpecActionIsBoundToTheJavaMethodOfTheSameName() {
        return ConformRunner.conformanceModels(catalogue()).stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            Binding<?> b = Bindings.forModule(m.moduleName()).orElseThrow();
            try (StateGraph g = StateGraph.open(m.moduleFile(SpecRoot.specDir()).getParent(), m.moduleName(),
                    m.cfgFile(SpecRoot.specDir()))) {
                Set<String> actions = new TreeSet<>(g.actionNames());
                // A model may leave an action out (Swap.cfg has no page-cache indexes, so no
                // AllocCache); the binding still binds it for the models that have it.
                Set<String> unbound = new TreeSet<>(actions);
                unbound.removeAll(b.boundActions());
                assertEquals(Set.of(), unbound, "spec actions without a binding");
                List<Class<?>> steps = b.stepClasses();
                assertFalse(steps.isEmpty(), "binding " + b.getClass().getSimpleName() + " names no step class");
                Set<String> methods = steps.stream().flatMap(k -> Arrays.stream(k.getMethods()))
                        .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
                for (String a : b.boundActions()) {
                    assertTrue(methods.contains(a), "no Java step method named " + a + " in " + steps);
                }
            }
        }));
    }
}
