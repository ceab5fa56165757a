package memcgspec.protocol.swap;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Swap.tla: the museum's swap-side races re-introduced into today's protocol, and
 * plausible bugs, each with the exact set of its model's checks that it violates. The models are
 * Swap.cfg's and Swap_v2.cfg's mutation twins, spec/Swap_mutants.cfg and spec/Swap_v2_mutants.cfg
 * (the same checks, smaller constants), with two slots where a bug needs them, and Swap_reuse.cfg
 * itself (a CI model small enough to be its own twin) for the mutants that together violate each of
 * its properties. docs/mutants.md is their table (SpecMutationTest pins both).
 */
final class SwapMutants {
    private SwapMutants() {}

    /** Swap.cfg's and Swap_v2.cfg's mutation twins. */
    private static final String V1 = "Swap_mutants.cfg";
    private static final String V2 = "Swap_v2_mutants.cfg";
    /** The same twins with two slots, for what needs a second slot. */
    private static final String V1_SLOTS = "Swap_mutants_slots.cfg";
    private static final String V2_SLOTS = "Swap_v2_mutants_slots.cfg";
    /** Swap_reuse.cfg, a CI model small enough to be its own twin: two pages charged at once, one slot. */
    private static final String REUSE = "Swap_reuse.cfg";
    /**
     * Migrate.tla's CI models, their own twins: Swap.tla's steps re-checked where migration runs
     * beside them (the properties Migrate.tla inherits and no migration step can break).
     */
    private static final String MIGRATE = "Migrate.cfg";
    private static final String MIGRATE_SWAP = "Migrate_swap_mutants.cfg";
    /** Migrate_swap.cfg itself, for a bug that needs two pages charged at once (a slot changing hands under a swap-in). */
    private static final String MIGRATE_SWAP_CI = "Migrate_swap.cfg";
    /** Kmem.cfg's twin: Swap.tla's lifetime steps re-checked where kmem runs beside them. */
    private static final String KMEM = "Kmem_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Swap", name);
    }

    /**
     * Swap's Unmap as a whole action, with the 2009 uncharge at unmap: the last unmapping of an anon
     * page that {@code cond} allows uncharges it (memory and, on v1, memsw; the anon statistic; the css).
     */
    private static String unmapUncharging(String cond) {
        return "Unmap(c, p) ==\n"
                + "    /\\ pc[c] = \"idle\"\n"
                + "    /\\ mapcount[p] > 0\n"
                + "    /\\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]\n"
                + "    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n"
                + "    /\\ held' = [held EXCEPT ![c] = p]\n"
                + "    /\\ IF anon[p] /\\ mapcount[p] = 1 /\\ owner[p] /= NoMemcg /\\ " + cond + "\n"
                + "         THEN /\\ usage' = PC!Uncharge(usage, owner[p], 1)\n"
                + "              /\\ memsw' = IF version = 1 THEN PC!Uncharge(memsw, owner[p], 1) ELSE memsw\n"
                + "              /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n"
                + "              /\\ stat' = ModStat(stat, owner[p], \"anon\", -1)\n"
                + "              /\\ css' = Put(css, owner[p])\n"
                + "         ELSE /\\ UNCHANGED <<usage, memsw, owner, css>>\n"
                + "              /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1 THEN ModStat(stat, owner[p], \"file_mapped\", -1) ELSE stat\n"
                + "    /\\ UNCHANGED <<chargeTo, index, refcount, locked, anon, cache, version, slot, deviceVars, swap, state, idRef>>";
    }

    private static final String UNMAP = "Unmap(c, p) == C!Unmap(c, p) /\\ UNCHANGED swapVars";

    /**
     * The early returns of mem_cgroup_try_charge_swap (v2) and mem_cgroup_swapout (v1) for a page without
     * memcg ("Readahead page, never charged"): nothing is recorded or charged. Today's protocol never
     * reaches them (reclaim isolates charged pages only, and nothing uncharges a live page), so the spec
     * leaves them out; a mutant that lets an unowned page reach AddToSwap or SwapOut needs them.
     */
    private static Mutant.Builder unownedEarlyReturns(Mutant.Builder b) {
        return b.edit("           ok == version = 1 \\/ a = Root", "           ok == version = 1 \\/ owner[p] = NoMemcg \\/ a = Root")
                .edit("IF version = 2 THEN [record EXCEPT ![s] = a]", "IF version = 2 /\\ owner[p] /= NoMemcg THEN [record EXCEPT ![s] = a]")
                .edit("IF version = 2 THEN ChargeRec(swap, a)", "IF version = 2 /\\ owner[p] /= NoMemcg THEN ChargeRec(swap, a)")
                .edit("IF version = 2 THEN Get(idRef, a)", "IF version = 2 /\\ owner[p] /= NoMemcg THEN Get(idRef, a)")
                .edit("          /\\ IF version = 1\n               THEN /\\ record' = [record EXCEPT ![s] = a]",
                        "          /\\ IF version = 1 /\\ o /= NoMemcg\n               THEN /\\ record' = [record EXCEPT ![s] = a]");
    }

    static final List<Mutant> ALL = List.of(
            // ---- the museum and the reference table
            unownedEarlyReturns(mutant("swapin-after-unmap-uncharge-2009")
                    .reintroduces("seed 000, 7a81b88cb53e (2009: do_swap_page skipped the charge of a mapped page, zap uncharged it)")
                    .kernel("page_remove_rmap -> mem_cgroup_uncharge_page; do_swap_page mapping a swap-cache page uncharged")
                    .bug("the last unmapping of an anon page uncharges it (v2.6.28's rule), so a swap-cache page is left uncharged and a swap-in fault maps it so")
                    .edit(UNMAP, unmapUncharging("TRUE")))
                    .on(V1, "InUseIsCharged", "StatsMatch", "Refinement")
                    .on(V2, "InUseIsCharged", "StatsMatch", "Refinement")
                    .build(),
            mutant("swapcache-without-has-cache")
                    .reintroduces("seed 002 Type-1, 355cfa73ddff (2009: readahead against free_swap_and_cache, no SWAP_HAS_CACHE)")
                    .kernel("__read_swap_cache_async -> swapcache_prepare")
                    .bug("SwapcachePrepare neither tests nor takes SWAP_HAS_CACHE: the slot can be freed, or prepared twice, under a swap-in")
                    .edit("          IF ~hasCache[s] /\\ swapMap[s] > 0\n            THEN /\\ hasCache' = [hasCache EXCEPT ![s] = TRUE]",
                            "          IF swapMap[s] > 0\n            THEN /\\ hasCache' = hasCache")
                    .on(V1, "TypeOK", "MemswIsMemoryPlusSwap", "NoDoubleChargeOutsideSwapinWindow",
                            "SwapCacheHasCache", "SlotFreeOnlyWhenUnused", "IdRefBalance",
                            "SwapinChargeUnderExclusion", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(V2, "TypeOK", "SwapCacheHasCache", "SlotFreeOnlyWhenUnused", "SwapinChargeUnderExclusion")
                    .on(MIGRATE_SWAP, "TypeOK", "SwapCacheHasCache", "SlotFreeOnlyWhenUnused", "SwapinChargeUnderExclusion")
                    .build(),
            unownedEarlyReturns(mutant("exit-uncharges-before-add-to-swap-2009")
                    .reintroduces("seed 002 Type-2, c9e444103b5e (2009: exit uncharged a page reclaim then added to the swap cache)")
                    .kernel("page_remove_rmap -> mem_cgroup_uncharge_page (skipped for PageSwapCache only); add_to_swap")
                    .bug("the last unmapping of an anon page not in the swap cache uncharges it (v2.6.30's rule), under a reclaim that has isolated it and adds it to the swap cache")
                    .edit(UNMAP, unmapUncharging("~InSwapCache(p)")))
                    .on(V1, "InUseIsCharged", "Refinement")
                    .on(REUSE, "InUseIsCharged", "Refinement")
                    .on(V2, "InUseIsCharged", "Refinement")
                    .build(),
            mutant("swapcache-delete-uncharges-2008")
                    .reintroduces("03f3c433648a (2008: reuse_swap_page's delete_from_swap_cache uncharged the fresh swap-in charge)")
                    .kernel("__delete_from_swap_cache -> mem_cgroup_uncharge_swapcache (2008: from do_swap_page's reuse_swap_page; here from try_to_free_swap)")
                    .bug("DeleteFromSwapCache uncharges the page it takes out of the swap cache when no pte maps it (memory, memsw, anon stat, css)")
                    .edit("    /\\ stat' = ModStat(stat, owner[swapCache[s]], \"swapcached\", -1)",
                            "    /\\ LET p == swapCache[s]\n"
                                    + "           o == owner[p]\n"
                                    + "           un == mapcount[p] = 0 /\\ o /= NoMemcg\n"
                                    + "       IN /\\ stat' = IF un THEN ModStat(ModStat(stat, o, \"swapcached\", -1), o, \"anon\", -1)\n"
                                    + "                              ELSE ModStat(stat, o, \"swapcached\", -1)\n"
                                    + "          /\\ usage' = IF un THEN PC!Uncharge(usage, o, 1) ELSE usage\n"
                                    + "          /\\ memsw' = IF un /\\ version = 1 THEN PC!Uncharge(memsw, o, 1) ELSE memsw\n"
                                    + "          /\\ owner' = IF un THEN [owner EXCEPT ![p] = NoMemcg] ELSE owner\n"
                                    + "          /\\ css' = IF un THEN Put(css, o) ELSE css")
                    .edit("    /\\ UNCHANGED <<chargeTo, index, folioVars, cache, usage,\n"
                                    + "                   version, allocated, swapMap, record, counterVars, lifeVars>>",
                            "    /\\ UNCHANGED <<chargeTo, index, refcount, mapcount, locked, anon, cache,\n"
                                    + "                   version, allocated, swapMap, record, swap, state, idRef>>")
                    .on(V1, "Refinement")
                    .on(V2, "Refinement")
                    .build(),
            mutant("swapout-offline-no-walk-2016-v2")
                    .reintroduces("1f47b61fb407 (2016, cgroup v2: swap-out from an offline memcg recorded id 0, the swap charge leaked)")
                    .kernel("mem_cgroup_try_charge_swap (mem_cgroup_id_get instead of mem_cgroup_id_get_online)")
                    .bug("AddToSwap charges the page's own memcg and takes its id reference (0 -> 1 if the id is dead) and records its id, 0 when dead")
                    .edit("           a == IdGetOnline(owner[p])", "           a == owner[p]")
                    .edit("               /\\ record' = IF version = 2 THEN [record EXCEPT ![s] = a] ELSE record",
                            "               /\\ record' = IF version = 2 THEN [record EXCEPT ![s] = IF idRef[a] > 0 THEN a ELSE NoMemcg] ELSE record")
                    .on(V2, "SwapCounter", "IdRefBalance", "CssRefBalance", "NothingFreedReferenced",
                            "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("swapout-offline-no-walk-2016-v1")
                    .reintroduces("1f47b61fb407 (2016, cgroup v1: mem_cgroup_swapout from an offline memcg recorded id 0, the memsw charge leaked)")
                    .kernel("mem_cgroup_swapout (mem_cgroup_id_get instead of mem_cgroup_id_get_online)")
                    .bug("SwapOut keeps the memsw charge on the page's own memcg, takes its id reference (0 -> 1 if the id is dead) and records its id, 0 when dead")
                    .edit("           a == IdGetOnline(o)", "           a == o")
                    .edit("               THEN /\\ record' = [record EXCEPT ![s] = a]",
                            "               THEN /\\ record' = [record EXCEPT ![s] = IF idRef[a] > 0 THEN a ELSE NoMemcg]")
                    .on(V1, "MemswIsMemoryPlusSwap", "IdRefBalance", "CssRefBalance", "NothingFreedReferenced",
                            "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("swapcached-after-memcg-cleared")
                    .reintroduces("Hugh Dickins' fix of b6038942480e (v6.1-rc8: on v1, mem_cgroup_swapout cleared the memcg before __delete_from_swap_cache)")
                    .kernel("__remove_mapping: mem_cgroup_swapout before __delete_from_swap_cache")
                    .bug("on v1 SwapOut's swapcached decrement finds the page's memcg already cleared and goes to no memcg")
                    .edit("                    /\\ stat' = ModStat(ModStat(stat, o, \"swapcached\", -1), o, \"anon\", -1)",
                            "                    /\\ stat' = ModStat(stat, o, \"anon\", -1)")
                    .on(V1, "StatsMatch")
                    .build(),
            mutant("slot-free-keeps-id-ref")
                    .reintroduces("73f576c04b94's rule (2016: a swap record holds one id reference, put when the slot is freed)")
                    .kernel("mem_cgroup_uncharge_swap (mem_cgroup_id_put_many)")
                    .bug("SwapSlotFree clears the record and uncharges the slot but never drops the record's id reference")
                    .edit("          /\\ idRef' = Put(idRef, r)\n          /\\ css' = IdPutCss(r)\n    /\\ pc' = [pc EXCEPT ![c] = IF pc[c] = \"swapout_slot_free\"",
                            "          /\\ idRef' = idRef\n          /\\ css' = css\n    /\\ pc' = [pc EXCEPT ![c] = IF pc[c] = \"swapout_slot_free\"")
                    .on(V1, "IdRefBalance", "NoZombieAtQuiescence")
                    .on(V2, "IdRefBalance", "NoZombieAtQuiescence")
                    .build(),
            // ---- plausible bugs
            mutant("swapout-without-freeze")
                    .kernel("__remove_mapping (page_ref_freeze)")
                    .bug("SwapOut does not freeze the refcount: it takes the page out of the swap cache whoever else holds it, and the reclaimer keeps its reference")
                    .edit("          /\\ refcount[p] = 2\n          /\\ swapCache' = [swapCache EXCEPT ![s] = NoPage]\n          /\\ refcount' = [refcount EXCEPT ![p] = 0]",
                            "          /\\ swapCache' = [swapCache EXCEPT ![s] = NoPage]\n          /\\ refcount' = [refcount EXCEPT ![p] = @ - 1]")
                    .on(V1, "RefcountBalance", "Refinement")
                    .on(REUSE, "RefcountBalance", "Refinement")
                    .on(V2, "RefcountBalance", "Refinement")
                    .on(MIGRATE_SWAP, "RefcountBalance", "Refinement")
                    .build(),
            mutant("swapin-map-without-recheck")
                    .kernel("do_swap_page (the PageSwapCache / page_private re-check after lock_page)")
                    .bug("SwapinMap maps the page it relocked without checking that it is still the swap cache's page for the slot")
                    .edit("          /\\ IF swapCache[s] = p /\\ swapMap[s] > 0", "          /\\ IF swapMap[s] > 0")
                    .on(REUSE, "TypeOK", "NoLeakedSlot", "NoLeakAtQuiescence", "NoZombieAtQuiescence")
                    .on(MIGRATE_SWAP_CI, "TypeOK", "NoLeakedSlot", "NoLeakAtQuiescence", "NoZombieAtQuiescence")
                    .build(),
            mutant("swapin-charge-ignores-max")
                    .kernel("mem_cgroup_swapin_charge_page -> try_charge")
                    .bug("SwapInCharge never fails: memory.max is not checked")
                    .edit("       IN IF PC!CanCharge(usage, t, 1)", "       IN IF TRUE")
                    .on(V1, "WithinLimit", "Refinement")
                    .on(V2, "WithinLimit", "Refinement")
                    .build(),
            mutant("swapin-keeps-slot-charge")
                    .kernel("mem_cgroup_swapin_uncharge_swap (v1)")
                    .bug("SwapinUnchargeSwap does nothing: the slot keeps its record and memsw charge while the page holds its own")
                    .edit("       IN /\\ record' = [record EXCEPT ![s] = NoMemcg]\n          /\\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw\n"
                                    + "          /\\ idRef' = Put(idRef, r)\n          /\\ css' = IdPutCss(r)\n    /\\ pc' = [pc EXCEPT ![c] = \"swapin_read\"]",
                            "       IN /\\ UNCHANGED <<record, memsw, idRef, css>>\n    /\\ pc' = [pc EXCEPT ![c] = \"swapin_read\"]")
                    .on(V1, "MemswIsMemoryPlusSwap", "NoDoubleChargeOutsideSwapinWindow", "IdRefBalance",
                            "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .build(),
            mutant("swapin-unrecord-keeps-memsw")
                    .kernel("mem_cgroup_swapin_uncharge_swap -> mem_cgroup_uncharge_swap (v1)")
                    .bug("SwapinUnchargeSwap clears the slot's record but does not uncharge its memsw")
                    .edit("          /\\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw", "          /\\ memsw' = memsw")
                    .on(V1, "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("swapout-keeps-memory-charge")
                    .kernel("mem_cgroup_swapout (v1: page_counter_uncharge of memory)")
                    .bug("on v1 SwapOut records the slot and clears the page's memcg without uncharging its memory")
                    .edit("                    /\\ usage' = PC!Uncharge(usage, o, 1)\n", "                    /\\ usage' = usage\n")
                    .on(V1, "Conservation", "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Hierarchy", "Refinement")
                    .on(REUSE, "Conservation", "MemswIsMemoryPlusSwap", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("swapcache-add-skips-swapcached")
                    .kernel("add_to_swap_cache (__mod_lruvec_page_state NR_SWAPCACHE)")
                    .bug("the swap-in's AddToSwapCache does not count the page in swapcached")
                    .edit("    /\\ stat' = ModStat(stat, owner[held[c]], \"swapcached\", 1)\n", "    /\\ stat' = stat\n")
                    .on(V1, "StatsMatch", "StatsNonNegative")
                    .build(),
            unownedEarlyReturns(mutant("reclaim-without-page-lock")
                    .kernel("shrink_page_list (trylock_page)")
                    .bug("Reclaim isolates an anon page that another path holds locked (a swap-in whose read is in flight)")
                    .edit("    /\\ ~locked[p]\n    /\\ mapcount[p] > 0 \\/ InSwapCache(p)\n", "    /\\ mapcount[p] > 0 \\/ InSwapCache(p)\n"))
                    .on(V1, "TypeOK", "StatsMatch", "RefcountBalance", "MemswIsMemoryPlusSwap",
                            "NoDoubleChargeOutsideSwapinWindow", "SwapCacheHasCache", "SlotFreeOnlyWhenUnused",
                            "IdRefBalance", "SwapinChargeUnderExclusion", "NoLeakAtQuiescence", "StatsNonNegative",
                            "NoZombieAtQuiescence", "Refinement")
                    .build(),
            unownedEarlyReturns(mutant("reclaim-before-lru-add")
                    .kernel("isolate_lru_pages (a page not yet on the LRU)")
                    .bug("Reclaim isolates a charged anon page before its fault has mapped it (neither mapped nor in the swap cache)")
                    .edit("    /\\ ~locked[p]\n    /\\ mapcount[p] > 0 \\/ InSwapCache(p)\n", "    /\\ ~locked[p]\n"))
                    .on(V1, "ChargeUnderExclusion")
                    .on(REUSE, "ChargeUnderExclusion")
                    .on(V2, "InUseIsCharged", "StatsMatch", "ChargeUnderExclusion", "Refinement")
                    .build(),
            mutant("add-to-swap-twice")
                    .kernel("add_to_swap (PageSwapCache test)")
                    .bug("AddToSwap gives a page that is already in the swap cache a second slot")
                    .edit("    /\\ ~InSwapCache(held[c])\n", "")
                    .on(V1_SLOTS, "StatsMatch", "RefcountBalance", "SwapCacheUnique")
                    .on(V2_SLOTS, "StatsMatch", "RefcountBalance", "SwapCacheUnique")
                    .build(),
            mutant("free-swap-cache-of-used-slot")
                    .kernel("try_to_free_swap (page_swapcount test)")
                    .bug("DeleteFromSwapCache frees a swap-cache page whose slot ptes still point at")
                    .edit("    /\\ ~locked[swapCache[s]]\n    /\\ swapMap[s] = 0\n", "    /\\ ~locked[swapCache[s]]\n")
                    .on(V1, "TypeOK", "MemswIsMemoryPlusSwap", "NoDoubleChargeOutsideSwapinWindow",
                            "SwapCacheHasCache", "SlotFreeOnlyWhenUnused", "IdRefBalance",
                            "SwapinChargeUnderExclusion", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(REUSE, "TypeOK", "StatsMatch", "RefcountBalance", "MemswIsMemoryPlusSwap", "NoDoubleChargeOutsideSwapinWindow", "SwapCacheHasCache", "SlotFreeOnlyWhenUnused", "IdRefBalance", "SwapinChargeUnderExclusion", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .build(),
            mutant("css-free-while-referenced")
                    .kernel("mem_cgroup_css_free (css_release before the last css_put)")
                    .bug("Free frees an offline memcg whatever its css count")
                    .edit("    /\\ css[m] = 0\n", "")
                    .on(V1, "NothingFreedReferenced")
                    .on(REUSE, "NothingFreedReferenced")
                    .build(),
            mutant("offline-keeps-id-ref")
                    .kernel("mem_cgroup_css_offline (mem_cgroup_id_put)")
                    .bug("Offline drops the base css reference but not the online state's id reference")
                    .edit("    /\\ idRef' = Put(idRef, m)\n    /\\ css' = [css EXCEPT ![m] = @ - (IF idRef[m] = 1 THEN 2 ELSE 1)]",
                            "    /\\ idRef' = idRef\n    /\\ css' = [css EXCEPT ![m] = @ - 1]")
                    .on(V1, "IdRefBalance", "NoZombieAtQuiescence")
                    .on(REUSE, "IdRefBalance", "NoZombieAtQuiescence")
                    .on(MIGRATE, "IdRefBalance", "NoZombieAtQuiescence")
                    .on(MIGRATE_SWAP, "IdRefBalance", "NoZombieAtQuiescence")
                    .on(KMEM, "IdRefBalance", "NoZombieAtQuiescence")
                    .build(),
            mutant("free-skips-parent-css-put")
                    .kernel("mem_cgroup_css_free / css_free_rwork_fn (css_put of the parent)")
                    .bug("Free of a memcg does not put its parent's css reference")
                    .edit("    /\\ css' = Put(css, C!Parent[m])", "    /\\ css' = css")
                    .on(V1, "CssRefBalance")
                    .build(),
            mutant("uncharge-list-keeps-css")
                    .kernel("mem_cgroup_uncharge_list -> uncharge_batch (css_put)")
                    .bug("on v2 UnchargeList gives the frozen page's memory charge back but not its css reference")
                    .edit("          /\\ css' = Put(css, o)\n          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n          /\\ anon' = [anon EXCEPT ![p] = FALSE]",
                            "          /\\ css' = css\n          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n          /\\ anon' = [anon EXCEPT ![p] = FALSE]")
                    .on(V2, "CssRefBalance", "NoZombieAtQuiescence")
                    .build(),
            unownedEarlyReturns(mutant("alloc-frozen-page")
                    .kernel("shrink_page_list (free_unref_page_list before mem_cgroup_uncharge_list)")
                    .bug("a page on reclaim's free list, frozen (on v1 SwapOut has uncharged it, UnchargeList has yet to run), is allocated to an anonymous fault")
                    .edit("    /\\ ~Frozen(p)\n    /\\ C!AllocAnon(c, p, m)", "    /\\ C!AllocAnon(c, p, m)"))
                    .on(V1, "InUseIsCharged", "StatsMatch", "ChargeUnderExclusion", "CommittedIsOwned", "Refinement")
                    .build(),
            mutant("swap-max-ignored")
                    .kernel("mem_cgroup_try_charge_swap (page_counter_try_charge of swap)")
                    .bug("on v2 AddToSwap records and charges the slot whatever swap.max")
                    .edit("           ok == version = 1 \\/ a = Root \\/ PS!CanCharge(swap, a, 1)", "           ok == TRUE")
                    .on(V2_SLOTS, "SwapWithinLimit")
                    .build(),
            mutant("uncharge-keeps-owner")
                    .kernel("mem_cgroup_uncharge -> uncharge_page (page->mem_cgroup not cleared)")
                    .bug("the final put gives the page's charge (memory, memsw, css) back but leaves its owner set")
                    .edit("    /\\ C!Uncharge(c)\n",
                            "    /\\ pc[c] = \"put\"\n"
                                    + "    /\\ refcount[held[c]] = 1\n"
                                    + "    /\\ LET p == held[c] IN\n"
                                    + "          /\\ usage' = IF owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage\n"
                                    + "          /\\ stat' = ModStat(stat, owner[p], IF anon[p] THEN \"anon\" ELSE \"file\", -1)\n"
                                    + "          /\\ owner' = owner\n"
                                    + "          /\\ anon' = [anon EXCEPT ![p] = FALSE]\n"
                                    + "          /\\ refcount' = [refcount EXCEPT ![p] = 0]\n"
                                    + "    /\\ pc' = [pc EXCEPT ![c] = \"idle\"]\n"
                                    + "    /\\ held' = [held EXCEPT ![c] = NoPage]\n"
                                    + "    /\\ UNCHANGED <<chargeTo, index, mapcount, locked, cache>>\n")
                    .on(V1, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "CssRefBalance",
                            "NothingFreedReferenced", "NoLeakAtQuiescence", "Hierarchy", "NoUnderflow",
                            "StatsNonNegative", "NoZombieAtQuiescence", "Refinement")
                    .on(REUSE, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "CssRefBalance", "NothingFreedReferenced", "Hierarchy", "NoUnderflow", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(V2, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "CssRefBalance",
                            "NothingFreedReferenced", "NoLeakAtQuiescence", "Hierarchy", "NoUnderflow",
                            "StatsNonNegative", "NoZombieAtQuiescence", "Refinement")
                    .build(),
            mutant("swap-counter-on-v1")
                    .kernel("mem_cgroup_try_charge_swap (its cgroup_subsys_on_dfl test)")
                    .bug("AddToSwap charges the swap counter on cgroup v1 too, where nothing uncharges it")
                    .edit("               /\\ swap' = IF version = 2 THEN ChargeRec(swap, a) ELSE swap", "               /\\ swap' = ChargeRec(swap, a)")
                    .on(V1, "SwapCounter")
                    .on(REUSE, "SwapCounter")
                    .build(),
            mutant("slot-free-leaks-swap")
                    .kernel("mem_cgroup_uncharge_swap (v2: page_counter_uncharge of swap)")
                    .bug("on v2 SwapSlotFree clears the record and drops its id reference but does not uncharge the swap counter")
                    .edit("          /\\ swap' = IF version = 2 /\\ r /= NoMemcg THEN UnchargeRec(swap, r) ELSE swap", "          /\\ swap' = swap")
                    .on(V2, "SwapCounter", "NoLeakAtQuiescence", "Refinement")
                    .on(MIGRATE_SWAP, "SwapCounter", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("swapcache-free-keeps-flag")
                    .kernel("__read_swap_cache_async's fail path (put_swap_page / swapcache_free)")
                    .bug("after a failed swap-in charge SwapcacheFree unlocks and frees the page but never gives SWAP_HAS_CACHE back: once its ptes are gone, nothing frees the slot")
                    .edit("          /\\ hasCache' = [hasCache EXCEPT ![s] = FALSE]\n          /\\ AfterDrop(c, s, swapMap[s] = 0)",
                            "          /\\ UNCHANGED hasCache\n          /\\ AfterDrop(c, s, FALSE)")
                    .on(V1, "NoLeakedSlot", "NoLeakAtQuiescence", "NoZombieAtQuiescence")
                    .on(V2, "NoLeakedSlot", "NoLeakAtQuiescence", "NoZombieAtQuiescence")
                    .build()
    );
}
