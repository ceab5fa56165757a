package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import memcgspec.impl.StepRefused;
import memcgspec.impl.Touches;
import memcgspec.props.Call;
import memcgspec.protocol.charge.ChargePart;
import memcgspec.protocol.charge.ChargeInvariants;
import memcgspec.protocol.swap.SwapInvariants;
import memcgspec.registry.Protocols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The census' sums over its rows (folios owned per memcg and by kind, referenced folios; kmem
 * pages per objcg and per objcg and charged-at memcg, allocated kmem pages), kept across the steps
 * of a run by {@link Census#refresh} from the rows of the frames each step wrote, equal those of
 * a whole census taken after every step, on every setup of every protocol. On the kmem setups the
 * runs also repoint objcgs that name kmem pages (reparenting, which writes no page): the sums are
 * keyed by objcg, so they stay exact. So do the frame-indexed tallies a kept census computes in
 * the arrays of its previous ones (Charge's page cache and holders, Swap's swap-cache slots and
 * frozen folios).
 */
class CensusRowSumsTest {

    static Stream<Arguments> setups() {
        return Protocols.ALL.stream().flatMap(p -> p.setups().stream().map(s -> Arguments.of(p, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void keptRowSumsEqualAWholeCensusAfterEveryStep(Protocol p, Protocol.Setup setup) {
        ProtocolWorkload w = new ProtocolWorkload(p, setup);
        int reparented = 0, steps = 0, slotsTakenOver = 0, cacheTakenOver = 0, memcgsTakenOver = 0;
        int[] unset = new int[4];
        for (int run = 0; run < 4; run++) {
            Machine m = w.create();
            Random r = new Random(77 + run);
            Touches touches = m.mm().track();
            Census kept = new Census(m), lastWhole = new Census(m);
            SwapInvariants.Tally lastKept = null;
            ChargeInvariants.Tally lastKeptCharge = null;
            long[] lastChildUsage = null;
            for (int k = 0; k < 400; k++) {
                Call<Machine> step = w.randomStep(m, r);
                try {
                    step.apply(m);
                } catch (StepRefused refused) {
                    // a refusal changes nothing
                }
                kept.refresh(touches);
                touches.clear();
                Census whole = new Census(m);
                String where = p + " " + setup.name() + " run " + run + " after step " + (k + 1) + " " + step.label();
                assertSameSums(whole, kept, where);
                int[] u = assertSameTallies(whole, kept, lastWhole, where);
                for (int j = 0; j < u.length; j++) unset[j] += u[j];
                SwapInvariants.Tally ks = SwapInvariants.tally(kept);
                if (lastKept != null && ks.records == lastKept.records) slotsTakenOver++;
                lastKept = ks;
                ChargeInvariants.Tally kc = ChargeInvariants.tally(kept);
                if (lastKeptCharge != null && kc.cached == lastKeptCharge.cached) cacheTakenOver++;
                lastKeptCharge = kc;
                long[] cu = ChargeInvariants.childUsage(kept);
                if (cu == lastChildUsage) memcgsTakenOver++;
                lastChildUsage = cu;
                lastWhole = whole;
                steps++;
                for (int o = 1; o < kept.kpagesOf.length; o++) {
                    if (kept.kpagesOf[o] > 0 && m.mm().objcg(o).memcg() != m.mm().memcg(o)) reparented++;
                }
            }
        }
        assertEquals(4 * 400, steps);
        // Entries the tallies set and later reset (a kept tally reuses the arrays of the previous one):
        // they occur, so a reset left out would be seen above.
        // Charge's tallies (page cache, a CPU's held folio) are exercised by the protocols built on Charge's
        // part; UnchargeBatch's CPUs hold their batches in its own part, which these tallies do not read.
        if (p.parts().contains(ChargePart.PART))
            assertTrue(unset[0] > 0 && unset[1] > 0, "no folio left the page cache or a CPU's hands: " + java.util.Arrays.toString(unset));
        if (setup.mm().swapSlots() > 0) assertTrue(unset[2] > 0 && unset[3] > 0, "no folio left the swap cache or thawed: " + java.util.Arrays.toString(unset));
        assertTrue(slotsTakenOver > 0, "Swap's tally never took the slots' values over");
        assertTrue(cacheTakenOver > 0, "Charge's tally never took the page cache's values over");
        assertTrue(memcgsTakenOver > 0 && memcgsTakenOver < steps - 4, "the children's usage taken over " + memcgsTakenOver + " times in " + steps + " steps");
        if (setup.mm().kmemPages() > 0) assertTrue(reparented > 0, "no objcg naming kmem pages was ever repointed: the runs do not reparent");
    }

    private static void assertSameSums(Census whole, Census kept, String where) {
        assertArrayEquals(whole.ownedFolios, kept.ownedFolios, "ownedFolios " + where);
        assertArrayEquals(whole.ownedAnon, kept.ownedAnon, "ownedAnon " + where);
        assertArrayEquals(whole.ownedFile, kept.ownedFile, "ownedFile " + where);
        assertArrayEquals(whole.ownedFileMapped, kept.ownedFileMapped, "ownedFileMapped " + where);
        assertEquals(whole.referencedFolios(), kept.referencedFolios(), "referencedFolios " + where);
        assertArrayEquals(whole.kpagesOf, kept.kpagesOf, "kpagesOf " + where);
        for (int o = 0; o < whole.kpagesAt.length; o++) assertArrayEquals(whole.kpagesAt[o], kept.kpagesAt[o], "kpagesAt[" + o + "] " + where);
        assertEquals(whole.allocatedKpages(), kept.allocatedKpages(), "allocatedKpages " + where);
        // read again for the memcgs the steps wrote (the write log)
        for (int m = 0; m < whole.stat.length; m++) assertArrayEquals(whole.stat[m], kept.stat[m], "stat[" + m + "] " + where);
    }

    /**
     * The frame-indexed tallies of Charge (page cache, holders) and Swap (swap-cache slot, frozen),
     * which a kept census computes in the arrays of its previous tally, equal a whole census'; returns
     * how many entries were set in {@code last} and are reset now (in cache, held, in the swap cache,
     * frozen).
     */
    private static int[] assertSameTallies(Census whole, Census kept, Census last, String where) {
        ChargeInvariants.Tally wc = ChargeInvariants.tally(whole), kc = ChargeInvariants.tally(kept);
        ChargeInvariants.Tally lc = ChargeInvariants.tally(last);
        assertArrayEquals(wc.inCache, kc.inCache, "inCache " + where);
        assertArrayEquals(wc.holders, kc.holders, "holders " + where);
        assertArrayEquals(wc.cached, kc.cached, "cached " + where);
        SwapInvariants.Tally ws = SwapInvariants.tally(whole), ks = SwapInvariants.tally(kept);
        SwapInvariants.Tally ls = SwapInvariants.tally(last);
        assertArrayEquals(ws.swapSlotOf, ks.swapSlotOf, "swapSlotOf " + where);
        assertArrayEquals(ws.frozen, ks.frozen, "frozen " + where);
        // computed from the slots alone: taken over from the previous tally when no slot was written
        assertArrayEquals(ws.records, ks.records, "records " + where);
        assertArrayEquals(ws.recT, ks.recT, "recT " + where);
        assertEquals(ws.duplicates, ks.duplicates, "duplicates " + where);
        // computed from the memcgs alone: taken over when no memcg was written
        assertArrayEquals(ws.liveChildren, ks.liveChildren, "liveChildren " + where);
        assertArrayEquals(ChargeInvariants.childUsage(whole), ChargeInvariants.childUsage(kept), "childUsage " + where);
        int[] unset = new int[4];
        for (int i = 0; i < wc.inCache.length; i++) {
            if (lc.inCache[i] && !wc.inCache[i]) unset[0]++;
            if (lc.holders[i] > 0 && wc.holders[i] == 0) unset[1]++;
            if (ls.swapSlotOf[i] >= 0 && ws.swapSlotOf[i] < 0) unset[2]++;
            if (ls.frozen[i] && !ws.frozen[i]) unset[3]++;
        }
        return unset;
    }

    /** A census that misses a write (its log lost) keeps stale sums: the test above would see it. */
    @org.junit.jupiter.api.Test
    void aMissedWriteLeavesTheSumsStale() {
        Protocol p = Protocols.byName("kmem").orElseThrow();
        ProtocolWorkload w = new ProtocolWorkload(p, p.setups().get(0));
        Machine m = w.create();
        Touches touches = m.mm().track();
        Census kept = new Census(m);
        m.mm().track(); // the census' log no longer sees writes
        Random r = new Random(5);
        for (int k = 0; k < 200; k++) {
            try {
                w.randomStep(m, r).apply(m);
            } catch (StepRefused refused) {
                // nothing changed
            }
        }
        kept.refresh(touches);
        Census whole = new Census(m);
        assertNotEquals(whole.allocatedKpages(), kept.allocatedKpages(), "200 random kmem steps allocated no kmem page?");
        assertTrue(!java.util.Arrays.equals(whole.kpagesOf, kept.kpagesOf) || !java.util.Arrays.equals(whole.ownedFolios, kept.ownedFolios));
    }
}
