package memcgspec.tla;

import memcgspec.trace.V;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import memcgspec.conform.Toy;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void convertsEveryKindOfTlcValue() {
        try (StateGraph g = Toy.graph("ValuesToy", "ValuesToy.cfg")) {
            assertEquals(1, g.size());
            LinkedHashMap<String, Object> v = g.state(0).vars();
            Map<String, String> shown = new LinkedHashMap<>();
            v.forEach((k, x) -> shown.put(k, V.show(x)));
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("tup", "<<1, \"s\">>");
            expected.put("rec", "[f |-> 1, g |-> {1, 2}]");
            expected.put("intv", "{1, 2, 3}");
            expected.put("fcn", "<<2, 4>>");
            // V.ORDER sorts sets lexicographically ({1, 2} before {2}); TLC prints them shortest first.
            expected.put("sub", "{{}, {1}, {1, 2}, {2}}");
            expected.put("fset", "{[a |-> TRUE, b |-> TRUE]}");
            expected.put("empty", "<<>>");
            expected.put("seq", "<<m, m>>");
            expected.put("model", "m");
            expected.put("str", "\"hello\"");
            expected.put("bool", "FALSE");
            assertEquals(expected, shown);
            assertEquals(V.model("m"), v.get("model"));
            assertEquals(Map.of("M", V.model("m")), g.constants());
            // The self-loop is an edge with the same state.
            assertEquals(1, g.edgeCount());
        }
    }
}
