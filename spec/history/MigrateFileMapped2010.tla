----------------------- MODULE MigrateFileMapped2010 -----------------------
(***************************************************************************)
(* The race museum: FILE_MAPPED mis-accounting racy with page migration,   *)
(* Linux 2.6.34-rc (mmotm 2.6.34-rc4-mm1 .. rc7-mm1), and its fix          *)
(*                                                                         *)
(*   KAMEZAWA Hiroyuki, "memcg fix mis-accounting of file mapped racy with *)
(*   migration" (seed 003: the round of 20 April 2010, quoted on 7 May;    *)
(*   final posting 12 May 2010, against mmotm-2.6.34-rc7-mm1). First in   *)
(*   2.6.35 by inference (its code is what 2.6.35-era trees show; not     *)
(*   checked against a tag). Its mainline commit id is UNVERIFIED: nothing *)
(*   stored names it, so none is given here.                               *)
(*                                                                         *)
(* The protocol of 2.6.34-rc (mm/migrate.c, mm/rmap.c, mm/memcontrol.c):   *)
(*   - A page's charge is PCG_USED on its page_cgroup (pc->mem_cgroup says *)
(*     which memcg; one memcg here); the memcg's res_counter `usage`       *)
(*     counts the charges. An anonymous page is uncharged at UNMAP:        *)
(*     page_remove_rmap() -> mem_cgroup_uncharge_page() when the mapcount  *)
(*     drops to 0. A file page is charged while in the page cache.         *)
(*   - FILE_MAPPED (mem->stat->count[MEM_CGROUP_STAT_FILE_MAPPED]) counts  *)
(*     the memcg's mapped file pages. page_add_file_rmap() and             *)
(*     page_remove_rmap() call mem_cgroup_update_file_mapped(page, +1/-1)  *)
(*     only on the mapcount's 0->1 and 1->0 transitions, and that function *)
(*     does nothing for a page whose page_cgroup is not PCG_USED ("we      *)
(*     should avoid to trust page_cgroup->mem_cgroup if PCG_USED bit is    *)
(*     unset").                                                            *)
(*   - unmap_and_move() migrates a page that it has isolated: allocate the *)
(*     new page, lock the old one, mem_cgroup_prepare_migration(),         *)
(*     try_to_unmap() (every pte of the old page becomes a migration       *)
(*     entry), move_to_new_page() (lock the new page, replace the old page *)
(*     in the radix tree or, for anon, just move the mapping; on success   *)
(*     remove_migration_ptes(old, new) maps the new page where the old one *)
(*     was; unlock_page(new)), on failure remove_migration_ptes(old, old), *)
(*     then mem_cgroup_end_migration() and unlock_page(old).               *)
(*   - Pre-fix prepare_migration only try_charges the old page's memcg;    *)
(*     end_migration commits the charge to the page in use (the new page   *)
(*     on success) and uncharges the unused one.                           *)
(*                                                                         *)
(* The race (seed 003's steps 1-7, then an unmap). A file page, mapped by  *)
(* one process and charged (USED, FILE_MAPPED 1); CPU A migrates it, CPU B *)
(* unmaps it:                                                              *)
(*                                                                         *)
(*     CPU A (unmap_and_move)               CPU B (zap_pte_range)          *)
(* (1) get_new_page; lock_page(old)                                        *)
(* (2) prepare_migration: the old page                                     *)
(*     is USED: get its memcg                                              *)
(* (3) try_charge: usage 1 -> 2; the new                                   *)
(*     page's page_cgroup untouched                                        *)
(*     try_to_unmap: a migration pte; old                                  *)
(*     mapcount 1 -> 0, FILE_MAPPED 1 -> 0                                 *)
(* (4) replace the radix-tree slot                                         *)
(* (5) remap: new mapcount 0 -> 1; the                                     *)
(*     new page is not USED: FILE_MAPPED                                   *)
(*     stays 0                                                             *)
(* (6) unlock_page(new)                                                    *)
(* (7) end_migration: uncharge the old                                     *)
(*     page, commit the new one (USED)                                     *)
(*                                          page_remove_rmap: new          *)
(*                                          mapcount 1 -> 0                *)
(*                                          mem_cgroup_update_file_        *)
(*                                          mapped: USED, so               *)
(*                                          FILE_MAPPED 0 -> -1            *)
(*                                                                         *)
(* The 0->1 of step (5) is lost, so the 1->0 underflows FILE_MAPPED. After *)
(* step (6) other processes may fault the new page in (0->1, lost too)     *)
(* before step (7): the window is as long as end_migration is late.        *)
(*                                                                         *)
(* The fix: prepare_migration try_charges AND commits the new page (USED   *)
(* before anything can map it), and sets PCG_MIGRATION on an anonymous old *)
(* page; __mem_cgroup_uncharge_common() leaves a PCG_MIGRATION page        *)
(* charged (MAPPED/DROP types), so the old anon page's uncharge at unmap   *)
(* is delayed until end_migration, which clears PCG_MIGRATION, FORCE-      *)
(* uncharges the unused page (old on success, new on failure) and, for     *)
(* anon, calls mem_cgroup_uncharge_page(used) (uncharged only if it is     *)
(* unmapped). A failed try_charge clears the flag and uncharges the old    *)
(* page if it was unmapped meanwhile. The mail's corner cases:             *)
(*   A) the old anon page is unmapped and freed during migration: its      *)
(*      uncharge is delayed to end_migration, where the old page and the   *)
(*      (unmapped) new page are both uncharged;                            *)
(*   B) migration fails and the old page is remapped: PCG_MIGRATION kept   *)
(*      its charge, so the remap needs no new charge (and an old page      *)
(*      nobody remaps is uncharged at end_migration);                      *)
(*   C) the new page is swapped out before end_migration: "our hook to     *)
(*      usual swap-out path will catch the event". NOT MODELLED (no swap   *)
(*      cache here): argued only. With the fix the new page is USED        *)
(*      before it is unlocked, so the swap-out hooks see an ordinary       *)
(*      charged page, and end_migration's mem_cgroup_uncharge_page(used)   *)
(*      re-checks PCG_USED under lock_page_cgroup. Modelling it would need *)
(*      the swap cache, reclaim's add_to_swap/__remove_mapping and the     *)
(*      swap-cache uncharge (the seed 002 modules' machinery).             *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = 2.6.34-rc (pre-fix),   *)
(* TRUE = after the fix. With Fixed = FALSE TLC's shortest counterexample  *)
(* to FileMappedNonNegative is the diagram above, step for step.           *)
(*                                                                         *)
(* The model: ONE memcg with no limit (a failing try_charge is a           *)
(* nondeterministic choice), the old page and the new page, one process    *)
(* per CPU. Whether the page is anonymous or a file page is chosen by      *)
(* Init (both are covered). CPU Migrator runs unmap_and_move(); every      *)
(* other CPU runs one process, which maps the old page at the start (a     *)
(* choice of Init; every process maps an anon page) and unmaps it once     *)
(* (zap_pte_range), or, for a file page, faults the page in once and then  *)
(* unmaps it. Steps are cut where the kernel is atomic, with these         *)
(* merges, each argued at its action:                                      *)
(*   - a fault, and each pte of try_to_unmap and remove_migration_ptes,    *)
(*     is one step with its memcg hook: the pte lock is held across the    *)
(*     rmap call and the hook; try_to_unmap and remove_migration_ptes are  *)
(*     one step for all the ptes (another CPU can only unmap one of those  *)
(*     ptes in between, which commutes);                                   *)
(*   - page_remove_rmap's atomic and its memcg hook are two steps for an   *)
(*     unmapping process (only its own pte lock is held);                  *)
(*   - try_charge and the fix's commit of the new page are one step (no    *)
(*     other CPU can see the new page yet); end_migration is one step (its *)
(*     lock_page_cgroup sections commute with every step another CPU can   *)
(*     take meanwhile).                                                    *)
(* Not modelled: the limit, reclaim and the try_charge bypass (ptr ==      *)
(* NULL); the swap cache (so corner case C, above); truncation and the     *)
(* page-cache uncharge of a file page; the page lock's other users         *)
(* (writeback waits); the css and anon_vma references; migration_entry_    *)
(* wait (a process touching a migration pte waits; here no process faults  *)
(* after its pte was converted); the LRU and its putback.                  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB, ...)
    Migrator,   \* the CPU that runs unmap_and_move(); every other CPU is a process
    Fixed       \* FALSE: 2.6.34-rc protocol; TRUE: after the May 2010 fix

ASSUME /\ Migrator \in CPUs
       /\ Fixed \in BOOLEAN

\* The CPUs that run a process mapping (or faulting in) and unmapping the page.
Mappers == CPUs \ {Migrator}

\* The two pages: the one being migrated and its replacement.
Pages == {"old", "new"}
NoPage == "none"

\* A process's pte for the page's address: not present, mapping the old or
\* the new page, or a migration entry (swp_entry of type SWP_MIGRATION).
PteValues == {"none", "old", "new", "migration"}

VARIABLES
    pc,           \* pc[c]: where CPU c is in its kernel path
    pte,          \* pte[c]: mapper c's pte for the page (PteValues)
    unmapped,     \* unmapped[c]: the page whose mapcount mapper c took 1 -> 0 and
                  \* whose memcg hook it has still to run (else NoPage)
    anon,         \* PageAnon: the page (old and new alike) is anonymous, else a file page
    mapcount,     \* mapcount[p]: page_mapcount(p)
    pcgUsed,      \* pcgUsed[p]: PCG_USED on p's page_cgroup: p holds a charge
    pcgMigration, \* pcgMigration[p]: PCG_MIGRATION (the fix; set on an anon old page only)
    usage,        \* the memcg's res_counter usage, in pages
    fileMapped,   \* the memcg's MEM_CGROUP_STAT_FILE_MAPPED (a signed per-cpu sum)
    pending,      \* the migrator holds a try_charge not yet committed or cancelled
                  \* (pre-fix: from prepare_migration to end_migration)
    mem,          \* prepare_migration found the old page charged (its `mem` is not NULL)
    moved         \* move_to_new_page succeeded: the old page's mapping is NULL and,
                  \* for a file page, the new page is in the page cache

vars == <<pc, pte, unmapped, anon, mapcount, pcgUsed, pcgMigration, usage,
          fileMapped, pending, mem, moved>>

\* Program counter values. Migrator: "alloc" -> "prepare" -> "try_charge" ->
\* "unmap" -> "move" -> ("remap" -> "unlock_new" | "remap_old") -> "end" ->
\* "done". Mappers: "fault" (file only) -> "zap" -> "zap_hook" -> "done".
MigratorPCs == {"alloc", "prepare", "try_charge", "unmap", "move", "remap",
                "unlock_new", "remap_old", "end", "done"}
MapperPCs   == {"fault", "zap", "zap_hook", "done"}

\* The page locks, as unmap_and_move holds them: the old page from (1)
\* until the end (trylock_page/lock_page ... unlock_page(page)); the new
\* page inside move_to_new_page (trylock_page(newpage) ... unlock_page).
Locked(p) ==
    IF p = "old" THEN pc[Migrator] \notin {"alloc", "done"}
                 ELSE pc[Migrator] \in {"remap", "unlock_new"}

\* The page in the page cache at the file page's index (file pages only):
\* migrate_page_move_mapping() replaces the old page by the new one.
CachePage == IF moved THEN "new" ELSE "old"

\* The page that keeps the charge at end_migration: pre-fix `target`, fixed
\* `used` ("at migration success, oldpage->mapping is NULL").
Target == IF moved THEN "new" ELSE "old"
Unused == IF moved THEN "old" ELSE "new"

\* The mappers whose pte is v.
PtesOf(v) == {c \in Mappers : pte[c] = v}

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the old page is charged (USED) and mapped by the         *)
(* processes that Init picks (every process, for an anon page: a private   *)
(* anon page shared after fork); for a file page it is in the page cache,  *)
(* and FILE_MAPPED counts it if it is mapped. The new page is not yet      *)
(* allocated: its page_cgroup is clear. A process that does not map a file *)
(* page will fault it in.                                                  *)
(***************************************************************************)
Init ==
    /\ anon \in BOOLEAN
    /\ pte \in [Mappers -> {"none", "old"}]
    /\ anon => \A c \in Mappers : pte[c] = "old"
    /\ pc = [c \in CPUs |->
               IF c = Migrator THEN "alloc"
               ELSE IF pte[c] = "old" THEN "zap" ELSE "fault"]
    /\ unmapped = [c \in Mappers |-> NoPage]
    /\ mapcount = [p \in Pages |-> IF p = "old" THEN Cardinality(PtesOf("old")) ELSE 0]
    /\ pcgUsed = [p \in Pages |-> p = "old"]
    /\ pcgMigration = [p \in Pages |-> FALSE]
    /\ usage = 1
    /\ fileMapped = IF ~anon /\ PtesOf("old") # {} THEN 1 ELSE 0
    /\ pending = FALSE
    /\ mem = FALSE
    /\ moved = FALSE

-----------------------------------------------------------------------------
(***************************************************************************)
(* Helpers: the memcg hooks, as values (an action may apply several).      *)
(***************************************************************************)

\* mem_cgroup_update_file_mapped(p, d), for a file page: under
\* lock_page_cgroup(pc), "if (!mem || !PageCgroupUsed(pc)) goto done",
\* else FILE_MAPPED += d. The guard is the race: an event on a page that is
\* not (yet) USED is dropped.
FileMappedAfter(used, p, d) == IF ~anon /\ used[p] THEN fileMapped + d ELSE fileMapped

\* Whether mem_cgroup_uncharge_page(p) uncharges, on page_cgroup flags
\* `used`, `mig` and mapcount m: anon pages only ("if (page->mapping &&
\* !PageAnon(page)) return"); not a mapped page ("if (page_mapped(page))
\* return", re-checked under lock_page_cgroup); not a page that is not USED;
\* with the fix not a PCG_MIGRATION page ("if (page_mapped(page) ||
\* PageCgroupMigration(pc)) goto unlock_out"). pcgMigration is never set
\* before the fix. The swap-cache test (PageSwapCache: return) has nothing
\* to test here.
Uncharges(used, mig, p, m) == anon /\ m = 0 /\ used[p] /\ ~mig[p]

-----------------------------------------------------------------------------
(*********************** CPU A: unmap_and_move *****************************)

\* Step (1). unmap_and_move: newpage = get_new_page() (a free page, its
\* page_cgroup clear), then trylock_page(page) / lock_page(page): the old
\* page is locked from here to the end, so no fault can map it (a fault
\* maps a file page under its page lock). One step: a fault in between
\* could as well come before the allocation, which changes nothing else.
\* (The early exit "page_count(page) == 1: page was freed from under us" is
\* not a step: an anon page unmapped by every process before this point is
\* uncharged, and the model then migrates it with no memcg, which changes
\* no memcg state either.)
MigrateAllocNewPage(c) ==
    /\ pc[c] = "alloc"
    /\ pc' = [pc EXCEPT ![c] = "prepare"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgUsed, pcgMigration, usage,
                   fileMapped, pending, mem, moved>>

\* Step (2). mem_cgroup_prepare_migration(), its lock_page_cgroup(old)
\* section: if the old page is PCG_USED, take its memcg (css_get) as `mem`;
\* with the fix also SetPageCgroupMigration on an ANON old page (its
\* mapcount is about to drop to 0 in try_to_unmap, and the uncharge that
\* page_remove_rmap would do must wait until end_migration: a failed
\* migration remaps the page and must find it still charged). An old page
\* that is not USED (an anon page every process unmapped already) gives
\* mem = NULL: no charge, and end_migration will do nothing.
MigratePrepareGetMemcg(c) ==
    /\ pc[c] = "prepare"
    /\ mem' = pcgUsed["old"]
    /\ pcgMigration' = [pcgMigration EXCEPT !["old"] = Fixed /\ anon /\ pcgUsed["old"]]
    /\ pc' = [pc EXCEPT ![c] = IF pcgUsed["old"] THEN "try_charge" ELSE "unmap"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgUsed, usage, fileMapped,
                   pending, moved>>

\* Step (3). mem_cgroup_prepare_migration() -> __mem_cgroup_try_charge(mem):
\* res_counter + 1 for the new page.
\* Pre-fix: that is all ("no changes to new page's page_cgroup, no
\* commit-charge"); the charge is pending until end_migration.
\* Fixed: then __mem_cgroup_commit_charge(mem, pc(newpage), ctype): the new
\* page is PCG_USED before anything can map it, so its 0->1 in
\* remove_migration_ptes or in a later fault is counted. One step: no other
\* CPU can reach the new page yet (not in the page cache, not mapped).
MigratePrepareTryCharge(c) ==
    /\ pc[c] = "try_charge"
    /\ usage' = usage + 1
    /\ IF Fixed
         THEN /\ pcgUsed' = [pcgUsed EXCEPT !["new"] = TRUE]
              /\ UNCHANGED pending
         ELSE /\ pending' = TRUE
              /\ UNCHANGED pcgUsed
    /\ pc' = [pc EXCEPT ![c] = "unmap"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgMigration, fileMapped, mem, moved>>

\* The same try_charge failing (the memcg over its limit; the limit is not
\* modelled, so failure is a free choice): prepare_migration returns
\* -ENOMEM, unmap_and_move unlocks the old page and gives up ("goto
\* unlock": no end_migration). Fixed: first ClearPageCgroupMigration(old)
\* and mem_cgroup_uncharge_page(old), because "the old page may be fully
\* unmapped while we kept it" (an unmap in between left its uncharge to the
\* flag). One step: an unmap whose uncharge falls between the two sees the
\* flag clear and uncharges instead, the same outcome.
MigratePrepareTryChargeFail(c) ==
    /\ pc[c] = "try_charge"
    /\ IF Fixed
         THEN LET mig == [pcgMigration EXCEPT !["old"] = FALSE]
                  u   == Uncharges(pcgUsed, mig, "old", mapcount["old"])
              IN /\ pcgMigration' = mig
                 /\ pcgUsed' = IF u THEN [pcgUsed EXCEPT !["old"] = FALSE] ELSE pcgUsed
                 /\ usage' = IF u THEN usage - 1 ELSE usage
         ELSE UNCHANGED <<pcgMigration, pcgUsed, usage>>
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, fileMapped, pending, mem, moved>>

\* try_to_unmap(page, TTU_MIGRATION): every pte mapping the old page becomes
\* a migration entry, each with page_remove_rmap(old); the one that takes
\* the mapcount 1 -> 0 runs the memcg hook: a file page's FILE_MAPPED - 1
\* (the old page is USED: counted), an anon page's mem_cgroup_uncharge_page
\* (pre-fix: uncharged here, "we charge both of old page and new page with
\* mapcount=0"; fixed: PCG_MIGRATION keeps the charge). One step for all
\* ptes: each conversion holds its pte lock across page_remove_rmap and the
\* hook, and another CPU can only unmap one of these ptes in between, which
\* commutes with the conversions of the others (the 1->0 hook is the same
\* whoever runs it). Processes that unmapped earlier are not touched; a
\* process mid-unmap has already taken its mapcount off.
MigrateTryToUnmap(c) ==
    /\ pc[c] = "unmap"
    /\ LET k    == Cardinality(PtesOf("old"))
           last == k > 0           \* mapcount["old"] = k: this takes it to 0
           u    == last /\ Uncharges(pcgUsed, pcgMigration, "old", 0)
       IN /\ pte' = [d \in Mappers |-> IF pte[d] = "old" THEN "migration" ELSE pte[d]]
          /\ mapcount' = [mapcount EXCEPT !["old"] = @ - k]
          /\ fileMapped' = IF last THEN FileMappedAfter(pcgUsed, "old", -1) ELSE fileMapped
          /\ pcgUsed' = IF u THEN [pcgUsed EXCEPT !["old"] = FALSE] ELSE pcgUsed
          /\ usage' = IF u THEN usage - 1 ELSE usage
    /\ pc' = [pc EXCEPT ![c] = "move"]
    /\ UNCHANGED <<unmapped, anon, pcgMigration, pending, mem, moved>>

\* Step (4). "if (!page_mapped(page)) rc = move_to_new_page(newpage, page)":
\* trylock_page(newpage), newpage->mapping = page->mapping, migrate_page()
\* -> migrate_page_move_mapping(): for a file page, under the mapping's
\* tree_lock, page_freeze_refs to the expected count (page cache + isolation
\* for a file page, isolation only for anon) and the radix-tree slot now
\* holds the new page; migrate_page_copy() ends with page->mapping = NULL on
\* the old page. Succeeds only if nobody else holds a reference to the old
\* page: an unmapping process between page_remove_rmap and its memcg hook
\* still holds its pte's reference (dropped at the TLB flush, after the
\* hook), and the kernel returns -EAGAIN; see MigrateMovePageFail. The old
\* page's mapcount is 0 here (its ptes are migration entries and no fault
\* can map it: it is locked); the guard states it.
MigrateMovePage(c) ==
    /\ pc[c] = "move"
    /\ mapcount["old"] = 0
    /\ ~\E d \in Mappers : pc[d] = "zap_hook" /\ unmapped[d] = "old"
    /\ moved' = TRUE
    /\ pc' = [pc EXCEPT ![c] = "remap"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgUsed, pcgMigration, usage,
                   fileMapped, pending, mem>>

\* move_to_new_page() failing: -EAGAIN from an extra reference (above),
\* -EBUSY from a page the file system cannot migrate now, and so on; a
\* free choice here. newpage->mapping = NULL, unlock_page(newpage): the new
\* page was never visible. Corner case B starts here.
MigrateMovePageFail(c) ==
    /\ pc[c] = "move"
    /\ pc' = [pc EXCEPT ![c] = "remap_old"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgUsed, pcgMigration, usage,
                   fileMapped, pending, mem, moved>>

\* Step (5). move_to_new_page -> remove_migration_ptes(page, newpage): each
\* migration pte still in place becomes a pte of the new page, with
\* page_add_file_rmap / page_add_anon_rmap; the first, 0->1, calls
\* mem_cgroup_update_file_mapped(new, +1) for a file page. Pre-fix the new
\* page is not USED yet: the event is dropped (the race). Fixed: it is
\* USED, counted. A process that unmapped its migration entry is not
\* remapped (corner case A's "if unmap code finds swap_migration_entry, the
\* new page will not be mapped"). One step, as try_to_unmap (each pte under
\* its pte lock; the new page is locked, so no fault interleaves).
MigrateRemapNew(c) ==
    /\ pc[c] = "remap"
    /\ LET k == Cardinality(PtesOf("migration"))
       IN /\ pte' = [d \in Mappers |-> IF pte[d] = "migration" THEN "new" ELSE pte[d]]
          /\ mapcount' = [mapcount EXCEPT !["new"] = @ + k]
          /\ fileMapped' = IF k > 0 /\ mapcount["new"] = 0
                             THEN FileMappedAfter(pcgUsed, "new", 1) ELSE fileMapped
    /\ pc' = [pc EXCEPT ![c] = "unlock_new"]
    /\ UNCHANGED <<unmapped, anon, pcgUsed, pcgMigration, usage, pending, mem, moved>>

\* Step (6). move_to_new_page: unlock_page(newpage), and return. From now on
\* other processes can fault the new page in (a file page: it is in the
\* page cache) before end_migration: pre-fix their 0->1 is dropped too.
MigrateUnlockNew(c) ==
    /\ pc[c] = "unlock_new"
    /\ pc' = [pc EXCEPT ![c] = "end"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, pcgUsed, pcgMigration, usage,
                   fileMapped, pending, mem, moved>>

\* Migration failed: "if (rc) remove_migration_ptes(page, page)": the
\* migration ptes map the old page again (0->1: FILE_MAPPED + 1 for a file
\* page, which is USED). Corner case B: pre-fix an anon old page was
\* uncharged by try_to_unmap and is remapped uncharged, to be re-committed
\* by end_migration; fixed, PCG_MIGRATION kept its charge. A process that
\* unmapped its migration entry is not remapped.
MigrateRemapOld(c) ==
    /\ pc[c] = "remap_old"
    /\ LET k == Cardinality(PtesOf("migration"))
       IN /\ pte' = [d \in Mappers |-> IF pte[d] = "migration" THEN "old" ELSE pte[d]]
          /\ mapcount' = [mapcount EXCEPT !["old"] = @ + k]
          /\ fileMapped' = IF k > 0 /\ mapcount["old"] = 0
                             THEN FileMappedAfter(pcgUsed, "old", 1) ELSE fileMapped
    /\ pc' = [pc EXCEPT ![c] = "end"]
    /\ UNCHANGED <<unmapped, anon, pcgUsed, pcgMigration, usage, pending, mem, moved>>

\* Step (7). mem_cgroup_end_migration(mem, page, newpage), then
\* unlock_page(page). Nothing if prepare found no memcg ("if (!mem)
\* return"). The page in use is the new page on success, the old one on
\* failure (Target).
\* Pre-fix: __mem_cgroup_uncharge_common(unused, ctype) on success (the old
\* page: USED and, for anon, unmapped: uncharged); __mem_cgroup_commit_charge
\* (mem, pc(target)): if the target is already USED the pending charge is
\* cancelled, else it becomes the target's (PCG_USED: the new page is
\* charged only now, after it was remapped and unlocked); for anon,
\* mem_cgroup_uncharge_page(target) (uncharged if nobody maps it).
\* Fixed: ClearPageCgroupMigration(old);
\* __mem_cgroup_uncharge_common(unused, MEM_CGROUP_CHARGE_TYPE_FORCE) (no
\* mapcount test); for anon, mem_cgroup_uncharge_page(used) (corner case A:
\* an old page nobody maps any more is uncharged now, and so is a new page
\* nobody maps).
\* One step: its lock_page_cgroup sections touch the old page (locked, off
\* the page cache or being remapped by this CPU) and the new page; another
\* CPU meanwhile can only unmap one of their ptes, and its hook meets these
\* sections under lock_page_cgroup with the same outcome in either order
\* (mem_cgroup_uncharge_page re-checks the mapcount and PCG_USED), or fault
\* a file page (which reads PCG_USED once, as before or after this step).
MigrateEndMigration(c) ==
    /\ pc[c] = "end"
    /\ IF ~mem
         THEN UNCHANGED <<pcgUsed, pcgMigration, usage, pending>>
       ELSE IF ~Fixed
         THEN LET t      == Target
                  \* uncharge the unused old page (success only)
                  u1     == moved /\ pcgUsed["old"] /\ (anon => mapcount["old"] = 0)
                  used1  == IF u1 THEN [pcgUsed EXCEPT !["old"] = FALSE] ELSE pcgUsed
                  usage1 == IF u1 THEN usage - 1 ELSE usage
                  \* commit the pending charge to the target, or cancel it
                  used2  == [used1 EXCEPT ![t] = TRUE]
                  usage2 == IF used1[t] THEN usage1 - 1 ELSE usage1
                  \* anon: mem_cgroup_uncharge_page(target)
                  u3     == Uncharges(used2, pcgMigration, t, mapcount[t])
              IN /\ pcgUsed' = IF u3 THEN [used2 EXCEPT ![t] = FALSE] ELSE used2
                 /\ usage' = IF u3 THEN usage2 - 1 ELSE usage2
                 /\ pending' = FALSE
                 /\ UNCHANGED pcgMigration
         ELSE LET t      == Target
                  mig    == [pcgMigration EXCEPT !["old"] = FALSE]
                  \* FORCE-uncharge the unused page
                  u1     == pcgUsed[Unused]
                  used1  == IF u1 THEN [pcgUsed EXCEPT ![Unused] = FALSE] ELSE pcgUsed
                  usage1 == IF u1 THEN usage - 1 ELSE usage
                  \* anon: mem_cgroup_uncharge_page(used)
                  u2     == Uncharges(used1, mig, t, mapcount[t])
              IN /\ pcgMigration' = mig
                 /\ pcgUsed' = IF u2 THEN [used1 EXCEPT ![t] = FALSE] ELSE used1
                 /\ usage' = IF u2 THEN usage1 - 1 ELSE usage1
                 /\ UNCHANGED pending
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, unmapped, anon, mapcount, fileMapped, mem, moved>>

(************************* the other CPUs: a process ***********************)

\* A process faults a file page in: filemap_fault() finds the page in the
\* page cache and lock_page()s it (waiting while migration holds it;
\* modelled as not enabled), __do_fault() takes the pte lock, set_pte_at(),
\* page_add_file_rmap(): on 0->1 mem_cgroup_update_file_mapped(page, +1);
\* unlock_page(). One step: the page lock and the pte lock are held
\* throughout, and the only change another CPU can make to this page's
\* memcg state meanwhile, the pre-fix commit in end_migration, is seen by
\* the hook either before or after (both orders are here). Pre-fix, a fault
\* on the new page after step (6) and before step (7) is dropped too.
FaultAddFileRmap(c) ==
    /\ pc[c] = "fault"
    /\ ~anon
    /\ pte[c] = "none"
    /\ ~Locked(CachePage)
    /\ LET p == CachePage
       IN /\ pte' = [pte EXCEPT ![c] = p]
          /\ mapcount' = [mapcount EXCEPT ![p] = @ + 1]
          /\ fileMapped' = IF mapcount[p] = 0 THEN FileMappedAfter(pcgUsed, p, 1)
                                               ELSE fileMapped
    /\ pc' = [pc EXCEPT ![c] = "zap"]
    /\ UNCHANGED <<unmapped, anon, pcgUsed, pcgMigration, usage, pending, mem, moved>>

\* zap_pte_range(), under the process's pte lock, no page lock: the pte is
\* cleared. A migration entry maps no page (a non-swap entry: nothing
\* else to do). A present pte: page_remove_rmap(page),
\* atomic_add_negative(-1, &_mapcount); only the 1->0 transition goes on to
\* the memcg hook, a separate step (the final unmap after the race: the new
\* page is USED by then, so its hook decrements a count its 0->1 never
\* made).
ZapPte(c) ==
    /\ pc[c] = "zap"
    /\ pte[c] # "none"
    /\ pte' = [pte EXCEPT ![c] = "none"]
    /\ IF pte[c] = "migration"
         THEN /\ pc' = [pc EXCEPT ![c] = "done"]
              /\ UNCHANGED <<mapcount, unmapped>>
         ELSE LET p == pte[c]
              IN /\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]
                 /\ IF mapcount[p] = 1
                      THEN /\ pc' = [pc EXCEPT ![c] = "zap_hook"]
                           /\ unmapped' = [unmapped EXCEPT ![c] = p]
                      ELSE /\ pc' = [pc EXCEPT ![c] = "done"]
                           /\ UNCHANGED unmapped
    /\ UNCHANGED <<anon, pcgUsed, pcgMigration, usage, fileMapped, pending, mem, moved>>

\* page_remove_rmap() after 1->0, a file page: mem_cgroup_update_file_mapped
\* (page, -1): under lock_page_cgroup, FILE_MAPPED - 1 if the page is USED
\* (no check that its 0->1 was counted). The process's reference to the
\* page goes with this step (the kernel drops it a little later, at the TLB
\* flush; nothing modelled happens in between).
ZapUpdateFileMapped(c) ==
    /\ pc[c] = "zap_hook"
    /\ ~anon
    /\ fileMapped' = FileMappedAfter(pcgUsed, unmapped[c], -1)
    /\ unmapped' = [unmapped EXCEPT ![c] = NoPage]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, anon, mapcount, pcgUsed, pcgMigration, usage, pending, mem, moved>>

\* page_remove_rmap() after 1->0, an anon page: mem_cgroup_uncharge_page()
\* (see Uncharges: the mapcount and PCG_USED re-checked under
\* lock_page_cgroup, and with the fix PCG_MIGRATION: corner case A, the old
\* page unmapped during migration keeps its charge until end_migration).
ZapUncharge(c) ==
    /\ pc[c] = "zap_hook"
    /\ anon
    /\ LET p == unmapped[c]
           u == Uncharges(pcgUsed, pcgMigration, p, mapcount[p])
       IN /\ pcgUsed' = IF u THEN [pcgUsed EXCEPT ![p] = FALSE] ELSE pcgUsed
          /\ usage' = IF u THEN usage - 1 ELSE usage
    /\ unmapped' = [unmapped EXCEPT ![c] = NoPage]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, anon, mapcount, pcgMigration, fileMapped, pending, mem, moved>>

(******************************** both *************************************)

\* Every CPU has finished its path: a stuttering step, so that a finished run
\* is not reported as a deadlock while a CPU stuck half-way still would be.
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
\* The steps a CPU makes progress with (all but Idle).
Step(c) ==
    \/ MigrateAllocNewPage(c)
    \/ MigratePrepareGetMemcg(c)
    \/ MigratePrepareTryCharge(c)
    \/ MigratePrepareTryChargeFail(c)
    \/ MigrateTryToUnmap(c)
    \/ MigrateMovePage(c)
    \/ MigrateMovePageFail(c)
    \/ MigrateRemapNew(c)
    \/ MigrateUnlockNew(c)
    \/ MigrateRemapOld(c)
    \/ MigrateEndMigration(c)
    \/ FaultAddFileRmap(c)
    \/ ZapPte(c)
    \/ ZapUpdateFileMapped(c)
    \/ ZapUncharge(c)

Next ==
    \/ \E c \in {Migrator} : MigrateAllocNewPage(c)
    \/ \E c \in {Migrator} : MigratePrepareGetMemcg(c)
    \/ \E c \in {Migrator} : MigratePrepareTryCharge(c)
    \/ \E c \in {Migrator} : MigratePrepareTryChargeFail(c)
    \/ \E c \in {Migrator} : MigrateTryToUnmap(c)
    \/ \E c \in {Migrator} : MigrateMovePage(c)
    \/ \E c \in {Migrator} : MigrateMovePageFail(c)
    \/ \E c \in {Migrator} : MigrateRemapNew(c)
    \/ \E c \in {Migrator} : MigrateUnlockNew(c)
    \/ \E c \in {Migrator} : MigrateRemapOld(c)
    \/ \E c \in {Migrator} : MigrateEndMigration(c)
    \/ \E c \in Mappers : FaultAddFileRmap(c)
    \/ \E c \in Mappers : ZapPte(c)
    \/ \E c \in Mappers : ZapUpdateFileMapped(c)
    \/ \E c \in Mappers : ZapUncharge(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU: a CPU that can go on eventually does, so every
\* run reaches quiescence (property Termination).
Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

N == Cardinality(Mappers)

\* Types, and the ground truth the counters are checked against: each
\* page's mapcount is the number of ptes mapping it.
TypeOK ==
    /\ pc \in [CPUs -> MigratorPCs \cup MapperPCs]
    /\ pc[Migrator] \in MigratorPCs
    /\ \A c \in Mappers : pc[c] \in MapperPCs
    /\ pte \in [Mappers -> PteValues]
    /\ unmapped \in [Mappers -> Pages \cup {NoPage}]
    /\ anon \in BOOLEAN
    /\ mapcount \in [Pages -> 0..N]
    /\ \A p \in Pages : mapcount[p] = Cardinality(PtesOf(p))
    /\ pcgUsed \in [Pages -> BOOLEAN]
    /\ pcgMigration \in [Pages -> BOOLEAN]
    /\ ~pcgMigration["new"]                 \* set on the old page only
    /\ ~Fixed => ~pcgMigration["old"]       \* the flag is the fix's
    /\ usage \in 0..2                       \* never below 0: no res_counter underflow
    /\ fileMapped \in -N..N
    /\ pending \in BOOLEAN
    /\ mem \in BOOLEAN
    /\ moved \in BOOLEAN

Charged == Cardinality({p \in Pages : pcgUsed[p]})
PendingCharges == IF pending THEN 1 ELSE 0

\* The charge accounting:
\*  - the res_counter counts exactly the charged pages plus the charge the
\*    migrator took and has not committed or cancelled yet, and
\*  - a mapped page is charged, or it is the page the migrator's pending
\*    charge will be committed to (pre-fix: the new page after step (5),
\*    an anon old page remapped after a failure).
Accounting ==
    /\ usage = Charged + PendingCharges
    /\ \A p \in Pages :
         mapcount[p] > 0 => pcgUsed[p] \/ (pending /\ p = Target)

\* FILE_MAPPED never goes below 0: the symptom the mail names ("we can
\* underflow FILE_MAPPED at 1->0 event"). The pre-fix model violates it
\* with the race above.
FileMappedNonNegative == fileMapped >= 0

\* FILE_MAPPED counts exactly the memcg's mapped file pages: the charged
\* (USED) file pages with mapcount > 0, and those whose 1->0 hook is still
\* to run (page_remove_rmap's atomic and its hook are two steps; the hook
\* will take the page off the count). The class it catches: a mapcount
\* event of a charged page lost or counted twice, or a page becoming charged
\* or uncharged while mapped without its count moving. Pre-fix it fails
\* at step (7), two steps before FileMappedNonNegative: the new page
\* becomes USED while mapped, uncounted.
FileMappedMatches ==
    fileMapped =
        IF anon THEN 0
        ELSE Cardinality({p \in Pages : pcgUsed[p] /\ mapcount[p] > 0})
             + Cardinality({c \in Mappers : pc[c] = "zap_hook" /\ pcgUsed[unmapped[c]]})

\* The migration window, after prepare_migration found the old page charged
\* and until end_migration.
UnderMigration ==
    mem /\ pc[Migrator] \in {"try_charge", "unmap", "move", "remap", "unlock_new",
                             "remap_old", "end"}

\* Corner case A: an anon old page that every process has unmapped during
\* the migration window (no pte maps the old page, the new page or a
\* migration entry: nothing will be remapped).
CornerA == anon /\ UnderMigration /\ \A c \in Mappers : pte[c] = "none"

\* The fix's guarantee in corner case A: the old page's uncharge is
\* delayed until end_migration (PCG_MIGRATION). Catches an uncharge that
\* ignores the flag. (Pre-fix the unmap uncharged the page at once.)
UnchargeDelayedUntilEnd == CornerA => pcgUsed["old"]

\* Corner case B: the migration of an anon page failed after try_to_unmap;
\* the old page is about to be remapped, or has been.
CornerB == anon /\ mem /\ ~moved /\ pc[Migrator] \in {"remap_old", "end"}

\* The fix's guarantee in corner case B: the old page still holds its
\* charge, so remapping it needs no new charge ("a charge for it is kept by
\* MIGRATION flag even if mapcount goes down to 0"). (Pre-fix try_to_unmap
\* uncharged it, and end_migration re-committed the pending charge.)
FailedMigrationKeepsCharge == CornerB => pcgUsed["old"]

Quiescent == \A c \in CPUs : pc[c] = "done"

\* Once every CPU is done: no charge in flight and usage = charged pages;
\* FILE_MAPPED counts the mapped charged file pages (every process has
\* unmapped by then, so 0); an anon page is charged exactly when mapped
\* (uncharge at unmap: an unmapped anon page is freed), and a file page
\* exactly when it is the page in the page cache (the unused page of a
\* migration gave its charge back).
QuiescentAccounting ==
    Quiescent =>
        /\ ~pending
        /\ usage = Charged
        /\ fileMapped = IF anon THEN 0
                        ELSE Cardinality({p \in Pages : pcgUsed[p] /\ mapcount[p] > 0})
        /\ \A p \in Pages :
             pcgUsed[p] <=> IF anon THEN mapcount[p] > 0 ELSE p = CachePage

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
