package memcgspec.protocol.stock;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Stock.tla: museum race A (the stock without a css reference on the memcg it
 * caches, v2.6.33 to v5.8) and the never-released bug of f735eebe55f8's "fix 2" (a new slot's
 * count from an uninitialised variable, Hugh Dickins' "fix 3") re-introduced into today's stock,
 * and plausible stock bugs, each with the exact set of its model's checks that it violates, on
 * Stock.cfg's mutation twin Stock_mutants.cfg and on the user models' twins (Stock_user_mutants.cfg:
 * faults, the failure, the drain and the retry; Stock_user_offline_mutants.cfg: a page across offline),
 * where the stock's generic steps run for user pages. The properties Stock.tla takes over from Kmem.tla
 * that no stock step can break (the objcg pointers, the id references, the user pages') are bitten
 * by the mutants of Kmem.tla, Swap.tla and Charge.tla on their own models. docs/mutants.md is
 * their table (SpecMutationTest pins both).
 */
final class StockMutants {
    private StockMutants() {}

    /** Stock.cfg's mutation twin. */
    private static final String SM = "Stock_mutants.cfg";
    /** Stock_user.cfg's mutation twin: user pages, one memcg, the failure, the drain and the retry. */
    private static final String SU = "Stock_user_mutants.cfg";
    /** Stock_user_offline.cfg's mutation twin: one user page across offline. */
    private static final String SUO = "Stock_user_offline_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Stock", name);
    }

    static final List<Mutant> ALL = List.of(
            mutant("stock-without-css-ref")
                    .reintroduces("cdec2e4265df (v2.6.33) to 1a3e1f40962c (v5.9): the stock held no css reference on stock->cached (none up to v3.18, one per stocked page after, so none for a slot with no page); the stale pointer's use after free in drain_all_stock was reported on 3.10 and 4.19")
                    .kernel("refill_stock (css_get(&memcg->css)) / drain_stock (css_put(&old->css))")
                    .bug("a slot takes no css reference on the memcg it caches and its drain puts none: the memcg can be freed while a slot still points at it")
                    .edit("       /\\ css' = [d \\in Memcgs |-> css[d] + (IF d = m /\\ ~hasSlot THEN 1 ELSE 0)\n                                          - (IF d \\in gone THEN 1 ELSE 0)\n                                          + ChargedCss(c, d)]",
                            "       /\\ css' = [d \\in Memcgs |-> css[d] + ChargedCss(c, d)]")
                    .edit("       /\\ css' = [d \\in Memcgs |-> css[d] + (IF d = m /\\ ~hasSlot THEN 1 ELSE 0)\n                                          - (IF d = m /\\ overflow THEN 1 ELSE 0)\n                                          - (IF d \\in gone THEN 1 ELSE 0)\n                                          - (IF d = m THEN 1 ELSE 0)]",
                            "       /\\ css' = [d \\in Memcgs |-> css[d] - (IF d = m THEN 1 ELSE 0)]")
                    .edit("DrainCss(cs, S) == [m \\in Memcgs |-> IF m \\in S THEN cs[m] - 1 ELSE cs[m]]", "DrainCss(cs, S) == cs")
                    .on(SM, "CssRefBalance", "NothingFreedReferenced", "StockPinsDying")
                    .on(SU, "CssRefBalance")
                    .on(SUO, "CssRefBalance", "NothingFreedReferenced", "StockPinsDying")
                    .build(),
            mutant("new-slot-count-uninitialised")
                    .reintroduces("f735eebe55f8's \"fix 2\" (Apr 2025, never released; Hugh Dickins' \"fix 3\" of the same month): refill_stock wrote a new slot's nr_pages from an uninitialised variable, and memcg OOM kills followed")
                    .kernel("refill_stock (WRITE_ONCE(stock->nr_pages[i], nr_pages) for a new slot)")
                    .bug("a batch's surplus put in a new slot is recorded as 0 pages: the pages stay charged and nobody can use or drain them")
                    .edit("                          IF d = m THEN Batch - 1 ELSE IF d \\in gone THEN 0 ELSE nrPages[c][d]]]",
                            "                          IF d = m THEN (IF hasSlot THEN Batch - 1 ELSE 0) ELSE IF d \\in gone THEN 0 ELSE nrPages[c][d]]]")
                    .on(SM, "Conservation", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SU, "Conservation", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SUO, "Conservation", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("refill-without-overflow-drain")
                    .kernel("refill_stock (if (stock_pages > MEMCG_CHARGE_BATCH) drain_stock(stock, i))")
                    .bug("a slot that passes the batch is not drained: one CPU's stock can hoard its memcg's limit")
                    .edit("           overflow == hasSlot /\\ nrPages[c][m] + 1 > Batch", "           overflow == FALSE")
                    .on(SM, "SlotBound")
                    .build(),
            mutant("refill-without-eviction")
                    .kernel("refill_stock (no empty slot: drain_stock of the victim at drain_idx)")
                    .bug("a memcg with no slot takes one even when every slot is taken: the stock grows past NR_MEMCG_STOCK")
                    .edit("           evict == ~hasSlot /\\ Cardinality(cached[c]) = NSlots\n           gone == IF evict THEN {victim} ELSE {}\n           charged",
                            "           evict == FALSE\n           gone == IF evict THEN {victim} ELSE {}\n           charged")
                    .edit("           evict == ~hasSlot /\\ Cardinality(cached[c]) = NSlots\n           gone == IF evict THEN {victim} ELSE {}\n           \\* the pages leaving",
                            "           evict == FALSE\n           gone == IF evict THEN {victim} ELSE {}\n           \\* the pages leaving")
                    .on(SM, "SlotCount")
                    .on(SUO, "SlotCount")
                    .build(),
            mutant("evict-without-uncharge")
                    .kernel("drain_stock (memcg_uncharge(old, stock_pages))")
                    .bug("the victim of an eviction leaves its slot without its pages being uncharged: they stay charged to nobody")
                    .edit("       /\\ usage' = DrainUsage(charged, c, gone)", "       /\\ usage' = charged")
                    .on(SM, "Conservation", "MemswIsMemoryPlusSwap", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("consume-without-decrement")
                    .kernel("consume_stock (WRITE_ONCE(stock->nr_pages[i], stock_pages - nr_pages))")
                    .bug("a stock hit takes a page without taking it out of the slot: the same pre-charged page serves two pages")
                    .edit("    /\\ nrPages' = [nrPages EXCEPT ![c][Target(c)] = @ - 1]", "    /\\ nrPages' = nrPages")
                    .on(SM, "Conservation", "NoUnderflow", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SU, "Conservation", "NoUnderflow", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SUO, "Conservation", "NoUnderflow", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("consume-empty-slot")
                    .kernel("consume_stock (if (stock_pages >= nr_pages))")
                    .bug("a stock hit is taken from the memcg's slot without testing that it holds a page: the slot's count goes below zero")
                    .edit("    /\\ Hit(c)\n    /\\ nrPages' = [nrPages EXCEPT ![c][Target(c)] = @ - 1]",
                            "    /\\ Target(c) \\in cached[c]\n    /\\ nrPages' = [nrPages EXCEPT ![c][Target(c)] = @ - 1]")
                    .on(SM, "TypeOK")
                    .on(SU, "TypeOK")
                    .on(SUO, "TypeOK")
                    .build(),
            mutant("batch-ignores-max")
                    .kernel("try_charge_memcg (page_counter_try_charge(&memcg->memory, batch, &counter))")
                    .bug("the batch is charged when ONE page fits: the surplus is charged past memory.max")
                    .edit("       /\\ PC!CanCharge(usage, m, Batch)\n", "       /\\ PC!CanCharge(usage, m, 1)\n")
                    .on(SM, "WithinLimit")
                    .on(SU, "WithinLimit")
                    .on(SUO, "WithinLimit")
                    .build(),
            mutant("drain-forgets-memsw")
                    .kernel("memcg_uncharge (page_counter_uncharge(&memcg->memsw, nr_pages) if do_memsw_account())")
                    .bug("draining a slot uncharges memory but not memsw on cgroup v1")
                    .edit("DrainMemsw(ms, c, S) == IF version = 1 THEN DrainUsage(ms, c, S) ELSE ms", "DrainMemsw(ms, c, S) == ms")
                    .on(SM, "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Refinement")
                    .on(SU, "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Refinement")
                    .on(SUO, "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("drain-work-keeps-pages")
                    .kernel("drain_local_memcg_stock -> drain_stock (WRITE_ONCE(stock->nr_pages[i], 0))")
                    .bug("the drain work empties the slots' memcgs but not their counts: the pages counted there are uncharged and still counted")
                    .edit("    /\\ nrPages' = [nrPages EXCEPT ![c] = [d \\in TaskMemcgs |-> 0]]", "    /\\ nrPages' = nrPages")
                    .on(SM, "Conservation", "SlotBound", "StockedOnlyCached", "SlackBound", "NoUnderflow", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SU, "Conservation", "StockedOnlyCached", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .on(SUO, "Conservation", "StockedOnlyCached", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("refill-skips-kmem-counter")
                    .kernel("obj_cgroup_uncharge_pages (memcg1_account_kmem(memcg, -nr_pages) before refill_stock)")
                    .bug("the uncharge into the stock forgets the v1 kmem counter")
                    .edit("       /\\ kmem' = IF version = 1 THEN PC!Uncharge(kmem, m, 1) ELSE kmem", "       /\\ kmem' = kmem")
                    .on(SM, "KmemCounter", "NoLeakAtQuiescence")
                    .build(),
            mutant("refill-to-charged-memcg")
                    .kernel("obj_cgroup_uncharge_pages (refill_stock(memcg, nr_pages) on the memcg get_mem_cgroup_from_objcg gave)")
                    .bug("the uncharge goes into the stock of the memcg the page was charged to, not of the objcg's memcg of the moment (read, but unpinned: it may be dying, its count 0)")
                    .edit("KmemUncharge(c, victim) ==\n    /\\ pc[c] = \"kmem_uncharge_css\"\n    /\\ LET m == kmemcg[c]\n",
                            "KmemUncharge(c, victim) ==\n    /\\ pc[c] = \"kmem_uncharge_css\"\n    /\\ LET m == chargedAt[kpage[c]]\n")
                    .on(SM, "CssRefBalance", "NothingFreedReferenced", "StockPinsDying", "NoCssResurrection")
                    .build(),
            mutant("charge-fail-releases-objcg")
                    .kernel("obj_cgroup_put (percpu_ref_put: obj_cgroup_release on the last reference only)")
                    .bug("a charge that fails after its drain releases the task's objcg whatever references are left")
                    .edit("    /\\ objcgMemcg' = K!PutMemcg(kobj[c])", "    /\\ objcgMemcg' = [objcgMemcg EXCEPT ![kobj[c]] = NoMemcg]")
                    .on(SM, "NoObjcgUseAfterFree")
                    .build(),
            mutant("charge-fail-keeps-objcg")
                    .kernel("__memcg_kmem_charge_page (obj_cgroup_put(objcg) when obj_cgroup_charge_pages fails)")
                    .bug("a charge that fails after its drain forgets to drop the task's objcg reference")
                    .edit("    /\\ objcgRef' = K!PutRef(kobj[c])", "    /\\ objcgRef' = objcgRef")
                    .on(SM, "ObjcgRefBalance")
                    .build(),
            mutant("user-fail-keeps-css")
                    .kernel("__mem_cgroup_charge (css_put(&memcg->css) after charge_memcg, also when it fails)")
                    .bug("a fault whose charge fails after drain_all_stock keeps the css reference it took on its task's memcg")
                    .edit("               /\\ css' = [css EXCEPT ![chargeTo[c]] = @ - 1]\n               /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                            "               /\\ css' = css\n               /\\ pc' = [pc EXCEPT ![c] = \"put\"]")
                    .on(SU, "CssRefBalance")
                    .build(),
            mutant("retry-skips-charge")
                    .kernel("try_charge_memcg (after drain_all_stock: goto retry, consume_stock or page_counter_try_charge again)")
                    .bug("a charge that drained the stocks counts itself charged, as if the pages drained were its own: the fault goes on with no charge")
                    .edit("    /\\ pc' = [pc EXCEPT ![c] = RetryOf[pc[c]]]\n",
                            "    /\\ pc' = [pc EXCEPT ![c] = IF pc[c] = \"anon_alloc\" THEN \"anon_charged\" ELSE RetryOf[pc[c]]]\n")
                    .on(SU, "Conservation", "NoUnderflow", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("charge-fail-keeps-page")
                    .kernel("__alloc_pages (__free_pages of the page whose charge failed)")
                    .bug("a charge that fails after its drain leaves the page allocated, charged to nothing")
                    .edit("    /\\ kalloc' = [kalloc EXCEPT ![kpage[c]] = FALSE]", "    /\\ kalloc' = kalloc")
                    .on(SM, "KmemPagesCharged", "Deadlock")
                    .build());
}
