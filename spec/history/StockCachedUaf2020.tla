------------------------- MODULE StockCachedUaf2020 -------------------------
(***************************************************************************)
(* The race museum: the per-CPU charge stock's stale stock->cached, Linux  *)
(* v5.4, and its fix (museum race A of the stock)                          *)
(*                                                                         *)
(*   commit 1a3e1f40962c "mm: memcontrol: decouple reference counting     *)
(*   from page accounting" (Johannes Weiner, v5.9) gave each stock slot a  *)
(*   css reference "unintentionally"; its partial backport "memcg: add     *)
(*   refcnt for pcpu stock to avoid UAF problem in drain_all_stock()"      *)
(*   (GONG Ruiqi, Acked-by Michal Hocko; 5.4-stable review 27 February     *)
(*   2024 [V]) is the fix modelled here. Fixes: cdec2e4265df ("memcg:      *)
(*   coalesce charging via percpu storage", v2.6.33). The changelog: a GPF *)
(*   in drain_all_stock on 3.10, reproduced on 4.19; "affected LTS         *)
(*   versions include 4.19 and 5.4". Facts and their status:              *)
(*   docs/sources/stock-facts.md section 4.3.                              *)
(*                                                                         *)
(* ONE era is modelled: v5.4 [I: the era the backport's diagram shows].    *)
(* Its drain_all_stock reads another CPU's stock under rcu_read_lock()     *)
(* (Roman Gushchin's "mm: memcontrol: switch to rcu protection in          *)
(* drain_all_stock()", posted 1 August 2019, acked by Hocko; in v5.4 [I],  *)
(* its mainline id unverified); v4.19 read it the same way but took        *)
(* css_tryget() on the pointer instead (72f0184c8a00 [V: a v4.1x file]):   *)
(* the same double read, the use after free then in css_tryget. Not        *)
(* modelled.                                                               *)
(*                                                                         *)
(* The v5.4 protocol (mm/memcontrol.c) [V: a v4.1x file, the backport's   *)
(* context lines, the 2019 RCU patch]:                                     *)
(*   - A charged page holds one css reference on its memcg, and so does    *)
(*     each stocked page: try_charge() takes css_get_many(memcg, batch)    *)
(*     for the batch it charges, refill_stock() puts the surplus into      *)
(*     this CPU's stock; consume_stock() hands a stocked page (and its     *)
(*     reference) to the page being charged; drain_stock() does            *)
(*     css_put_many(old, nr_pages) and stock->cached = NULL. The slot      *)
(*     itself, stock->cached, holds NO reference: a slot whose pages were  *)
(*     all consumed (nr_pages == 0) still names the memcg, pinning nothing.*)
(*   - drain_all_stock(root): mutex_trylock(percpu_charge_mutex); for each *)
(*     CPU: rcu_read_lock(); memcg = stock->cached; if (memcg &&           *)
(*     stock->nr_pages && mem_cgroup_is_descendant(memcg, root)) flush;    *)
(*     rcu_read_unlock(); then test_and_set_bit(FLUSHING_CACHED_CHARGE)    *)
(*     and schedule_work_on(cpu): the work drains that CPU's stock.        *)
(*   - mem_cgroup_css_offline() calls drain_all_stock(memcg), which skips  *)
(*     a slot with nr_pages == 0.                                          *)
(*   - A css whose count reaches 0 is released; its free                   *)
(*     (mem_cgroup_css_free) comes after an RCU grace period ("css_put()   *)
(*     is an RCU free", the changelog [V]).                                *)
(*                                                                         *)
(* The race (the changelog's diagram): memcg A is already freed while CPU1 *)
(* still names it in stock->cached with nr_pages == 0:                     *)
(*                                                                         *)
(*   CPU1                             CPU2                                 *)
(*   stock->cached = memcgA (freed)                                        *)
(*                                    drain_all_stock(memcgB)              *)
(*                                     rcu_read_lock()                     *)
(*                                     memcg = CPU1's stock->cached (A)    *)
(*   refill_stock(memcgC)                                                  *)
(*    drain_stock(memcgA)                                                  *)
(*    stock->cached = memcgC                                               *)
(*    stock->nr_pages += xxx (> 0)                                         *)
(*                                     stock->nr_pages > 0                 *)
(*                                     mem_cgroup_is_descendant(A) [UAF]   *)
(*                                                                         *)
(* cached and nr_pages are read at different times: nr_pages is memcgC's.  *)
(* rcu_read_lock() does not help: A's free was queued (and done) before    *)
(* CPU2 entered its read-side section, and RCU only holds off frees queued *)
(* while a reader is inside.                                               *)
(*                                                                         *)
(* The fix: refill_stock() takes css_get(memcg) when the slot changes      *)
(* memcg, drain_stock() puts it (css_put(old), after "if (!old) return").  *)
(* A memcg is then never freed while a slot names it. Michal Hocko's       *)
(* objection to the first posting (refill_stock's drain_stock puts A's     *)
(* last reference while CPU2 holds the pointer it just read) was answered  *)
(* by RCU: the put happens after CPU2's rcu_read_lock(), so A's free waits *)
(* for CPU2's rcu_read_unlock(). (The changelog also says refill_stock()   *)
(* runs with interrupts off; that keeps CPU1 itself from being interrupted *)
(* inside refill_stock, and nothing in the model depends on it.)           *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v5.4 (pre-fix), TRUE = *)
(* v5.4-stable with the backport. DeferredFree is TRUE in every kernel:    *)
(* the css free waits for a grace period; FALSE is a MUTANT (no kernel had *)
(* it) that frees at once, Hocko's objection made real: the fix then       *)
(* fails too.                                                              *)
(*                                                                         *)
(* The model: two memcgs, A (removable) and its parent P (never freed: it  *)
(* stands for the changelog's memcgB and memcgC). CPU Stocker (cpuA) has   *)
(* the only stock in the model; a task on it charges one page to A, frees  *)
(* it, then (a task in P) charges a page to P, whose refill_stock evicts   *)
(* A from the slot. CPU Admin removes A (rmdir: mem_cgroup_css_offline,    *)
(* then the release and, a grace period later, the free). Every other CPU *)
(* runs drain_all_stock(P) once. Only A's css count is modelled (P's       *)
(* never reaches 0); page counters are not modelled: they decide nothing   *)
(* here. Batch = 2 (the kernel's 32 in v5.4): a miss charges 2 pages and   *)
(* stocks 1. Steps are cut where the kernel is atomic or where a remote    *)
(* reader can look: each stock operation runs with interrupts off on its   *)
(* CPU and is one step; drain_all_stock's loads of another CPU's stock are *)
(* separate steps.                                                         *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,          \* the CPUs (model values: cpuA, cpuB, cpuC, ...)
    Stocker,       \* the CPU with the stock; a task on it charges A, then P
    Admin,         \* the CPU that removes A (rmdir)
    Fixed,         \* FALSE: v5.4; TRUE: with the per-slot css reference
    DeferredFree   \* TRUE: the css free waits for an RCU grace period (every kernel)

ASSUME /\ Stocker \in CPUs /\ Admin \in CPUs /\ Stocker # Admin
       /\ Fixed \in BOOLEAN
       /\ DeferredFree \in BOOLEAN

\* The CPUs that call drain_all_stock(P).
Drainers == CPUs \ {Stocker, Admin}

NULL == "null"
Memcgs == {"A", "P"}
Batch == 2

VARIABLES
    pc,          \* pc[c]: where CPU c is in its kernel path
    cached,      \* Stocker's stock->cached: "A", "P" or NULL
    nrPages,     \* Stocker's stock->nr_pages
    flushing,    \* FLUSHING_CACHED_CHARGE in Stocker's stock->flags
    workQueued,  \* Stocker's stock->work is queued (schedule_work_on)
    mutex,       \* percpu_charge_mutex is held
    css,         \* A's css reference count
    online,      \* A is online
    released,    \* A's count reached 0: its free is queued (call_rcu)
    gpWait,      \* the CPUs inside rcu_read_lock() when A's free was queued, still inside
    freed,       \* mem_cgroup_css_free has freed A
    inRcu,       \* the CPUs inside rcu_read_lock()
    ptr          \* ptr[d]: the memcg drainer d read from stock->cached

vars == <<pc, cached, nrPages, flushing, workQueued, mutex, css, online,
          released, gpWait, freed, inRcu, ptr>>

StockerPCs  == {"charge_A", "uncharge_A", "charge_P", "done"}
AdminPCs    == {"offline", "done"}
DrainerPCs  == {"trylock", "read_cached", "read_nr_pages", "is_descendant",
                "flush", "skip", "done"}

\* The memcg the task on Stocker charges next.
Target == IF pc[Stocker] = "charge_A" THEN "A" ELSE "P"

\* css_put_many(&A->css, k): the put that takes the count to 0 releases A
\* and queues its free (css_release -> call_rcu): the free must wait for
\* every CPU now inside rcu_read_lock(). (The kernel queues it a little
\* later, from css_release_work_fn: a grace period starting then waits for
\* these readers and maybe more; the model's free may come earlier, never
\* later, so a model that holds covers the kernel.)
PutA(k) ==
    /\ css' = css - k
    /\ IF k > 0 /\ css - k = 0
         THEN /\ released' = TRUE
              /\ gpWait' = inRcu
         ELSE UNCHANGED <<released, gpWait>>

\* drain_stock(stock) as the slot stands: the css references it puts on A:
\* one per stocked page of A (css_put_many), and with the fix the slot's own
\* (css_put(old)).
DrainPuts == IF cached = "A" THEN nrPages + (IF Fixed THEN 1 ELSE 0) ELSE 0

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: A online; an earlier batch charge on Stocker left one    *)
(* page of A in the stock (the other page, charged, has since been freed). *)
(* A's css count: the online reference, the stocked page's, and with the   *)
(* fix the slot's.                                                         *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Stocker THEN "charge_A"
                            ELSE IF c = Admin THEN "offline" ELSE "trylock"]
    /\ cached = "A"
    /\ nrPages = 1
    /\ flushing = FALSE
    /\ workQueued = FALSE
    /\ mutex = FALSE
    /\ css = 2 + (IF Fixed THEN 1 ELSE 0)
    /\ online = TRUE
    /\ released = FALSE
    /\ gpWait = {}
    /\ freed = FALSE
    /\ inRcu = {}
    /\ ptr = [d \in Drainers |-> NULL]

-----------------------------------------------------------------------------
(*************************** Stocker: the task *****************************)

\* try_charge(memcg, 1) -> consume_stock(memcg, 1) hits: the slot names the
\* task's memcg and has a page: nr_pages - 1. The stocked page's css
\* reference becomes the charged page's: no count changes. Taking A's last
\* stocked page leaves the slot naming A with nr_pages == 0, pinning
\* nothing before the fix: the race's precondition.
ConsumeStock(c) ==
    /\ c = Stocker
    /\ pc[c] \in {"charge_A", "charge_P"}
    /\ cached = Target /\ nrPages >= 1
    /\ nrPages' = nrPages - 1
    /\ pc' = [pc EXCEPT ![c] = IF @ = "charge_A" THEN "uncharge_A" ELSE "done"]
    /\ UNCHANGED <<cached, flushing, workQueued, mutex, css, online, released,
                   gpWait, freed, inRcu, ptr>>

\* try_charge(memcg, 1), consume_stock missed: page_counter_try_charge of
\* the batch (never fails here: no limit is modelled), done_restock:
\* css_get_many(memcg, batch), refill_stock(memcg, batch - 1) with
\* interrupts off: if stock->cached != memcg, drain_stock() (css_put_many of
\* the old memcg's stocked pages; fixed: css_put(old)) and, fixed,
\* css_get(memcg); stock->cached = memcg; stock->nr_pages += 1. The charge
\* to P is race step "refill_stock(memcgC)": it replaces A in the slot and
\* makes nr_pages > 0 again.
ChargeBatch(c) ==
    /\ c = Stocker
    /\ pc[c] \in {"charge_A", "charge_P"}
    /\ ~(cached = Target /\ nrPages >= 1)
    /\ LET m == Target
           change == cached # m
           gets == IF m = "A" THEN Batch + (IF Fixed /\ change THEN 1 ELSE 0) ELSE 0
           puts == IF change THEN DrainPuts ELSE 0
       IN /\ PutA(puts - gets)
          /\ cached' = m
          /\ nrPages' = (IF change THEN 0 ELSE nrPages) + (Batch - 1)
    /\ pc' = [pc EXCEPT ![c] = IF @ = "charge_A" THEN "uncharge_A" ELSE "done"]
    /\ UNCHANGED <<flushing, workQueued, mutex, online, freed, inRcu, ptr>>

\* The page charged to A is freed (the task exits): mem_cgroup_uncharge ->
\* uncharge_batch: css_put_many(A, 1). With A offline and no stocked page
\* of A left, this is A's last reference before the fix.
Uncharge(c) ==
    /\ c = Stocker
    /\ pc[c] = "uncharge_A"
    /\ PutA(1)
    /\ pc' = [pc EXCEPT ![c] = "charge_P"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, online, freed,
                   inRcu, ptr>>

\* The work drain_all_stock queued: drain_local_stock() on Stocker, with
\* interrupts off: drain_stock(stock) (stock->cached = NULL), then
\* clear_bit(FLUSHING_CACHED_CHARGE). It runs between the task's steps.
DrainLocalStock(c) ==
    /\ c = Stocker
    /\ workQueued
    /\ PutA(DrainPuts)
    /\ cached' = NULL
    /\ nrPages' = 0
    /\ flushing' = FALSE
    /\ workQueued' = FALSE
    /\ UNCHANGED <<pc, mutex, online, freed, inRcu, ptr>>

(*************************** Admin: rmdir A ********************************)

\* cgroup_rmdir -> kill_css(A) (the task on Stocker has left A: rmdir needs
\* an empty cgroup) -> css_killed_work_fn -> mem_cgroup_css_offline(A) ->
\* drain_all_stock(A): unless another drain holds percpu_charge_mutex, a
\* slot naming A WITH pages gets its drain queued; a slot with nr_pages == 0
\* is skipped. Then the online reference goes. One step: kill_css holds an
\* extra reference on A across the offline, so its reads of stock->cached
\* (A, pinned, or P, never freed) are safe, and the net effect on A's count
\* is one put.
Offline(c) ==
    /\ c = Admin
    /\ pc[c] = "offline"
    /\ pc[Stocker] # "charge_A"
    /\ LET drain == ~mutex /\ cached = "A" /\ nrPages > 0 /\ ~flushing
       IN /\ flushing' = (flushing \/ drain)
          /\ workQueued' = (workQueued \/ drain)
    /\ online' = FALSE
    /\ PutA(1)
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<cached, nrPages, mutex, freed, inRcu, ptr>>

\* The tail of the removal, in workqueues (css_release_work_fn has queued
\* the free; css_free_rwork_fn -> mem_cgroup_css_free -> mem_cgroup_free),
\* put on Admin's lane: A is freed once no CPU that was inside
\* rcu_read_lock() when the free was queued is still inside (DeferredFree);
\* the MUTANT frees at once.
CssFree(c) ==
    /\ c = Admin
    /\ pc[c] = "done"
    /\ released /\ ~freed
    /\ DeferredFree => gpWait = {}
    /\ freed' = TRUE
    /\ UNCHANGED <<pc, cached, nrPages, flushing, workQueued, mutex, css, online,
                   released, gpWait, inRcu, ptr>>

(********************** Drainers: drain_all_stock(P) ***********************)

\* drain_all_stock: "If someone's already draining, avoid adding running
\* more workers": mutex_trylock(&percpu_charge_mutex), else return. (The
\* drainer's own CPU has no stock in the model: only Stocker's is read.)
DrainAllStockTrylock(c) ==
    /\ c \in Drainers
    /\ pc[c] = "trylock"
    /\ IF mutex
         THEN /\ pc' = [pc EXCEPT ![c] = "done"]
              /\ UNCHANGED mutex
         ELSE /\ mutex' = TRUE
              /\ pc' = [pc EXCEPT ![c] = "read_cached"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, css, online, released,
                   gpWait, freed, inRcu, ptr>>

\* rcu_read_lock(); memcg = stock->cached (Stocker's): race step "memcg =
\* CPU1's stock->cached". A pointer read here to a memcg freed earlier is
\* not protected by this read-side section.
DrainAllStockReadCached(c) ==
    /\ c \in Drainers
    /\ pc[c] = "read_cached"
    /\ inRcu' = inRcu \cup {c}
    /\ ptr' = [ptr EXCEPT ![c] = cached]
    /\ pc' = [pc EXCEPT ![c] = "read_nr_pages"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, css, online,
                   released, gpWait, freed>>

\* if (memcg && stock->nr_pages && ...): a second load, of nr_pages, which
\* may by now belong to another memcg (race step "stock->nr_pages > 0").
\* Either on to mem_cgroup_is_descendant, or no flush: rcu_read_unlock().
DrainAllStockReadNrPages(c) ==
    /\ c \in Drainers
    /\ pc[c] = "read_nr_pages"
    /\ IF ptr[c] # NULL /\ nrPages > 0
         THEN /\ pc' = [pc EXCEPT ![c] = "is_descendant"]
              /\ UNCHANGED <<inRcu, gpWait, ptr>>
         ELSE /\ pc' = [pc EXCEPT ![c] = "skip"]
              /\ inRcu' = inRcu \ {c}
              /\ gpWait' = gpWait \ {c}
              /\ ptr' = [ptr EXCEPT ![c] = NULL]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, css, online,
                   released, freed>>

\* mem_cgroup_is_descendant(memcg, root): dereferences memcg (A and P are
\* both in P's subtree: flush); rcu_read_unlock(). NoUseAfterFree is
\* checked in the state before this step.
DrainAllStockIsDescendant(c) ==
    /\ c \in Drainers
    /\ pc[c] = "is_descendant"
    /\ inRcu' = inRcu \ {c}
    /\ gpWait' = gpWait \ {c}
    /\ ptr' = [ptr EXCEPT ![c] = NULL]
    /\ pc' = [pc EXCEPT ![c] = "flush"]
    /\ UNCHANGED <<cached, nrPages, flushing, workQueued, mutex, css, online,
                   released, freed>>

\* if (flush && !test_and_set_bit(FLUSHING_CACHED_CHARGE, &stock->flags))
\* schedule_work_on(cpu, &stock->work); mutex_unlock(&percpu_charge_mutex).
DrainAllStockFlush(c) ==
    /\ c \in Drainers
    /\ pc[c] \in {"flush", "skip"}
    /\ LET queue == pc[c] = "flush" /\ ~flushing
       IN /\ flushing' = (flushing \/ queue)
          /\ workQueued' = (workQueued \/ queue)
    /\ mutex' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<cached, nrPages, css, online, released, gpWait, freed, inRcu, ptr>>

(******************************** all **************************************)

Quiescent == (\A c \in CPUs : pc[c] = "done") /\ ~workQueued /\ (released => freed)

\* Every path has finished: a stuttering step (not a deadlock).
Idle(c) ==
    /\ Quiescent
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ ConsumeStock(c) \/ ChargeBatch(c) \/ Uncharge(c) \/ DrainLocalStock(c)
    \/ Offline(c) \/ CssFree(c)
    \/ DrainAllStockTrylock(c) \/ DrainAllStockReadCached(c)
    \/ DrainAllStockReadNrPages(c) \/ DrainAllStockIsDescendant(c)
    \/ DrainAllStockFlush(c)

Next ==
    \/ \E c \in CPUs : ConsumeStock(c)
    \/ \E c \in CPUs : ChargeBatch(c)
    \/ \E c \in CPUs : Uncharge(c)
    \/ \E c \in CPUs : DrainLocalStock(c)
    \/ \E c \in CPUs : Offline(c)
    \/ \E c \in CPUs : CssFree(c)
    \/ \E c \in CPUs : DrainAllStockTrylock(c)
    \/ \E c \in CPUs : DrainAllStockReadCached(c)
    \/ \E c \in CPUs : DrainAllStockReadNrPages(c)
    \/ \E c \in CPUs : DrainAllStockIsDescendant(c)
    \/ \E c \in CPUs : DrainAllStockFlush(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc[Stocker] \in StockerPCs
    /\ pc[Admin] \in AdminPCs
    /\ \A d \in Drainers : pc[d] \in DrainerPCs
    /\ cached \in Memcgs \cup {NULL}
    /\ nrPages \in 0..Batch
    /\ flushing \in BOOLEAN /\ workQueued \in BOOLEAN /\ mutex \in BOOLEAN
    \* never below 0: no css reference put twice
    /\ css \in 0..(Batch + 3)
    /\ online \in BOOLEAN /\ released \in BOOLEAN /\ freed \in BOOLEAN
    /\ gpWait \subseteq Drainers /\ inRcu \subseteq Drainers
    /\ ptr \in [Drainers -> Memcgs \cup {NULL}]
    \* a released memcg is never referenced again (no resurrection)
    /\ released => css = 0

\* THE RACE: drain_all_stock never dereferences a freed memcg: a drainer
\* about to call mem_cgroup_is_descendant() holds a pointer to a live one.
NoUseAfterFree ==
    \A d \in Drainers : pc[d] = "is_descendant" /\ ptr[d] = "A" => ~freed

\* What the fix establishes: a slot pins the memcg it names ("being on the
\* stock is a kind of reference", the changelog). Before the fix the slot
\* goes on naming A after A is freed: a dangling pointer, harmless until
\* somebody dereferences it (the _dangling cfg shows it).
SlotPinsCached == cached = "A" => ~freed

\* LEMMA (both variants): stocked pages pin their memcg, one reference each
\* (Roman Gushchin, 2019: "if (stock->nr_pages > 0), the memcg has at least
\* stock->nr_pages references"). Why the race needs a slot with no page,
\* and two loads.
StockedPagesPinCached == cached = "A" /\ nrPages > 0 => ~released /\ css >= nrPages

=============================================================================
