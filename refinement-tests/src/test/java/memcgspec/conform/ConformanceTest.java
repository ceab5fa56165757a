package memcgspec.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.impl.StepRefused;
import memcgspec.trace.ActionLabel;
import memcgspec.tla.StateGraph;
import memcgspec.trace.V;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConformanceTest {
    static StateGraph graph;

    @BeforeAll
    static void explore() {
        graph = Toy.graph("Counter", "Counter.cfg");
    }

    @AfterAll
    static void close() {
        graph.close();
    }

    private static ConformanceReport run(Binding<ToyCounter> b) {
        ConformanceReport r = Conformance.run(graph, b);
        System.out.println(r.summary());
        return r;
    }

    private static Set<Mismatch.Kind> kinds(ConformanceReport r) {
        Set<Mismatch.Kind> k = new java.util.TreeSet<>();
        for (Mismatch m : r.mismatches()) k.add(m.kind());
        return k;
    }

    @Test
    void theCorrectImplementationConforms() {
        List<int[]> progress = new ArrayList<>();
        ConformanceReport r = Conformance.run(graph, new ToyBinding(),
                (done, total, edges, mismatches) -> progress.add(new int[] {done, total}));
        assertTrue(r.ok(), r.describe());
        assertEquals("Counter", r.model());
        assertEquals(graph.size(), r.states());
        assertEquals(graph.size(), r.statesChecked());
        assertEquals(graph.edgeCount(), r.edges());
        assertEquals(r.edges(), r.coveredEdges());
        assertEquals(disabledInstances(), r.disabledChecked());
        assertEquals(0, r.mismatchCount());
        int[] last = progress.get(progress.size() - 1);
        assertEquals(graph.size(), last[0]);
        assertEquals(graph.size(), last[1]);
    }

    @Test
    void catchesAWrongSuccessor() {
        // Write of c2 forgets to go back to idle.
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                super.apply(s, l);
                if (l.name().equals("Write") && l.param("c").equals(V.model("c2"))) s.pc.put(V.model("c2"), "read");
            }
        });
        assertFalse(r.ok());
        assertEquals(Set.of(Mismatch.Kind.WRONG_SUCCESSOR), kinds(r));
        Mismatch m = r.mismatches().get(0);
        assertEquals(ActionLabel.of("Write", "c", V.model("c2")), m.label());
        assertEquals(List.of(new Mismatch.VarDiff("pc", V.fcn(Map.of(V.model("c1"), "idle", V.model("c2"), "idle")),
                V.fcn(Map.of(V.model("c1"), "idle", V.model("c2"), "read")))), m.diffs());
        // The shallowest one: Read(c2) then Write(c2), so the path to the state is one step.
        assertEquals(1, m.path().length());
        assertTrue(r.coveredEdges() < r.edges());
        assertTrue(r.statesChecked() < r.states(), "states below the failed tree edges are not reached");
        assertTrue(m.describe().contains("WRONG_SUCCESSOR Write(c2) in state"), m.describe());
    }

    /** The toy's abstraction with its variables in the reverse order (the spec declares x, tmp, pc). */
    private static LinkedHashMap<String, Object> reversed(LinkedHashMap<String, Object> vars) {
        List<String> names = new ArrayList<>(vars.keySet());
        java.util.Collections.reverse(names);
        LinkedHashMap<String, Object> r = new LinkedHashMap<>();
        for (String n : names) r.put(n, vars.get(n));
        return r;
    }

    @Test
    void comparesVariablesByNameWhateverTheirOrder() {
        // Conformance compares position by position when the orders agree, by name otherwise.
        ConformanceReport ok = run(new ToyBinding() {
            @Override
            public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
                return reversed(super.abstraction(s));
            }
        });
        assertTrue(ok.ok(), ok.describe());
        assertEquals(ok.edges(), ok.coveredEdges());
        assertEquals(disabledInstances(), ok.disabledChecked());

        ConformanceReport wrong = run(new ToyBinding() {
            @Override
            public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
                return reversed(super.abstraction(s));
            }

            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                super.apply(s, l);
                if (l.name().equals("Write") && l.param("c").equals(V.model("c2"))) s.pc.put(V.model("c2"), "read");
            }
        });
        assertEquals(Set.of(Mismatch.Kind.WRONG_SUCCESSOR), kinds(wrong));
        assertEquals(List.of(new Mismatch.VarDiff("pc", V.fcn(Map.of(V.model("c1"), "idle", V.model("c2"), "idle")),
                V.fcn(Map.of(V.model("c1"), "idle", V.model("c2"), "read")))), wrong.mismatches().get(0).diffs());
    }

    @Test
    void catchesAVariableTooManyOrMissing() {
        ConformanceReport extra = run(new ToyBinding() {
            @Override
            public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
                LinkedHashMap<String, Object> m = super.abstraction(s);
                m.put("y", 0);
                return m;
            }
        });
        assertEquals(Set.of(Mismatch.Kind.STATE_MISMATCH), kinds(extra));
        assertEquals(List.of(new Mismatch.VarDiff("y", null, 0)), extra.mismatches().get(0).diffs());

        ConformanceReport missing = run(new ToyBinding() {
            @Override
            public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
                LinkedHashMap<String, Object> m = super.abstraction(s);
                m.remove("x");
                m.put("z", 0);  // as many variables as the spec, one of another name
                return m;
            }
        });
        assertEquals(Set.of(Mismatch.Kind.STATE_MISMATCH), kinds(missing));
        assertEquals(List.of(new Mismatch.VarDiff("x", 0, null), new Mismatch.VarDiff("z", null, 0)), missing.mismatches().get(0).diffs());
    }

    @Test
    void catchesARefusalOfAnEnabledStep() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                if (l.name().equals("Reset")) throw new StepRefused("not implemented");
                super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertEquals(Set.of(Mismatch.Kind.REFUSED_ENABLED), kinds(r));
        assertEquals("refused an enabled step: not implemented", r.mismatches().get(0).message());
        assertEquals(ActionLabel.of("Reset"), r.mismatches().get(0).label());
    }

    /** A broken Reset: it scribbles on tmp before its guard, so even its refusal changes the state. */
    private static void scribbleOnReset(ToyCounter s, ActionLabel l) {
        if (l.name().equals("Reset")) s.tmp.put(V.model("c1"), 7);
    }

    /** Every action instance disabled in some state of the toy graph. */
    private static long disabledInstances() {
        long disabled = 0;
        for (StateGraph.State s : graph.states()) disabled += graph.disabled(s.index()).size();
        return disabled;
    }

    /** A broken Read: without the x < Max guard. Returns whether it took the step (else the caller applies it). */
    private static boolean readWithoutGuard(ToyCounter s, ActionLabel l) {
        if (!(l.name().equals("Read") && s.x >= s.max && s.pc.get((V.Model) l.param("c")).equals("idle"))) return false;
        s.tmp.put((V.Model) l.param("c"), s.x);
        s.pc.put((V.Model) l.param("c"), "read");
        return true;
    }

    @Test
    void catchesAnAcceptedDisabledStep() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                if (!readWithoutGuard(s, l)) super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertEquals(Set.of(Mismatch.Kind.ACCEPTED_DISABLED), kinds(r));
        assertEquals("Read", r.mismatches().get(0).label().name());
        assertEquals(r.edges(), r.coveredEdges(), "every enabled step still conforms");
    }

    @Test
    void catchesARefusalThatChangedState() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                scribbleOnReset(s, l);
                super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertTrue(kinds(r).contains(Mismatch.Kind.REFUSAL_CHANGED_STATE), r.describe());
    }

    /** ToyBinding with a fingerprint: the refusals of a state run one after another on one copy. */
    private static class Fingerprinted extends ToyBinding {
        @Override
        public Object fingerprint(ToyCounter s) {
            return abstraction(s);
        }
    }

    @Test
    void theCorrectImplementationConformsWithAFingerprint() {
        ConformanceReport r = run(new Fingerprinted());
        assertTrue(r.ok(), r.describe());
        assertEquals(disabledInstances(), r.disabledChecked(), "every refusal is checked, on one copy per state");
        assertEquals(r.edges(), r.coveredEdges());
    }

    @Test
    void catchesARefusalThatChangedStateWithAFingerprint() {
        ConformanceReport r = run(new Fingerprinted() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                scribbleOnReset(s, l);
                super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertTrue(kinds(r).contains(Mismatch.Kind.REFUSAL_CHANGED_STATE), r.describe());
        assertTrue(r.mismatches().stream().anyMatch(m -> m.kind() == Mismatch.Kind.REFUSAL_CHANGED_STATE
                && ActionLabel.of("Reset").equals(m.label())), r.describe());
    }

    @Test
    void catchesARefusalThatChangedWhatTheFingerprintDoesNotSee() {
        // The fingerprint leaves tmp out; the state's final abstraction sees the scribble, and the
        // refusals are re-checked one by one to name the culprit.
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public Object fingerprint(ToyCounter s) {
                return List.of(s.x, V.fcn(s.pc));
            }

            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                scribbleOnReset(s, l);
                super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertTrue(r.mismatches().stream().anyMatch(m -> m.kind() == Mismatch.Kind.REFUSAL_CHANGED_STATE
                && ActionLabel.of("Reset").equals(m.label())), r.describe());
    }

    @Test
    void catchesAnAcceptedDisabledStepWithAFingerprint() {
        ConformanceReport r = run(new Fingerprinted() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                if (!readWithoutGuard(s, l)) super.apply(s, l);
            }
        });
        assertFalse(r.ok());
        assertEquals(Set.of(Mismatch.Kind.ACCEPTED_DISABLED), kinds(r));
        assertEquals(r.edges(), r.coveredEdges(), "every enabled step still conforms");
    }

    @Test
    void catchesAMissingBinding() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public Set<String> boundActions() {
                return Set.of("Read", "Write", "Add");
            }
        });
        assertFalse(r.ok());
        assertEquals(List.of("Reset"), r.unboundActions());
        assertEquals(0, r.mismatchCount());
        assertTrue(r.coveredEdges() < r.edges());
    }

    @Test
    void catchesAShallowCopy() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public ToyCounter copy(ToyCounter s) {
                ToyCounter t = s.copy();
                t.pc = s.pc;  // shared map
                return t;
            }
        });
        assertFalse(r.ok());
        assertTrue(kinds(r).contains(Mismatch.Kind.COPY_NOT_INDEPENDENT), r.describe());
    }

    @Test
    void catchesAWrongInitialStateAndOtherExceptions() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
                LinkedHashMap<String, Object> m = super.abstraction(s);
                m.put("extra", 1);
                return m;
            }
        });
        assertEquals(Set.of(Mismatch.Kind.STATE_MISMATCH), kinds(r));
        assertEquals(List.of(new Mismatch.VarDiff("extra", null, 1)), r.mismatches().get(0).diffs());
        assertEquals(0, r.statesChecked() - 1, "nothing below the initial state is reached");

        ConformanceReport r2 = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                if (l.name().equals("Add") && l.param("n").equals(2)) throw new ArithmeticException("boom");
                super.apply(s, l);
            }
        });
        assertEquals(Set.of(Mismatch.Kind.EXCEPTION), kinds(r2));
        assertTrue(r2.mismatches().get(0).message().startsWith("ArithmeticException: boom"), r2.mismatches().get(0).message());
    }

    @Test
    void keepsTheShallowestMismatchesAndCountsAll() {
        ConformanceReport r = run(new ToyBinding() {
            @Override
            public void apply(ToyCounter s, ActionLabel l) {
                throw new StepRefused("refuses everything");
            }
        });
        assertTrue(r.mismatchCount() >= 6);
        assertTrue(r.mismatches().size() <= Conformance.KEPT_MISMATCHES);
        for (Mismatch m : r.mismatches()) assertEquals(0, m.state());
    }

    @Test
    void conformsUnderSymmetry() {
        // Under SYMMETRY an edge's concrete successor can be a permutation of its stored target.
        try {
            graph.close();
            try (StateGraph g = Toy.graph("Counter", "Counter_sym.cfg")) {
                ConformanceReport r = Conformance.run(g, new ToyBinding());
                assertTrue(r.ok(), r.describe());
                assertEquals(g.size(), r.statesChecked());
            }
        } finally {
            graph = Toy.graph("Counter", "Counter.cfg");
        }
    }

    @Test
    void reportsANondeterministicSpec() {
        try {
            graph.close();
            try (StateGraph g = Toy.graph("Nondet", "Nondet.cfg")) {
                ConformanceReport r = Conformance.run(g, new Binding<int[]>() {
                    public int[] create(Map<String, Object> constants) { return new int[1]; }
                    public int[] copy(int[] s) { return s.clone(); }
                    public LinkedHashMap<String, Object> abstraction(int[] s) {
                        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                        m.put("x", s[0]);
                        return m;
                    }
                    public void apply(int[] s, ActionLabel l) { s[0] = 1; }
                    public Set<String> boundActions() { return Set.of("Set"); }
                });
                assertFalse(r.ok());
                assertTrue(kinds(r).contains(Mismatch.Kind.NONDETERMINISTIC_SPEC), r.describe());
            }
        } finally {
            graph = Toy.graph("Counter", "Counter.cfg");
        }
    }

    @Test
    void measuresSpeedOnTheLargerToy() {
        try {
            graph.close();
            try (StateGraph g = Toy.graph("Counter", "Counter_big.cfg")) {
                ConformanceReport r = Conformance.run(g, new ToyBinding());
                assertTrue(r.ok(), r.describe());
                System.out.println(r.summary());
            }
        } finally {
            graph = Toy.graph("Counter", "Counter.cfg");
        }
    }
}
