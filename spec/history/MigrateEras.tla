---------------------------- MODULE MigrateEras ----------------------------
(***************************************************************************)
(* The race museum: the eras of mem_cgroup_migrate, side by side. One      *)
(* migration of one anonymous page, with the charge rule of each era:      *)
(*                                                                         *)
(*   "v3.17"  0a31bc97c80c "mm: memcontrol: rewrite uncharge API"          *)
(*            (Johannes Weiner, 2014; v3.17 by inference). TRANSFER:       *)
(*            move_to_new_page() calls mem_cgroup_migrate(page, newpage,   *)
(*            false) before remove_migration_ptes(); on the old page       *)
(*            `pc->flags = 0` (PCG_USED, PCG_MEM, PCG_MEMSW all cleared:   *)
(*            the old page keeps no association, pc->mem_cgroup is no     *)
(*            longer trusted), then commit_charge(newpage, memcg): no      *)
(*            res_counter change at all. The old page's final put finds    *)
(*            it not USED and uncharges nothing.                           *)
(*   (v3.19-v4.5: page->mem_cgroup replaced page_cgroup and migration      *)
(*            became a bare pointer move: set_page_memcg(newpage,          *)
(*            page_memcg(page)) in migrate_page_move_mapping() after the   *)
(*            refcount check/freeze, set_page_memcg(page, NULL) in         *)
(*            move_to_new_page(); commit ids unverified. Accounting-       *)
(*            identical to v3.17, so it is not a value of Era: no counter  *)
(*            moves, the new page is owned before the remap, the old one   *)
(*            is unowned from then on. The one difference is that the two  *)
(*            pointer writes are two statements, so between them both     *)
(*            pages name the memcg while usage counts one page; both pages *)
(*            are locked and isolated, the old one unmapped, and nothing   *)
(*            unlocked can look in between, so the model's one step loses  *)
(*            no behaviour any other CPU could see.)                       *)
(*   "v4.6"   "mm: migrate: do not touch page->mem_cgroup of live pages"   *)
(*            (Weiner, posted 29 January 2016; v4.6 by inference, not      *)
(*            v4.5; mainline commit id UNVERIFIED, the catalogue says -),  *)
(*            until v6.6. FORCE-CHARGE: mem_cgroup_migrate(oldpage,        *)
(*            newpage) does page_counter_charge(&memcg->memory, nr) (no    *)
(*            limit check; memsw too on v1), css_get_many() and            *)
(*            commit_charge(newpage, memcg); the old page keeps its memcg  *)
(*            and its charge until its final put (mem_cgroup_uncharge).    *)
(*            Why: "Changing a page's memcg association complicates        *)
(*            dealing with the page, so we want to limit this as much as   *)
(*            possible. ... Temporarily overcharging the cgroup by a       *)
(*            single page is not an issue in practice, and charging is so  *)
(*            cheap nowadays that this is much preferrable to the headache *)
(*            of messing with live pages."                                 *)
(*   "v6.7"   85ce2c517ade "memcontrol: only transfer the memcg data for   *)
(*            migration" (Nhat Pham, 2023; v6.7 by inference). TRANSFER    *)
(*            again: commit_charge(new, memcg); old->memcg_data = 0. The   *)
(*            css reference memcg_data holds goes with it; no counter and  *)
(*            no statistic changes. The force-charge survives as           *)
(*            mem_cgroup_replace_folio() for replace_page_cache_folio()    *)
(*            only, because "the isolation of the old page isn't quite as  *)
(*            thorough as with migration, so it cannot transfer and        *)
(*            uncharge directly" (Weiner, 3 October 2023).                 *)
(*                                                                         *)
(* The older eras (2.6.34's prepare/end_migration, seed 003's fix, Weiner  *)
(* 2012's uncharged replacement) had another API: MigrateFileMapped2010    *)
(* models the first two. From v3.17 on every era uncharges a page at its   *)
(* final put (mem_cgroup_uncharge: "if it still has an owner"), and every  *)
(* era calls mem_cgroup_migrate after the refcount test and before the     *)
(* remap, both pages locked. What the eras differ in is what happens to    *)
(* the old page's charge and association, and so to `usage`:               *)
(*                                                                         *)
(*   era    old page after the move     usage during the migration        *)
(*   v3.17  unowned (pc->flags = 0)     unchanged                          *)
(*   v4.6   owned until its final put   +1 until the old page is freed     *)
(*   v6.7   unowned (memcg_data = 0)    unchanged                          *)
(*                                                                         *)
(* What each traded, as properties of this model:                          *)
(*   - WithinLimit (usage <= memory.max) and OneChargePerMigration (old    *)
(*     and new never both charged): v3.17 and v6.7 hold them; v4.6         *)
(*     violates both, and a fault on another CPU fails meanwhile           *)
(*     (FaultOOM fires only in v4.6);                                      *)
(*   - LiveOwnerStable (a page keeps its memcg from its charge to its      *)
(*     final put: the 2016 title): v4.6 holds it; v3.17 and v6.7 violate   *)
(*     it, the old page losing its memcg while it is still referenced;     *)
(*   - OwnerClearedUnderExclusion (a live page loses its memcg only while  *)
(*     it is isolated, locked and unmapped by a migration): every era      *)
(*     holds it; it is why v6.7 accepts clearing old->memcg_data (nothing  *)
(*     that reads the memcg without the page lock or the LRU can reach     *)
(*     the old folio), and replacement, whose old folio is neither         *)
(*     unmapped nor frozen, does not;                                      *)
(*   - Accounting, OwnedPagesLive, RefcountBalance, NoLeakAtQuiescence:    *)
(*     every era holds them: no era leaks or loses a charge.               *)
(*                                                                         *)
(* The model: ONE memcg with memory.max Limit (not the root), three pages. *)
(* "old" is an anonymous page, charged and mapped by the process (one pte) *)
(* at the start, not in the swap cache (so folio_migrate_mapping only      *)
(* tests its refcount: expected 1, the isolation reference); "new" is a    *)
(* free page, the migration target; "third" is a page the process faults   *)
(* in (try_charge against the limit: no swap, so nothing is reclaimable    *)
(* and a charge over the limit fails). CPU Migrator migrates "old"; the    *)
(* other CPU (Process) runs the process: it may zap its pte (old, the      *)
(* migration entry or new, whichever is there), take and drop one          *)
(* speculative reference on the old page (get_page_unless_zero: a PFN      *)
(* walker), and fault the third page in, then zap it. Those three are      *)
(* independent of each other (the pte, `spec`, and pc[Process] for the     *)
(* third page), each finite, so every run ends (Termination).              *)
(*                                                                         *)
(* Not modelled: css references (v4.6's css_get_many, v6.7's transfer of   *)
(* the reference memcg_data holds since v5.9), memsw and statistics (v4.6  *)
(* doubled them in the window too; v3.17 moved them -old/+new until "avoid *)
(* charge statistics churn"), page-cache and swap-cache pages (the freeze  *)
(* under the xa_lock), the LRU lists beyond the isolation, reclaim, the    *)
(* memcg OOM killer, the batch of v6.3+, hugetlb and large folios,         *)
(* page-cache replacement (spec/Migrate.tla models today's); the order of  *)
(* the two final puts (see MigrateRemap).                                  *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs (model values: cpuA, cpuB)
    Migrator,   \* the CPU that migrates the old page; the other one runs the process
    Limit,      \* memory.max of the memcg, in pages
    Era         \* "v3.17", "v4.6" or "v6.7": mem_cgroup_migrate's rule (header)

ASSUME /\ Migrator \in CPUs
       /\ Cardinality(CPUs) = 2
       /\ Limit \in Nat
       /\ Era \in {"v3.17", "v4.6", "v6.7"}

\* The CPU that runs the process.
Process == CHOOSE c \in CPUs : c # Migrator

\* The migrated page, its replacement, and the page the process faults in.
Pages == {"old", "new", "third"}

\* The process's pte at the migrated page's address: present on the old or
\* the new page, a migration entry, or none (zapped).
PteValues == {"old", "migration", "new", "none"}

VARIABLES
    pc,         \* pc[c]: where CPU c is in its path (the process: its third page's)
    pte,        \* the process's pte at the migrated address (PteValues)
    spec,       \* the process's speculative reference on the old page: "none", "held", "dropped"
    refcount,   \* refcount[p]: page_count(p)
    mapcount,   \* mapcount[p]: page_mapcount(p)
    owned,      \* owned[p]: p has the memcg (v3.17: PCG_USED; later page->mem_cgroup, memcg_data)
    usage       \* the memcg's memory counter (res_counter, then page_counter), in pages

vars == <<pc, pte, spec, refcount, mapcount, owned, usage>>

\* Program counter values. Migrator: "isolate" -> "move" -> "remap" ->
\* "put_old" -> "done" (or "move" -> "done" when the move gives up, or
\* "isolate" -> "done" when the page is gone). Process, for the third page:
\* "fault" -> "commit" -> "mapped" -> "done" (or "fault" -> "done": OOM).
MigratorPCs == {"isolate", "move", "remap", "put_old", "done"}
ProcessPCs  == {"fault", "commit", "mapped", "done"}

\* The migrator's exclusion, read from its program counter: the old page is
\* isolated (off the LRU, with the isolation reference) from the isolation
\* to the put of that reference; both pages are locked from the isolation
\* step (which locks them) until the remap step (which unlocks them).
Isolated(p) == p = "old" /\ pc[Migrator] \in {"move", "remap", "put_old"}
Locked(p)   == p \in {"old", "new"} /\ pc[Migrator] \in {"move", "remap"}

\* The fault's charge: try_charge done, commit_charge not yet.
Pending == IF pc[Process] = "commit" THEN 1 ELSE 0

\* A put of page p that leaves it `rc` references: at 0 it is the final put,
\* and the page is freed: __page_cache_release / release_pages ->
\* mem_cgroup_uncharge(page), which gives back the charge of a page that
\* still has its memcg (v3.17: PCG_USED; then page->mem_cgroup, memcg_data)
\* and does nothing for an unowned one. The helpers give the owner and the
\* usage after that put.
OwnedAfterPut(p, rc) == IF rc = 0 THEN [owned EXCEPT ![p] = FALSE] ELSE owned
UsageAfterPut(p, rc) == IF rc = 0 /\ owned[p] THEN usage - 1 ELSE usage

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the old page charged (usage 1) and mapped by the process *)
(* (one pte, whose reference is the page's only one); the new and the      *)
(* third page free.                                                        *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Migrator THEN "isolate" ELSE "fault"]
    /\ pte = "old"
    /\ spec = "none"
    /\ refcount = [p \in Pages |-> IF p = "old" THEN 1 ELSE 0]
    /\ mapcount = [p \in Pages |-> IF p = "old" THEN 1 ELSE 0]
    /\ owned = [p \in Pages |-> p = "old"]
    /\ usage = 1

-----------------------------------------------------------------------------
(************************** CPU Migrator: migration ************************)

\* isolate_lru_page / folio_isolate_lru: TestClearPageLRU and get_page (the
\* isolation reference: the LRU flag makes this the one isolation); then
\* unmap_and_move / migrate_folio_unmap: get_new_page (the new page, its
\* allocation reference), lock_page(old), trylock_page(new), and
\* try_to_unmap(TTU_MIGRATION) / try_to_migrate: the pte becomes a
\* migration entry, page_remove_rmap, and the pte's reference is put (not
\* the last: the isolation reference holds the page). The guard: the old
\* page is on the LRU, which here means not yet freed (a page that lost its
\* pte but is held by the speculative reference is still on the LRU, and
\* still charged; the process zaps its pte without the page lock).
\* One step: between the isolation and the unmap the process can zap its
\* pte or move its speculative reference; the zap then is the zap before
\* the isolation (the pte's reference put either way; if it was the last
\* but the isolation's, the kernel's "page was freed from under us" exit
\* puts the isolation reference and frees the page, uncharging it as the
\* zap's final put does here), and the reference commutes.
MigrateIsolateUnmap(c) ==
    /\ pc[c] = "isolate"
    /\ refcount["old"] > 0
    /\ pte' = IF pte = "old" THEN "migration" ELSE pte
    /\ refcount' = [refcount EXCEPT !["old"] = @ + 1 - (IF pte = "old" THEN 1 ELSE 0),
                                    !["new"] = 1]
    /\ mapcount' = [mapcount EXCEPT !["old"] = 0]
    /\ pc' = [pc EXCEPT ![c] = "move"]
    /\ UNCHANGED <<spec, owned, usage>>

\* folio_isolate_lru fails: the old page was freed before the migration
\* could isolate it (the process zapped its pte, no other reference). No
\* migration: nothing happens to any charge.
MigrateNotOnLru(c) ==
    /\ pc[c] = "isolate"
    /\ refcount["old"] = 0
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, spec, refcount, mapcount, owned, usage>>

\* The move: move_to_new_page -> migrate_page -> migrate_page_move_mapping
\* (v3.17-v6.6) / folio_migrate_mapping (v6.7): the old page is anonymous
\* and in no mapping, so the test is page_count(page) == expected_count,
\* 1 (the isolation reference): the guard. Then mem_cgroup_migrate (v3.17:
\* in move_to_new_page; v4.6: in migrate_page_move_mapping, from "mm:
\* migrate: consolidate mem_cgroup_migrate() calls" in migrate_page_states;
\* v6.7: folio_migrate_flags), both pages locked, before the remap:
\*   v3.17: old page not USED -> return (not reached: the old page is
\*          owned while live until this step); pc->flags = 0;
\*          commit_charge(newpage): the charge moves, usage unchanged.
\*   v4.6:  if (!memcg) return; page_counter_charge(&memcg->memory, 1): no
\*          limit check, usage may exceed Limit; commit_charge(newpage);
\*          the old page keeps its memcg and its charge.
\*   v6.7:  if (!memcg) return; commit_charge(new, memcg);
\*          old->memcg_data = 0: the charge moves, usage unchanged.
\* One step: both pages are locked, the old page has no pte and the new one
\* is seen by nobody else; a speculative get_page_unless_zero right after
\* the test (no freeze for an anon page) is GetOldRef after this step.
MigrateMove(c) ==
    /\ pc[c] = "move"
    /\ refcount["old"] = 1
    /\ IF ~owned["old"]
         THEN UNCHANGED <<owned, usage>>
       ELSE IF Era = "v4.6"
         THEN /\ owned' = [owned EXCEPT !["new"] = TRUE]
              /\ usage' = usage + 1
         ELSE /\ owned' = [owned EXCEPT !["old"] = FALSE, !["new"] = TRUE]
              /\ UNCHANGED usage
    /\ pc' = [pc EXCEPT ![c] = "remap"]
    /\ UNCHANGED <<pte, spec, refcount, mapcount>>

\* The refcount test fails: the process holds its speculative reference,
\* migrate_page_move_mapping returns -EAGAIN, the retries run out (the
\* model takes this choice at once; a retry that succeeds is MigrateMove
\* after PutOldRef). Undo: remove_migration_ptes(old, old) (the migration
\* entry, if the process has not zapped it, maps the old page again: pte
\* reference and mapcount back), unlock both, putback_lru_page(old) (the
\* isolation reference put: not the last, the speculative one is held),
\* put_page(new) (its allocation reference: the last; the new page was
\* never charged, so its uncharge does nothing). mem_cgroup_migrate was
\* not called: no charge moves in any era.
MigrateMoveBusy(c) ==
    /\ pc[c] = "move"
    /\ refcount["old"] > 1
    /\ pte' = IF pte = "migration" THEN "old" ELSE pte
    /\ refcount' = [refcount EXCEPT !["old"] = @ - 1 + (IF pte = "migration" THEN 1 ELSE 0),
                                    !["new"] = 0]
    /\ mapcount' = [mapcount EXCEPT !["old"] = IF pte = "migration" THEN 1 ELSE 0]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<spec, owned, usage>>

\* The remap: remove_migration_ptes(old, new) (the migration entry, if the
\* process has not zapped it, becomes a pte of the new page: get_page,
\* page_add_anon_rmap), unlock both pages, and the new page's allocation
\* reference put (putback_lru_page(newpage) / folio_add_lru + folio_put).
\* If the process zapped the migration entry, nothing maps the new page
\* and that put is its final put: mem_cgroup_uncharge gives back the
\* charge it took over (v3.17, v6.7) or was forced (v4.6).
\* Which of the two pages is put first has changed over the eras (not
\* checked for each); v6.7's migrate_folio_move puts dst before src. The
\* model puts new here and old in MigratePutOld, today's order; the other
\* order only changes which of two independent final puts comes first.
MigrateRemap(c) ==
    /\ pc[c] = "remap"
    /\ LET remapped == pte = "migration"
           rc       == IF remapped THEN 1 ELSE 0   \* refcount of new after both
       IN /\ pte' = IF remapped THEN "new" ELSE pte
          /\ mapcount' = [mapcount EXCEPT !["new"] = rc]
          /\ refcount' = [refcount EXCEPT !["new"] = rc]
          /\ owned' = OwnedAfterPut("new", rc)
          /\ usage' = UsageAfterPut("new", rc)
    /\ pc' = [pc EXCEPT ![c] = "put_old"]
    /\ UNCHANGED spec

\* The old page's isolation reference put: putback_lru_page(page) in
\* v3.17's unmap_and_move (lru_cache_add, then the put; the pagevec's put
\* is the last), put_page(page) in a v5.15-era one, migrate_folio_done ->
\* folio_put(src) from v6.3. Its final
\* put unless the process still holds its speculative reference; then the
\* process's put will be. At the final put mem_cgroup_uncharge: v4.6 gives
\* back the old page's charge here, ending the over-charge; v3.17 and v6.7
\* find it unowned and do nothing.
MigratePutOld(c) ==
    /\ pc[c] = "put_old"
    /\ LET rc == refcount["old"] - 1
       IN /\ refcount' = [refcount EXCEPT !["old"] = rc]
          /\ owned' = OwnedAfterPut("old", rc)
          /\ usage' = UsageAfterPut("old", rc)
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, spec, mapcount>>

-----------------------------------------------------------------------------
(************************** CPU Process: the process ***********************)

\* A speculative reference on the old page: get_page_unless_zero /
\* folio_try_get by a lockless lookup or a PFN walker, at any time while
\* the page is not freed (the guard: the get fails on a zero count). Taken once (`spec` goes to "dropped" after the
\* put), to keep every run finite. It delays the old page's final put and
\* fails the migration's refcount test while held.
GetOldRef(c) ==
    /\ c = Process
    /\ spec = "none"
    /\ refcount["old"] > 0
    /\ refcount' = [refcount EXCEPT !["old"] = @ + 1]
    /\ spec' = "held"
    /\ UNCHANGED <<pc, pte, mapcount, owned, usage>>

\* put_page of the speculative reference. The final put if the migration
\* has put its isolation reference and the pte is gone: in v4.6 this is
\* where the old page's charge is given back (on this CPU, after the
\* migration finished).
PutOldRef(c) ==
    /\ c = Process
    /\ spec = "held"
    /\ LET rc == refcount["old"] - 1
       IN /\ refcount' = [refcount EXCEPT !["old"] = rc]
          /\ owned' = OwnedAfterPut("old", rc)
          /\ usage' = UsageAfterPut("old", rc)
    /\ spec' = "dropped"
    /\ UNCHANGED <<pc, pte, mapcount>>

\* zap_pte_range on a present pte (the old page's before the migration
\* unmapped it or after a failed move remapped it, the new page's after the
\* remap): page_remove_rmap, then the pte's reference put (free_pages_and_
\* swap_cache -> release_pages at the TLB flush; one step here: nothing
\* modelled happens in between). No page lock: it may run while the old
\* page is isolated. A final put uncharges an owned page.
ZapPte(c) ==
    /\ c = Process
    /\ pte \in {"old", "new"}
    /\ LET p  == pte
           rc == refcount[p] - 1
       IN /\ mapcount' = [mapcount EXCEPT ![p] = 0]
          /\ refcount' = [refcount EXCEPT ![p] = rc]
          /\ owned' = OwnedAfterPut(p, rc)
          /\ usage' = UsageAfterPut(p, rc)
    /\ pte' = "none"
    /\ UNCHANGED <<pc, spec>>

\* zap_pte_range on the migration entry (is_migration_entry): the entry is
\* cleared, no page reference is held by it. The remap then has nothing
\* to map (Migrate.tla's corner case A, today).
ZapMigrationEntry(c) ==
    /\ c = Process
    /\ pte = "migration"
    /\ pte' = "none"
    /\ UNCHANGED <<pc, spec, refcount, mapcount, owned, usage>>

\* The fault on the third page's address, do_anonymous_page: the page is
\* allocated (the fault's reference), then mem_cgroup_try_charge (v3.17-
\* v5.7; mem_cgroup_charge's first half since v5.8): try_charge ->
\* page_counter_try_charge succeeds if usage + 1 <= Limit. The guard is
\* that limit check; with no swap nothing in the memcg is reclaimable, so
\* reclaim frees nothing and the charge fails: FaultOOM.
FaultTryCharge(c) ==
    /\ pc[c] = "fault"
    /\ usage + 1 <= Limit
    /\ usage' = usage + 1
    /\ refcount' = [refcount EXCEPT !["third"] = 1]
    /\ pc' = [pc EXCEPT ![c] = "commit"]
    /\ UNCHANGED <<pte, spec, mapcount, owned>>

\* The same try_charge over the limit: -ENOMEM after reclaim found nothing
\* (no swap), the fault returns VM_FAULT_OOM and the page is freed
\* uncharged (one step: the allocation and its put leave no trace). The
\* memcg OOM killer is not modelled. Only an over-charge makes room for
\* this: with Limit 2 the fault fails only while the old page and the new
\* one are both charged (v4.6).
FaultOOM(c) ==
    /\ pc[c] = "fault"
    /\ usage + 1 > Limit
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, spec, refcount, mapcount, owned, usage>>

\* mem_cgroup_commit_charge (commit_charge: the page gets the memcg), then
\* page_add_new_anon_rmap and set_pte_at: the fault's reference becomes
\* the pte's. One step: nobody else can see the page before set_pte_at.
FaultCommit(c) ==
    /\ pc[c] = "commit"
    /\ owned' = [owned EXCEPT !["third"] = TRUE]
    /\ mapcount' = [mapcount EXCEPT !["third"] = 1]
    /\ pc' = [pc EXCEPT ![c] = "mapped"]
    /\ UNCHANGED <<pte, spec, refcount, usage>>

\* zap_pte_range on the third page's pte: page_remove_rmap and the pte's
\* reference put, the last: the final put uncharges it.
ZapThird(c) ==
    /\ pc[c] = "mapped"
    /\ mapcount' = [mapcount EXCEPT !["third"] = 0]
    /\ refcount' = [refcount EXCEPT !["third"] = 0]
    /\ owned' = OwnedAfterPut("third", 0)
    /\ usage' = UsageAfterPut("third", 0)
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pte, spec>>

(******************************** both *************************************)

\* Every CPU has finished: the migration is over, the process has zapped
\* its ptes and dropped its reference.
Quiescent ==
    /\ \A c \in CPUs : pc[c] = "done"
    /\ pte = "none"
    /\ spec # "held"

\* A finished run stutters: a stuck one would be reported as a deadlock.
Idle(c) ==
    /\ Quiescent
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
\* The steps each CPU makes progress with (all but Idle).
MigratorStep(c) ==
    \/ MigrateIsolateUnmap(c)
    \/ MigrateNotOnLru(c)
    \/ MigrateMove(c)
    \/ MigrateMoveBusy(c)
    \/ MigrateRemap(c)
    \/ MigratePutOld(c)

ProcessStep(c) ==
    \/ GetOldRef(c)
    \/ PutOldRef(c)
    \/ ZapPte(c)
    \/ ZapMigrationEntry(c)
    \/ FaultTryCharge(c)
    \/ FaultOOM(c)
    \/ FaultCommit(c)
    \/ ZapThird(c)

Next ==
    \/ \E c \in {Migrator} : MigrateIsolateUnmap(c)
    \/ \E c \in {Migrator} : MigrateNotOnLru(c)
    \/ \E c \in {Migrator} : MigrateMove(c)
    \/ \E c \in {Migrator} : MigrateMoveBusy(c)
    \/ \E c \in {Migrator} : MigrateRemap(c)
    \/ \E c \in {Migrator} : MigratePutOld(c)
    \/ \E c \in {Process} : GetOldRef(c)
    \/ \E c \in {Process} : PutOldRef(c)
    \/ \E c \in {Process} : ZapPte(c)
    \/ \E c \in {Process} : ZapMigrationEntry(c)
    \/ \E c \in {Process} : FaultTryCharge(c)
    \/ \E c \in {Process} : FaultOOM(c)
    \/ \E c \in {Process} : FaultCommit(c)
    \/ \E c \in {Process} : ZapThird(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU: a CPU that can go on eventually does, so every
\* run reaches quiescence (property Termination).
Spec == Init /\ [][Next]_vars
             /\ WF_vars(MigratorStep(Migrator))
             /\ WF_vars(ProcessStep(Process))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc \in [CPUs -> MigratorPCs \cup ProcessPCs]
    /\ pc[Migrator] \in MigratorPCs
    /\ pc[Process] \in ProcessPCs
    /\ pte \in PteValues
    /\ spec \in {"none", "held", "dropped"}
    /\ refcount \in [Pages -> 0..3]
    /\ mapcount \in [Pages -> 0..1]
    /\ owned \in [Pages -> BOOLEAN]
    /\ usage \in 0..Cardinality(Pages)

\* Each page's counts are the references and mappings the model knows of:
\* the old page's pte, the speculative reference and the isolation; the new
\* page's pte and its allocation reference (the migrator holds it from the
\* isolation step to the remap); the third page's fault or pte. Catches a
\* reference taken or put twice, which would move a final put.
RefcountBalance ==
    /\ mapcount["old"] = (IF pte = "old" THEN 1 ELSE 0)
    /\ mapcount["new"] = (IF pte = "new" THEN 1 ELSE 0)
    /\ mapcount["third"] = (IF pc[Process] = "mapped" THEN 1 ELSE 0)
    /\ refcount["old"] = mapcount["old"] + (IF spec = "held" THEN 1 ELSE 0)
                         + (IF Isolated("old") THEN 1 ELSE 0)
    /\ refcount["new"] = mapcount["new"]
                         + (IF pc[Migrator] \in {"move", "remap"} THEN 1 ELSE 0)
    /\ refcount["third"] = (IF pc[Process] \in {"commit", "mapped"} THEN 1 ELSE 0)

\* The counter counts the owned pages and the fault's charge in flight, no
\* more, no less: no era charges a page twice without owning it twice, or
\* loses a charge. (v4.6's forced charge is counted: the new page owns it.)
Accounting ==
    usage = Cardinality({p \in Pages : owned[p]}) + Pending

\* A freed page holds no charge: every charge is given back at the latest at
\* the page's final put (mem_cgroup_uncharge). Catches a charge left on a
\* freed page (a leak: nothing can uncharge it any more).
OwnedPagesLive == \A p \in Pages : owned[p] => refcount[p] > 0

\* memory.max is respected: v3.17 and v6.7 hold it (the migration moves the
\* charge; only try_charge adds one, within the limit). v4.6 violates it:
\* page_counter_charge of the new page while the old one keeps its charge
\* until it is freed, with the third page charged, takes usage to Limit + 1
\* ("Temporarily overcharging the cgroup by a single page is not an issue
\* in practice", Weiner 2016).
WithinLimit == usage <= Limit

\* One migration holds one charge: the old page and the new one are never
\* both charged. v4.6 violates it from the move to the old page's final put
\* (which a speculative reference can delay past the migration's end).
OneChargePerMigration == ~(owned["old"] /\ owned["new"])

\* A mapped page has its memcg: seed 003's lesson (MigrateFileMapped2010),
\* kept by every era since v3.17: mem_cgroup_migrate runs before the remap,
\* so the new page is owned before its first pte, and the fault commits
\* the third page before set_pte_at. Catches a charge moved after the
\* remap (a mapped page nobody's statistics would count) and an old page
\* remapped after a failed move without its charge.
MappedPagesOwned == \A p \in Pages : mapcount[p] > 0 => owned[p]

\* Every page is freed once every CPU is done, and nothing is charged: no
\* era leaks a charge (v4.6's extra charge goes with the old page).
AllFreed == \A p \in Pages : refcount[p] = 0
NoLeakAtQuiescence ==
    Quiescent => AllFreed /\ usage = 0 /\ \A p \in Pages : ~owned[p]

(**************************** Action properties ****************************)

\* A page keeps its memcg from its charge to its final put: a live page's
\* memcg is never taken away (the 2016 change's title, "do not touch
\* page->mem_cgroup of live pages"). Deliberately without an exception for
\* a page isolated and locked by a migration: that exception is what the
\* transfer eras rely on (OwnerClearedUnderExclusion below), and the 2016
\* change removed the need for it. v4.6 holds it (the old page keeps its
\* memcg until mem_cgroup_uncharge at its final put); v3.17 (pc->flags = 0)
\* and v6.7 (old->memcg_data = 0) violate it in MigrateMove, where the old
\* page is still referenced by the isolation (and maybe a speculative get).
LiveOwnerStable ==
    [][\A p \in Pages : owned[p] /\ refcount'[p] > 0 => owned'[p]]_vars

\* The transfer eras' discipline: a live page loses its memcg only while it
\* is isolated (off the LRU: no lruvec walk, reclaim or second migration
\* finds it), locked (mem_cgroup_migrate's VM_BUG_ONs) and unmapped (no
\* pte: no fault or rmap walk reaches it through a mapping). Every era
\* holds it. It is why v6.7 accepts clearing old->memcg_data in migration
\* (Weiner 2016: "page->mem_cgroup is always stable in callers that have
\* the page isolated from the LRU or locked"), and why page-cache
\* replacement keeps the force-charge: the old folio of
\* replace_page_cache_folio is locked but neither isolated from the LRU
\* nor frozen (the shmem caller's old folio is still on the LRU, and
\* clearing its memcg_data broke its lruvec lookup at free: v6.10's
\* switch of shmem_replace_folio to mem_cgroup_replace_folio).
OwnerClearedUnderExclusion ==
    [][\A p \in Pages :
          owned[p] /\ ~owned'[p] /\ refcount'[p] > 0
              => Isolated(p) /\ Locked(p) /\ mapcount[p] = 0]_vars

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
