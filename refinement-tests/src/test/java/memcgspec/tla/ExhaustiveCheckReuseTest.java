package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mutant's run reuses what its unmutated model established ({@link ExhaustiveCheck.Known}) only for the checks
 * its change cannot reach: a changed invariant or property is evaluated again in the states and on the steps the
 * baseline knew, and the verdicts are those of a run without reuse.
 */
class ExhaustiveCheckReuseTest {

    /** x counts to 3 and resets, flipping y; two invariants and one action property, all holding. */
    private static final String MODULE = """
            ---- MODULE Reuse ----
            EXTENDS Naturals
            VARIABLES x, y
            vars == <<x, y>>
            Init == x = 0 /\\ y = 0
            Inc == x < 3 /\\ x' = x + 1 /\\ y' = y
            Reset == x = 3 /\\ x' = 0 /\\ y' = 1 - y
            Next == Inc \\/ Reset
            Spec == Init /\\ [][Next]_vars
            Small == x <= 3
            Flip == y \\in {0, 1}
            Moves == [][x' = x + 1 \\/ x' = 0]_vars
            ====
            """;
    private static final String CFG = "SPECIFICATION Spec\nINVARIANTS Small Flip\nPROPERTY Moves\n";

    @TempDir
    Path tmp;

    private Path write(String name, String module) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("Reuse.tla"), module);
        Files.writeString(dir.resolve("Reuse.cfg"), CFG);
        return dir;
    }

    private ExhaustiveCheck.Known baseline() throws IOException {
        Path dir = write("base", MODULE);
        ExhaustiveCheck.Known known = new ExhaustiveCheck.Known();
        ExhaustiveCheck.Report r = ExhaustiveCheck.baseline(dir, "Reuse", dir.resolve("Reuse.cfg"), 1000, known);
        assertEquals(Set.of(), r.violated());
        assertEquals(8, r.states());
        assertTrue(known.complete());
        assertEquals(8, known.states());
        assertEquals(8, known.steps());
        return known;
    }

    /** The mutant's report with and without reuse: the same verdicts; returns the one with reuse. */
    private ExhaustiveCheck.Report mutant(String name, String from, String to) throws IOException {
        String text = MODULE.replace(from, to);
        assertTrue(!text.equals(MODULE), from);
        return mutantText(name, MODULE, text);
    }

    private ExhaustiveCheck.Report mutantText(String name, String original, String text) throws IOException {
        ExhaustiveCheck.Known known = baseline();
        Path dir = write(name, text);
        ExhaustiveCheck.Report plain = ExhaustiveCheck.run(dir, "Reuse", dir.resolve("Reuse.cfg"), 1000, Map.of());
        ExhaustiveCheck.Report reused = ExhaustiveCheck.run(dir, "Reuse", dir.resolve("Reuse.cfg"), 1000, Map.of(), known,
                ExhaustiveCheck.Change.between("Reuse", original, text));
        assertEquals(plain.violations(), reused.violations(), name);
        assertEquals(plain.states(), reused.states(), name);
        assertEquals(0, plain.reused());
        return reused;
    }

    @Test
    void aChangedInvariantIsEvaluatedAgainInTheKnownStates() throws IOException {
        // Every state is known, and every one of them was checked against the old Small.
        ExhaustiveCheck.Report r = mutant("invariant", "Small == x <= 3", "Small == x <= 2");
        assertEquals(Set.of("Small"), r.violated());
        assertEquals(8, r.states());
        assertTrue(r.reused() > 0, "Flip and Moves were not evaluated again: " + r.reused());
    }

    @Test
    void aChangedPropertyIsEvaluatedAgainOnTheKnownSteps() throws IOException {
        ExhaustiveCheck.Report r = mutant("property", "Moves == [][x' = x + 1 \\/ x' = 0]_vars", "Moves == [][x' = x + 1]_vars");
        assertEquals(Set.of("Moves"), r.violated());
        assertEquals(16, r.reused(), "both invariants skipped in all 8 states");
    }

    @Test
    void aChangedActionReusesEveryCheckWhereTheBaselineEstablishedIt() throws IOException {
        // Reset keeps y: only the four states with y = 0 are reached, all known; the reset step (3, 0) -> (0, 0)
        // is new (the baseline's went to (0, 1)), so Moves is evaluated there, and only there.
        ExhaustiveCheck.Report r = mutant("action", "y' = 1 - y", "y' = y");
        assertEquals(Set.of(), r.violated());
        assertEquals(4, r.states());
        assertEquals(4 * 2 + 3, r.reused(), "2 invariants in 4 known states, Moves on the 3 known Inc steps");
    }

    @Test
    void aNewStateIsCheckedInFull() throws IOException {
        // Inc goes one further and Reset follows it: x = 4 is new, and Small fails there.
        String text = MODULE.replace("Inc == x < 3", "Inc == x < 4").replace("Reset == x = 3", "Reset == x >= 3");
        ExhaustiveCheck.Report r = mutantText("new-state", MODULE, text);
        assertEquals(Set.of("Small"), r.violated());
        assertEquals(10, r.states());
    }

    @Test
    void aChangeIsTheLinesBetweenTheFirstAndTheLastDifference() {
        assertEquals(new ExhaustiveCheck.Change("M", 2, 2), ExhaustiveCheck.Change.between("M", "a\nb\nc\n", "a\nB\nc\n"));
        assertEquals(new ExhaustiveCheck.Change("M", 1, 3), ExhaustiveCheck.Change.between("M", "a\nb\nc\n", "A\nb\nC\n"));
        assertEquals(new ExhaustiveCheck.Change("M", 2, 2), ExhaustiveCheck.Change.between("M", "a\nbx\nc\n", "a\nb\nc\n"));
        assertEquals(new ExhaustiveCheck.Change("M", 3, 3), ExhaustiveCheck.Change.between("M", "a\nb\nc\n", "a\nb\nx\nc\n"));
    }
}
