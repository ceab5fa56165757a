package memcgspec.protocol.kmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.StepRefused;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import memcgspec.registry.Protocols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Mm#objcgLists()} copies the objcg_lists again only when a write was counted since its
 * last copy: on every setup of kmem and stock, after every random step (the runs offline and free
 * memcgs, which reparent and release objcgs), and on a {@link Mm#copy()} of the machine, the copy
 * it returns equals each list read afresh, and an older copy keeps the lists it had. The lists do
 * change during the runs, so a copy that missed a write would be caught here.
 */
class ObjcgListsCopyTest {

    @ParameterizedTest
    @ValueSource(strings = {"kmem", "stock"})
    void theCopyEqualsTheListsAfterEveryStep(String protocol) {
        Protocol p = Protocols.byName(protocol).orElseThrow();
        int changes = 0;
        for (Protocol.Setup setup : p.setups()) {
            ProtocolWorkload w = new ProtocolWorkload(p, setup);
            for (int run = 0; run < 2; run++) {
                Machine m = w.create();
                Random r = new Random(13 * run + setup.name().hashCode());
                ObjCgroup[][] last = m.mm().objcgLists();
                List<List<ObjCgroup>> lastLists = fresh(m.mm());
                for (int k = 0; k < 400; k++) {
                    try {
                        w.randomStep(m, r).apply(m);
                    } catch (StepRefused refused) {
                        // nothing changed
                    }
                    String where = protocol + " " + setup.name() + " run " + run + " step " + (k + 1);
                    List<List<ObjCgroup>> now = fresh(m.mm());
                    assertSame(now, m.mm().objcgLists(), where);
                    assertSame(lastLists, last, "an older copy, " + where);
                    if (!now.equals(lastLists)) changes++;
                    last = m.mm().objcgLists();
                    lastLists = now;
                    if (k % 100 == 99) {
                        Mm copy = m.mm().copy();
                        assertSame(fresh(copy), copy.objcgLists(), "a copy of the machine, " + where);
                    }
                }
            }
        }
        assertTrue(changes > 0, "the objcg_lists never changed: a copy that misses writes would go unseen");
    }

    /** Every list read afresh, one memcg at a time. */
    private static List<List<ObjCgroup>> fresh(Mm mm) {
        return mm.memcgs().stream().map(mm::objcgList).toList();
    }

    private static void assertSame(List<List<ObjCgroup>> want, ObjCgroup[][] copy, String where) {
        assertEquals(want.size(), copy.length, where);
        for (int i = 0; i < copy.length; i++) assertEquals(want.get(i), Arrays.asList(copy[i]), "memcg " + i + "'s objcg_list, " + where);
    }
}
