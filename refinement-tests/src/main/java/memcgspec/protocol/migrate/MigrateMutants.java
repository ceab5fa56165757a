package memcgspec.protocol.migrate;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Migrate.tla: earlier eras of mem_cgroup_migrate and seed 003's order
 * re-introduced into today's protocol, and plausible migration bugs, each with the exact set of its
 * models' checks that it violates: on Migrate.cfg (small enough to be its own mutation twin) and
 * on Migrate_swap.cfg's twin Migrate_swap_mutants.cfg (memory.max 1). The properties Migrate.tla inherits and no migration step can break (the swap
 * device's, the memcg id's) are bitten on the same models by mutants of Swap.tla
 * ({@code SwapMutants}). docs/mutants.md is their table (SpecMutationTest pins both).
 */
final class MigrateMutants {
    private MigrateMutants() {}

    private static final String M = "Migrate.cfg";
    /** Migrate_swap.cfg's mutation twin (memory.max 1). */
    private static final String MS = "Migrate_swap_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Migrate", name);
    }

    /** MigrateMove's owner transfer, as written. */
    private static final String TRANSFER = "                 /\\ owner' = [owner EXCEPT ![q] = owner[p], ![p] = NoMemcg]\n";
    /** MigrateMove's frame. */
    private static final String MOVE_FRAME = "    /\\ UNCHANGED <<held, chargeTo, index, mapcount, locked, usage, stat,\n"
            + "                   version, slot, allocated, swapMap, hasCache, record, counterVars, lifeVars, migVars>>";

    static final List<Mutant> ALL = List.of(
            mutant("seed003-commit-after-remap")
                    .reintroduces("seed 003 (Kamezawa, May 2010; mainline id unverified, ac39cf8cb86c in the reference): the new page committed after the remap")
                    .kernel("mem_cgroup_migrate (called from folio_migrate_flags, before remove_migration_ptes)")
                    .bug("the charge moves to dst only after remove_migration_ptes has mapped it: the remap's first mapping finds dst unowned and file_mapped is not counted")
                    .edit(TRANSFER, "                 /\\ UNCHANGED owner\n")
                    .edit("    /\\ UNCHANGED <<chargeTo, index, owner, cache, usage, swapVars>>\n\n(* migrate_folio_undo_src",
                            "    /\\ owner' = [owner EXCEPT ![newFolio[c]] = owner[held[c]], ![held[c]] = NoMemcg]\n"
                                    + "    /\\ UNCHANGED <<chargeTo, index, cache, usage, swapVars>>\n\n(* migrate_folio_undo_src")
                    .on(M, "StatsMatch", "MigrateUnderExclusion", "StatsNonNegative", "Refinement")
                    .build(),
            mutant("migrate-force-charge-2016")
                    .reintroduces("85ce2c517ade undone: v4.6-v6.6's mem_cgroup_migrate, which force-charged dst and left src charged until its free")
                    .kernel("mem_cgroup_migrate")
                    .bug("MigrateMove force-charges dst to src's memcg (page_counter_charge, css_get, the statistics) and src keeps its charge")
                    .edit(TRANSFER, "                 /\\ owner' = [owner EXCEPT ![q] = owner[p]]\n"
                            + "                 /\\ usage' = PC!ForceCharge(usage, owner[p], 1)\n"
                            + "                 /\\ memsw' = IF version = 1 THEN PC!ForceCharge(memsw, owner[p], 1) ELSE memsw\n"
                            + "                 /\\ css' = S!Get(css, owner[p])\n"
                            + "                 /\\ stat' = ModStat(stat, owner[p], IF anon[p] THEN \"anon\" ELSE \"file\", 1)\n")
                    .edit("                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner>>",
                            "                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner, usage, memsw, css, stat>>")
                    .edit(MOVE_FRAME, "    /\\ UNCHANGED <<held, chargeTo, index, mapcount, locked,\n"
                            + "                   version, slot, allocated, swapMap, hasCache, record, swap, state, idRef, migVars>>")
                    .on(M, "Conservation", "OwnedPagesLive", "StatsMatch", "WithinLimit", "CssRefBalance", "MigrationChargesOnce", "MigrateUnderExclusion", "Hierarchy", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(MS, "WithinLimit", "MigrationChargesOnce", "MigrateUnderExclusion")
                    .build(),
            mutant("migrate-keeps-src-owner")
                    .kernel("mem_cgroup_migrate (old->memcg_data = 0)")
                    .bug("the transfer sets dst's memcg_data and leaves src's: two owners for one charge")
                    .edit(TRANSFER, "                 /\\ owner' = [owner EXCEPT ![q] = owner[p]]\n")
                    .on(M, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "CssRefBalance", "NothingFreedReferenced", "MigrationChargesOnce", "MigrateUnderExclusion", "Hierarchy", "NoUnderflow", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(MS, "Conservation", "OwnedPagesLive", "PendingPageUnowned", "StatsMatch", "CssRefBalance", "NothingFreedReferenced", "MigrationChargesOnce", "MigrateUnderExclusion", "Hierarchy", "NoUnderflow", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .build(),
            mutant("migrate-charges-twice")
                    .kernel("mem_cgroup_migrate")
                    .bug("the transfer also charges dst's memcg a second time (a try_charge with the commit)")
                    .edit(TRANSFER, TRANSFER + "                 /\\ usage' = PC!ForceCharge(usage, owner[p], 1)\n")
                    .edit("                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner>>",
                            "                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner, usage>>")
                    .edit(MOVE_FRAME, "    /\\ UNCHANGED <<held, chargeTo, index, mapcount, locked, stat,\n"
                            + "                   version, slot, allocated, swapMap, hasCache, record, counterVars, lifeVars, migVars>>")
                    .on(M, "Conservation", "WithinLimit", "MemswIsMemoryPlusSwap", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("transfer-before-freeze")
                    .kernel("folio_migrate_mapping / mem_cgroup_migrate (the transfer after \"no turning back\")")
                    .bug("the charge moves to dst in MigrateUnmap, before the refcount test that may still fail: an undone migration remaps an unowned src")
                    .edit(TRANSFER, "                 /\\ UNCHANGED owner\n")
                    .edit("    /\\ newFolio' = [newFolio EXCEPT ![c] = q]\n    /\\ UNCHANGED <<held, chargeTo, index, owner, anon, cache, usage, swapVars>>",
                            "    /\\ newFolio' = [newFolio EXCEPT ![c] = q]\n    /\\ owner' = [owner EXCEPT ![q] = owner[held[c]], ![held[c]] = NoMemcg]\n"
                                    + "    /\\ UNCHANGED <<held, chargeTo, index, anon, cache, usage, swapVars>>")
                    .on(M, "Conservation", "InUseIsCharged", "OwnedPagesLive", "StatsMatch", "CssRefBalance", "MigrateUnderExclusion", "Hierarchy", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .on(MS, "InUseIsCharged", "OwnedPagesLive", "StatsMatch", "MigrateUnderExclusion", "StatsNonNegative", "NoLeakAtQuiescence", "NoZombieAtQuiescence", "Refinement")
                    .build(),
            mutant("file-mapped-not-moved")
                    .kernel("remove_migration_pte -> folio_add_file_rmap_pte")
                    .bug("the remap's first mapping of a file folio does not count file_mapped")
                    .edit("    /\\ stat' = IF ~anon[t] /\\ n > 0 /\\ mapcount[t] = 0 THEN ModStat(stat, owner[t], \"file_mapped\", 1) ELSE stat",
                            "    /\\ stat' = stat")
                    .on(M, "StatsMatch", "StatsNonNegative")
                    .build(),
            mutant("isolate-without-lru-flag")
                    .kernel("folio_isolate_lru (folio_test_clear_lru)")
                    .bug("isolation does not test-and-clear the LRU flag: a second migration, or reclaim, isolates a folio migration holds")
                    .edit("    /\\ mapcount[p] > 0 \\/ InCache(p) \\/ InSwapCache(p)\n    /\\ ~Isolated(p)\n",
                            "    /\\ mapcount[p] > 0 \\/ InCache(p) \\/ InSwapCache(p)\n")
                    .on(M, "MigrateUnderExclusion")
                    .on(MS, "MigrateUnderExclusion")
                    .build(),
            mutant("unmap-without-folio-lock")
                    .kernel("migrate_folio_unmap (folio_lock(src))")
                    .bug("MigrateUnmap does not wait for src's lock: it migrates a folio whose insertion or read is in flight")
                    .edit("       IN /\\ refcount[p] > 1\n          /\\ ~locked[p]\n", "       IN /\\ refcount[p] > 1\n")
                    .on(M, "TypeOK", "OwnedPagesLive", "WithinLimit", "RefcountBalance", "ChargeUnderExclusion", "MigrateUnderExclusion", "Refinement")
                    .build(),
            mutant("remap-keeps-entries")
                    .kernel("remove_migration_ptes")
                    .bug("the remap maps the migration entries but leaves them in place")
                    .edit("    /\\ migEntries' = [migEntries EXCEPT ![p] = 0]\n", "    /\\ migEntries' = migEntries\n")
                    .on(M, "MigrationEntriesPending")
                    .on(MS, "MigrationEntriesPending")
                    .build(),
            mutant("transfer-puts-css")
                    .kernel("mem_cgroup_migrate (the css reference moves with memcg_data)")
                    .bug("the transfer puts the css reference that src's memcg_data held, as an uncharge would: dst's is then missing")
                    .edit(TRANSFER, TRANSFER + "                 /\\ css' = S!Put(css, owner[p])\n")
                    .edit("                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner>>",
                            "                 /\\ UNCHANGED <<refcount, cache, swapCache, anon, owner, css>>")
                    .edit(MOVE_FRAME, "    /\\ UNCHANGED <<held, chargeTo, index, mapcount, locked, usage, stat,\n"
                            + "                   version, slot, allocated, swapMap, hasCache, record, counterVars, state, idRef, migVars>>")
                    .on(M, "CssRefBalance", "NothingFreedReferenced", "NoZombieAtQuiescence")
                    .build(),
            mutant("replace-no-memsw")
                    .kernel("mem_cgroup_replace_folio (do_memsw_account)")
                    .bug("the replacement's forced charge skips the memsw counter on cgroup v1")
                    .edit("          /\\ memsw' = IF version = 1 /\\ m /= NoMemcg THEN PC!ForceCharge(memsw, m, 1) ELSE memsw\n", "          /\\ memsw' = memsw\n")
                    .on(M, "MemswIsMemoryPlusSwap", "NoUnderflow", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("replace-no-css-get")
                    .kernel("mem_cgroup_replace_folio (css_get)")
                    .bug("the replacement folio's charge takes no css reference")
                    .edit("          /\\ css' = S!Get(css, m)\n", "          /\\ css' = css\n")
                    .on(M, "CssRefBalance", "NothingFreedReferenced", "NoZombieAtQuiescence")
                    .build(),
            mutant("isolate-off-lru-folio")
                    .kernel("isolate_migratepages_block / folio_isolate_lru (only a folio on an LRU)")
                    .bug("compaction isolates a charged folio that is on no LRU yet (an anonymous fault's, between its commit and its map)")
                    .edit("    /\\ mapcount[p] > 0 \\/ InCache(p) \\/ InSwapCache(p)\n    /\\ ~Isolated(p)\n", "    /\\ ~Isolated(p)\n")
                    .on(MS, "ChargeUnderExclusion", "SwapinChargeUnderExclusion", "MigrateUnderExclusion")
                    .build(),
            mutant("move-loses-anon")
                    .kernel("folio_migrate_mapping / folio_migrate_flags (dst's anon mapping and PG_swapbacked)")
                    .bug("dst does not take src's PageAnon: a migrated anon or swap-cache folio becomes a file folio")
                    .edit("                 /\\ anon' = [anon EXCEPT ![q] = anon[p]]\n", "                 /\\ anon' = anon\n")
                    .on(M, "StatsMatch", "StatsNonNegative")
                    .on(MS, "StatsMatch", "StatsNonNegative")
                    .build());
}
