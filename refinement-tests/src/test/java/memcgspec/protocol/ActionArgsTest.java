package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memcgspec.registry.Protocols;
import memcgspec.trace.V;
import org.junit.jupiter.api.Test;

/**
 * A property run's call ({@link ActionTable#call}) resolves its arguments from their Java ids on a
 * machine with generated names, and through their names otherwise: for every action of every
 * protocol and every parameter, asked as every kind, with ids in range, at the bounds, beyond them
 * and -1, on a machine of every protocol's first setup (generated names) and on one whose names
 * are a model's (the same names in another order), the call's arguments resolve to the same
 * objects, or fail with the same exception, as the spec-label route ({@link ActionTable#apply},
 * which looks the names up), and the call's values are the label's.
 */
class ActionArgsTest {

    /** Everything an action's body could ask of its arguments, as strings ("error: ..." for an exception). */
    private static List<String> resolve(ActionTable.Args a, ActionTable.Action action) {
        List<String> out = new ArrayList<>();
        for (ActionTable.Param p : action.params()) {
            String n = p.name();
            out.add(n + " cpu " + attempt(() -> a.cpu(n)));
            out.add(n + " folio " + attempt(() -> a.folio(n)));
            out.add(n + " memcg " + attempt(() -> a.memcg(n)));
            out.add(n + " memcgOrNone " + attempt(() -> a.memcgOrNone(n)));
            out.add(n + " index " + attempt(() -> a.index(n)));
            out.add(n + " slot " + attempt(() -> a.slot(n)));
            out.add(n + " kpage " + attempt(() -> a.kpage(n)));
        }
        out.add("nope cpu " + attempt(() -> a.cpu("nope")));
        return out;
    }

    private static String attempt(java.util.function.Supplier<Object> f) {
        try {
            Object o = f.get();
            return o == null ? "null" : o.getClass().getSimpleName() + "@" + System.identityHashCode(o) + " " + o;
        } catch (ClassCastException e) {
            return "error: " + e.getClass().getName(); // the JIT drops the message of a cast that fails often
        } catch (RuntimeException e) {
            return "error: " + e;
        }
    }

    @Test
    void idsResolveAsNames() {
        int checked = 0, fast = 0;
        for (Protocol p : Protocols.ALL) {
            Machine generated = p.setups().get(0).create();
            Names g = generated.names();
            assertTrue(g.generated());
            // the same machine under a model's names: the same names, CPUs and pages listed in reverse
            Names reversed = new Names(reverse(g.cpus()), reverse(g.pages()), g.indexes(), reverse(g.slots()), g.kpages(),
                    g.noMemcg(), g.noPage(), g.noIndex(), g.noSlot(), g.noObjcg());
            Machine model = new Machine(generated.mm(), reversed);
            for (ActionTable.Action action : p.actions().actions().values()) {
                int n = action.params().size();
                int[] probes = {-1, 0, 1, 2, 3, 5, 7, 15, 16, 199, 200, 399, 400, 1000};
                for (int probe : probes) {
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) ids[i] = i == n - 1 ? probe : Math.min(probe, 1);
                    for (Machine m : new Machine[] {generated, model}) {
                        Map<String, Object> values = new java.util.LinkedHashMap<>();
                        List<ActionTable.Args> got = new ArrayList<>();
                        // the call's Args, caught as its body receives them
                        ActionTable t = new ActionTable().action(action.name(), a -> {
                            got.add(a);
                            return null;
                        }, params(action));
                        t.call(action.name(), ids).apply(m);
                        ActionTable.Args viaIds = got.get(0);
                        values.putAll(viaIds.values());
                        ActionTable.Args viaNames = new ActionTable.Args(m, values);
                        String where = p.name() + " " + action.name() + " ids " + java.util.Arrays.toString(ids) + (m == model ? " (model names)" : "");
                        assertEquals(resolve(viaNames, action), resolve(viaIds, action), where);
                        checked++;
                        if (m == generated && probe >= 0 && probe < 4) fast++;
                    }
                }
            }
        }
        assertTrue(checked > 0 && fast > 0);
    }

    private static String[] params(ActionTable.Action a) {
        return a.params().stream().map(p -> p.name() + ":" + p.kind().name().toLowerCase()).toArray(String[]::new);
    }

    private static List<V.Model> reverse(List<V.Model> l) {
        List<V.Model> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    @Test
    void generatedNamesAreMadeOncePerShape() {
        Protocol p = Protocols.ALL.get(0);
        Machine a = p.setups().get(0).create(), b = p.setups().get(0).create();
        assertTrue(a.names() == b.names());
        Names fresh = new Names(a.names().cpus(), a.names().pages(), a.names().indexes(), a.names().slots(), a.names().kpages(),
                a.names().noMemcg(), a.names().noPage(), a.names().noIndex(), a.names().noSlot(), a.names().noObjcg());
        for (int i = 0; i < a.mm().cpus().size(); i++) assertEquals("c" + (i + 1), V.show(a.names().cpus().get(i)));
        for (int i = 0; i < a.mm().folios().size(); i++) assertEquals(i, fresh.page(a.names().pages().get(i)));
        assertTrue(!fresh.generated());
    }
}
