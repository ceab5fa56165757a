------------------------- MODULE StockDrainMutex2011 -------------------------
(***************************************************************************)
(* The race museum: drain_all_stock without percpu_charge_mutex, Linux     *)
(* v3.1-rc1, and the revert (museum race B of the per-CPU stock)           *)
(*                                                                         *)
(*   commit 8521fc50d433 "memcg: get rid of percpu_charge_mutex lock"      *)
(*   (Michal Hocko, committed 26 July 2011), reverted by 9f50fad65b87      *)
(*   'Revert "memcg: get rid of percpu_charge_mutex lock"' (9 August       *)
(*   2011: "It fixes a crash in 3.0 kernel" [V: the revert's posting; ids  *)
(*   as quoted by Johannes Weiner in 2021]). 8521fc50d433 in v3.1-rc1 and  *)
(*   the revert before v3.1 [I: dates]. Facts: docs/sources/               *)
(*   stock-facts.md section 4.4.                                           *)
(*                                                                         *)
(* ONE era is modelled: v3.1-rc1 (res_counter, mem_cgroup_same_or_subtree, *)
(* cgroup v1's force_empty at rmdir). What the revert's diff shows of that *)
(* code [V]:                                                               *)
(*   - drain_all_stock(root_mem, sync): first loop, for each online CPU:   *)
(*     mem = stock->cached; if (!mem || !stock->nr_pages) continue; if     *)
(*     (!mem_cgroup_same_or_subtree(root_mem, mem)) continue; if           *)
(*     (!test_and_set_bit(FLUSHING_CACHED_CHARGE)) schedule_work_on(cpu)   *)
(*     (or drain the local stock at once). Then, if sync, a wait loop.     *)
(*   - 8521fc50d433's wait loop: if (mem_cgroup_same_or_subtree(root_mem,  *)
(*     stock->cached) && test_bit(FLUSHING_CACHED_CHARGE)) flush_work();   *)
(*     no mutex anywhere.                                                  *)
(*   - the revert's: if (test_bit(FLUSHING_CACHED_CHARGE)) flush_work();   *)
(*     drain_all_stock_sync() takes mutex_lock(&percpu_charge_mutex),      *)
(*     drain_all_stock_async() mutex_trylock().                            *)
(*   - mem_cgroup_same_or_subtree(root, mem): true if root == mem; else    *)
(*     root->use_hierarchy && css_is_ancestor(&mem->css, &root->css),      *)
(*     which dereferences mem [V: the 2011-2012 text; no NULL test and no  *)
(*     rcu_read_lock() yet, both added later].                             *)
(*   - The work, drain_local_stock(): drain_stock() (uncharge the stocked  *)
(*     pages, stock->cached = NULL), clear_bit(FLUSHING_CACHED_CHARGE).    *)
(*   - rmdir: cgroup_rmdir -> mem_cgroup_pre_destroy ->                    *)
(*     mem_cgroup_force_empty(), which loops until the memcg's usage is 0, *)
(*     calling drain_all_stock_sync() (the reported call trace [V]); then  *)
(*     the memcg is destroyed and freed.                                   *)
(*                                                                         *)
(* What crashed (the revert's changelog, Johannes Weiner's report during   *)
(* "parallel memory cgroup removal"): "BUG: unable to handle kernel NULL   *)
(* pointer dereference at 0000000000000018, IP: css_is_ancestor", called   *)
(* from mem_cgroup_same_or_subtree <- drain_all_stock <-                   *)
(* mem_cgroup_force_empty <- mem_cgroup_pre_destroy <- cgroup_rmdir, and   *)
(* "We are crashing because we try to dereference cached memcg when we    *)
(* are checking whether we should wait for draining on the cache. The      *)
(* cache is already cleaned up, though." That is the wait loop reading a   *)
(* stock->cached that a drain has set to NULL: NoNullDeref. The changelog  *)
(* adds "a theoretical chance that the cached memcg gets freed between we  *)
(* test for the FLUSHING_CACHED_CHARGE and dereference it": another        *)
(* removal's drain and destroy between the wait loop's load of             *)
(* stock->cached and its dereference: NoUseAfterFree. "The                 *)
(* percpu_charge_mutex protected from this race because sync draining is  *)
(* exclusive."                                                             *)
(*                                                                         *)
(* The exact interleaving of Weiner's crash is not in the sources (its     *)
(* report is not stored here): the model shows the NULL dereference the    *)
(* changelog explains, and the use after free it calls theoretical.        *)
(*                                                                         *)
(* The constant Variant selects the protocol:                              *)
(*   "prefix"    8521fc50d433: no mutex, the wait loop filters by          *)
(*               mem_cgroup_same_or_subtree(root, stock->cached);          *)
(*   "fixed"     9f50fad65b87 (the revert): sync drains under the mutex,   *)
(*               the wait loop tests only the bit;                         *)
(*   "no_mutex"  a MUTANT (no kernel had it): the revert's wait loop       *)
(*               without the mutex: the first loop's dereference then      *)
(*               races with another removal; both halves of the revert     *)
(*               are needed.                                               *)
(*                                                                         *)
(* The model: memcgs M and R, siblings under a parent with use_hierarchy   *)
(* (so mem_cgroup_same_or_subtree(R, M) dereferences M). CPU Stocker       *)
(* (cpuA) has the only stock in the model: it caches M with one page, and  *)
(* its queued work drains it. CPU Remover (cpuC) removes M: force_empty's  *)
(* loop of drain_all_stock_sync(M) until M's usage (the stocked page) is   *)
(* 0, then the destroy and free. Every other CPU runs                      *)
(* drain_all_stock_sync(R) once (force_empty of R: a write to             *)
(* memory.force_empty, or R's own removal; R is not freed). No task        *)
(* charges: a slot whose pages are consumed to 0 but still names its memcg *)
(* is race A (StockCachedUaf2020), present before and after this revert    *)
(* (until 2020), and left out here. The drainers' own CPUs have no stock:  *)
(* with one (NULL, or drained), 8521fc50d433's wait loop dereferences it   *)
(* the same way. Async drains (drain_all_stock_async, mutex_trylock) are   *)
(* not modelled.                                                           *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs (model values: cpuA, cpuB, cpuC, ...)
    Stocker,    \* the CPU whose stock caches M
    Remover,    \* the CPU that removes M (rmdir -> force_empty)
    Variant     \* "prefix" | "fixed" | "no_mutex", see the header

ASSUME /\ Stocker \in CPUs /\ Remover \in CPUs /\ Stocker # Remover
       /\ Variant \in {"prefix", "fixed", "no_mutex"}

\* The CPUs that run drain_all_stock_sync: the remover, and the others (root R).
Drainers == CPUs \ {Stocker}
NULL == "null"
Root(d) == IF d = Remover THEN "M" ELSE "R"
Memcgs == {"M", "R"}

Mutex == Variant = "fixed"
WaitFiltersByMemcg == Variant = "prefix"

VARIABLES
    pc,          \* pc[c]: where CPU c is in its kernel path
    cached,      \* Stocker's stock->cached: "M" or NULL
    nrPages,     \* Stocker's stock->nr_pages (M's res usage is exactly these)
    flushing,    \* FLUSHING_CACHED_CHARGE in Stocker's stock->flags
    workQueued,  \* Stocker's stock->work is queued
    mutex,       \* percpu_charge_mutex is held ("fixed" only)
    freed,       \* M has been destroyed and freed
    ptr          \* ptr[d]: the memcg drainer d last loaded from stock->cached

vars == <<pc, cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

DrainPCs == {"sync", "read_cached", "read_nr_pages", "same_or_subtree",
             "wait_read", "wait_subtree", "wait_test_bit", "flush_work",
             "unlock", "oops", "done"}
RemoverPCs == DrainPCs \cup {"force_empty", "destroy"}

\* Where a drainer goes after drain_all_stock: the remover back to
\* force_empty's loop, the others are done.
AfterDrain(d) == IF d = Remover THEN "force_empty" ELSE "done"

\* Where the first loop hands over to the wait loop (sync).
WaitStart == IF WaitFiltersByMemcg THEN "wait_read" ELSE "wait_test_bit"

-----------------------------------------------------------------------------
Init ==
    /\ pc = [c \in CPUs |-> IF c = Stocker THEN "done"
                            ELSE IF c = Remover THEN "force_empty" ELSE "sync"]
    /\ cached = "M"
    /\ nrPages = 1
    /\ flushing = FALSE
    /\ workQueued = FALSE
    /\ mutex = FALSE
    /\ freed = FALSE
    /\ ptr = [d \in Drainers |-> NULL]

-----------------------------------------------------------------------------
(******************************* Stocker ***********************************)

\* The work drain_all_stock queued: drain_local_stock() on Stocker:
\* drain_stock() uncharges the stocked pages and sets stock->cached = NULL
\* ("the cache is already cleaned up"), then clear_bit(FLUSHING_CACHED_CHARGE).
DrainLocalStock(c) ==
    /\ c = Stocker
    /\ workQueued
    /\ cached' = NULL
    /\ nrPages' = 0
    /\ flushing' = FALSE
    /\ workQueued' = FALSE
    /\ UNCHANGED <<pc, mutex, freed, ptr>>

(******************************* Remover ***********************************)

\* mem_cgroup_force_empty(M)'s loop: while M's usage is above 0,
\* drain_all_stock_sync(M) (and move the pages' charges to the parent: no
\* page is charged here, only the stocked one); at 0 the pre_destroy is over.
ForceEmptyLoop(c) ==
    /\ c = Remover
    /\ pc[c] = "force_empty"
    /\ pc' = [pc EXCEPT ![c] = IF nrPages > 0 THEN "sync" ELSE "destroy"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

\* cgroup_rmdir goes on: mem_cgroup_destroy -> mem_cgroup_put: M is freed.
\* (The free is immediate here: the drainers hold no rcu_read_lock() in
\* this code; whether 3.1 delayed the free by RCU is unverified.)
MemCgroupDestroy(c) ==
    /\ c = Remover
    /\ pc[c] = "destroy"
    /\ freed' = TRUE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, ptr>>

(************************ Drainers: drain_all_stock ************************)

\* drain_all_stock_sync(root): the revert takes mutex_lock(&percpu_charge_mutex)
\* (waits while another sync drain holds it); 8521fc50d433 takes nothing.
DrainAllStockSync(c) ==
    /\ c \in Drainers
    /\ pc[c] = "sync"
    /\ IF Mutex THEN ~mutex /\ mutex' = TRUE ELSE UNCHANGED mutex
    /\ pc' = [pc EXCEPT ![c] = "read_cached"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, freed, ptr>>

\* First loop: mem = stock->cached (Stocker's).
DrainAllStockReadCached(c) ==
    /\ c \in Drainers
    /\ pc[c] = "read_cached"
    /\ ptr' = [ptr EXCEPT ![c] = cached]
    /\ pc' = [pc EXCEPT ![c] = "read_nr_pages"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed>>

\* if (!mem || !stock->nr_pages) continue: a second load.
DrainAllStockReadNrPages(c) ==
    /\ c \in Drainers
    /\ pc[c] = "read_nr_pages"
    /\ pc' = [pc EXCEPT ![c] = IF ptr[c] # NULL /\ nrPages > 0
                                 THEN "same_or_subtree" ELSE WaitStart]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

\* if (!mem_cgroup_same_or_subtree(root_mem, mem)) continue: mem is
\* dereferenced unless it is the root itself (M and R are siblings: the
\* answer is "same" or no); then test_and_set_bit(FLUSHING_CACHED_CHARGE)
\* and schedule_work_on(Stocker). Without the mutex, M may have been
\* drained, destroyed and freed since the two loads (the no_mutex mutant).
DrainAllStockSameOrSubtree(c) ==
    /\ c \in Drainers
    /\ pc[c] = "same_or_subtree"
    /\ LET queue == ptr[c] = Root(c) /\ ~flushing
       IN /\ flushing' = (flushing \/ queue)
          /\ workQueued' = (workQueued \/ queue)
    /\ pc' = [pc EXCEPT ![c] = WaitStart]
    /\ UNCHANGED <<cached, nrPages, mutex, freed, ptr>>

\* 8521fc50d433's wait loop: the load of stock->cached for
\* mem_cgroup_same_or_subtree(root_mem, stock->cached). The work may have
\* cleaned the cache already: NULL.
DrainAllStockWaitRead(c) ==
    /\ c \in Drainers
    /\ pc[c] = "wait_read"
    /\ ptr' = [ptr EXCEPT ![c] = cached]
    /\ pc' = [pc EXCEPT ![c] = "wait_subtree"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed>>

\* ... mem_cgroup_same_or_subtree(root_mem, mem) && test_bit(FLUSHING_CACHED_CHARGE)
\* -> flush_work. A NULL mem is dereferenced (css_is_ancestor): the oops
\* (NoNullDeref is checked in the state before this step).
DrainAllStockWaitSubtree(c) ==
    /\ c \in Drainers
    /\ pc[c] = "wait_subtree"
    /\ pc' = [pc EXCEPT ![c] =
                IF ptr[c] = NULL THEN "oops"
                ELSE IF ptr[c] = Root(c) /\ flushing THEN "flush_work"
                ELSE "unlock"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

\* The revert's wait loop: if (test_bit(FLUSHING_CACHED_CHARGE)) flush_work:
\* stock->cached is not looked at.
DrainAllStockWaitTestBit(c) ==
    /\ c \in Drainers
    /\ pc[c] = "wait_test_bit"
    /\ pc' = [pc EXCEPT ![c] = IF flushing THEN "flush_work" ELSE "unlock"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

\* flush_work(&stock->work): returns once the work has run.
DrainAllStockFlushWork(c) ==
    /\ c \in Drainers
    /\ pc[c] = "flush_work"
    /\ ~workQueued
    /\ pc' = [pc EXCEPT ![c] = "unlock"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, freed, ptr>>

\* The end of drain_all_stock_sync: the revert's mutex_unlock.
DrainAllStockSyncUnlock(c) ==
    /\ c \in Drainers
    /\ pc[c] = "unlock"
    /\ IF Mutex THEN mutex' = FALSE ELSE UNCHANGED mutex
    /\ ptr' = [ptr EXCEPT ![c] = NULL]
    /\ pc' = [pc EXCEPT ![c] = AfterDrain(c)]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, freed>>

Quiescent == (\A c \in CPUs : pc[c] \in {"done", "oops"}) /\ ~workQueued

\* Every path has finished (or oopsed): a stuttering step, not a deadlock.
Idle(c) ==
    /\ Quiescent
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ DrainLocalStock(c) \/ ForceEmptyLoop(c) \/ MemCgroupDestroy(c)
    \/ DrainAllStockSync(c) \/ DrainAllStockReadCached(c)
    \/ DrainAllStockReadNrPages(c) \/ DrainAllStockSameOrSubtree(c)
    \/ DrainAllStockWaitRead(c) \/ DrainAllStockWaitSubtree(c)
    \/ DrainAllStockWaitTestBit(c) \/ DrainAllStockFlushWork(c)
    \/ DrainAllStockSyncUnlock(c)

Next ==
    \/ \E c \in CPUs : DrainLocalStock(c)
    \/ \E c \in CPUs : ForceEmptyLoop(c)
    \/ \E c \in CPUs : MemCgroupDestroy(c)
    \/ \E c \in CPUs : DrainAllStockSync(c)
    \/ \E c \in CPUs : DrainAllStockReadCached(c)
    \/ \E c \in CPUs : DrainAllStockReadNrPages(c)
    \/ \E c \in CPUs : DrainAllStockSameOrSubtree(c)
    \/ \E c \in CPUs : DrainAllStockWaitRead(c)
    \/ \E c \in CPUs : DrainAllStockWaitSubtree(c)
    \/ \E c \in CPUs : DrainAllStockWaitTestBit(c)
    \/ \E c \in CPUs : DrainAllStockFlushWork(c)
    \/ \E c \in CPUs : DrainAllStockSyncUnlock(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc[Stocker] = "done"
    /\ pc[Remover] \in RemoverPCs
    /\ \A d \in Drainers \ {Remover} : pc[d] \in DrainPCs
    /\ cached \in {"M", NULL}
    /\ nrPages \in 0..1
    /\ flushing \in BOOLEAN /\ workQueued \in BOOLEAN /\ mutex \in BOOLEAN
    /\ freed \in BOOLEAN
    /\ ptr \in [Drainers -> Memcgs \cup {NULL}]
    \* M is freed only once its usage (the stocked page) is gone
    /\ freed => cached = NULL /\ nrPages = 0

\* The places where drain_all_stock dereferences a memcg it loaded from
\* stock->cached: mem_cgroup_same_or_subtree(root, mem) with mem # root.
Derefs(d) == pc[d] \in {"same_or_subtree", "wait_subtree"} /\ ptr[d] # Root(d)

\* THE CRASH: no NULL stock->cached is dereferenced.
NoNullDeref == \A d \in Drainers : Derefs(d) => ptr[d] # NULL

\* The changelog's theoretical race: no freed memcg is dereferenced.
NoUseAfterFree == \A d \in Drainers : Derefs(d) /\ ptr[d] = "M" => ~freed

=============================================================================
