package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import memcgspec.conform.Toy;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;
import org.junit.jupiter.api.Test;
import tlc2.tool.TLCState;

/** The loaded-spec session: model facts, TLC-level operations on single states, the JVM-wide spec lock. */
class SpecSessionTest {
    static final V.Model C1 = V.model("c1"), C2 = V.model("c2");

    static SpecSession counter(String cfg) {
        return SpecSession.open(Toy.dir(), "Counter", Toy.dir().resolve(cfg));
    }

    static Map<String, Object> vars(int x, String pc1, String pc2) {
        return Map.of("x", x, "tmp", V.fcn(Map.of(C1, 0, C2, 0)), "pc", V.fcn(Map.of(C1, pc1, C2, pc2)));
    }

    @Test
    void exposesTheModelFacts() {
        try (SpecSession s = counter("Counter.cfg")) {
            assertEquals("Counter", s.modelName());
            assertEquals(Map.of("CPUs", V.set(C1, C2), "Max", 2), s.constants());
            assertEquals(List.of("CPUs", "Max"), List.copyOf(s.constants().keySet()), "declaration order");
            assertEquals(List.of("x", "tmp", "pc"), s.variables());
            assertEquals(List.of("Read", "Write", "Add", "Reset"), s.actionNames());
            assertEquals(List.of("TypeOK"), s.invariantNames());
            // Read and Write for each CPU, Add for each CPU and n, Reset: 2 + 2 + 4 + 1.
            assertEquals(9, s.actionLabels().size());
            assertEquals(9, new HashSet<>(s.actionLabels()).size(), "each label once");
            assertEquals(ActionLabel.of("Read", "c", C1), s.actionLabels().get(0));
            assertEquals(ActionLabel.of("Reset"), s.actionLabels().get(8));
            assertTrue(s.actionLabels().contains(ActionLabel.of("Add", "c", C2, "n", 2)));
            assertThrows(UnsupportedOperationException.class, () -> s.variables().add("y"));
            assertThrows(UnsupportedOperationException.class, () -> s.constants().put("Max", 3));
        }
    }

    @Test
    void computesInitialStatesAndLabelledSuccessors() {
        try (SpecSession s = counter("Counter.cfg")) {
            List<TLCState> init = s.initialStates();
            assertEquals(1, init.size());
            assertEquals(vars(0, "idle", "idle"), s.varsOf(init.get(0)));
            assertEquals(s.variables(), List.copyOf(s.varsOf(init.get(0)).keySet()), "vars in declaration order");

            List<SpecSession.Successor> succ = s.successors(init.get(0));
            List<ActionLabel> labels = new ArrayList<>();
            for (SpecSession.Successor t : succ) labels.add(t.label());
            // Write and Reset are disabled in the initial state; the rest in TLC's action order.
            assertEquals(List.of(ActionLabel.of("Read", "c", C1), ActionLabel.of("Read", "c", C2),
                    ActionLabel.of("Add", "c", C1, "n", 1), ActionLabel.of("Add", "c", C2, "n", 1),
                    ActionLabel.of("Add", "c", C1, "n", 2), ActionLabel.of("Add", "c", C2, "n", 2)), labels);
            SpecSession.Successor read = succ.get(0);
            assertEquals(vars(0, "read", "idle"), s.varsOf(read.state()));
            SpecSession.Successor add2 = succ.get(labels.indexOf(ActionLabel.of("Add", "c", C2, "n", 2)));
            assertEquals(vars(2, "idle", "idle"), s.varsOf(add2.state()));

            // From x = 2 only Reset is enabled (Read needs x < Max, Add x + n <= Max).
            List<SpecSession.Successor> fromTwo = s.successors(add2.state());
            assertEquals(1, fromTwo.size());
            assertEquals(ActionLabel.of("Reset"), fromTwo.get(0).label());
            assertEquals(vars(0, "idle", "idle"), s.varsOf(fromTwo.get(0).state()));
        }
    }

    @Test
    void evaluatesInvariants() {
        try (SpecSession s = counter("Counter_nevertwo.cfg")) {
            assertEquals(List.of("TypeOK", "NeverTwo"), s.invariantNames());
            TLCState init = s.initialStates().get(0);
            assertEquals(Optional.empty(), s.violatedInvariant(init));
            TLCState two = s.successors(init).stream()
                    .filter(t -> t.label().equals(ActionLabel.of("Add", "c", C1, "n", 2))).findFirst().orElseThrow().state();
            assertEquals(Optional.of("NeverTwo"), s.violatedInvariant(two));
        }
    }

