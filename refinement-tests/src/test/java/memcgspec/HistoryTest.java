package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcMemo;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.Counterexamples;
import memcgspec.trace.Trace;
import memcgspec.trace.V;
import org.junit.jupiter.api.Test;

/**
 * The race museum reproduces each race exactly: TLC's shortest counterexample of the pre-fix
 * variant is the interleaving of the kernel mail, step for step and CPU for CPU; the fixed variant
 * holds. Type-2 was mitigated, not fixed: its v2.6.31 variant still shows the race, and holds only
 * what the mitigation guarantees. The eras of mem_cgroup_migrate are not races but trades: each era's
 * model holds what it kept, and its counterexamples show what it gave up.
 */
class HistoryTest {

    private static Counterexamples.Rendered show(String name) {
        CatalogueEntry m = Catalogue.load(SpecRoot.specDir()).byName(name);
        return Counterexamples.show(m, SpecRoot.specDir(), new TlcRunner().withMemo(TlcMemo.forBuild()), TlcRunner.Options.defaults(), l -> {});
    }

    /** The value of function variable {@code var} at {@code key} after the step. */
    private static Object at(Trace.Step step, String var, Object key) {
        return ((java.util.Map<?, ?>) step.after().get(var)).get(key);
    }

    private static String labels(Trace t) {
        return t.steps().stream().filter(s -> !s.isInitial()).map(s -> s.label().toString())
                .collect(Collectors.joining(", "));
    }

