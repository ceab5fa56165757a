package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vacuity gate on its toy (resources vacuity-toy/Lamp.tla: 21 states, Up and Down fire 20 times
 * each, Burst never, Replace has no instance with Bulbs = {}).
 */
class VacuityGateTest {

    static Path toyDir() {
        try {
            return Paths.get(VacuityGateTest.class.getResource("/vacuity-toy/Lamp.tla").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String MODEL = """
            CONSTANTS
              Max = 20
              Bulbs = {}
            SPECIFICATION Spec
            INVARIANTS TypeOK LowIsDim OffWhenDark
            PROPERTY Bright
            """;

    @TempDir
    Path dir;

    /** The gate on Lamp.tla with a cfg made of the annotation lines and {@link #MODEL}. */
    VacuityGate.Report gate(String... annotations) throws Exception {
        Files.copy(toyDir().resolve("Lamp.tla"), dir.resolve("Lamp.tla"), StandardCopyOption.REPLACE_EXISTING);
        Path cfg = dir.resolve("Lamp.cfg");
        Files.writeString(cfg, String.join("\n", annotations) + "\n" + MODEL);
        VacuityAnnotations a = VacuityAnnotations.read(cfg);
        try (StateGraph g = StateGraph.explore(dir, "Lamp", cfg, 1000)) {
            return VacuityGate.check("lamp", g, a);
        }
    }

    static String problem(VacuityGate.Report r) {
        assertEquals(1, r.problems().size(), r.describe());
        return r.problems().get(0);
    }

    @Test
    void theToyModelPassesAndReportsItsCounts() {
        Path cfg = toyDir().resolve("Lamp.cfg");
        try (StateGraph g = StateGraph.explore(toyDir(), "Lamp", cfg, 1000)) {
            VacuityGate.Report r = VacuityGate.check("lamp", g, VacuityAnnotations.read(cfg));
            assertTrue(r.ok(), r.describe());
            Map<String, Long> expected = new LinkedHashMap<>();
            expected.put("Up", 20L);
            expected.put("Down", 20L);
            expected.put("Burst", 0L);
            expected.put("Replace", 0L);
            assertEquals(expected, r.edgesPerAction());
            assertEquals(List.of("Burst", "Replace"), r.neverFired());
            assertEquals(21, r.states());
            assertEquals(40, r.edges());
            assertEquals(1, r.windows().size());
            assertEquals(11, r.windows().get(0).states(), "Low: levels 0..10");
            assertTrue(r.windows().get(0).reached());
            assertTrue(r.describe().contains("window LowIsDim Low: 11 of 21 states (min 10)"), r.describe());
        }
    }

    @Test
    void anActionThatNeverFiresFailsUnlessAnnotated() throws Exception {
        String p = problem(gate("\\* vacuity: unused-action Replace -- no bulbs"));
        assertTrue(p.startsWith("lamp: action Burst labels no edge of the reachable state graph (21 states, 40 edges)"), p);
        assertTrue(p.endsWith("\\* vacuity: unused-action Burst -- <reason>"), p);
        // An action with no instance at all (its \E ranges over an empty set) is an action of Next too.
        p = problem(gate("\\* vacuity: unused-action Burst -- never"));
        assertTrue(p.startsWith("lamp: action Replace labels no edge"), p);
    }

    @Test
    void anUnusedActionThatFiresIsStale() throws Exception {
        VacuityGate.Report r = gate("\\* vacuity: unused-action Burst -- never",
                "\\* vacuity: unused-action Replace -- no bulbs",
                "\\* vacuity: unused-action Up -- stale");
        String p = problem(r);
        assertTrue(p.matches("lamp: .*Lamp\\.cfg:3: unused-action Up labels 20 edge\\(s\\) of the state graph: it fires, remove the annotation"), p);
    }

    @Test
    void anUnusedActionMustBeAnActionOfNext() throws Exception {
        String p = problem(gate("\\* vacuity: unused-action Burst -- never",
                "\\* vacuity: unused-action Replace -- no bulbs",
                "\\* vacuity: unused-action Blink -- typo"));
        assertTrue(p.endsWith("unused-action Blink names no action of Next (its actions: Up, Down, Burst, Replace)"), p);
    }

    static final String[] UNUSED = {"\\* vacuity: unused-action Burst -- never", "\\* vacuity: unused-action Replace -- no bulbs"};

    String windowProblem(String window) throws Exception {
        return problem(gate(UNUSED[0], UNUSED[1], window));
    }

    @Test
    void aWindowReachedInTooFewStatesFails() throws Exception {
        String p = windowProblem("\\* vacuity: window OffWhenDark Dark 10");
        assertTrue(p.matches("lamp: .*Lamp\\.cfg:3: window OffWhenDark Dark: Dark holds in 1 of 21 reachable states, fewer than the threshold 10"), p);
        p = windowProblem("\\* vacuity: window LowIsDim Low 12");
        assertTrue(p.endsWith("Low holds in 11 of 21 reachable states, fewer than the threshold 12"), p);
    }

    @Test
    void aWindowNeedsAStatePredicateOfTheSpec() throws Exception {
        assertTrue(windowProblem("\\* vacuity: window LowIsDim Nope 10").endsWith("window LowIsDim Nope: module Lamp defines no operator Nope"));
        assertTrue(windowProblem("\\* vacuity: window LowIsDim TRUE 10").endsWith("module Lamp defines no operator TRUE"));
        assertTrue(windowProblem("\\* vacuity: window LowIsDim Dim 10").endsWith("operator Dim of module Lamp takes 1 argument(s): a state predicate takes none"));
        assertTrue(windowProblem("\\* vacuity: window LowIsDim Moved 10").endsWith("operator Moved of module Lamp is not a state predicate (it is an action or a temporal formula)"));
        assertTrue(windowProblem("\\* vacuity: window LowIsDim Bright 10").contains("is not a state predicate"));
        assertTrue(windowProblem("\\* vacuity: window LowIsDim Level 10").endsWith("operator Level is not a predicate: its value is 0"));
    }

    @Test
    void aWindowMustBelongToACheckedPropertyThatUsesIt() throws Exception {
        String p = windowProblem("\\* vacuity: window NoSuch Low 10");
        assertTrue(p.endsWith("the model checks no property NoSuch (INVARIANTS and PROPERTIES: TypeOK, LowIsDim, OffWhenDark, Bright)"), p);
        p = windowProblem("\\* vacuity: window OffWhenDark Low 10");
        assertTrue(p.endsWith("window OffWhenDark Low: OffWhenDark does not use Low: the annotation is stale, name the property's antecedent"), p);
    }
}