    @Test
    void labelsABehaviourWithoutAGraph() {
        try (SpecSession s = counter("Counter.cfg")) {
            var steps = new TraceLabeler(s).label(List.of(vars(0, "idle", "idle"), vars(0, "idle", "read"), vars(1, "idle", "read")));
            assertNull(steps.get(0).label());
            assertEquals(ActionLabel.of("Read", "c", C2), steps.get(1).label());
            assertEquals(ActionLabel.of("Add", "c", C1, "n", 1), steps.get(2).label());
        }
    }

    @Test
    void aSecondOpenOnTheSameThreadFailsAtOnce() {
        try (SpecSession s = counter("Counter.cfg")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> counter("Counter.cfg"));
            assertTrue(e.getMessage().contains("one spec per JVM"), e.getMessage());
            // A graph is a session too.
            assertThrows(IllegalStateException.class, () -> StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg")));
            assertEquals("Counter", s.modelName(), "the open session is unaffected");
            assertEquals(1, s.initialStates().size());
        }
        try (StateGraph g = StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg"))) {
            assertThrows(IllegalStateException.class, () -> counter("Counter.cfg"));
        }
    }

    @Test
    void anotherThreadWaitsUntilTheSessionIsClosed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> other;
        try (SpecSession s = counter("Counter.cfg")) {
            other = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                try (SpecSession t = SpecSession.open(Toy.dir(), "Nondet", Toy.dir().resolve("Nondet.cfg"))) {
                    return t.modelName();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread.sleep(300);
            assertFalse(other.isDone(), "the other thread waits for the lock");
            assertEquals(1, s.initialStates().size(), "and did not replace this session's spec");
        }
        assertEquals("Nondet", other.get(60, TimeUnit.SECONDS));
        // Both closed: this thread opens again.
        try (SpecSession s = counter("Counter.cfg")) {
            assertEquals("Counter", s.modelName());
        }
    }

    @Test
    void closeIsIdempotentAndEndsTheSession() {
        SpecSession s = counter("Counter.cfg");
        TLCState init = s.initialStates().get(0);
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, s::initialStates);
        assertThrows(IllegalStateException.class, () -> s.successors(init));
        assertEquals("Counter", s.modelName(), "the facts stay readable");
        // The lock was released once (a double release would let two sessions in).
        try (SpecSession t = counter("Counter.cfg")) {
            assertThrows(IllegalStateException.class, () -> counter("Counter.cfg"));
        }
    }

    @Test
    void badInputReleasesTheLock() {
        Path dir = Toy.dir();
        assertThrows(IllegalArgumentException.class, () -> SpecSession.open(dir, "NoSuch", dir.resolve("Counter.cfg")));
        assertThrows(IllegalArgumentException.class, () -> SpecSession.open(dir, "Counter", dir.resolve("NoSuch.cfg")));
        assertThrows(IllegalArgumentException.class, () -> SpecSession.open(dir, "Counter", dir.resolve("Counter.tla")));
        try (SpecSession s = counter("Counter.cfg")) {
            assertEquals(3, s.variables().size());
        }
    }

    /** The vacuity gate's toy (vacuity-toy/Lamp.tla): Replace has no instance with Bulbs = {}. */
    @Test
    void evaluatesStatePredicatesAndListsNextsActionsAsWritten() {
        Path dir;
        try {
            dir = Path.of(SpecSessionTest.class.getResource("/vacuity-toy/Lamp.tla").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (SpecSession s = SpecSession.open(dir, "Lamp", dir.resolve("Lamp.cfg"))) {
            assertEquals(List.of("Up", "Down", "Burst"), s.actionNames(), "TLC makes no Replace: Bulbs = {}");
            assertEquals(List.of("Up", "Down", "Burst", "Replace"), s.nextActionNames());
            assertEquals(List.of("TypeOK", "LowIsDim", "OffWhenDark"), s.invariantNames());
            assertEquals(List.of("Bright"), s.propertyNames());
            TLCState init = s.initialStates().get(0);
            assertTrue(s.holds("Dark", init));
            assertTrue(s.holds("Low", init));
            TLCState up = s.successors(init).get(0).state();
            assertFalse(s.holds("Dark", up));
            SpecSession.StatePredicate low = s.statePredicate("Low");
            assertEquals("Low", low.name());
            assertTrue(s.holds(low, up));
            assertTrue(s.refersTo("LowIsDim", "Low"));
            assertTrue(s.refersTo("OffWhenDark", "Dark"));
            assertFalse(s.refersTo("OffWhenDark", "Low"));
            assertThrows(IllegalArgumentException.class, () -> s.statePredicate("Nope"));
            assertThrows(IllegalArgumentException.class, () -> s.refersTo("Nope", "Low"));
        }
    }
}
