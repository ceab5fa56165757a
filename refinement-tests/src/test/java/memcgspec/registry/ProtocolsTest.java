package memcgspec.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Protocol;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.StateGraph;
import memcgspec.trace.ActionLabel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The registry ties each protocol to its spec, and the ties hold: every current spec module is
 * registered; every spec action has exactly one Java action, with the spec's parameter names,
 * calling the step method of the same name; the Java invariants are the cfg's INVARIANTS (TypeOK
 * holds by the Java types) plus the checks marked Java-only; each protocol has its docs page,
 * setups and mutants.
 */
class ProtocolsTest {

    private static Catalogue catalogue() {
        return Catalogue.load(SpecRoot.specDir());
    }

    /** The CI model of each protocol's module. */
    private static Stream<Map.Entry<Protocol, CatalogueEntry>> ciModels() {
        List<Map.Entry<Protocol, CatalogueEntry>> l = new ArrayList<>();
        for (Protocol p : Protocols.ALL) {
            CatalogueEntry m = catalogue().ci().stream().filter(e -> e.spec().equals(p.module())).findFirst()
                    .orElseThrow(() -> new AssertionError("protocol " + p + ": no CI model of " + p.module() + " in the catalogue"));
            l.add(Map.entry(p, m));
        }
        return l.stream();
    }

    private static StateGraph open(CatalogueEntry m) {
        return StateGraph.open(m.moduleFile(SpecRoot.specDir()).getParent(), m.moduleName(), m.cfgFile(SpecRoot.specDir()));
    }

    /** Every current-protocol module (not history/) in the catalogue is a conformance target. */
    @Test
    void everyCurrentProtocolSpecIsRegistered() {
        for (CatalogueEntry m : catalogue().all()) {
            if (m.spec().startsWith("history/")) continue;
            assertTrue(Protocols.forModule(m.moduleName()).isPresent(), "module " + m.moduleName() + " is not in the registry");
        }
        assertEquals(Protocols.ALL.size(), Protocols.ALL.stream().map(Protocol::name).distinct().count(), "protocol names are unique");
    }

    /** Each spec action: one table entry, the spec's parameter names in the spec's order, a step method of its name. */
    @TestFactory
    Stream<DynamicTest> everySpecActionIsBoundOnceWithItsParametersToTheJavaMethodOfTheSameName() {
        return ciModels().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
            Protocol p = e.getKey();
            ActionTable table = p.actions();
            try (StateGraph g = open(e.getValue())) {
                Map<String, List<String>> specParams = new LinkedHashMap<>();
                for (ActionLabel l : g.actionLabels()) specParams.putIfAbsent(l.name(), List.copyOf(l.params().keySet()));
                // A model may leave an action out (Swap.cfg has no page-cache indexes, so no
                // AllocCache); the table still binds it for the models that have it.
                Set<String> unbound = new TreeSet<>(specParams.keySet());
                unbound.removeAll(table.actions().keySet());
                assertEquals(Set.of(), unbound, "spec actions without a Java action");
                specParams.forEach((name, params) -> assertEquals(params,
                        table.get(name).params().stream().map(ActionTable.Param::name).toList(), "parameters of " + name));
            }
            List<Class<?>> steps = p.stepClasses();
            assertFalse(steps.isEmpty(), p + " names no step class");
            Set<String> methods = steps.stream().flatMap(k -> Arrays.stream(k.getMethods()))
                    .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
            for (String a : table.actions().keySet()) assertTrue(methods.contains(a), "no Java step method named " + a + " in " + steps);
        }));
    }

    /** The Java invariants under the cfg's names: every INVARIANT but TypeOK, and nothing else unless marked Java-only. */
    @TestFactory
    Stream<DynamicTest> theJavaInvariantsAreTheCfgInvariants() {
        return ciModels().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
            List<String> cfg;
            try (StateGraph g = open(e.getValue())) {
                cfg = new ArrayList<>(g.invariantNames());
            }
            assertTrue(cfg.remove("TypeOK"), "the cfg checks TypeOK");
            List<String> java = e.getKey().invariants().stream().filter(i -> !i.javaOnly()).map(Invariant::name).toList();
            assertEquals(new TreeSet<>(cfg), new TreeSet<>(java), e.getKey() + ": Java invariants vs " + e.getValue().cfg());
        }));
    }

    @Test
    void everyProtocolHasItsDocsPageSetupsAndMutants() {
        for (Protocol p : Protocols.ALL) {
            assertTrue(Files.isRegularFile(SpecRoot.specDir().resolveSibling("docs").resolve(p.docsPage())), p + ": docs/" + p.docsPage());
            assertFalse(p.setups().isEmpty(), p + " has property setups");
            assertFalse(p.mutants().isEmpty(), p + " has spec mutants");
            for (Protocol.Mutant mu : p.mutants()) assertEquals(p.module(), mu.module(), mu.name());
        }
    }
}
