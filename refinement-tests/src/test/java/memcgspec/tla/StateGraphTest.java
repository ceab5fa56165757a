package memcgspec.tla;

import memcgspec.trace.V;
import memcgspec.trace.ActionLabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.conform.Toy;
import memcgspec.trace.Trace;
import org.junit.jupiter.api.Test;

class StateGraphTest {
    static final V.Model C1 = V.model("c1"), C2 = V.model("c2");

    @Test
    void exploresTheToyWithParameterisedLabels() {
        try (StateGraph g = Toy.graph("Counter", "Counter.cfg")) {
            assertEquals("Counter", g.modelName());
            assertEquals(Map.of("CPUs", V.set(C1, C2), "Max", 2), g.constants());
            assertEquals(List.of("x", "tmp", "pc"), g.variables());
            assertEquals(List.of("Read", "Write", "Add", "Reset"), g.actionNames());
            assertEquals(List.of("TypeOK"), g.invariantNames());
            assertEquals(9, g.actionLabels().size());
            assertTrue(g.actionLabels().contains(ActionLabel.of("Add", "c", C1, "n", 2)));
            assertEquals("Add(c1, 2)", ActionLabel.of("Add", "c", C1, "n", 2).toString());
            assertEquals("Reset", ActionLabel.of("Reset").toString());

            assertEquals(List.of(0), g.initialStates());
            StateGraph.State init = g.state(0);
            assertEquals(Map.of("x", 0, "tmp", V.fcn(Map.of(C1, 0, C2, 0)), "pc", V.fcn(Map.of(C1, "idle", C2, "idle"))),
                    init.vars());
            assertTrue(g.nondeterminism().isEmpty());
            assertTrue(g.invariantViolation().isEmpty());

            // In every state the labels split into edges (one successor each) and disabled ones.
            long edges = 0;
            for (StateGraph.State s : g.states()) {
                Set<ActionLabel> seen = new HashSet<>();
                for (StateGraph.Edge e : g.edges(s.index())) {
                    assertTrue(seen.add(e.label()), "one successor per label");
                    assertEquals(g.state(e.target()).vars(), e.successor(), "no symmetry: concrete = stored");
                }
                for (ActionLabel l : g.disabled(s.index())) assertTrue(seen.add(l));
                assertEquals(new HashSet<>(g.actionLabels()), seen);
                edges += g.edges(s.index()).size();
                // The tree path is concretely consistent and as long as the depth.
                List<Trace.Step> path = g.pathTo(s.index());
                assertEquals(s.depth() + 1, path.size());
                assertEquals(s.vars(), path.get(path.size() - 1).after());
            }
            assertEquals(g.edgeCount(), edges);
            // Hand count: from the initial state Read(c1), Read(c2), Add(c1,1), Add(c2,1), Add(c1,2), Add(c2,2).
            assertEquals(6, g.edges(0).size());
            assertEquals(List.of(ActionLabel.of("Write", "c", C1), ActionLabel.of("Write", "c", C2), ActionLabel.of("Reset")),
                    g.disabled(0));
        }
    }

    @Test
    void reportsTheFirstInvariantViolationWithAShortestPath() {
        try (StateGraph g = Toy.graph("Counter", "Counter_nevertwo.cfg")) {
            StateGraph.InvariantViolation v = g.invariantViolation().orElseThrow();
            assertEquals("NeverTwo", v.invariant());
            assertEquals(1, v.path().length());
            assertEquals(ActionLabel.of("Add", "c", C1, "n", 2), v.path().steps().get(1).label());
            assertEquals(2, v.path().last().get("x"));
        }
    }

    @Test
    void exploresTheSameGraphWithoutCheckingInvariants() {
        int size;
        long edges;
        try (StateGraph g = Toy.graph("Counter", "Counter_nevertwo.cfg")) {
            size = g.size();
            edges = g.edgeCount();
        }
        try (StateGraph g = StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter_nevertwo.cfg")).explore(1000, false)) {
            assertEquals(size, g.size());
            assertEquals(edges, g.edgeCount());
            IllegalStateException e = assertThrows(IllegalStateException.class, g::invariantViolation);
            assertTrue(e.getMessage().contains("without checking invariants"), e.getMessage());
        }
    }

