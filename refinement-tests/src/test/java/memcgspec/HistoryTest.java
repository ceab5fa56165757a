package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import memcgspec.tla.Catalogue;
import memcgspec.tla.Model;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.trace.Counterexamples;
import memcgspec.trace.Trace;
import org.junit.jupiter.api.Test;

/**
 * The race museum reproduces each race exactly: TLC's shortest counterexample of the pre-fix
 * variant is the interleaving of the kernel mail, step for step and CPU for CPU; the fixed variant
 * holds.
 */
class HistoryTest {

    private static Counterexamples.Rendered show(String name) {
        Model m = Catalogue.load(SpecRoot.specDir()).byName(name);
        return Counterexamples.show(m, SpecRoot.specDir(), new TlcRunner(), TlcRunner.Options.defaults(), l -> {});
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
     */
    @Test
    void swapcacheType2PrefixIsTheSeedInterleaving() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-prefix");
        assertEquals(new TlcResult.Outcome.Violates("NoLeakAtQuiescence", TlcResult.Kind.INVARIANT),
                r.result().outcome());
        assertNotNull(r.trace());
        // A: page_remove_rmap; A: mem_cgroup_uncharge_page (not PageSwapCache yet: uncharged);
        // A: free_pages_and_swap_cache drops its reference; B: add_to_swap; B: keep (unlock, putback).
        assertEquals("ExitRemoveRmap(cpuA), ExitUncharge(cpuA), ExitReleasePage(cpuA), ReclaimAddToSwap(cpuB), "
                + "ReclaimKeepPage(cpuB)", labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(Boolean.TRUE, last.after().get("inCache"), "the page stays in the swap cache");
        assertEquals(0, last.after().get("mapcount"), "unmapped");
        assertEquals(Boolean.FALSE, last.after().get("pcgUsed"), "uncharged: off the memcg LRU");
        assertEquals(0, last.after().get("mem"));
        assertEquals(0, last.after().get("memsw"), "no counter leaks: the slot does");
        assertEquals(1, last.after().get("swapCount"));
        assertEquals(Boolean.FALSE, last.after().get("hasCache"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void swapcacheType2FixedHolds() {
        Counterexamples.Rendered r = show("swapcache-type2-2009-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }
}
