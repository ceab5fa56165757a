package memcgspec.protocol.kmem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.StepRefused;
import memcgspec.impl.Touches;
import memcgspec.protocol.Census;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import memcgspec.protocol.charge.ChargeInvariants;
import memcgspec.registry.Protocols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kmem.tla's tallies (kown, its subtree sums, the excess, pages per objcg), which
 * {@link KmemInvariants} derives from the census' sums by objcg and each objcg's memcg at the
 * time of the check, equal the same tallies summed page by page (the definition) on a census kept
 * across the steps of random runs that offline and free memcgs while kmem pages are charged
 * (reparenting repoints objcgs without writing their pages).
 */
class KmemTallyTest {

    @ParameterizedTest
    @ValueSource(strings = {"kmem", "stock"})
    void tallyFromObjcgSumsEqualsThePageByPageTally(String protocol) {
        Protocol p = Protocols.byName(protocol).orElseThrow();
        int repointedWithPages = 0, reused = 0, computed = 0;
        for (Protocol.Setup setup : p.setups()) {
            ProtocolWorkload w = new ProtocolWorkload(p, setup);
            for (int run = 0; run < 3; run++) {
                Machine m = w.create();
                Touches touches = m.mm().track();
                Census kept = new Census(m);
                Random r = new Random(31 * run + setup.name().hashCode());
                KmemInvariants.Tally last = null;
                for (int k = 0; k < 400; k++) {
                    try {
                        w.randomStep(m, r).apply(m);
                    } catch (StepRefused refused) {
                        // nothing changed
                    }
                    kept.refresh(touches);
                    touches.clear();
                    KmemInvariants.Tally t = KmemInvariants.tally(kept);
                    long[][] byPage = byPage(kept);
                    String where = protocol + " " + setup.name() + " run " + run + " step " + (k + 1);
                    assertArrayEquals(byPage[0], t.pages, "pages " + where);
                    assertArrayEquals(byPage[1], t.kown, "kown " + where);
                    assertArrayEquals(byPage[2], t.ksub, "ksub " + where);
                    assertArrayEquals(byPage[3], t.excess, "excess " + where);
                    // after a step that wrote no kmem page and no memcg, the previous tally's values are taken over
                    if (last != null && t.kown == last.kown) reused++;
                    else computed++;
                    last = t;
                    for (int o = 1; o < kept.kpagesOf.length; o++) {
                        ObjCgroup g = m.mm().objcg(o);
                        if (kept.kpagesOf[o] > 0 && g.memcg() != null && g.memcg() != m.mm().memcg(o)) repointedWithPages++;
                    }
                }
            }
        }
        assertTrue(repointedWithPages > 0, "no run repointed an objcg that names kmem pages");
        assertTrue(reused > 0 && computed > 0, "taken over " + reused + ", computed " + computed + ": both must occur");
    }

    /**
     * A kept census whose write log missed the steps' writes takes the previous tally's page
     * values over, stale: the comparison above would see it.
     */
    @org.junit.jupiter.api.Test
    void aMissedWriteLeavesTheTakenOverTallyStale() {
        Protocol p = Protocols.byName("kmem").orElseThrow();
        ProtocolWorkload w = new ProtocolWorkload(p, p.setups().get(0));
        Machine m = w.create();
        Touches touches = m.mm().track();
        Census kept = new Census(m);
        kept.refresh(touches);
        KmemInvariants.tally(kept);
        m.mm().track(); // the census' log no longer sees writes
        Random r = new Random(5);
        boolean stale = false;
        for (int k = 0; k < 400 && !stale; k++) {
            try {
                w.randomStep(m, r).apply(m);
            } catch (StepRefused refused) {
                // nothing changed
            }
            kept.refresh(touches);
            KmemInvariants.Tally t = KmemInvariants.tally(kept);
            long[][] byPage = byPage(new Census(m));
            stale = !java.util.Arrays.equals(byPage[1], t.kown) || !java.util.Arrays.equals(byPage[3], t.excess)
                    || !java.util.Arrays.equals(byPage[0], t.pages);
        }
        assertTrue(stale, "400 random kmem steps never changed the kmem tallies?");
    }

    /** pages, kown, ksub and excess summed over every kmem page's row (Kmem.tla's definitions). */
    private static long[][] byPage(Census c) {
        Mm mm = c.machine().mm();
        int nm = c.memcgs().length;
        long[] pages = new long[nm], kown = new long[nm], excess = new long[nm];
        for (MemCgroup m : c.memcgs()) excess[m.id()] = m.residue();
        for (int k = 0; k < c.kpages().length; k++) {
            ObjCgroup o = c.kobjcg[k];
            if (o == null) continue;
            pages[o.id()]++;
            MemCgroup at = o.memcg();
            if (at == null) continue;
            kown[at.id()]++;
            for (MemCgroup x = c.kchargedAt[k]; x != null && !x.isAncestorOf(at); x = x.parent()) excess[x.id()]++;
        }
        return new long[][] {pages, kown, ChargeInvariants.subtree(mm, kown), excess};
    }
}