    @Test
    void symmetryKeepsConcreteSuccessorsOnEdges() {
        int plain;
        try (StateGraph g = Toy.graph("Counter", "Counter.cfg")) {
            plain = g.size();
        }
        try (StateGraph g = Toy.graph("Counter", "Counter_sym.cfg")) {
            assertTrue(g.size() < plain, g.size() + " < " + plain);
            boolean permuted = false;
            for (StateGraph.State s : g.states())
                for (StateGraph.Edge e : g.edges(s.index()))
                    if (!e.successor().equals(g.state(e.target()).vars())) permuted = true;
            assertTrue(permuted, "some edge leads to a permutation of its stored target");
        }
    }

    @Test
    void findsNondeterministicLabels() {
        try (StateGraph g = Toy.graph("Nondet", "Nondet.cfg")) {
            assertFalse(g.nondeterminism().isEmpty());
            StateGraph.Nondeterminism n = g.nondeterminism().get(0);
            assertEquals(ActionLabel.of("Set", "c", C1), n.label());
            assertEquals(2, n.successors().size());
        }
    }

    @Test
    void boundsTheNumberOfStates() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StateGraph.explore(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg"), 5));
        assertTrue(e.getMessage().contains("more than 5 states"), e.getMessage());
        // The lock was released: the next graph opens.
        try (StateGraph g = Toy.graph("Counter", "Counter.cfg")) {
            assertTrue(g.size() > 5);
        }
    }

    @Test
    void oneGraphPerThreadAtATime() {
        try (StateGraph g = Toy.graph("Counter", "Counter.cfg")) {
            assertThrows(IllegalStateException.class, () -> StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg")));
            assertTrue(g.size() > 0);
        }
    }

    @Test
    void isBuiltOnItsSession() {
        StateGraph g = StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg"));
        SpecSession s = g.session();
        assertSame(s, g.session());
        // The model facts are the session's, available before exploring; the graph is not.
        assertEquals("Counter", g.modelName());
        assertEquals(s.actionLabels(), g.actionLabels());
        assertEquals(s.constants(), g.constants());
        assertEquals(s.variables(), g.variables());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::size);
        assertTrue(e.getMessage().contains("not explored yet"), e.getMessage());
        assertSame(g, g.explore(1_000));
        assertEquals(36, g.size());
        assertFalse(s.isClosed());
        g.close();
        assertTrue(s.isClosed(), "closing the graph closes its session");
        e = assertThrows(IllegalStateException.class, g::size);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        g.close();  // idempotent: the lock was released once, so one graph opens and a second is refused
        try (StateGraph h = Toy.graph("Counter", "Counter.cfg")) {
            assertThrows(IllegalStateException.class, () -> SpecSession.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg")));
        }
    }

    @Test
    void missingFilesAreBadInput() {
        assertThrows(IllegalArgumentException.class, () -> StateGraph.open(Toy.dir(), "NoSuch", Toy.dir().resolve("Counter.cfg")));
        assertThrows(IllegalArgumentException.class, () -> StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("NoSuch.cfg")));
    }

    @Test
    void loadsSpecsOneAfterAnother() {
        // Regression: TLC's interned names keep definition slots of the previous spec (see
        // SpecSession.forgetPreviousSpec); a module extending Sequences broke the next spec's "+".
        try (StateGraph g = Toy.graph("ValuesToy", "ValuesToy.cfg")) {
            assertEquals(1, g.size());
        }
        try (StateGraph g = Toy.graph("Counter", "Counter.cfg")) {
            assertEquals(36, g.size());
        }
    }

    @Test
    void measuresSpeedOnTheLargerToy() {
        try (StateGraph g = Toy.graph("Counter", "Counter_big.cfg")) {
            System.out.printf("Counter_big: %d states, %d edges in %.3f s: %.0f states/s, %.0f edges/s%n", g.size(),
                    g.edgeCount(), g.exploreSeconds(), g.size() / g.exploreSeconds(), g.edgeCount() / g.exploreSeconds());
            assertTrue(g.size() > 1000);
        }
    }
}
