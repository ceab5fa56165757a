package memcgspec.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memcgspec.conform.Toy;
import memcgspec.trace.ActionLabel;
import memcgspec.tla.StateGraph;
import memcgspec.tla.TraceLabeler;
import memcgspec.trace.V;
import org.junit.jupiter.api.Test;

/** TraceLabeler on the toy, and the swim-lane rendering of the labelled trace. */
class SwimLanesTest {
    static final V.Model C1 = V.model("c1"), C2 = V.model("c2");

    static LinkedHashMap<String, Object> state(int x, int t1, int t2, String p1, String p2) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("x", x);
        m.put("tmp", V.fcn(Map.of(C1, t1, C2, t2)));
        m.put("pc", V.fcn(Map.of(C1, p1, C2, p2)));
        return m;
    }

    /** The lost update: both CPUs read 0, both write 1; then an atomic Add and a Reset. */
    static List<LinkedHashMap<String, Object>> lostUpdate() {
        return List.of(
                state(0, 0, 0, "idle", "idle"),
                state(0, 0, 0, "read", "idle"),
                state(0, 0, 0, "read", "read"),
                state(1, 0, 0, "idle", "read"),
                state(1, 0, 0, "idle", "idle"),
                state(2, 0, 0, "idle", "idle"),
                state(0, 0, 0, "idle", "idle"));
    }

    static Trace labelled() {
        try (StateGraph g = StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg"))) {
            return new TraceLabeler(g.session()).trace(lostUpdate());
        }
    }

    @Test
    void labelsATraceGivenByItsStates() {
        Trace t = labelled();
        List<String> labels = new ArrayList<>();
        for (Trace.Step s : t.steps()) labels.add(String.valueOf(s.label()));
        // Add(c1, 1) and Add(c2, 1) lead to the same state: the first in TLC's action order wins.
        assertEquals(List.of("null", "Read(c1)", "Read(c2)", "Write(c1)", "Write(c2)", "Add(c1, 1)", "Reset"), labels);
        assertEquals(lostUpdate().get(3), t.steps().get(3).after());
        assertEquals(lostUpdate().get(2), t.steps().get(3).before());
    }

    @Test
    void failsClearlyOnAnUnmatchedStep() {
        List<LinkedHashMap<String, Object>> states = new ArrayList<>(lostUpdate().subList(0, 2));
        states.add(state(2, 0, 0, "read", "read"));  // x and pc[c2] at once: no single action
        try (StateGraph g = StateGraph.open(Toy.dir(), "Counter", Toy.dir().resolve("Counter.cfg"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TraceLabeler(g.session()).label(states));
            assertTrue(e.getMessage().startsWith("step 2 (state 2 -> state 3): no action of model Counter leads there; closest: "),
                    e.getMessage());
            IllegalArgumentException e0 = assertThrows(IllegalArgumentException.class,
                    () -> new TraceLabeler(g.session()).label(List.of(state(1, 0, 0, "idle", "idle"))));
            assertTrue(e0.getMessage().contains("state 1 is not an initial state"), e0.getMessage());
            assertTrue(e0.getMessage().contains("x = 0 instead of 1"), e0.getMessage());
        }
    }

    @Test
    void rendersSwimLanes() {
        String expected = String.join("\n",
                "step  c1      c2     -      changes",
                "----  ------  -----  -----  ----------------------------------------",
                "init                        x = 0, tmp = (c1 :> 0 @@ c2 :> 0),",
                "                              pc = (c1 :> \"idle\" @@ c2 :> \"idle\")",
                "   1  Read                  pc[c1]: \"idle\" -> \"read\"",
                "   2          Read          pc[c2]: \"idle\" -> \"read\"",
                "   3  Write                 x: 0 -> 1, pc[c1]: \"read\" -> \"idle\"",
                "   4          Write         pc[c2]: \"read\" -> \"idle\"",
                "   5  Add(1)                x: 1 -> 2",
                "   6                 Reset  x: 2 -> 0",
                "");
        assertEquals(expected, SwimLanes.defaults().changesWidth(40).render(labelled()));
    }

    @Test
    void hidesVariablesTitlesLanesAndWraps() {
        String expected = String.join("\n",
                "step  CPU A   CPU B  -      changes",
                "----  ------  -----  -----  ------------",
                "init                        x = 0,",
                "                              tmp = (c1 :> 0 @@ c2 :> 0)",
                "   1  Read",
                "   2          Read",
                "   3  Write                 x: 0 -> 1",
                "   4          Write",
                "   5  Add(1)                x: 1 -> 2",
                "   6                 Reset  x: 2 -> 0",
                "");
        String text = SwimLanes.defaults().hide("pc").laneTitle(C1, "CPU A").laneTitle(C2, "CPU B").changesWidth(12)
                .render(labelled());
        assertEquals(expected, text);
        assertTrue(text.chars().allMatch(ch -> ch == '\n' || (ch >= 0x20 && ch < 0x7f)), "plain ASCII");
    }

    @Test
    void diffsNestedFunctionsAndRecordsEntryByEntry() {
        Map<String, Object> before = Map.of("usage", V.fcn(Map.of(1, 0, 2, 1)),
                "page", V.record("owner", V.model("NoMemcg"), "refs", 1), "free", V.set(1, 2));
        Map<String, Object> after = Map.of("usage", V.fcn(Map.of(1, 0, 2, 2)),
                "page", V.record("owner", 2, "refs", 1), "free", V.set(1));
        List<String> changes = SwimLanes.defaults().changes(new java.util.TreeMap<>(before), new java.util.TreeMap<>(after));
        assertEquals(List.of("free: {1, 2} -> {1}", "page.owner: NoMemcg -> 2", "usage[2]: 1 -> 2"), changes);
        Trace t = new Trace(List.of(Trace.Step.initial(Map.of("s", "caf\u00e9")),
                new Trace.Step(ActionLabel.of("Go"), Map.of("s", "caf\u00e9"), Map.of("s", "t"))));
        assertTrue(SwimLanes.defaults().render(t).contains("s = \"caf\\u00e9\""));
    }
}
