------------------------------- MODULE Migrate -------------------------------
(***************************************************************************)
(* Page migration on top of the charge and swap protocols (Swap.tla, which *)
(* INSTANCEs Charge.tla): a folio's contents, mappings, page-cache or      *)
(* swap-cache slot and memcg charge move to a new folio; and page-cache    *)
(* replacement, whose new folio is force-charged.                          *)
(*                                                                         *)
(* Which kernel.  The migration side is that of v6.7 and later, read       *)
(* against v6.6's and a v6.11-era mm/migrate.c (migrate_folio_unmap,       *)
(* migrate_folio_move, move_to_new_folio, folio_migrate_mapping,           *)
(* folio_migrate_flags, remove_migration_ptes), mm/memcontrol.c and        *)
(* mm/filemap.c: mem_cgroup_migrate TRANSFERS the charge (85ce2c517ade,    *)
(* "memcontrol: only transfer the memcg data for migration", v6.7): the   *)
(* new folio takes folio->memcg_data and the css reference it holds, the   *)
(* old folio's memcg_data is cleared, no counter and no statistic changes; *)
(* mem_cgroup_replace_folio, for replace_page_cache_folio only, FORCE-     *)
(* charges the new folio to the old one's memcg (page_counter_charge: no   *)
(* limit is checked; css_get), and the old folio keeps its charge until    *)
(* its final put.  The rest is Swap.tla's composite: the charge steps are *)
(* v3.17-v5.7's try / commit / cancel with their statistics rule, the swap *)
(* side v5.13-v6.1's (docs/swap.md).  docs/migrate.md dates each part,     *)
(* sets today's mem_cgroup_migrate beside its earlier eras (the 2010       *)
(* prepare / end_migration of seed 003, v3.17's transfer, v4.6-v6.6's      *)
(* force-charge), and lists what this model leaves out.                    *)
(*                                                                         *)
(* The path (migrate_pages, one folio, MIGRATE_SYNC), as one CPU runs it:  *)
(*   MigrateIsolate      folio_isolate_lru: the LRU flag is cleared (a     *)
(*                       second isolator, migration or reclaim, fails) and *)
(*                       an isolation reference taken;                     *)
(*   MigrateSrcFreed     migrate_folio_unmap finds the isolation reference *)
(*                       the only one left ("Folio was freed from under   *)
(*                       us"): its put is the final put;                   *)
(*   MigrateAllocFail    or get_new_folio fails: src is put back;         *)
(*   MigrateUnmap        or get_new_folio (dst), folio_lock(src) (waiting  *)
(*                       for its holder), folio_trylock(dst), and          *)
(*                       try_to_migrate: every pte of src becomes a        *)
(*                       migration entry, the mapping's reference and its  *)
(*                       rmap (file_mapped) dropped;                        *)
(*   MigrateMove         move_to_new_folio -> folio_migrate_mapping: the   *)
(*                       refcount must be exactly the expected one (the    *)
(*                       isolation reference, plus the page cache's or     *)
(*                       swap cache's); for a folio in a mapping it is     *)
(*                       frozen under the xa_lock and the mapping's slot   *)
(*                       switched to dst; then folio_migrate_flags ->      *)
(*                       mem_cgroup_migrate.  Any other reference (a       *)
(*                       speculative one, a swap-in's) fails it: -EAGAIN; *)
(*   RemoveMigrationPtes the migration entries become ptes of dst (each    *)
(*                       with its reference; the first counts file_mapped  *)
(*                       against dst's owner, which dst already is: seed   *)
(*                       003's lesson), dst and src unlocked, src's        *)
(*                       isolation reference dropped; dst's allocation     *)
(*                       reference is dropped next (PutPage or Uncharge);  *)
(*   MigrateUndo         or, after a failed move, migrate_folio_undo_src   *)
(*                       remaps src and migrate_folio_undo_dst frees dst   *)
(*                       (never charged, never seen); src's isolation      *)
(*                       reference is dropped next (folio_putback_lru).    *)
(* ZapMigrationEntry is munmap or exit meeting a migration entry: it drops *)
(* no reference (try_to_migrate dropped the pte's), and the entry will not *)
(* be remapped.                                                            *)
(*                                                                         *)
(* Page-cache replacement (replace_page_cache_folio, whose caller, FUSE's *)
(* splice read, holds the old folio locked and unmapped and a new one      *)
(* locked): ReplaceLock, ReplacePageCacheFolio (mem_cgroup_replace_folio,  *)
(* then the xa_store of the new folio; the cache's reference on the old   *)
(* folio is put), ReplaceUnlock.  The old folio is charged until its final *)
(* put: usage counts it and the new one.  That excess ignores memory.max, *)
(* which is why WithinLimit is restated here (see it).                     *)
(*                                                                         *)
(* Why no counter moves: both folios are locked and src is isolated, so   *)
(* nothing can map, charge, reclaim or free them; the transfer runs after *)
(* the mapping's slot points at dst and before any pte does, so every      *)
(* user that can find dst finds it owned; src, unowned from then on, is    *)
(* reachable only through speculative references, which uncharge nothing. *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

CONSTANTS
    CPUs, Pages, Indexes, NMemcg, Fanout, Limit, MaxMap,   \* as in Charge.tla
    NoMemcg, NoPage, NoIndex,                              \* as in Charge.tla
    Slots, NoSlot, Versions, SwapMax, LeafTasks            \* as in Swap.tla

VARIABLES
    \* --- Charge.tla's ---
    pc, held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, usage, stat,
    \* --- Swap.tla's ---
    version, slot, allocated, swapMap, hasCache, swapCache, record, memsw, swap, state, idRef, css,
    \* --- migration ---
    newFolio,   \* newFolio[c]: the folio CPU c migrates to (dst) or replaces with, or NoPage
    migEntries  \* migEntries[p]: migration entries pointing at folio p (ptes try_to_migrate replaced)

(* Swap.tla's groups, restated (TLC 2.18 cannot take UNCHANGED S!groups    *)
(* through the INSTANCE), and migration's.                                  *)
cpuVars == <<pc, held, chargeTo, index>>
folioVars == <<refcount, mapcount, owner, locked, anon>>
deviceVars == <<allocated, swapMap, hasCache, swapCache, record>>
counterVars == <<memsw, swap>>
lifeVars == <<state, idRef, css>>
chargeVars == <<cpuVars, folioVars, cache, usage, stat>>
swapVars == <<version, slot, deviceVars, counterVars, lifeVars>>
migVars == <<newFolio, migEntries>>
vars == <<chargeVars, swapVars, migVars>>

S == INSTANCE Swap
C == INSTANCE Charge

Memcgs == C!Memcgs
Root == C!Root
TaskMemcgs == C!TaskMemcgs
(* Charge.tla's hierarchy tables, passed to PageCounter (PC, and Abs's):   *)
(* as a constant definition of the root module TLC evaluates it once; in   *)
(* a module INSTANCEd by another it stays a lookup (see MemcgTrees.tla).   *)
Tree == C!Tree
PC == INSTANCE PageCounter WITH Parent <- C!Parent, Max <- C!Max
ASSUME PC!TreeOK
StatItems == S!StatItems
ModStat(st, m, item, d) == C!ModStat(st, m, item, d)
InCache(p) == C!InCache(p)
InSwapCache(p) == S!InSwapCache(p)
SlotOf(p) == S!SlotOf(p)
Frozen(p) == S!Frozen(p)

(* Program counters of migration: "migrate_isolated" holds src isolated,  *)
(* not locked; "migrate_unmapped" holds src and dst locked, src's ptes     *)
(* replaced by migration entries; "migrate_moved": dst has src's place and *)
(* charge; "migrate_failed": the move failed (-EAGAIN).  Replacement:      *)
(* "replace_locked" holds the old folio (a reference, locked) and the new  *)
(* one; "replace_done": the new folio is in the cache.                     *)
MigratePCs == {"migrate_isolated", "migrate_unmapped", "migrate_moved", "migrate_failed"}
ReplacePCs == {"replace_locked", "replace_done"}
PCs == S!PCs \cup MigratePCs \cup ReplacePCs

(* Isolated from the LRU: held by a reclaimer or a migration (not dst,    *)
(* which joins the LRU only when it is remapped).                          *)
Isolated(p) == \E c \in CPUs : held[c] = p /\ pc[c] \in {"reclaim"} \cup MigratePCs

(* On an LRU: a charged folio that is mapped, in the page cache or in the *)
(* swap cache (a folio joins its memcg's LRU after its charge is          *)
(* committed and leaves it at its final put or isolation), not isolated.  *)
(* A folio that has lost all three but is not yet freed is still on the  *)
(* LRU in the kernel; the model lets migration find it only through an    *)
(* isolation taken earlier (MigrateSrcFreed), which is the race that      *)
(* matters.                                                                *)
OnLru(p) ==
    /\ refcount[p] > 0
    /\ owner[p] /= NoMemcg
    /\ mapcount[p] > 0 \/ InCache(p) \/ InSwapCache(p)
    /\ ~Isolated(p)

(* A free folio for get_new_folio: refcount 0 and not frozen on a          *)
(* reclaimer's free list.                                                   *)
FreeFolio(q) == refcount[q] = 0 /\ ~Frozen(q)

(* Swap.tla's TypeOK with migration's program counters, and migration's   *)
(* variables.                                                               *)
TypeOK ==
    /\ pc \in [CPUs -> PCs]
    /\ held \in [CPUs -> Pages \cup {NoPage}]
    /\ chargeTo \in [CPUs -> TaskMemcgs \cup {NoMemcg}]
    /\ index \in [CPUs -> Indexes \cup {NoIndex}]
    /\ refcount \in [Pages -> Nat]
    /\ mapcount \in [Pages -> 0..MaxMap]
    /\ owner \in [Pages -> TaskMemcgs \cup {NoMemcg}]
    /\ locked \in [Pages -> BOOLEAN]
    /\ anon \in [Pages -> BOOLEAN]
    /\ cache \in [Indexes -> Pages \cup {NoPage}]
    /\ usage \in [Memcgs -> Int]
    /\ stat \in [Memcgs -> [StatItems -> Int]]
    /\ version \in Versions
    /\ slot \in [CPUs -> Slots \cup {NoSlot}]
    /\ allocated \in [Slots -> BOOLEAN]
    /\ swapMap \in [Slots -> 0..MaxMap]
    /\ hasCache \in [Slots -> BOOLEAN]
    /\ swapCache \in [Slots -> Pages \cup {NoPage}]
    /\ record \in [Slots -> Memcgs \cup {NoMemcg}]
    /\ memsw \in [Memcgs -> Int]
    /\ swap \in [Memcgs -> Int]
    /\ state \in [Memcgs -> {"online", "offline", "freed"}]
    /\ idRef \in [Memcgs -> Int]
    /\ css \in [Memcgs -> Int]
    /\ newFolio \in [CPUs -> Pages \cup {NoPage}]
    /\ migEntries \in [Pages -> 0..MaxMap]

Init ==
    /\ S!Init
    /\ newFolio = [c \in CPUs |-> NoPage]
    /\ migEntries = [p \in Pages |-> 0]

(***************************************************************************)
(* Swap.tla's steps (with Charge.tla's), unchanged but for two guards.     *)
(***************************************************************************)

AllocAnon(c, p, m) == S!AllocAnon(c, p, m) /\ UNCHANGED migVars
AllocCache(c, p, m, i) == S!AllocCache(c, p, m, i) /\ UNCHANGED migVars
TryCharge(c) == S!TryCharge(c) /\ UNCHANGED migVars
CommitCharge(c) == S!CommitCharge(c) /\ UNCHANGED migVars
CancelCharge(c) == S!CancelCharge(c) /\ UNCHANGED migVars
MapAnon(c) == S!MapAnon(c) /\ UNCHANGED migVars
AddToCache(c) == S!AddToCache(c) /\ UNCHANGED migVars
UnlockPage(c) == S!UnlockPage(c) /\ UNCHANGED migVars
Map(c, p) == S!Map(c, p) /\ UNCHANGED migVars
Unmap(c, p) == S!Unmap(c, p) /\ UNCHANGED migVars
GetPage(c, p) == S!GetPage(c, p) /\ UNCHANGED migVars
DeleteFromCache(c, i) == S!DeleteFromCache(c, i) /\ UNCHANGED migVars
PutPage(c) == S!PutPage(c) /\ UNCHANGED migVars
Uncharge(c) == S!Uncharge(c) /\ UNCHANGED migVars
(* isolate_lru_pages fails on a folio migration has isolated (its LRU     *)
(* flag is clear) even before migration locks it.                          *)
Reclaim(c, p) == ~Isolated(p) /\ S!Reclaim(c, p) /\ UNCHANGED migVars
AddToSwap(c, s) == S!AddToSwap(c, s) /\ UNCHANGED migVars
TryToUnmap(c) == S!TryToUnmap(c) /\ UNCHANGED migVars
SwapOut(c) == S!SwapOut(c) /\ UNCHANGED migVars
UnchargeList(c) == S!UnchargeList(c) /\ UNCHANGED migVars
ReclaimAbort(c) == S!ReclaimAbort(c) /\ UNCHANGED migVars
SwapinHit(c, s) == S!SwapinHit(c, s) /\ UNCHANGED migVars
SwapinAlloc(c, s, p, m) == S!SwapinAlloc(c, s, p, m) /\ UNCHANGED migVars
SwapcachePrepare(c) == S!SwapcachePrepare(c) /\ UNCHANGED migVars
SwapInCharge(c) == S!SwapInCharge(c) /\ UNCHANGED migVars
AddToSwapCache(c) == S!AddToSwapCache(c) /\ UNCHANGED migVars
SwapinUnchargeSwap(c) == S!SwapinUnchargeSwap(c) /\ UNCHANGED migVars
EndSwapRead(c) == S!EndSwapRead(c) /\ UNCHANGED migVars
(* do_swap_page's re-check after folio_lock (folio_test_swapcache and the *)
(* entry) is what a migration of the swap-cache folio meets: the folio    *)
(* the fault looked up is no longer the slot's, and the fault retries.     *)
SwapinMap(c) == S!SwapinMap(c) /\ UNCHANGED migVars
SwapcacheFree(c) == S!SwapcacheFree(c) /\ UNCHANGED migVars
FreeSwapAndCache(c, s) == S!FreeSwapAndCache(c, s) /\ UNCHANGED migVars
DeleteFromSwapCache(c, s) == S!DeleteFromSwapCache(c, s) /\ UNCHANGED migVars
SwapSlotFree(c) == S!SwapSlotFree(c) /\ UNCHANGED migVars
Offline(m) == S!Offline(m) /\ UNCHANGED migVars
Free(m) == S!Free(m) /\ UNCHANGED migVars

(***************************************************************************)
(* Migration: migrate_pages -> migrate_pages_batch, one folio.             *)
(***************************************************************************)

(* folio_isolate_lru (isolate_migratepages_block for compaction,           *)
(* migrate_misplaced_folio, the NUMA and hotplug callers): the LRU flag   *)
(* is test-and-cleared, so of two isolators (two migrations, a migration  *)
(* and reclaim) exactly one wins, and the folio gets the isolation         *)
(* reference.  No lock is taken yet: the folio may still be mapped,       *)
(* unmapped, truncated or put by others.                                   *)
MigrateIsolate(c, p) ==
    /\ pc[c] = "idle"
    /\ OnLru(p)
    /\ pc' = [pc EXCEPT ![c] = "migrate_isolated"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, anon, cache, usage, stat,
                   swapVars, migVars>>

(* migrate_folio_unmap, first test: folio_ref_count(src) == 1, every other *)
(* user let go while the folio sat isolated.  migrate_folio_done puts the *)
(* isolation reference next: the final put, which uncharges src as any    *)
(* final put does (Uncharge).                                               *)
MigrateSrcFreed(c) ==
    /\ pc[c] = "migrate_isolated"
    /\ refcount[held[c]] = 1
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat, swapVars, migVars>>

(* migrate_folio_unmap, otherwise: get_new_folio allocates dst (free      *)
(* folio q, refcount 1, private to this CPU); folio_lock(src) waits for   *)
(* src's lock holder (an insertion reading it, a swap-in, a truncation):  *)
(* the step is enabled once src is unlocked; folio_trylock(dst) cannot    *)
(* fail on a folio nobody else sees.  try_to_migrate then turns each pte  *)
(* of src into a migration entry under its pte lock (taken together here:  *)
(* src is locked, so no new pte of src can appear, and a fault on a       *)
(* migration entry waits for the migration): each pte's reference is put  *)
(* (never the last: the isolation reference stays) and the rmap removed;   *)
(* the last one of a file folio takes it out of its owner's file_mapped   *)
(* (folio_remove_rmap_pte -> __folio_mod_stat).  src is still owned.      *)
(* get_new_folio's failure is MigrateAllocFail.                           *)
MigrateUnmap(c, q) ==
    /\ pc[c] = "migrate_isolated"
    /\ LET p == held[c]
           n == mapcount[p]
       IN /\ refcount[p] > 1
          /\ ~locked[p]
          /\ FreeFolio(q)
          /\ refcount' = [refcount EXCEPT ![p] = @ - n, ![q] = 1]
          /\ locked' = [locked EXCEPT ![p] = TRUE, ![q] = TRUE]
          /\ mapcount' = [mapcount EXCEPT ![p] = 0]
          /\ migEntries' = [migEntries EXCEPT ![p] = n]
          /\ stat' = IF ~anon[p] /\ n > 0 THEN ModStat(stat, owner[p], "file_mapped", -1) ELSE stat
    /\ pc' = [pc EXCEPT ![c] = "migrate_unmapped"]
    /\ newFolio' = [newFolio EXCEPT ![c] = q]
    /\ UNCHANGED <<held, chargeTo, index, owner, anon, cache, usage, swapVars>>

(* migrate_folio_unmap: get_new_folio finds no free folio (-ENOMEM); src   *)
(* was not locked yet.  The isolation reference is put back next            *)
(* (putback_movable_pages -> folio_putback_lru), the final put if everyone *)
(* else let go.  The spec lets the allocation fail only when no folio is  *)
(* free: with one, the kernel's allocator may still fail, and the outcome *)
(* is the same as here.                                                     *)
MigrateAllocFail(c) ==
    /\ pc[c] = "migrate_isolated"
    /\ refcount[held[c]] > 1
    /\ \A q \in Pages : ~FreeFolio(q)
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat, swapVars, migVars>>

(* move_to_new_folio: src's mapping's a_ops->migrate_folio (or            *)
(* migrate_folio for an anon folio with none) -> folio_migrate_mapping,   *)
(* then folio_migrate_flags -> mem_cgroup_migrate.                         *)
(*   The refcount test: the expected count is the isolation reference, plus *)
(* the cache's for a folio in the page cache or the swap cache.  For such  *)
(* a folio folio_ref_freeze(src, expected) under the mapping's xa_lock    *)
(* makes the test and the switch one step: from the freeze to the unfreeze *)
(* nobody can take a reference, the cache's slot gets dst (which takes    *)
(* the cache's reference: folio_ref_add(dst, nr)) and src is unfrozen one  *)
(* reference lower.  An anon folio outside the swap cache is only tested   *)
(* (folio_ref_count(src) != expected: -EAGAIN), never frozen: no lookup   *)
(* can find it but through its ptes, which are migration entries now, so   *)
(* only a speculative reference taken before the test can fail it.  The    *)
(* PageAnon and swap-cache flags (and the swap entry in ->private) go to   *)
(* dst with the slot.  The statistics of the mapping (NR_FILE_PAGES,       *)
(* NR_SHMEM, NR_SWAPCACHE) move between the node lruvecs of src's memcg   *)
(* only: per memcg nothing changes, and this model keeps no node split.    *)
(*   mem_cgroup_migrate (v6.7+): src's memcg_data, with the css reference  *)
(* it holds, becomes dst's (commit_charge(dst, memcg)) and src's is        *)
(* cleared; usage, memsw and the statistics are untouched.  Both folios    *)
(* are locked (its VM_BUG_ONs); src, isolated, cannot have lost its owner. *)
(*   A failed test is -EAGAIN: migrate_pages_batch retries the move some   *)
(* times, then undoes.  The spec takes the verdict of one test; a retry    *)
(* that succeeds is the interleaving where the other reference was put    *)
(* before the test, which the spec has.                                    *)
MigrateMove(c) ==
    /\ pc[c] = "migrate_unmapped"
    /\ LET p == held[c]
           q == newFolio[c]
           inCache == InCache(p) \/ InSwapCache(p)
           expected == 1 + (IF inCache THEN 1 ELSE 0)
       IN IF refcount[p] = expected
            THEN /\ refcount' = [refcount EXCEPT ![p] = 1, ![q] = @ + (IF inCache THEN 1 ELSE 0)]
                 /\ cache' = [i \in Indexes |-> IF cache[i] = p THEN q ELSE cache[i]]
                 /\ swapCache' = [s \in Slots |-> IF swapCache[s] = p THEN q ELSE swapCache[s]]
                 /\ anon' = [anon EXCEPT ![q] = anon[p]]
                 /\ owner' = [owner EXCEPT ![q] = owner[p], ![p] = NoMemcg]
                 /\ pc' = [pc EXCEPT ![c] = "migrate_moved"]
            ELSE /\ pc' = [pc EXCEPT ![c] = "migrate_failed"]
                 /\ UNCHANGED <<refcount, cache, swapCache, anon, owner>>
    /\ UNCHANGED <<held, chargeTo, index, mapcount, locked, usage, stat,
                   version, slot, allocated, swapMap, hasCache, record, counterVars, lifeVars, migVars>>

(* Map the migration entries of src to folio t (remove_migration_ptes,    *)
(* remove_migration_pte: folio_get and folio_add_{anon,file}_rmap_pte per *)
(* entry; the first mapping of a file folio counts file_mapped against    *)
(* t's owner at that moment).                                              *)
Remap(p, t) ==
    LET n == migEntries[p] IN
    /\ mapcount' = [mapcount EXCEPT ![t] = @ + n]
    /\ migEntries' = [migEntries EXCEPT ![p] = 0]
    /\ stat' = IF ~anon[t] /\ n > 0 /\ mapcount[t] = 0 THEN ModStat(stat, owner[t], "file_mapped", 1) ELSE stat

(* migrate_folio_move after a successful move: remove_migration_ptes(src, *)
(* dst) maps dst where src was mapped (entries zapped meanwhile are gone), *)
(* folio_unlock(dst), folio_unlock(src), and migrate_folio_done(src) puts *)
(* the isolation reference: src is unowned now, so whether this is its    *)
(* final put (usually) or a speculative holder's is later, it frees with   *)
(* no counter change (PageAnon goes with the frame).  dst's allocation     *)
(* reference is this CPU's to drop next: the final put of dst when every  *)
(* entry was zapped and dst is in no cache (the mail's corner case A,      *)
(* today: the transferred charge goes with dst).  The kernel puts dst      *)
(* before src; an unowned folio's put changes no counter, so the order is  *)
(* the spec's only to keep one reference per CPU.                          *)
RemoveMigrationPtes(c) ==
    /\ pc[c] = "migrate_moved"
    /\ LET p == held[c]
           q == newFolio[c]
       IN /\ Remap(p, q)
          /\ refcount' = [refcount EXCEPT ![q] = @ + migEntries[p], ![p] = @ - 1]
          /\ anon' = IF refcount[p] = 1 THEN [anon EXCEPT ![p] = FALSE] ELSE anon
          /\ locked' = [locked EXCEPT ![p] = FALSE, ![q] = FALSE]
          /\ held' = [held EXCEPT ![c] = q]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ newFolio' = [newFolio EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, owner, cache, usage, swapVars>>

(* migrate_folio_undo_src after a failed move: remove_migration_ptes(src, *)
(* src) remaps src, which kept its owner and its place in any cache;      *)
(* folio_unlock(src).  migrate_folio_undo_dst: folio_unlock(dst) and its  *)
(* put, the final one unless a PFN walker's speculative reference is      *)
(* later (dst was never charged, so either way no counter moves).  src's  *)
(* reference goes next (folio_putback_lru), the final put if everyone     *)
(* else let go meanwhile: then src is uncharged, as at any final put, and  *)
(* nothing was charged twice.                                              *)
MigrateUndo(c) ==
    /\ pc[c] = "migrate_failed"
    /\ LET p == held[c]
           q == newFolio[c]
       IN /\ Remap(p, p)
          /\ refcount' = [refcount EXCEPT ![p] = @ + migEntries[p], ![q] = @ - 1]
          /\ locked' = [locked EXCEPT ![p] = FALSE, ![q] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ newFolio' = [newFolio EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<held, chargeTo, index, owner, anon, cache, usage, swapVars>>

(* zap_pte_range meets a migration entry of folio p (munmap, exit): the   *)
(* entry is cleared.  It held no reference (try_to_migrate put the pte's) *)
(* and no rmap, so nothing else changes; the folio will not be remapped   *)
(* there.  A fault on the entry (migration_entry_wait) only waits: not a   *)
(* step.                                                                    *)
ZapMigrationEntry(c, p) ==
    /\ pc[c] = "idle"
    /\ migEntries[p] > 0
    /\ migEntries' = [migEntries EXCEPT ![p] = @ - 1]
    /\ UNCHANGED <<chargeVars, swapVars, newFolio>>

(***************************************************************************)
(* Page-cache replacement: replace_page_cache_folio.                       *)
(***************************************************************************)

(* The caller (fuse_try_move_page) has the page-cache folio at index i    *)
(* with a reference, locked, and not mapped (a mapped one falls back to a  *)
(* copy), and a new folio q locked, off any mapping.  The spec takes the  *)
(* lookup and lock of the old folio and the new folio's allocation as one *)
(* step; the new folio stands for the spliced pipe page, here a fresh one  *)
(* (mem_cgroup_replace_folio returns early for a new folio that already   *)
(* has a memcg: not modelled).                                              *)
ReplaceLock(c, i, q) ==
    /\ pc[c] = "idle"
    /\ cache[i] /= NoPage
    /\ LET p == cache[i] IN
          /\ ~locked[p]
          /\ mapcount[p] = 0
          /\ FreeFolio(q)
          /\ refcount' = [refcount EXCEPT ![p] = @ + 1, ![q] = 1]
          /\ locked' = [locked EXCEPT ![p] = TRUE, ![q] = TRUE]
          /\ held' = [held EXCEPT ![c] = p]
    /\ pc' = [pc EXCEPT ![c] = "replace_locked"]
    /\ newFolio' = [newFolio EXCEPT ![c] = q]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, anon, cache, usage, stat, swapVars, migEntries>>

(* replace_page_cache_folio: folio_get(new) for the cache;                *)
(* mem_cgroup_replace_folio(old, new) force-charges new to old's memcg    *)
(* (page_counter_charge on memory, and memsw on v1: no max is checked,    *)
(* usage may pass memory.max), takes a css reference for it and commits   *)
(* it (the file statistic counts it, as mem_cgroup_charge_statistics did  *)
(* in the era of this model's statistics); under the xa_lock the cache's  *)
(* slot gets new, old->mapping is cleared; folio_put(old) drops the       *)
(* cache's reference (not the last: the caller holds one).  The old folio *)
(* keeps its charge: "@old will be uncharged upon free".  The kernel      *)
(* charges before it takes the xa_lock; with both folios locked and the   *)
(* new one unseen, the spec takes the two as one step.  An unowned old    *)
(* folio (never, in this model: a folio in the page cache and unlocked is *)
(* charged) charges nothing: "if (!memcg) return".                         *)
ReplacePageCacheFolio(c) ==
    /\ pc[c] = "replace_locked"
    /\ LET p == held[c]
           q == newFolio[c]
           m == owner[p]
       IN /\ cache' = [i \in Indexes |-> IF cache[i] = p THEN q ELSE cache[i]]
          /\ refcount' = [refcount EXCEPT ![q] = @ + 1, ![p] = @ - 1]
          /\ owner' = [owner EXCEPT ![q] = m]
          /\ anon' = [anon EXCEPT ![q] = FALSE]
          /\ usage' = IF m /= NoMemcg THEN PC!ForceCharge(usage, m, 1) ELSE usage
          /\ memsw' = IF version = 1 /\ m /= NoMemcg THEN PC!ForceCharge(memsw, m, 1) ELSE memsw
          /\ css' = S!Get(css, m)
          /\ stat' = ModStat(stat, m, "file", 1)
    /\ pc' = [pc EXCEPT ![c] = "replace_done"]
    /\ UNCHANGED <<held, chargeTo, index, mapcount, locked, version, slot, deviceVars, swap,
                   state, idRef, migVars>>

(* The caller unlocks both folios and puts the new one's allocation      *)
(* reference (the cache holds one); its reference to the old folio goes   *)
(* next: the final put, unless a speculative holder is later, uncharges   *)
(* it and ends the double charge.                                          *)
ReplaceUnlock(c) ==
    /\ pc[c] = "replace_done"
    /\ LET p == held[c]
           q == newFolio[c]
       IN /\ locked' = [locked EXCEPT ![p] = FALSE, ![q] = FALSE]
          /\ refcount' = [refcount EXCEPT ![q] = @ - 1]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ newFolio' = [newFolio EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, anon, cache, usage, stat, swapVars, migEntries>>

Next ==
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs : AllocAnon(c, p, m)
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs, i \in Indexes : AllocCache(c, p, m, i)
    \/ \E c \in CPUs : TryCharge(c)
    \/ \E c \in CPUs : CommitCharge(c)
    \/ \E c \in CPUs : CancelCharge(c)
    \/ \E c \in CPUs : MapAnon(c)
    \/ \E c \in CPUs : AddToCache(c)
    \/ \E c \in CPUs : UnlockPage(c)
    \/ \E c \in CPUs, p \in Pages : Map(c, p)
    \/ \E c \in CPUs, p \in Pages : Unmap(c, p)
    \/ \E c \in CPUs, p \in Pages : GetPage(c, p)
    \/ \E c \in CPUs, i \in Indexes : DeleteFromCache(c, i)
    \/ \E c \in CPUs : PutPage(c)
    \/ \E c \in CPUs : Uncharge(c)
    \/ \E c \in CPUs, p \in Pages : Reclaim(c, p)
    \/ \E c \in CPUs, s \in Slots : AddToSwap(c, s)
    \/ \E c \in CPUs : TryToUnmap(c)
    \/ \E c \in CPUs : SwapOut(c)
    \/ \E c \in CPUs : UnchargeList(c)
    \/ \E c \in CPUs : ReclaimAbort(c)
    \/ \E c \in CPUs, s \in Slots : SwapinHit(c, s)
    \/ \E c \in CPUs, s \in Slots, p \in Pages, m \in TaskMemcgs : SwapinAlloc(c, s, p, m)
    \/ \E c \in CPUs : SwapcachePrepare(c)
    \/ \E c \in CPUs : SwapInCharge(c)
    \/ \E c \in CPUs : AddToSwapCache(c)
    \/ \E c \in CPUs : SwapinUnchargeSwap(c)
    \/ \E c \in CPUs : EndSwapRead(c)
    \/ \E c \in CPUs : SwapinMap(c)
    \/ \E c \in CPUs : SwapcacheFree(c)
    \/ \E c \in CPUs, s \in Slots : FreeSwapAndCache(c, s)
    \/ \E c \in CPUs, s \in Slots : DeleteFromSwapCache(c, s)
    \/ \E c \in CPUs : SwapSlotFree(c)
    \/ \E m \in TaskMemcgs : Offline(m)
    \/ \E m \in TaskMemcgs : Free(m)
    \/ \E c \in CPUs, p \in Pages : MigrateIsolate(c, p)
    \/ \E c \in CPUs : MigrateSrcFreed(c)
    \/ \E c \in CPUs, q \in Pages : MigrateUnmap(c, q)
    \/ \E c \in CPUs : MigrateAllocFail(c)
    \/ \E c \in CPUs : MigrateMove(c)
    \/ \E c \in CPUs : RemoveMigrationPtes(c)
    \/ \E c \in CPUs : MigrateUndo(c)
    \/ \E c \in CPUs, p \in Pages : ZapMigrationEntry(c, p)
    \/ \E c \in CPUs, i \in Indexes, q \in Pages : ReplaceLock(c, i, q)
    \/ \E c \in CPUs : ReplacePageCacheFolio(c)
    \/ \E c \in CPUs : ReplaceUnlock(c)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties: Swap.tla's, restated where a migrating CPU's second folio   *)
(* or the replacement's excess changes the statement, and migration's own. *)
(***************************************************************************)

Conservation == S!Conservation
InUseIsCharged == S!InUseIsCharged
OwnedPagesLive == S!OwnedPagesLive
PendingPageUnowned == S!PendingPageUnowned
StatsMatch == S!StatsMatch
(* Charge.tla's, where another CPU may also hold the isolation reference  *)
(* of a migration that waits for the page lock: a page-cache folio joins  *)
(* the LRU once inserted and committed, while still locked for its read   *)
(* (add_to_page_cache_lru), and migration may isolate it there; it cannot  *)
(* lock, map or free it before the inserter unlocks it.                    *)
Charging == C!Charging
ChargeUnderExclusion ==
    Charging => \A c \in CPUs :
        LET p == held[c] IN
        /\ pc[c] \in C!ChargingPCs
              => /\ mapcount[p] = 0
                 /\ \A d \in CPUs \ {c} : held[d] = p => pc[d] \in {"put", "migrate_isolated"}
        /\ pc[c] \in {"anon_alloc", "anon_charged", "anon_committed",
                      "cache_alloc", "cache_charged", "cache_eexist"} => ~InCache(p)
        /\ pc[c] \in {"cache_alloc", "cache_charged", "cache_eexist",
                      "cache_inserted", "cache_committed"} => locked[p]
        /\ pc[c] \in {"cache_inserted", "cache_committed"} => InCache(p)
MemswIsMemoryPlusSwap == S!MemswIsMemoryPlusSwap
NoDoubleChargeOutsideSwapinWindow == S!NoDoubleChargeOutsideSwapinWindow
SwapCounter == S!SwapCounter
SwapWithinLimit == S!SwapWithinLimit
SwapCacheHasCache == S!SwapCacheHasCache
SwapCacheUnique == S!SwapCacheUnique
SlotFreeOnlyWhenUnused == S!SlotFreeOnlyWhenUnused
NoLeakedSlot == S!NoLeakedSlot
IdRefBalance == S!IdRefBalance
CssRefBalance == S!CssRefBalance
(* Swap.tla's (its antecedent named here, for the vacuity gate's window). *)
SomeMemcgFreed == S!SomeMemcgFreed
NothingFreedReferenced == SomeMemcgFreed => S!NothingFreedReferenced
SwapinChargeUnderExclusion == S!SwapinChargeUnderExclusion

(* Old folios of a page-cache replacement still charged: owned file       *)
(* folios out of the cache and unmapped, awaiting their final put.  A      *)
(* truncated folio on its way to its final put looks the same; it is      *)
(* counted too, which only loosens the bound by folios that are about to   *)
(* give their charge back.                                                 *)
Replaced(m) ==
    Cardinality({p \in Pages : /\ owner[p] \in PC!Subtree(m) /\ ~anon[p]
                               /\ ~InCache(p) /\ mapcount[p] = 0})

(* usage <= max below the root, except for the replacement's excess:      *)
(* mem_cgroup_replace_folio force-charges, so a memcg at its max goes one *)
(* over per old folio not yet freed (documented: "Temporarily overcharging *)
(* the cgroup by a single page is not an issue in practice").  Every       *)
(* try-charge still respects max.  Catches a charge that ignores a limit   *)
(* anywhere else (a migration that charges dst, a fault that forces).     *)
WithinLimit == \A m \in TaskMemcgs : usage[m] <= C!Max[m] + Replaced(m)

(* Every reference is accounted for: Swap.tla's holders, and a migrating  *)
(* or replacing CPU's second folio (dst, the new folio).  Migration        *)
(* entries hold none.  Catches a reference of the migration path dropped  *)
(* twice or never (src's isolation reference, dst's allocation, the        *)
(* cache's reference moved to dst, one per remapped pte).                  *)
RefcountBalance ==
    \A p \in Pages :
        refcount[p] = mapcount[p] + (IF InCache(p) THEN 1 ELSE 0)
                      + (IF InSwapCache(p) THEN 1 ELSE 0)
                      + Cardinality({c \in C!Holders(p) : pc[c] \notin S!FrozenPCs})
                      + Cardinality({c \in CPUs : newFolio[c] = p})

(* One charge per migration: while a CPU migrates, src and dst are never  *)
(* both owned (the transfer clears src as it sets dst); a replacement     *)
(* owns both from ReplacePageCacheFolio on, by design.  Catches a          *)
(* migration that charges dst and keeps src's charge (v4.6-v6.6's force-   *)
(* charge re-introduced), and one that leaves src owned.                   *)
Migrating == \E c \in CPUs : pc[c] \in MigratePCs
MigrationChargesOnce ==
    Migrating => \A c \in CPUs :
        pc[c] \in MigratePCs /\ newFolio[c] /= NoPage
            => owner[held[c]] = NoMemcg \/ owner[newFolio[c]] = NoMemcg

(* Migration under exclusion: from MigrateUnmap to the remap, src and dst *)
(* are locked (mem_cgroup_migrate's VM_BUG_ONs), src has no pte (its ptes *)
(* are migration entries: nothing can map it) and stays isolated and      *)
(* owned until the move, dst is seen by nobody before the move (unmapped, *)
(* in no cache, unowned) and gets no pte before the remap.  Other CPUs    *)
(* hold either folio only to drop the reference (a speculative one, the   *)
(* swap cache's after DeleteFromSwapCache: "slot_free"), for a swap-in    *)
(* that waits for the lock, or to isolate dst, which joins the LRU after  *)
(* the move (folio_add_lru in migrate_folio_move), for a migration that   *)
(* then waits for its lock.  Catches a path that reaches a folio being    *)
(* migrated: a reclaim or a second migration of an isolated folio, a       *)
(* truncation or a swap-in that does not wait for the folio lock, a        *)
(* transfer after the remap (seed 003's order, where the remap saw an      *)
(* unowned dst).                                                           *)
MigrateUnderExclusion ==
    Migrating => \A c \in CPUs :
        LET p == held[c]
            q == newFolio[c]
        IN
        /\ pc[c] \in {"migrate_unmapped", "migrate_moved", "migrate_failed"} =>
              /\ locked[p] /\ locked[q] /\ mapcount[p] = 0 /\ mapcount[q] = 0
              /\ \A d \in CPUs \ {c} : held[d] \in {p, q} => pc[d] \in {"put", "slot_free", "swapin_lock", "migrate_isolated"}
        /\ pc[c] \in {"migrate_isolated", "migrate_unmapped", "migrate_failed"} =>
              /\ owner[p] /= NoMemcg
              /\ \A d \in CPUs \ {c} : ~(held[d] = p /\ pc[d] \in {"reclaim"} \cup MigratePCs)
        /\ pc[c] = "migrate_unmapped" =>
              owner[q] = NoMemcg /\ ~InCache(q) /\ ~InSwapCache(q)
        /\ pc[c] = "migrate_moved" =>
              /\ owner[p] = NoMemcg /\ ~InCache(p) /\ ~InSwapCache(p)

(* Migration entries exist only while their folio is being migrated:      *)
(* locked and held by the migrating CPU, not yet remapped.  Catches a      *)
(* remap that forgets entries (a folio left with ptes nobody maps) or      *)
(* maps them twice.                                                        *)
MigrationEntriesPending ==
    \A p \in Pages : migEntries[p] > 0 =>
        \E c \in CPUs : held[c] = p /\ pc[c] \in {"migrate_unmapped", "migrate_moved", "migrate_failed"}

(***************************************************************************)
(* Lemmas.                                                                 *)
(***************************************************************************)

Hierarchy == S!Hierarchy
CommittedIsOwned == S!CommittedIsOwned
NoUnderflow == S!NoUnderflow
StatsNonNegative == S!StatsNonNegative
NoZombieAtQuiescence == S!NoZombieAtQuiescence

(* Swap.tla's, with no migration entry left either: implied as there. *)
Quiescent == S!Quiescent /\ \A p \in Pages : migEntries[p] = 0
NoLeakAtQuiescence == Quiescent => S!NoLeakAtQuiescence

(***************************************************************************)
(* Refinement of the abstract accounting spec, with forced charges.        *)
(***************************************************************************)

(* Swap.tla's mapping.  MigrateMove is Abs!Transfer(src, dst); the        *)
(* replacement's charge is Abs!ForceCharge; src freed by                   *)
(* RemoveMigrationPtes and dst by MigrateUndo are Abs!Free of unowned      *)
(* pages.  Catches a migration that changes a counter (the transfer is the *)
(* one step that moves a charge between live pages, and it moves no       *)
(* usage), a charge left on a freed folio, an uncharge of a live one.      *)
Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> C!Pending(m)],
              Parent <- C!Parent, Max <- C!Max,
              live <- [p \in Pages |-> refcount[p] > 0],
              swapUsage <- IF version = 2 THEN swap
                           ELSE [m \in Memcgs |-> memsw[m] - usage[m]]

Refinement == Abs!SpecForced

Symmetry == S!Symmetry
=============================================================================
