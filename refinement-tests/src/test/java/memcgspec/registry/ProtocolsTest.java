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

    /** The CI models of each protocol's module (Swap has one per accounting mode). */
    private static Stream<Map.Entry<Protocol, CatalogueEntry>> ciModels() {
        List<Map.Entry<Protocol, CatalogueEntry>> l = new ArrayList<>();
        for (Protocol p : Protocols.ALL) {
            List<CatalogueEntry> ms = catalogue().ci().stream().filter(e -> e.spec().equals(p.module())).toList();
            if (ms.isEmpty()) throw new AssertionError("protocol " + p + ": no CI model of " + p.module() + " in the catalogue");
            for (CatalogueEntry m : ms) l.add(Map.entry(p, m));
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
        return ciModels().map(e -> DynamicTest.dynamicTest(e.getValue().name(), () -> {
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

    /** Every INVARIANT but TypeOK of protocol p's CI models. */
    private static Set<String> cfgInvariants(Protocol p) throws Exception {
        Set<String> cfg = new TreeSet<>();
        for (Map.Entry<Protocol, CatalogueEntry> e : ciModels().filter(e -> e.getKey() == p).toList()) {
            List<String> names;
            try (StateGraph g = open(e.getValue())) {
                names = new ArrayList<>(g.invariantNames());
            }
            assertTrue(names.remove("TypeOK"), e.getValue().name() + " checks TypeOK");
            cfg.addAll(names);
        }
        return cfg;
    }

    /**
     * The Java invariants under the cfgs' names: every INVARIANT but TypeOK of the protocol's CI
     * models (a model may leave out a property of the other accounting mode: Swap.cfg checks the
     * cgroup v1 ones, Swap_v2.cfg the v2 ones), and nothing else unless marked Java-only or checked by
     * the CI models of a protocol this one is built on (Migrate's models leave out the swap properties
     * that cannot fail on their one slot, e.g. SwapCacheUnique; Swap's models check them, and the Java
     * property runs of migration, with many slots, keep them).
     */
    @TestFactory
    Stream<DynamicTest> theJavaInvariantsAreTheCfgInvariants() {
        return Protocols.ALL.stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
            Set<String> cfg = cfgInvariants(p);
            Set<String> java = new TreeSet<>(p.invariants().stream().filter(i -> !i.javaOnly()).map(Invariant::name).toList());
            assertTrue(java.containsAll(cfg), p + ": CI-model INVARIANTS without a Java check: " + minus(cfg, java));
            Set<String> base = new TreeSet<>();
            for (Protocol q : Protocols.ALL)
                if (q != p && partKinds(p).containsAll(partKinds(q))) base.addAll(cfgInvariants(q));
            Set<String> extra = minus(java, cfg);
            assertEquals(Set.of(), minus(extra, base), p + ": Java invariants no CI model (of it or of a protocol it builds on) checks");
        }));
    }

    /**
     * A protocol's parts by class: a protocol builds on another when it has a part of each of the
     * other's classes (Stock's KmemPart is Kmem's without the charge and uncharge it replaces).
     */
    private static List<Class<?>> partKinds(Protocol p) {
        return p.parts().stream().<Class<?>>map(Object::getClass).toList();
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> r = new TreeSet<>(a);
        r.removeAll(b);
        return r;
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
