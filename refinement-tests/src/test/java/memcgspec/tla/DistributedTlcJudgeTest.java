package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import memcgspec.tla.TlcResult.Kind;
import memcgspec.tla.TlcResult.Outcome;
import memcgspec.tla.TlcResult.TraceState;
import memcgspec.trace.V;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a violation found by a distributed-TLC worker is judged (TLC 2.18's server prints the last two states, or one
 * for a deadlock, and no name): on a toy spec, in-process, each kind of check named as TLC names it, a harmless step
 * named nothing, and the liveness properties that distributed TLC would silently skip found.
 */
class DistributedTlcJudgeTest {
    @TempDir
    Path dir;

    static final String TOY = """
            ---- MODULE Toy ----
            EXTENDS Naturals
            CONSTANTS Procs
            VARIABLES x, y
            vars == <<x, y>>
            Init == x = 0 /\\ y = [p \\in Procs |-> 0]
            Inc == x < 4 /\\ x' = x + 1 /\\ UNCHANGED y
            Bump(p) == y[p] < 2 /\\ y' = [y EXCEPT ![p] = @ + 1] /\\ UNCHANGED x
            Next == Inc \\/ \\E p \\in Procs : Bump(p)
            Spec == Init /\\ [][Next]_vars
            Small == x < 3
            YSmall == \\A p \\in Procs : y[p] < 5
            Mono == [][x' >= x]_vars
            Down == [][x' <= x]_vars
            Reach10 == <>(x = 10)
            ====
            """;

    private Path cfg(String name, String invariants, String props, boolean deadlock) throws IOException {
        Files.writeString(dir.resolve("Toy.tla"), TOY);
        return Files.writeString(dir.resolve(name + ".cfg"), "CONSTANTS Procs = {p1, p2}\nSPECIFICATION Spec\n"
                + "INVARIANTS " + invariants + "\n" + props + (deadlock ? "" : "CHECK_DEADLOCK FALSE\n"));
    }

    private static TraceState state(int x, int y1, int y2) {
        LinkedHashMap<String, Object> vars = new LinkedHashMap<>();
        vars.put("x", x);
        vars.put("y", V.fcn(java.util.Map.of(V.model("p1"), y1, V.model("p2"), y2)));
        return new TraceState(1, TraceState.INITIAL, vars);
    }

    @Test
    void theLastStateAndStepAreJudgedAsTlcJudgesThem() throws IOException {
        try (SpecSession s = SpecSession.open(dir, "Toy", cfg("judge", "YSmall Small", "PROPERTIES Mono Down\n", true))) {
            assertEquals(List.of(), s.livenessProperties());
            assertTrue(s.checksDeadlock());
            // x = 3 breaks Small (YSmall, listed first, holds): the invariant is named, before the step's properties.
            assertEquals(new Outcome.Violates("Small", Kind.INVARIANT), DistributedTlc.judge(List.of(state(2, 0, 0), state(3, 0, 0)), s));
            // 0 -> 1 breaks Down (not Mono): the action property is named.
            assertEquals(new Outcome.Violates("Down", Kind.ACTION_PROPERTY), DistributedTlc.judge(List.of(state(0, 0, 0), state(1, 0, 0)), s));
            // x = 4 and y at 2 everywhere: no action is enabled, but Small is violated first, as TLC would say.
            assertEquals(new Outcome.Violates("Small", Kind.INVARIANT), DistributedTlc.judge(List.of(state(4, 2, 2)), s));
            // A step that breaks nothing, to a state with successors: no verdict is made up.
            Outcome none = DistributedTlc.judge(List.of(state(0, 0, 0), state(0, 1, 0)), s);
            assertInstanceOf(Outcome.Error.class, none);
            assertTrue(((Outcome.Error) none).message().contains("break no invariant"), none.toString());
            // A state that is not one of the spec's (a variable missing) is refused, not judged.
            LinkedHashMap<String, Object> partial = new LinkedHashMap<>();
            partial.put("x", 1);
            assertThrows(IllegalArgumentException.class, () -> s.stateOf(partial));
        }
    }

    @Test
    void aStuckStateIsADeadlockWhenTheCfgChecksDeadlock() throws IOException {
        try (SpecSession s = SpecSession.open(dir, "Toy", cfg("dead", "YSmall", "", true))) {
            assertInstanceOf(Outcome.Deadlock.class, DistributedTlc.judge(List.of(state(4, 2, 2)), s));
            assertInstanceOf(Outcome.Error.class, DistributedTlc.judge(List.of(state(3, 2, 2)), s));
        }
        try (SpecSession s = SpecSession.open(dir, "Toy", cfg("nodead", "YSmall", "", false))) {
            assertEquals(false, s.checksDeadlock());
            assertInstanceOf(Outcome.Error.class, DistributedTlc.judge(List.of(state(4, 2, 2)), s));
        }
    }

    @Test
    void livenessPropertiesAreFound() throws IOException {
        try (SpecSession s = SpecSession.open(dir, "Toy", cfg("live", "YSmall", "PROPERTIES Mono Reach10\n", true))) {
            assertEquals(List.of("Reach10"), s.livenessProperties());
        }
    }

    @Test
    void theCatalogueRefinementsAreSafetyAndTheMuseumTerminationIsLiveness() {
        Path spec = SpecRoot.specDir();
        try (SpecSession s = SpecSession.open(spec, "Stock", spec.resolve("Stock_kmem_refinement.cfg"))) {
            assertEquals(List.of(), s.livenessProperties());
        }
        try (SpecSession s = SpecSession.open(spec.resolve("history"), "SwapinCharge2009", spec.resolve("history/SwapinCharge2009_prefix.cfg"))) {
            assertEquals(List.of("Termination"), s.livenessProperties());
        }
    }
}
