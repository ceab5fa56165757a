package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import memcgspec.mutation.CfgChecks;
import memcgspec.mutation.MutantPool;
import memcgspec.mutation.MutantRunner;
import memcgspec.mutation.MutantsTable;
import memcgspec.protocol.Protocol;
import memcgspec.registry.Protocols;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.ExhaustiveCheck;
import memcgspec.tla.SpecRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The properties of the protocols' specs have teeth. Each mutant of the registry
 * ({@link Protocol#mutants()}: a museum race re-introduced into today's spec, or a plausible protocol bug)
 * is checked on each of its configurations against EVERY check (every INVARIANT, the PROPERTY Refinement,
 * deadlock) over the whole reachable graph ({@link MutantRunner}, in-process on TLC's evaluator), and
 * exactly the checks its verdict names must be violated. docs/mutants.md is their table, pinned here;
 * every property (not lemma) of every CI model must be violated by some mutant.
 *
 * <p>Run: {@code ./mvnw -B -o -pl impl,refinement-tests test -Dtest=SpecMutationTest -Dsurefire.failIfNoSpecifiedTests=false}; add
 * {@code -Dmemcgspec.updateDocs=true} to rewrite docs/mutants.md's generated block.
 */
class SpecMutationTest {

    @TempDir
    static Path tmp;

    /** Per mutant and configuration: seconds taken; printed after the run. */
    private static final Map<String, Double> TIMES = new LinkedHashMap<>();
    private static long classStart;
    private static long lastEnd;

    @BeforeAll
    static void start() {
        classStart = System.nanoTime();
    }

    private static List<Protocol> protocols() {
        return Protocols.ALL;
    }

    private static List<Protocol.Mutant> mutants() {
        return protocols().stream().flatMap(p -> p.mutants().stream()).toList();
    }

    /** Every configuration a mutant is checked on, with its module. */
    private static Map<String, String> mutationModels() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Protocol.Mutant mu : mutants())
            for (Protocol.Mutant.Verdict v : mu.verdicts()) m.put(v.cfg(), MutantRunner.rootModule(v.cfg(), SpecRoot.specDir(), mu.module()));
        return m;
    }

    /**
     * How many mutants run at once: this JVM plus child JVMs (TLC's evaluator holds one spec per JVM);
     * {@code -Dmemcgspec.mutants.workers=N}, by default 1. Two workers were slower on the shared 2-core
     * machine this was measured on (159 s against 102 s: the second JVM recomputes the baselines and
     * warms up its own JIT, and the cores were busy anyway); on an idle machine with free cores, try 2.
     */
    private static int workers() {
        return Integer.getInteger("memcgspec.mutants.workers", 1);
    }

    @TestFactory
    Stream<DynamicTest> everyMutantViolatesExactlyItsChecks() {
        List<MutantPool.Task> tasks = new ArrayList<>();
        // -Dmemcgspec.mutants.only=REGEX runs only the mutants whose name matches (when writing a verdict).
        String only = System.getProperty("memcgspec.mutants.only");
        for (Protocol.Mutant mu : mutants())
            for (Protocol.Mutant.Verdict v : mu.verdicts())
                if (only == null || mu.name().matches(only)) tasks.add(new MutantPool.Task(mu, v.cfg()));
        Map<MutantPool.Task, CompletableFuture<MutantPool.Result>> running = MutantPool.start(tasks, SpecRoot.specDir(), tmp, workers());
        List<DynamicTest> tests = new ArrayList<>();
        for (MutantPool.Task t : tasks) {
            Protocol.Mutant.Verdict v = t.mutant().verdicts().stream().filter(x -> x.cfg().equals(t.cfg())).findFirst().orElseThrow();
            tests.add(DynamicTest.dynamicTest(t.mutant().name() + " on " + t.cfg(), () -> {
                MutantPool.Result r = running.get(t).get();
                TIMES.put(t.mutant().name() + " on " + t.cfg() + " (" + r.worker() + ", " + r.states() + " states)", r.seconds());
                lastEnd = System.nanoTime();
                assertEquals(null, r.error(), t.mutant().name() + " on " + t.cfg());
                StringBuilder why = new StringBuilder();
                r.paths().forEach((check, path) -> why.append("\n  ").append(check).append(" after ").append(path));
                assertEquals(new LinkedHashSet<>(v.caughtBy()), new LinkedHashSet<>(r.violated()), t.mutant().name() + " on " + t.cfg()
                        + ": " + r.states() + " states, " + r.cut() + " cut; first violations:" + why);
            }));
        }
        return tests.stream();
    }

    /** Each mutation model, unmutated, holds every check: a violation there would say nothing about a mutant. */
    @TestFactory
    Stream<DynamicTest> everyMutationModelHoldsUnmutated() {
        Path spec = SpecRoot.specDir();
        return mutationModels().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            ExhaustiveCheck.Report r = MutantRunner.baseline(e.getValue(), e.getKey(), spec);
            assertEquals(Set.of(), r.violated(), e.getKey() + " unmutated");
            assertTrue(r.states() > 100, e.getKey() + ": only " + r.states() + " states");
        }));
    }

    /** Every from-text of every mutant occurs exactly once in today's spec (a spec change shows here first). */
    @Test
    void everyMutantAppliesToTodaysSpec() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Protocol.Mutant mu : mutants()) {
            String text = Files.readString(SpecRoot.specDir().resolve(mu.module() + ".tla"));
            try {
                assertFalse(mu.applyTo(text).equals(text), mu.name() + " changes nothing");
            } catch (IllegalArgumentException e) {
                broken.add(e.getMessage());
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void mutantNamesAreUniqueAndEveryModelIsATwinOfACiModel() {
        Set<String> names = new HashSet<>();
        List<String> ci = MutantsTable.ciModels(protocols(), SpecRoot.specDir()).stream().map(CatalogueEntry::cfg).toList();
        for (Protocol.Mutant mu : mutants()) {
            assertTrue(names.add(mu.name()), "duplicate mutant name " + mu.name());
            assertTrue(mu.name().matches("[a-z0-9-]+"), "mutant name " + mu.name());
            for (Protocol.Mutant.Verdict v : mu.verdicts())
                assertTrue(ci.contains(MutantsTable.ciModelOf(v.cfg())), mu.name() + ": " + v.cfg() + " is no twin (<CI>_mutants*.cfg) of a CI model " + ci);
        }
    }

    /**
     * A mutation twin checks exactly what its CI model checks: the same text from SPECIFICATION on (the
     * specification, symmetry, invariants with their properties/lemmas split, PROPERTY).
     */
    @Test
    void everyMutationTwinHasItsCiModelsChecks() throws IOException {
        Path spec = SpecRoot.specDir();
        for (String cfg : mutationModels().keySet()) {
            String twin = Files.readString(spec.resolve(cfg));
            String ci = Files.readString(spec.resolve(MutantsTable.ciModelOf(cfg)));
            assertEquals(ci.substring(ci.indexOf("SPECIFICATION")), twin.substring(twin.indexOf("SPECIFICATION")),
                    cfg + " must check what " + MutantsTable.ciModelOf(cfg) + " checks (copy its text from SPECIFICATION on)");
        }
    }

    /** The museum's races and the reference table's are all re-introduced, and each is caught. */
    @Test
    void everyMuseumRaceIsReintroducedAndCaught() {
        List<String> races = List.of("7a81b88cb53e", "355cfa73ddff", "c9e444103b5e", "03f3c433648a", "1f47b61fb407",
                "85d9fc89fb0f", "ac39cf8cb86c", "0a31bc97c80c", "b6038942480e", "73f576c04b94", "f1796544a0ca");
        for (String id : races)
            assertTrue(mutants().stream().anyMatch(mu -> mu.historical() && mu.reintroduces().contains(id)), "no mutant re-introduces " + id);
        assertTrue(mutants().stream().filter(mu -> mu.reintroduces().contains("1f47b61fb407")).count() >= 2, "1f47b61fb407 on v1 and v2");
        for (Protocol.Mutant mu : mutants())
            if (mu.historical())
                for (Protocol.Mutant.Verdict v : mu.verdicts())
                    assertFalse(v.caughtBy().isEmpty(), mu.name() + " (" + mu.reintroduces() + ") must fail a named check on " + v.cfg());
        assertTrue(mutants().stream().filter(mu -> !mu.historical()).count() >= 10, "at least ten plausible bugs");
    }

    /**
     * Every property of every CI model (the INVARIANTS before the cfg's {@code \* lemmas:} line, and the
     * PROPERTYs) is violated by some mutant on one of the model's twins: a property no mutant violates is a
     * vacuous check or an unlabelled lemma.
     */
    @Test
    void everyPropertyOfEveryCiModelIsViolatedByAMutant() {
        Path spec = SpecRoot.specDir();
        List<String> unbitten = new ArrayList<>();
        List<CatalogueEntry> models = MutantsTable.ciModels(protocols(), spec);
        assertFalse(models.isEmpty(), "no CI model of a protocol in the catalogue");
        for (CatalogueEntry e : models) {
            CfgChecks checks = CfgChecks.read(spec.resolve(e.cfg()));
            assertFalse(checks.nonLemmas().isEmpty(), e.cfg() + " has no property");
            Map<String, List<String>> biters = MutantsTable.biters(protocols(), e.cfg(), checks);
            for (String p : checks.nonLemmas()) if (biters.get(p).isEmpty()) unbitten.add(e.cfg() + ": " + p);
        }
        assertEquals(List.of(), unbitten, "properties no mutant violates (vacuous, or lemmas to move below '\\* lemmas:')");
    }

    /**
     * A lemma is implied by the properties (the cfgs list lemmas after {@code \* lemmas:}): no verdict names a
     * lemma without a property.
     */
    @Test
    void noMutantViolatesOnlyLemmas() {
        Path spec = SpecRoot.specDir();
        for (Protocol.Mutant mu : mutants())
            for (Protocol.Mutant.Verdict v : mu.verdicts()) {
                CfgChecks checks = CfgChecks.read(spec.resolve(v.cfg()));
                boolean lemma = v.caughtBy().stream().anyMatch(checks.lemmas()::contains);
                boolean property = v.caughtBy().stream().anyMatch(checks.nonLemmas()::contains);
                assertTrue(!lemma || property, mu.name() + " on " + v.cfg() + " violates lemmas only: " + v.caughtBy());
                for (String c : v.caughtBy())
                    assertTrue(checks.lemmas().contains(c) || checks.nonLemmas().contains(c) || c.equals(ExhaustiveCheck.DEADLOCK),
                            mu.name() + " on " + v.cfg() + ": " + c + " is no check of the model");
            }
    }

    /** docs/mutants.md's generated block is the registry's table. */
    @Test
    void docsTableIsCurrent() throws IOException {
        Path page = SpecRoot.root().resolve("docs").resolve("mutants.md");
        assertTrue(Files.isRegularFile(page), "missing " + page);
        String text = Files.readString(page, StandardCharsets.UTF_8);
        int b = text.indexOf(MutantsTable.BEGIN);
        int e = text.indexOf(MutantsTable.END);
        assertTrue(b >= 0 && e > b, page + " has no generated block " + MutantsTable.BEGIN.strip() + " ... " + MutantsTable.END);
        String current = text.substring(b + MutantsTable.BEGIN.length(), e);
        String fresh = MutantsTable.render(protocols(), SpecRoot.specDir());
        if (Boolean.getBoolean("memcgspec.updateDocs") && !fresh.equals(current)) {
            Files.writeString(page, text.substring(0, b + MutantsTable.BEGIN.length()) + fresh + text.substring(e), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(fresh, current, page + ": the generated table is stale; run ./mvnw -B -o -pl impl,refinement-tests test "
                + "-Dtest=SpecMutationTest#docsTableIsCurrent -Dsurefire.failIfNoSpecifiedTests=false -Dmemcgspec.updateDocs=true");
    }

    @AfterAll
    static void printTimes() {
        if (TIMES.isEmpty()) return;
        double sum = 0;
        StringBuilder b = new StringBuilder("SpecMutationTest: seconds per mutant and model\n");
        for (Map.Entry<String, Double> e : TIMES.entrySet()) {
            b.append(String.format("  %6.1f  %s%n", e.getValue(), e.getKey()));
            sum += e.getValue();
        }
        b.append(String.format("  %6.1f  total of %d mutant runs (%d workers); %.1f s from the start of the class to the last run, "
                + "the unmutated baselines included%n", sum, TIMES.size(), workers(), (lastEnd - classStart) / 1e9));
        System.out.print(b);
    }
}
