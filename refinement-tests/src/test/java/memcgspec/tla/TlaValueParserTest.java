package memcgspec.tla;

import memcgspec.trace.V;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TlaValueParserTest {

    @Test
    void scalars() {
        assertEquals(42, TlaValueParser.parse("42"));
        assertEquals(-7, TlaValueParser.parse(" -7 "));
        assertEquals(Boolean.TRUE, TlaValueParser.parse("TRUE"));
        assertEquals(Boolean.FALSE, TlaValueParser.parse("FALSE"));
        assertEquals(V.model("p1"), TlaValueParser.parse("p1"));
        assertEquals(V.model("NoMemcg"), TlaValueParser.parse("NoMemcg"));
        assertEquals("a \"quoted\" \\ line\nnext\ttab", TlaValueParser.parse("\"a \\\"quoted\\\" \\\\ line\\nnext\\ttab\""));
    }

    @Test
    void collections() {
        assertEquals(V.set(), TlaValueParser.parse("{}"));
        assertEquals(V.set(1, 2, 3), TlaValueParser.parse("{3, 1, 2}"));
        assertEquals(V.set(1, 2, 3), TlaValueParser.parse("1..3"));
        assertEquals(V.tuple(List.of()), TlaValueParser.parse("<<>>"));
        assertEquals(V.tuple(List.of(1, "a", V.model("c1"))), TlaValueParser.parse("<<1, \"a\", c1>>"));
        assertEquals(V.record("usage", 2, "max", 3), TlaValueParser.parse("[usage |-> 2, max |-> 3]"));
        assertEquals(V.fcn(Map.of(V.model("p1"), 0, V.model("p2"), 1)), TlaValueParser.parse("(p1 :> 0 @@ p2 :> 1)"));
        assertEquals(V.fcn(Map.of(V.model("p1"), "idle")), TlaValueParser.parse("p1 :> \"idle\""));
        assertEquals(V.fcn(Map.of(V.model("p1"), "idle")), TlaValueParser.parse("(p1 :> \"idle\")"));
    }

    @Test
    void nestedRoundTripThroughShow() {
        Object v = V.fcn(Map.of(
                V.model("c1"), V.record("usage", -1, "owners", V.set(V.model("p1"), V.model("p2")),
                        "log", V.tuple(List.of("TryCharge", V.set(), V.tuple(List.of(1, 2))))),
                V.model("c2"), V.record("usage", 0, "owners", V.set(), "log", V.tuple(List.of())),
                7, V.fcn(Map.of(V.set(1), TRUE_, "x\"y", V.fcn(Map.of(1, 1, 3, 3))))));
        String shown = V.show(v);
        Object back = TlaValueParser.parse(shown);
        assertEquals(v, back);
        assertEquals(shown, V.show(back));
        // TLC breaks long values over several lines; whitespace is insignificant.
        assertEquals(v, TlaValueParser.parse(shown.replace(", ", ",\n      ").replace(" @@ ", " @@\n  ")));
    }

    private static final Boolean TRUE_ = Boolean.TRUE;

    @Test
    void stateWithSeveralVariablesOverSeveralLines() {
        LinkedHashMap<String, Object> s = TlaValueParser.parseState(
                "/\\ x = 1\n/\\ y = ( p1 :> 0 @@\n  p2 :> 1 )\n/\\ z = [a |-> {},\n      b |-> <<\"s\">>]\n");
        assertEquals(List.of("x", "y", "z"), List.copyOf(s.keySet()));
        assertEquals(1, s.get("x"));
        assertEquals(V.fcn(Map.of(V.model("p1"), 0, V.model("p2"), 1)), s.get("y"));
        assertEquals(V.record("a", V.set(), "b", V.tuple(List.of("s"))), s.get("z"));
    }

    /** Verbatim from TLC 2.18 (message 2107): escapes, intervals, the empty function printed as "<< >>". */
    @Test
    void stateAsTlcPrintsIt() {
        LinkedHashMap<String, Object> s = TlaValueParser.parseState(
                "/\\ x = \"a\\nb\\\"c\\\\d\\te\"\n"
                + "/\\ y = <<1, 2, 3>>\n"
                + "/\\ z = <<1..3, [a |-> -1], {}, <<>>, << >>, {}, [a |-> \"a\", b |-> \"b\"]>>\n\n");
        assertEquals("a\nb\"c\\d\te", s.get("x"));
        assertEquals("\"a\\nb\\\"c\\\\d\\te\"", V.show(s.get("x")));
        assertEquals(V.tuple(List.of(1, 2, 3)), s.get("y"));
        assertEquals(V.tuple(List.of(V.set(1, 2, 3), V.record("a", -1), V.set(), V.tuple(List.of()), V.tuple(List.of()), V.set(),
                V.record("a", "a", "b", "b"))), s.get("z"));
    }

    @Test
    void stateWithOneVariable() {
        assertEquals(Map.of("x", 0), TlaValueParser.parseState("x = 0\n\n"));
    }

    @Test
    void malformedValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TlaValueParser.parse("{1, 2"));
        assertThrows(IllegalArgumentException.class, () -> TlaValueParser.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> TlaValueParser.parse("1 2"));
        assertThrows(IllegalArgumentException.class, () -> TlaValueParser.parse("(a :> 1 @@ a :> 2)"));
    }
}