    /** Seed 000 (7a81b88cb53e): CPU A (do_swap_page) and CPU B (zap_pte_range), as in the mail. */
    @Test
    void swapin2009PrefixIsTheSeedInterleaving() {
        Counterexamples.Rendered r = show("swapin-2009-prefix");
        assertEquals(new TlcResult.Outcome.Violates("Accounting", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        // (1) A: charge if mapcount == 0 (it is 1: skip); (2) B: mapcount 1 -> 0; (3) B: uncharge;
        // (4) A: set the rmap, mapcount 0 -> 1.
        assertEquals("SwapinCheckMapcount(cpuA), ZapDecMapcount(cpuB), ZapUncharge(cpuB), SwapinAddRmap(cpuA)",
                labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(1, last.after().get("mapcount"), "the page ends up mapped");
        assertEquals(Boolean.FALSE, last.after().get("pcgUsed"), "and uncharged");
        assertEquals(0, last.after().get("usage"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void swapin2009FixedHolds() {
        Counterexamples.Rendered r = show("swapin-2009-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /**
     * Seed 002, Type-1 (SWAP_HAS_CACHE, 355cfa73ddff): processA (free_swap_and_cache) and processB
     * (read_swap_cache_async), as in the mail's table.
     */
    @Test
    void swapcacheType1PrefixIsTheSeedInterleaving() {
        Counterexamples.Rendered r = show("swapcache-type1-2009-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        // B: swap_duplicate; B: __set_page_locked + add_to_swap_cache; A: swap_entry_free;
        // A: find_get_page -> found, trylock_page -> fail & return; B: lru_cache_add_anon (and unlock).
        assertEquals("ReadaheadSwapDuplicate(cpuB), ReadaheadAddToSwapCache(cpuB), FreeSwapEntry(cpuA), "
                + "FreeTrylockFail(cpuA), ReadaheadLruAdd(cpuB)", labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(Boolean.TRUE, last.after().get("inCache"), "the readahead page stays in the swap cache");
        assertEquals(Boolean.FALSE, last.after().get("locked"));
        assertEquals(0, last.after().get("ptes"), "no pte references the slot any more");
        assertEquals(1, last.after().get("swapCount"), "but the swap cache's count keeps it in use");
        assertEquals(Boolean.TRUE, last.after().get("swapRecord"), "and its memsw charge stays");
        assertEquals(1, last.after().get("memsw"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void swapcacheType1FixedHolds() {
        Counterexamples.Rendered r = show("swapcache-type1-2009-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /**
     * Seed 002, Type-2 (cache-only slots, c9e444103b5e): processA (exit: page_remove_rmap) and processB
     * (reclaim: shrink_page_list), as in the mail's table, then the page "goes through without being freed".
     * The page is named after its reclaimer, cpuB.
     */
    @Test
    void swapcacheType2PrefixIsTheSeedInterleaving() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        // A: page_remove_rmap; A: mem_cgroup_uncharge_page (not PageSwapCache yet: uncharged);
        // A: free_pages_and_swap_cache drops its reference; B: add_to_swap; B: keep (unlock, putback).
        assertEquals(TYPE2_RACE, labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertStalePage(last);
        assertEquals(0, last.after().get("memsw"), "no counter leaks: the slot does");
        assertEquals(1, last.after().get("swapCount"), "swap_map[e] == 1: one pte, or only the cache?");
        assertEquals(Boolean.FALSE, last.after().get("hasCache"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    private static final String TYPE2_RACE = "ExitRemoveRmap(cpuA), ExitUncharge(cpuA), ExitReleasePage(cpuA), "
            + "ReclaimAddToSwap(cpuB), ReclaimKeepPage(cpuB)";

    private static Trace.Step lastStep(Counterexamples.Rendered r) {
        List<Trace.Step> steps = r.trace().steps();
        return steps.get(steps.size() - 1);
    }

    /** Page cpuB is stale: in the swap cache, unmapped, unlocked and uncharged (off the memcg LRU). */
    private static void assertStalePage(Trace.Step last) {
        V.Model page = V.model("cpuB");
        assertEquals(Boolean.TRUE, at(last, "inCache", page), "the page stays in the swap cache");
        assertEquals(0, at(last, "mapcount", page), "unmapped");
        assertEquals(Boolean.FALSE, at(last, "swapPte", page), "no pte references its slot");
        assertEquals(Boolean.FALSE, at(last, "locked", page), "nobody holds it");
        assertEquals(Boolean.FALSE, at(last, "pcgUsed", page), "uncharged: off the memcg LRU");
        assertEquals(0, last.after().get("mem"));
    }

    /**
     * c9e444103b5e mitigates Type-2, it does not fix it: in v2.6.31 the same five steps leave the same stale page;
     * only its slot now reads cache-only (swap_map[e] == SWAP_HAS_CACHE).
     */
    @Test
    void swapcacheType2MitigatedStillLeavesTheStalePage() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-mitigated");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals(TYPE2_RACE, labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertStalePage(last);
        assertEquals(0, last.after().get("swapCount"));
        assertEquals(Boolean.TRUE, last.after().get("hasCache"), "the slot reads cache-only");
    }

    /** What the mitigation guarantees (two pages, one slot, swap pressure) holds in v2.6.31... */
    @Test
    void swapcacheType2MitigationReclaimsStaleSlots() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-mitigated-large");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 100, "two pages, three CPUs");
    }

    /** ...and fails in v2.6.30: the stale page of the seed's race keeps its slot for good. */
    @Test
    void swapcacheType2PrefixNeverReclaimsTheStalePage() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-prefix-large");
        assertEquals(new TlcResult.Outcome.Violates("StaleSwapCacheReclaimed", TlcResult.Kind.TEMPORAL_PROPERTY),
                r.result().outcome());
        assertNotNull(r.trace());
        String labels = labels(r.trace());
        assertTrue(labels.indexOf("ExitUncharge(cpuA)") < labels.indexOf("ReclaimAddToSwap(cpuB)"),
                "A uncharges the page before reclaim adds it to the swap cache: " + labels);
        assertStalePage(lastStep(r));
    }

    /** v2.6.30's get_swap_page skips a slot that only an unlocked swap-cache page holds; v2.6.31 reclaims it. */
    @Test
    void swapcacheType2PrefixAllocatorFailsOnACacheOnlySlot() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-prefix-alloc");
        assertEquals(new TlcResult.Outcome.Violates("AllocFailsOnlyWhenBusy", TlcResult.Kind.ACTION_PROPERTY),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("ReclaimAddToSwap(cpuB), ReclaimKeepPage(cpuB), ReclaimAddToSwapFail(cpuC)", labels(r.trace()));
    }

    /**
     * 03f3c433648a: one CPU's own sequence, as in the commit message: the commit makes the fresh charge the
     * page's, reuse_swap_page() deletes the still unmapped page from the swap cache and so uncharges it,
     * then the rmap maps it uncharged.
     */
    @Test
    void swapcacheUncharge2008PrefixIsTheCommitMessageSequence() {
        Counterexamples.Rendered r = show("swapcache-uncharge-2008-prefix");
        assertEquals(new TlcResult.Outcome.Violates("Accounting", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        // (1) try_charge (usage 0 -> 1); (2) commit (PCG_USED set); (3) reuse_swap_page -> delete_from_swap_cache
        // -> mem_cgroup_uncharge_swapcache (usage 1 -> 0); (4) page_add_anon_rmap (mapcount 0 -> 1).
        assertEquals("SwapinTryCharge(cpuA), SwapinCommitCharge(cpuA), SwapinReuseSwapPage(cpuA), SwapinAddRmap(cpuA)",
                labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(1, last.after().get("mapcount"), "the page ends up mapped");
        assertEquals(Boolean.FALSE, last.after().get("pcgUsed"), "and uncharged");
        assertEquals(Boolean.FALSE, last.after().get("swapcache"), "and out of the swap cache");
        assertEquals(0, last.after().get("usage"));
        assertTrue(r.text().contains("CPU A"), r.text());
    }

    @Test
    void swapcacheUncharge2008FixedHolds() {
        Counterexamples.Rendered r = show("swapcache-uncharge-2008-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /**
     * 1f47b61fb407 (cgroup v2): CPU B takes the child offline first, freeing its id; CPU A then swaps the child's
     * page out, records id 0, frees the page and the slot: the swap charge stays on the child and its parent.
     */
    @Test
    void swapoutOffline2016PrefixLeaksTheSwapCharge() {
        Counterexamples.Rendered r = show("swapout-offline-2016-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("Offline(cpuB), AddToSwap(cpuA), SwapOut(cpuA), Uncharge(cpuA), SwapSlotFree(cpuA)",
                labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(1, at(last, "swap", "P"), "the swap charge is never uncharged");
        assertEquals(1, at(last, "swap", "C"), "the swap charge is never uncharged");
        assertEquals(0, at(last, "memory", "P"));
        assertEquals(0, at(last, "memory", "C"));
        assertEquals(Boolean.TRUE, at(last, "hasId", "P"), "the parent keeps its id");
        assertEquals(Boolean.FALSE, at(last, "hasId", "C"), "the child's id was freed");
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void swapoutOffline2016FixedHolds() {
        Counterexamples.Rendered r = show("swapout-offline-2016-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /** The same on cgroup v1: the record is made in mem_cgroup_swapout, after the offline; memsw leaks. */
    @Test
    void swapoutOffline2016V1PrefixLeaksMemsw() {
        Counterexamples.Rendered r = show("swapout-offline-2016-v1-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("AddToSwap(cpuA), Offline(cpuB), SwapOut(cpuA), Uncharge(cpuA), SwapSlotFree(cpuA)",
                labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(1, at(last, "memsw", "P"), "the memsw charge is never uncharged");
        assertEquals(1, at(last, "memsw", "C"), "the memsw charge is never uncharged");
        assertEquals(0, at(last, "swap", "P"));
        assertEquals(0, at(last, "swap", "C"));
    }

    @Test
    void swapoutOffline2016V1FixedHolds() {
        Counterexamples.Rendered r = show("swapout-offline-2016-v1-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /**
     * Seed 003 (Kamezawa, May 2010; mainline commit id unverified): CPU A (unmap_and_move) runs the mail's steps 1-7
     * on a mapped file page, then CPU B (zap_pte_range) unmaps the new page. The remap's 0->1 happened while the new
     * page was not PCG_USED, so FILE_MAPPED never counted it; end_migration commits the page, and the unmap's 1->0
     * decrements: FILE_MAPPED underflows.
     */
    @Test
    void migrateFileMapped2010PrefixIsTheSeedSequence() {
        Counterexamples.Rendered r = show("migrate-filemapped-2010-prefix");
        assertEquals(new TlcResult.Outcome.Violates("FileMappedNonNegative", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        // (1) allocate the new page (and lock the old); (2) get the old page's memcg; (3) try_charge; try_to_unmap;
        // (4) replace the radix-tree slot; (5) remap; (6) unlock the new page; (7) end_migration commits it;
        // then B: page_remove_rmap (1 -> 0) and mem_cgroup_update_file_mapped(-1).
        assertEquals("MigrateAllocNewPage(cpuA), MigratePrepareGetMemcg(cpuA), MigratePrepareTryCharge(cpuA), "
                + "MigrateTryToUnmap(cpuA), MigrateMovePage(cpuA), MigrateRemapNew(cpuA), MigrateUnlockNew(cpuA), "
                + "MigrateEndMigration(cpuA), ZapPte(cpuB), ZapUpdateFileMapped(cpuB)", labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        assertEquals(Boolean.FALSE, steps.get(0).after().get("anon"), "a file page");
        assertEquals(1, steps.get(0).after().get("fileMapped"), "mapped once and counted");
        Trace.Step remap = steps.get(6);
        assertEquals("MigrateRemapNew(cpuA)", remap.label().toString());
        assertEquals(1, at(remap, "mapcount", "new"), "step (5): the new page is mapped, 0 -> 1");
        assertEquals(Boolean.FALSE, at(remap, "pcgUsed", "new"), "while its page_cgroup is not USED");
        assertEquals(0, remap.after().get("fileMapped"), "so the 0 -> 1 is not counted");
        assertEquals(2, remap.after().get("usage"), "the try_charge is pending");
        assertEquals(Boolean.TRUE, remap.after().get("pending"));
        Trace.Step end = steps.get(8);
        assertEquals("MigrateEndMigration(cpuA)", end.label().toString());
        assertEquals(Boolean.TRUE, at(end, "pcgUsed", "new"), "step (7): committed only now");
        assertEquals(Boolean.FALSE, at(end, "pcgUsed", "old"), "the old page uncharged");
        assertEquals(0, end.after().get("fileMapped"), "a mapped, charged file page, not counted");
        Trace.Step last = lastStep(r);
        assertEquals(0, at(last, "mapcount", "new"), "B unmapped it, 1 -> 0");
        assertEquals(-1, last.after().get("fileMapped"), "FILE_MAPPED underflows");
        assertEquals(1, last.after().get("usage"), "the charge itself is right: one page");
        assertEquals(Boolean.FALSE, last.after().get("pending"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void migrateFileMapped2010FixedHolds() {
        Counterexamples.Rendered r = show("migrate-filemapped-2010-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }

    /** The fix with two processes: corner cases A and B are reached (the cfg's vacuity windows count them). */
    @Test
    void migrateFileMapped2010FixedLargeHolds() {
        Counterexamples.Rendered r = show("migrate-filemapped-2010-fixed-large");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 100, "three CPUs, two processes");
    }

    /**
     * The eras of mem_cgroup_migrate (history/MigrateEras.tla). v3.17 (0a31bc97c80c): the move transfers the charge,
     * taking the memcg from the old page while the isolation still holds it: LiveOwnerStable fails at the move, and
     * usage never moves.
     */
    @Test
    void migrateEraV317TransfersTheChargeFromALivePage() {
        assertEquals(new TlcResult.Outcome.Holds(), show("migrate-era-v3.17").result().outcome());
        assertTransferTakesTheLiveOwner(show("migrate-era-v3.17-live-owner"));
    }

    /** v6.7 (85ce2c517ade): the same transfer (old->memcg_data = 0), the same verdicts as v3.17. */
    @Test
    void migrateEraV67TransfersTheChargeFromALivePage() {
        assertEquals(new TlcResult.Outcome.Holds(), show("migrate-era-v6.7").result().outcome());
        assertTransferTakesTheLiveOwner(show("migrate-era-v6.7-live-owner"));
    }

    private static void assertTransferTakesTheLiveOwner(Counterexamples.Rendered r) {
        assertEquals(new TlcResult.Outcome.Violates("LiveOwnerStable", TlcResult.Kind.ACTION_PROPERTY),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("MigrateIsolateUnmap(cpuA), MigrateMove(cpuA)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.FALSE, at(last, "owned", "old"), "the old page lost its memcg");
        assertEquals(1, at(last, "refcount", "old"), "while the isolation still references it");
        assertEquals(Boolean.TRUE, at(last, "owned", "new"), "the new page has it");
        assertEquals(1, last.after().get("usage"), "and no counter moved");
    }

    /**
     * v4.6-v6.6 ("mm: migrate: do not touch page->mem_cgroup of live pages"; mainline id unverified): no live page
     * loses its memcg, but the new page is force-charged while the old one keeps its charge. With the third page
     * charged first (its try_charge within memory.max 2), the move takes usage over the limit; without it, the
     * move alone charges both pages.
     */
    @Test
    void migrateEraV46ForceChargesOverTheLimit() {
        assertEquals(new TlcResult.Outcome.Holds(), show("migrate-era-v4.6").result().outcome());

        Counterexamples.Rendered r = show("migrate-era-v4.6-limit");
        assertEquals(new TlcResult.Outcome.Violates("WithinLimit", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("MigrateIsolateUnmap(cpuA), FaultTryCharge(cpuB), MigrateMove(cpuA)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        int limit = 2;  // Limit in MigrateEras_v4_6_limit.cfg
        assertTrue((Integer) last.after().get("usage") > limit, "usage over memory.max: " + last.after().get("usage"));
        assertEquals(3, last.after().get("usage"));
        assertEquals(Boolean.TRUE, at(last, "owned", "old"), "the old page keeps its charge");
        assertEquals(Boolean.TRUE, at(last, "owned", "new"), "the new page is charged too");

        Counterexamples.Rendered once = show("migrate-era-v4.6-once");
        assertEquals(new TlcResult.Outcome.Violates("OneChargePerMigration", TlcResult.Kind.INVARIANT),
                once.result().outcome());
        assertNotNull(once.trace());
        assertEquals("MigrateIsolateUnmap(cpuA), MigrateMove(cpuA)", labels(once.trace()));
        assertEquals(2, lastStep(once).after().get("usage"), "one migration, two charges");
    }

    // ---- KmemLifecycle2012: seed 004, 7de37682bec3 (v3.8), the kmem lifecycle with KMEM_ACCOUNTED_DEAD ----

    private static final V.Model CPU_A = V.model("cpuA");
    private static final V.Model CPU_B = V.model("cpuB");

    /** The interleaving the patch's comment guards against: A's uncharge reaches 0 between B's mark_dead and read. */
    private static final String KMEM_BOTH_SEE_ZERO = "KmemSetLimit(cpuB), KmemCharge(cpuA), KmemDestroyMarkDead(cpuB), "
            + "KmemUnchargeRes(cpuA), KmemUncharge(cpuA), KmemDestroyReadUsage(cpuB)";

    private static Trace.Step step(Counterexamples.Rendered r, int i) {
        return r.trace().steps().get(i);
    }

    /** The memcg is freed (refcnt 0) while cpuB, the destroy callback, still holds the base reference it will put. */
    private static void assertFreedUnderTheBasePut(Trace.Step last) {
        assertEquals(0, last.after().get("refcnt"), "refcnt reached 0");
        assertEquals(Boolean.TRUE, last.after().get("freed"), "the memcg was freed");
        assertEquals(Boolean.TRUE, last.after().get("baseRef"), "while the base reference is still held");
        assertEquals("base_put", at(last, "pc", CPU_B), "and mem_cgroup_destroy's mem_cgroup_put is still to come");
    }

    /** Merged (two CPUs, one charger) and v3 (a get per charge) hold; the larger fixed model holds the exactly-once put. */
    @Test
    void kmemLifecycle2012FixedAndV3Hold() {
        for (String name : List.of("kmem-lifecycle-2012-fixed", "kmem-lifecycle-2012-fixed-large", "kmem-lifecycle-2012-v3")) {
            Counterexamples.Rendered r = show(name);
            assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome(), name);
            assertEquals(Catalogue.load(SpecRoot.specDir()).byName(name).states(), r.result().distinctStates(), name);
        }
    }

    /** destroy_no_test_and_clear: both sides see usage 0; destroy puts (DEAD left set), then A's test_and_clear wins too. */
    @Test
    void kmemLifecycle2012DestroyWithoutTestAndClearPutsTwice() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-destroy-double-put");
        assertEquals(new TlcResult.Outcome.Violates("PutOnce", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals(KMEM_BOTH_SEE_ZERO + ", KmemDestroyDeadPut(cpuB), KmemUnchargeDeadPut(cpuA)", labels(r.trace()));
        Trace.Step destroyPut = step(r, 7);
        assertEquals(1, destroyPut.after().get("refcnt"), "destroy's put: 2 -> 1");
        assertEquals(Boolean.TRUE, destroyPut.after().get("dead"), "without test_and_clear DEAD stays set");
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.FALSE, last.after().get("dead"), "A's test_and_clear takes it");
        assertFreedUnderTheBasePut(last);
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    /** uncharge_no_clear: A's test_bit puts and leaves DEAD set; destroy's test_and_clear then wins as well. */
    @Test
    void kmemLifecycle2012UnchargeWithoutClearPutsTwice() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-uncharge-double-put");
        assertEquals(new TlcResult.Outcome.Violates("PutOnce", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals(KMEM_BOTH_SEE_ZERO + ", KmemUnchargeDeadPut(cpuA), KmemDestroyDeadPut(cpuB)", labels(r.trace()));
        Trace.Step unchargePut = step(r, 7);
        assertEquals(1, unchargePut.after().get("refcnt"), "the uncharge's put: 2 -> 1");
        assertEquals(Boolean.TRUE, unchargePut.after().get("dead"), "test_bit leaves DEAD set");
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.FALSE, last.after().get("dead"), "destroy's test_and_clear takes it");
        assertFreedUnderTheBasePut(last);
    }

    /** mark_dead_no_active: no kmem limit, hence no get; DEAD set anyway, and destroy puts the base reference's count. */
    @Test
    void kmemLifecycle2012MarkDeadWithoutActivePutsAGetNeverTaken() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-mark-dead-inactive");
        assertEquals(new TlcResult.Outcome.Violates("PutOnce", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("KmemDestroyMarkDead(cpuB), KmemDestroyReadUsage(cpuB), KmemDestroyDeadPut(cpuB)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.FALSE, last.after().get("active"), "the memcg never had a kmem limit");
        assertEquals(Boolean.FALSE, last.after().get("kmemRef"), "so no get was taken");
        assertFreedUnderTheBasePut(last);
    }

    /**
     * Model finding on the merged code (no report found): the uncharge that reached 0 holds no reference; destroy reads
     * 0, wins DEAD, puts the limit's reference and the base one: A's test_and_clear_bit is on a freed memcg.
     */
    @Test
    void kmemLifecycle2012FixedFreesBeforeTheLosersBitTest() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-fixed-bit-window");
        assertEquals(new TlcResult.Outcome.Violates("NoUseAfterFree", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals(KMEM_BOTH_SEE_ZERO + ", KmemDestroyDeadPut(cpuB), MemcgDestroyPut(cpuB)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.TRUE, last.after().get("freed"));
        assertEquals(0, last.after().get("refcnt"), "each reference put once (PutOnce holds)");
        assertEquals("test_dead", at(last, "pc", CPU_A), "A is still to test DEAD on the freed memcg");
    }

    /**
     * Model finding on the merged code (no report found), two chargers: A's uncharge reaches 0, C charges before A
     * tests DEAD, destroy reads 1 and returns, A's stale test finds DEAD and puts: freed with C's page charged.
     */
    @Test
    void kmemLifecycle2012FixedFreesWhileAPageIsCharged() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-fixed-recharge-window");
        assertEquals(new TlcResult.Outcome.Violates("FreedOnlyWhenUncharged", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("KmemSetLimit(cpuB), KmemCharge(cpuA), KmemUnchargeRes(cpuA), KmemUncharge(cpuA), KmemCharge(cpuC), "
                + "KmemDestroyMarkDead(cpuB), KmemDestroyReadUsage(cpuB), MemcgDestroyPut(cpuB), KmemUnchargeDeadPut(cpuA)",
                labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals(Boolean.TRUE, last.after().get("freed"));
        assertEquals(1, last.after().get("kmem"), "C's page is still charged");
        assertEquals("uncharge", at(last, "pc", V.model("cpuC")), "and will be uncharged from the freed memcg");
    }

    /** The mutants: the DEAD bit is what lets charges outlive the cgroup without a free under them or a leak. */
    @Test
    void kmemLifecycle2012MutantsWithoutTheDeadBit() {
        Counterexamples.Rendered r = show("kmem-lifecycle-2012-put-at-destroy");
        assertEquals(new TlcResult.Outcome.Violates("FreedOnlyWhenUncharged", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertEquals("KmemSetLimit(cpuB), KmemCharge(cpuA), KmemDestroyMarkDead(cpuB), MemcgDestroyPut(cpuB)",
                labels(r.trace()));
        assertEquals(1, lastStep(r).after().get("kmem"), "freed with A's page charged");

        Counterexamples.Rendered leak = show("kmem-lifecycle-2012-no-mark-dead");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                leak.result().outcome());
        assertEquals("KmemSetLimit(cpuB), KmemCharge(cpuA), KmemDestroyMarkDead(cpuB), KmemDestroyReadUsage(cpuB), "
                + "MemcgDestroyPut(cpuB), KmemUnchargeRes(cpuA), KmemUncharge(cpuA), KmemUnchargeDeadPut(cpuA)",
                labels(leak.trace()));
        Trace.Step last = lastStep(leak);
        assertEquals(1, last.after().get("refcnt"), "the limit's reference is never put");
        assertEquals(Boolean.FALSE, last.after().get("freed"));
    }

    /**
     * Stock race A (1a3e1f40962c, v5.4): A's pages consumed and uncharged, A offline and freed while cpuA's slot
     * still names it; cpuB's drain_all_stock loads stock->cached (A) under rcu_read_lock, cpuA's refill_stock for P
     * replaces the slot and sets nr_pages, cpuB's second load passes: about to dereference the freed A.
     */
    @Test
    void stockCachedUaf2020PrefixIsTheChangelogInterleaving() {
        Counterexamples.Rendered r = show("stock-cached-uaf-2020-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoUseAfterFree", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("ConsumeStock(cpuA), Uncharge(cpuA), Offline(cpuC), CssFree(cpuC), DrainAllStockTrylock(cpuB), "
                + "DrainAllStockReadCached(cpuB), ChargeBatch(cpuA), DrainAllStockReadNrPages(cpuB)", labels(r.trace()));
        Trace.Step read = step(r, 6);
        assertEquals(Boolean.TRUE, read.after().get("freed"), "A was freed before the drainer's rcu_read_lock");
        assertEquals("A", at(read, "ptr", V.model("cpuB")), "the drainer reads the stale pointer");
        assertEquals(0, read.after().get("nrPages"), "with no page behind it");
        Trace.Step last = lastStep(r);
        assertEquals("P", last.after().get("cached"), "the slot now names P");
        assertEquals(1, last.after().get("nrPages"), "and P's page makes the second load pass");
        assertEquals("is_descendant", at(last, "pc", V.model("cpuB")));
    }

    /** Race A fixed: the slot's css reference; the RCU-deferred free is what answers Hocko's objection. */
    @Test
    void stockCachedUaf2020FixedHoldsAndNeedsTheDeferredFree() {
        for (String name : List.of("stock-cached-uaf-2020-fixed", "stock-cached-uaf-2020-fixed-large")) {
            Counterexamples.Rendered r = show(name);
            assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome(), name);
        }
        Counterexamples.Rendered dangling = show("stock-cached-uaf-2020-dangling");
        assertEquals(new TlcResult.Outcome.Violates("SlotPinsCached", TlcResult.Kind.INVARIANT), dangling.result().outcome());
        Counterexamples.Rendered r = show("stock-cached-uaf-2020-immediate-free");
        assertEquals(new TlcResult.Outcome.Violates("NoUseAfterFree", TlcResult.Kind.INVARIANT), r.result().outcome());
        String labels = labels(r.trace());
        assertTrue(labels.indexOf("DrainAllStockReadCached(cpuB)") < labels.indexOf("ChargeBatch(cpuA)")
                && labels.indexOf("ChargeBatch(cpuA)") < labels.indexOf("CssFree(cpuC)"),
                "the drainer reads A, refill_stock puts the slot's reference, A is freed at once: " + labels);
    }

    /**
     * Stock race B (8521fc50d433, reverted by 9f50fad65b87): M's removal queues the drain of cpuA's stock, the work
     * cleans the cache, the wait loop loads stock->cached for mem_cgroup_same_or_subtree: NULL.
     */
    @Test
    void stockDrainMutex2011PrefixDereferencesTheCleanedCache() {
        Counterexamples.Rendered r = show("stock-drain-mutex-2011-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoNullDeref", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("ForceEmptyLoop(cpuC), DrainAllStockSync(cpuC), DrainAllStockReadCached(cpuC), "
                + "DrainAllStockReadNrPages(cpuC), DrainAllStockSameOrSubtree(cpuC), DrainLocalStock(cpuA), "
                + "DrainAllStockWaitRead(cpuC)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals("wait_subtree", at(last, "pc", V.model("cpuC")));
        assertEquals("null", at(last, "ptr", V.model("cpuC")), "the cache is already cleaned up");
        Counterexamples.Rendered uaf = show("stock-drain-mutex-2011-prefix-uaf");
        assertEquals(new TlcResult.Outcome.Violates("NoUseAfterFree", TlcResult.Kind.INVARIANT), uaf.result().outcome());
        assertEquals(Boolean.TRUE, lastStep(uaf).after().get("freed"));
    }

    /** The revert holds; its wait loop without the mutex does not. */
    @Test
    void stockDrainMutex2011RevertNeedsBothHalves() {
        for (String name : List.of("stock-drain-mutex-2011-fixed", "stock-drain-mutex-2011-fixed-large")) {
            assertEquals(new TlcResult.Outcome.Holds(), show(name).result().outcome(), name);
        }
        Counterexamples.Rendered r = show("stock-drain-mutex-2011-no-mutex");
        assertEquals(new TlcResult.Outcome.Violates("NoUseAfterFree", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertTrue(labels(r.trace()).contains("MemCgroupDestroy(cpuC)"), labels(r.trace()));
    }

    /** Stock race C (CVE-2023-53401, 3b8abb323953): test non-NULL, drain_obj_stock clears it, reload NULL. */
    @Test
    void objStockDoubleRead2023PrefixIsTheTwoLoads() {
        Counterexamples.Rendered r = show("objstock-double-read-2023-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoNullDeref", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("ObjStockFlushRequired(cpuB), DrainObjStock(cpuA), ObjStockFlushRequiredReload(cpuB)",
                labels(r.trace()));
        assertEquals("null", at(lastStep(r), "objcg", V.model("cpuB")));
        for (String name : List.of("objstock-double-read-2023-fixed", "objstock-double-read-2023-fixed-large")) {
            assertEquals(new TlcResult.Outcome.Holds(), show(name).result().outcome(), name);
        }
    }

    /**
     * Stock bug D (9f01b4954490): cpuA's object stock caches objcg O with a page of bytes (the object freed there);
     * cpuA goes offline, memcg_hotplug_cpu_dead drains its page stock only; O's memcg goes offline and is freed: O keeps
     * the dead CPU's reference, never released, and P's counter keeps the page with nothing charged.
     */
    @Test
    void objStockHotplug2025PrefixLeavesTheObjcgOnTheDeadCpu() {
        Counterexamples.Rendered r = show("objstock-hotplug-2025-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("ObjFree(cpuA), CpuDown(cpuA), MemcgHotplugCpuDead(cpuB, cpuA), Offline(cpuB), CssFree(cpuB)",
                labels(r.trace()));
        Trace.Step teardown = step(r, 3);
        assertEquals("null", at(teardown, "cached", V.model("cpuA")), "the teardown drains the page stock");
        assertEquals("O", at(teardown, "objCached", V.model("cpuA")), "and leaves the object stock");
        Trace.Step last = lastStep(r);
        assertEquals("freed", last.after().get("memcg"), "O's memcg is gone");
        assertEquals(1, last.after().get("ref"), "the dead CPU's reference is O's last");
        assertEquals(Boolean.FALSE, last.after().get("released"));
        assertEquals(2, at(last, "nrBytes", V.model("cpuA")), "a page of bytes cached on the dead CPU");
        assertEquals(1, last.after().get("usage"), "still charged to P, with nothing charged");
    }

    /** Bug D fixed: the teardown drains the object stock and puts its reference; without the put, O's count is off. */
    @Test
    void objStockHotplug2025FixedHoldsAndNeedsThePut() {
        for (String name : List.of("objstock-hotplug-2025-fixed", "objstock-hotplug-2025-fixed-large")) {
            Counterexamples.Rendered r = show(name);
            assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome(), name);
            assertTrue(r.result().distinctStates() > 20, name + " explores the same interleavings");
        }
        Counterexamples.Rendered r = show("objstock-hotplug-2025-no-put");
        assertEquals(new TlcResult.Outcome.Violates("ObjcgRefBalance", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertEquals("CpuDown(cpuA), MemcgHotplugCpuDead(cpuB, cpuA)", labels(r.trace()));
        Trace.Step last = lastStep(r);
        assertEquals("null", at(last, "objCached", V.model("cpuA")), "the dead CPU's object stock is drained");
        assertEquals(4, last.after().get("ref"), "but its reference is still counted");
    }

    @Test
    void unchargeBatchUaf2020PrefixIsTheChangelogInterleaving() {
        Counterexamples.Rendered r = show("uncharge-batch-uaf-2020-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoCounterWriteAfterFree", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        assertEquals("UnchargePage(cpuA), Offline(cpuC), CssFree(cpuC), UnchargeBatch(cpuA)", labels(r.trace()));
        assertEquals(1, step(r, 1).after().get("css"), "after the page's css_put only A's base reference is left");
        Trace.Step last = lastStep(r);
        assertEquals("freed", last.after().get("state"), "A is freed");
        assertEquals(1, last.after().get("uafWrites"), "and uncharge_batch wrote its counter");
        assertTrue(r.text().contains("cpuA") && r.text().contains("cpuC"), r.text());
    }

    @Test
    void unchargeBatchUaf2020FixedHolds() {
        for (String name : List.of("uncharge-batch-uaf-2020-fixed", "uncharge-batch-uaf-2020-fixed-large")) {
            Counterexamples.Rendered r = show(name);
            assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome(), name);
            assertTrue(r.result().distinctStates() > 10, name + " explores the same interleavings");
        }
    }
}
