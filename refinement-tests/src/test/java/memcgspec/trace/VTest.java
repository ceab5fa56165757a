package memcgspec.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Function values (arrays sorted by {@link V#ORDER}): a map's behaviour, whatever order they are built in. */
class VTest {
    private static final V.Model P1 = V.model("p1"), P2 = V.model("p2"), P10 = V.model("p10");

    @Test
    void aFunctionIsSortedAndBehavesAsAMap() {
        Map<Object, Object> f = V.fcnBuilder(1).put(P2, 2).put(P10, 10).put(P1, 1).build();
        assertEquals(List.of(P1, P10, P2), new ArrayList<>(f.keySet()));  // ORDER: names as strings
        assertEquals(List.of(1, 10, 2), new ArrayList<>(f.values()));
        assertEquals(10, f.get(P10));
        assertNull(f.get(V.model("p3")));
        assertTrue(f.containsKey(P2));
        assertFalse(f.containsKey(3));
        assertEquals(3, f.size());
        assertEquals("{p1=1, p10=10, p2=2}", f.toString());
        assertEquals("(p1 :> 1 @@ p10 :> 10 @@ p2 :> 2)", V.show(f));
        assertThrows(UnsupportedOperationException.class, () -> f.put(P1, 5));
    }

    @Test
    void equalityAndHashAreAMapsWhateverTheBuildOrder() {
        Map<Object, Object> a = V.fcnBuilder(3).put(P1, 1).put(P2, V.record("x", true, "y", P1)).put(P10, 0).build();
        Map<Object, Object> b = V.fcnBuilder(3).put(P10, 0).put(P2, V.record("y", P1, "x", true)).put(P1, 1).build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        Map<Object, Object> plain = new HashMap<>();
        plain.put(P1, 1);
        plain.put(P2, Map.of("x", true, "y", P1));
        plain.put(P10, 0);
        assertEquals(plain, a);
        assertEquals(a, plain);
        assertEquals(plain.hashCode(), a.hashCode());
        TreeMap<Object, Object> sorted = new TreeMap<>(V.ORDER);
        sorted.putAll(plain);
        assertEquals(sorted, a);
        assertEquals(a, sorted);

        assertNotEquals(a, V.fcnBuilder(3).put(P1, 1).put(P2, V.record("x", false, "y", P1)).put(P10, 0).build());
        assertNotEquals(a, V.fcnBuilder(3).put(P1, 1).put(P2, V.record("x", true, "y", P1)).build());
        assertNotEquals(a, V.fcnBuilder(3).put(P1, 1).put(P2, V.record("x", true, "y", P1)).put(V.model("p11"), 0).build());
        a.hashCode();
        Map<Object, Object> c = V.fcnBuilder(3).put(P1, 2).put(P2, V.record("x", true, "y", P1)).put(P10, 0).build();
        c.hashCode();
        assertNotEquals(a, c);
    }

    @Test
    void aKeyPutTwiceKeepsItsLastValueAsInAMap() {
        Map<Object, Object> f = V.fcnBuilder(2).put(P2, 1).put(P1, 1).put(P2, 7).build();
        assertEquals(Map.of(P1, 1, P2, 7), f);
        assertEquals(2, f.size());
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        m.put(3, "c");
        m.put(1, "a");
        m.put(2, "b");
        assertEquals(List.of(1, 2, 3), new ArrayList<>(V.fcn(m).keySet()));
        assertEquals(V.tuple(List.of("a", "b", "c")), V.fcn(m));
    }

    @Test
    void onlyNeutralValues() {
        assertThrows(IllegalArgumentException.class, () -> V.fcnBuilder(1).put(P1, 1L));
        assertThrows(IllegalArgumentException.class, () -> V.fcnBuilder(1).put(new Object(), 1));
    }
}
