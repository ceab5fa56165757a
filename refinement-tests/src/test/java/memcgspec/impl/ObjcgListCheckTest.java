package memcgspec.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Protocol;
import memcgspec.registry.Protocols;
import org.junit.jupiter.api.Test;

/**
 * The ObjcgList check (kmem) on objcg_lists written wrong behind the machine's back (in the
 * package of {@link Mm}, whose list writes are package-private): a missing member, an extra one, a
 * duplicate and an objcg of another machine are each reported, with the same messages whether or
 * not the check takes its shortcut for the lists that are right.
 */
class ObjcgListCheckTest {
    private static final Protocol KMEM = Protocols.byName("kmem").orElseThrow();

    /** The kmem setup's machine with memcg 14 offline (its objcg on its parent memcg 6's list). */
    private static Machine offlined() {
        Machine m = KMEM.setups().get(0).create();
        m.mm().Offline(m.mm().memcg(14));
        assertEquals(List.of(), objcgList(m), "a machine with its lists as they should be");
        return m;
    }

    private static List<String> objcgList(Machine m) {
        return KMEM.check(m).stream().filter(v -> v.startsWith("ObjcgList: ")).toList();
    }

    @Test
    void eachWrongListIsReported() {
        Machine m = offlined();
        Mm mm = m.mm();
        mm.writableObjcgList(mm.memcg(6)).clear();
        assertEquals(List.of("ObjcgList: memcg6's objcg_list lacks objcg14 (which points at memcg6)"), objcgList(m));

        m = offlined();
        mm = m.mm();
        mm.writableObjcgList(mm.memcg(1)).add(mm.objcg(3));
        assertEquals(List.of("ObjcgList: memcg1's objcg_list has objcg3 (which points at memcg3)"), objcgList(m));

        m = offlined();
        mm = m.mm();
        mm.writableObjcgList(mm.memcg(6)).add(mm.objcg(14));
        assertEquals(List.of("ObjcgList: memcg6's objcg_list has duplicates: [objcg14, objcg14]"), objcgList(m));

        m = offlined();
        mm = m.mm();
        Mm other = KMEM.setups().get(0).create().mm();
        mm.writableObjcgList(mm.memcg(6)).set(0, other.objcg(14));
        assertEquals(List.of("ObjcgList: memcg6's objcg_list lacks objcg14 (which points at memcg6)"), objcgList(m));
    }
}
