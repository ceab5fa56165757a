package memcgspec.protocol.charge;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Charge.tla: the museum's charge-side races re-introduced into today's protocol, and
 * plausible bugs, each with the exact set of Charge.cfg's checks that it violates. docs/mutants.md
 * is their table (SpecMutationTest pins both).
 */
final class ChargeMutants {
    private ChargeMutants() {}

    private static final String CFG = "Charge_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Charge", name);
    }

    static final List<Mutant> ALL = List.of(
            // ---- the museum and the reference table
            mutant("uncharge-at-unmap-2009")
                    .reintroduces("seed 001 (0a31bc97c80c) replaced it: the 2009 uncharge at unmap")
                    .kernel("page_remove_rmap -> mem_cgroup_uncharge_page")
                    .bug("Unmap of an anon page's last mapping uncharges it (owner cleared, usage and anon stat - 1) while the unmapping CPU still holds it")
                    .edit("    /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1 THEN ModStat(stat, owner[p], \"file_mapped\", -1) ELSE stat\n"
                                    + "    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage>>",
                            "    /\\ IF anon[p] /\\ mapcount[p] = 1 /\\ owner[p] /= NoMemcg\n"
                                    + "         THEN /\\ usage' = PC!Uncharge(usage, owner[p], 1)\n"
                                    + "              /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n"
                                    + "              /\\ stat' = ModStat(stat, owner[p], \"anon\", -1)\n"
                                    + "         ELSE /\\ UNCHANGED <<usage, owner>>\n"
                                    + "              /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1 THEN ModStat(stat, owner[p], \"file_mapped\", -1) ELSE stat\n"
                                    + "    /\\ UNCHANGED <<chargeTo, index, refcount, locked, anon, cache>>")
                    .on(CFG, "Refinement")
                    .build(),
            mutant("uncharge-at-cache-removal-2009")
                    .reintroduces("seed 001 (0a31bc97c80c) replaced it: the 2009 uncharge at page-cache removal")
                    .kernel("__remove_from_page_cache -> mem_cgroup_uncharge_cache_page")
                    .bug("DeleteFromCache uncharges the page it takes out of the cache (owner cleared, usage and file stat - 1) while the truncating CPU still holds it")
                    .edit("          /\\ cache' = [cache EXCEPT ![i] = NoPage]",
                            "          /\\ cache' = [cache EXCEPT ![i] = NoPage]\n"
                                    + "          /\\ usage' = IF owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage\n"
                                    + "          /\\ stat' = ModStat(stat, owner[p], \"file\", -1)\n"
                                    + "          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]")
                    .edit("    /\\ UNCHANGED <<chargeTo, index, folioVars, usage, stat>>",
                            "    /\\ UNCHANGED <<chargeTo, index, refcount, mapcount, locked, anon>>")
                    .on(CFG, "Refinement")
                    .build(),
            mutant("commit-after-failed-charge")
                    .reintroduces("85d9fc89fb0f (2009: swapoff committed after a failed try_charge)")
                    .kernel("do_anonymous_page (as unuse_pte did): mem_cgroup_commit_charge after a failed mem_cgroup_try_charge")
                    .bug("a failed TryCharge of the anonymous fault goes on as if it had succeeded: commit (or cancel) follows, nothing was charged")
                    .edit("              /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n"
                                    + "              /\\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]",
                            "              /\\ pc' = [pc EXCEPT ![c] = IF pc[c] = \"anon_alloc\" THEN \"anon_charged\" ELSE \"put\"]\n"
                                    + "              /\\ chargeTo' = [chargeTo EXCEPT ![c] = IF pc[c] = \"anon_alloc\" THEN @ ELSE NoMemcg]")
                    .on(CFG, "Conservation", "Hierarchy", "NoUnderflow", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("publish-before-commit")
                    .reintroduces("seed 003, ac39cf8cb86c (2010: FILE_MAPPED skipped for a page mapped before its commit, underflow at unmap)")
                    .kernel("__add_to_page_cache_locked / commit_charge (seed 003: migrate_pages' remap before the commit)")
                    .bug("AddToCache unlocks the page as it inserts it: it can be found, mapped and counted (or not) in file_mapped before CommitCharge")
                    .edit("                 /\\ pc' = [pc EXCEPT ![c] = \"cache_inserted\"]",
                            "                 /\\ pc' = [pc EXCEPT ![c] = \"cache_inserted\"]\n"
                                    + "                 /\\ locked' = [locked EXCEPT ![p] = FALSE]")
                    .edit("                 /\\ UNCHANGED <<cache, refcount>>",
                            "                 /\\ UNCHANGED <<cache, refcount, locked>>")
                    .edit("    /\\ UNCHANGED <<held, chargeTo, mapcount, owner, locked, anon, usage, stat>>",
                            "    /\\ UNCHANGED <<held, chargeTo, mapcount, owner, anon, usage, stat>>")
                    .on(CFG, "InUseIsCharged", "StatsMatch", "ChargeUnderExclusion", "StatsNonNegative")
                    .build(),
            // ---- plausible bugs
            mutant("cancel-forgets-uncharge")
                    .kernel("mem_cgroup_cancel_charge")
                    .bug("CancelCharge gives the page up without giving its charge back")
                    .edit("    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                            "    /\\ usage' = usage\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]")
                    .on(CFG, "Conservation", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("cancel-after-commit")
                    .kernel("do_anonymous_page: mem_cgroup_cancel_charge after commit_charge")
                    .bug("CancelCharge is allowed after CommitCharge: the page's charge is given back, its owner stays")
                    .edit("    /\\ pc[c] \\in {\"anon_charged\", \"cache_eexist\"}",
                            "    /\\ pc[c] \\in {\"anon_charged\", \"anon_committed\", \"cache_eexist\"}")
                    .edit("    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)",
                            "    /\\ usage' = PC!Uncharge(usage, IF pc[c] = \"anon_committed\" THEN owner[held[c]] ELSE chargeTo[c], 1)")
                    .on(CFG, "Conservation", "Hierarchy", "NoUnderflow", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("try-charge-ignores-max")
                    .kernel("page_counter_try_charge")
                    .bug("TryCharge never fails: max is not checked at any level")
                    .edit("    /\\ IF PC!CanCharge(usage, chargeTo[c], 1)", "    /\\ IF TRUE")
                    .on(CFG, "WithinLimit", "Refinement")
                    .build(),
            mutant("try-charge-leaf-only")
                    .kernel("page_counter_try_charge")
                    .bug("TryCharge checks every level but charges only the task's memcg, not its ancestors")
                    .edit("         THEN /\\ usage' = PC!TryCharge(usage, chargeTo[c], 1)",
                            "         THEN /\\ usage' = [usage EXCEPT ![chargeTo[c]] = @ + 1]")
                    .on(CFG, "Conservation", "Hierarchy", "NoUnderflow", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("root-task-charged")
                    .kernel("try_charge (the mem_cgroup_is_root exemption)")
                    .bug("a task of the root memcg faults anon memory and its page is charged to the root's own counter")
                    .edit("    \\/ \\E c \\in CPUs, p \\in Pages, m \\in TaskMemcgs : AllocAnon(c, p, m)",
                            "    \\/ \\E c \\in CPUs, p \\in Pages, m \\in Memcgs : AllocAnon(c, p, m)")
                    .on(CFG, "TypeOK", "Hierarchy", "Refinement")
                    .build(),
            mutant("free-keeps-owner")
                    .kernel("mem_cgroup_uncharge (page->mem_cgroup not cleared)")
                    .bug("the final put gives the charge back but leaves the page's owner set")
                    .edit("          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]", "          /\\ owner' = owner")
                    .on(CFG, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "Hierarchy",
                            "NoUnderflow", "StatsNonNegative", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("map-locked-page")
                    .kernel("filemap_map_pages (trylock_page skipped)")
                    .bug("Map maps a cached page that is still locked (being charged)")
                    .edit("    /\\ mapcount[p] > 0 \\/ (InCache(p) /\\ ~locked[p])", "    /\\ mapcount[p] > 0 \\/ InCache(p)")
                    .on(CFG, "InUseIsCharged", "StatsMatch", "ChargeUnderExclusion", "StatsNonNegative")
                    .build(),
            mutant("truncate-locked-page")
                    .kernel("truncate_inode_pages -> delete_from_page_cache (page lock not taken)")
                    .bug("DeleteFromCache removes a cached page that is still locked (being charged)")
                    .edit("          /\\ ~locked[p]\n", "")
                    .on(CFG, "ChargeUnderExclusion")
                    .build(),
            mutant("file-mapped-every-map")
                    .kernel("page_add_file_rmap")
                    .bug("Map counts file_mapped on every mapping of a file page, not only the first")
                    .edit("    /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 0 THEN", "    /\\ stat' = IF ~anon[p] THEN")
                    .on(CFG, "StatsMatch")
                    .build(),
            mutant("zap-without-put")
                    .kernel("zap_pte_range / tlb_finish_mmu (the mapping's put_page)")
                    .bug("Unmap takes the mapping away but its reference is never dropped: the page can never be freed")
                    .edit("    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n    /\\ held' = [held EXCEPT ![c] = p]\n    /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1",
                            "    /\\ UNCHANGED <<pc, held>>\n    /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1")
                    .on(CFG, "RefcountBalance")
                    .build(),
            mutant("insert-unlocked-page")
                    .kernel("add_to_page_cache_lru (__SetPageLocked)")
                    .bug("the page-cache insertion charges a page it has not locked: truncation, faults and lookups can reach it before its commit")
                    .edit("    /\\ locked' = [locked EXCEPT ![p] = TRUE]\n    /\\ UNCHANGED <<mapcount, owner, anon, cache, usage, stat>>",
                            "    /\\ UNCHANGED <<mapcount, owner, locked, anon, cache, usage, stat>>")
                    .on(CFG, "InUseIsCharged", "StatsMatch", "ChargeUnderExclusion", "StatsNonNegative")
                    .build(),
            mutant("commit-uncharges")
                    .kernel("commit_charge")
                    .bug("CommitCharge gives the pending charge back as it records the owner")
                    .edit("    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>",
                            "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache>>")
                    .on(CFG, "Conservation", "Hierarchy", "NoUnderflow", "NoLeakAtQuiescence", "Refinement")
                    .build()
    );
}
