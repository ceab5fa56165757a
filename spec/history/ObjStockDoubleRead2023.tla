------------------------ MODULE ObjStockDoubleRead2023 ------------------------
(***************************************************************************)
(* The race museum: the double read of stock->cached_objcg in              *)
(* drain_all_stock, Linux v6.4, and its fix (museum race C of the per-CPU  *)
(* stock; CVE-2023-53401)                                                  *)
(*                                                                         *)
(*   commit 3b8abb323953 "mm: kmem: fix a NULL pointer dereference in      *)
(*   obj_stock_flush_required()" (Roman Gushchin; v2 posted 2 May 2023),   *)
(*   with f785a8f21a9c "mm: memcg: use READ_ONCE()/WRITE_ONCE() to access  *)
(*   stock->cached" for the page stock [V: ids from an mm-stable revlist   *)
(*   and the CVE record; both diffs read]. Fixes: bf4f059954dc ("mm:       *)
(*   memcg/slab: obj_cgroup API", v5.9). CVE-2023-53401 lists >= 5.9.0     *)
(*   < 6.1.45 and >= 6.2.0 < 6.4.10 as affected: mainline fix in v6.5 [I]. *)
(*   Facts: docs/sources/stock-facts.md section 4.5.                       *)
(*                                                                         *)
(* ONE era is modelled: v6.4 (the object stock inside struct              *)
(* memcg_stock_pcp: one cached_objcg per CPU; drain_obj_stock() returns    *)
(* the old objcg, put by its caller after the local lock). The code [V:    *)
(* the fix's diff and its context lines]:                                  *)
(*   - drain_all_stock(root): for each CPU, under rcu_read_lock(): memcg = *)
(*     stock->cached; if (memcg && stock->nr_pages && ...) flush = true;   *)
(*     else if (obj_stock_flush_required(stock, root)) flush = true; then  *)
(*     test_and_set_bit(FLUSHING_CACHED_CHARGE) and schedule_work_on.      *)
(*   - obj_stock_flush_required(), before the fix:                         *)
(*       if (stock->cached_objcg) {                                        *)
(*           memcg = obj_cgroup_memcg(stock->cached_objcg); ...            *)
(*     two loads of another CPU's stock->cached_objcg: the test and the    *)
(*     dereference may see different values. After the fix: objcg =       *)
(*     READ_ONCE(stock->cached_objcg); if (objcg) { memcg =               *)
(*     obj_cgroup_memcg(objcg); ... }: one load.                           *)
(*   - drain_obj_stock() (from refill_obj_stock() when the CPU's stock     *)
(*     caches another objcg, and from the drain work) sets                 *)
(*     stock->cached_objcg = NULL (WRITE_ONCE after the fix); then         *)
(*     refill_obj_stock() stores the new objcg. Both run under the CPU's   *)
(*     local lock, which does not stop a remote reader from seeing the     *)
(*     NULL in between.                                                    *)
(*                                                                         *)
(* The race (KCSAN: "stock->cached_objcg can be reset between the check   *)
(* and dereference"; the same sequence in Alexander Fedorov's "Possible    *)
(* race in obj_stock_flush_required() vs drain_obj_stock()", 30 September  *)
(* 2022 [V], where a panic followed):                                      *)
(*                                                                         *)
(*   CPU B (drain_all_stock)            CPU A (slab free)                  *)
(*   if (stock->cached_objcg)  (O1)                                        *)
(*                                      refill_obj_stock(O2)               *)
(*                                       drain_obj_stock: cached_objcg =   *)
(*                                       NULL                              *)
(*   obj_cgroup_memcg(stock->cached_objcg)                                 *)
(*     NULL->memcg: oops                                                   *)
(*                                                                         *)
(* Whether the compiler emits the two loads is the compiler's choice       *)
(* (nothing forbade merging them): the model takes the two loads, as the   *)
(* reports saw them.                                                       *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v6.4, TRUE = after     *)
(* 3b8abb323953.                                                           *)
(*                                                                         *)
(* The model: CPU Stocker (cpuA) has the only stock in the model; its page *)
(* stock is empty (so drain_all_stock looks at the object stock) and its   *)
(* object stock caches objcg O1; a task on it frees an object of objcg O2  *)
(* (obj_cgroup_uncharge -> refill_obj_stock(O2)), and its drain work may   *)
(* run. Every other CPU runs drain_all_stock(root) once (from              *)
(* try_charge_memcg, the KCSAN report's caller), root an ancestor of both  *)
(* objcgs' memcgs. Not modelled: percpu_charge_mutex (one drainer at a     *)
(* time reads; with two, the second would return), the objcgs' lifetime   *)
(* (obj_cgroup_put of the old objcg after the lock; an objcg is freed      *)
(* after a grace period and the reader is inside rcu_read_lock(): a        *)
(* single load sees a live objcg or NULL, as the fix's comment says),     *)
(* byte counts and statistics, objcg->memcg's reparenting.                 *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,      \* the CPUs (model values: cpuA, cpuB, ...)
    Stocker,   \* the CPU whose object stock is read
    Fixed      \* FALSE: v6.4; TRUE: after 3b8abb323953 (one READ_ONCE)

ASSUME /\ Stocker \in CPUs
       /\ Fixed \in BOOLEAN

Drainers == CPUs \ {Stocker}
NULL == "null"
Objcgs == {"O1", "O2"}

VARIABLES
    pc,           \* pc[c]: where CPU c is in its kernel path
    cachedObjcg,  \* Stocker's stock->cached_objcg: "O1", "O2" or NULL
    flushing,     \* FLUSHING_CACHED_CHARGE in Stocker's stock->flags
    workQueued,   \* Stocker's stock->work is queued
    objcg         \* objcg[d]: the value drainer d dereferences (its register)

vars == <<pc, cachedObjcg, flushing, workQueued, objcg>>

StockerPCs == {"refill", "set", "done"}
DrainerPCs == {"test", "reload", "obj_cgroup_memcg", "flush", "skip", "oops", "done"}

Init ==
    /\ pc = [c \in CPUs |-> IF c = Stocker THEN "refill" ELSE "test"]
    /\ cachedObjcg = "O1"
    /\ flushing = FALSE
    /\ workQueued = FALSE
    /\ objcg = [d \in Drainers |-> NULL]

-----------------------------------------------------------------------------
(*************************** Stocker: the task *****************************)

\* obj_cgroup_uncharge(O2) -> refill_obj_stock(O2), local lock taken:
\* READ_ONCE(stock->cached_objcg) != objcg, so drain_obj_stock(stock):
\* stock->cached_objcg = NULL (race step: "drain_obj_stock"), the old
\* objcg returned for a put after the lock.
DrainObjStock(c) ==
    /\ c = Stocker
    /\ pc[c] = "refill"
    /\ IF cachedObjcg # "O2"
         THEN /\ cachedObjcg' = NULL
              /\ pc' = [pc EXCEPT ![c] = "set"]
         ELSE /\ pc' = [pc EXCEPT ![c] = "done"]
              /\ UNCHANGED cachedObjcg
    /\ UNCHANGED <<flushing, workQueued, objcg>>

\* The rest of refill_obj_stock(O2): obj_cgroup_get(objcg);
\* stock->cached_objcg = objcg; the bytes added; the lock dropped,
\* obj_cgroup_put(old).
RefillObjStock(c) ==
    /\ c = Stocker
    /\ pc[c] = "set"
    /\ cachedObjcg' = "O2"
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<flushing, workQueued, objcg>>

\* The work drain_all_stock queued: drain_local_stock() on Stocker, under
\* the local lock (so not inside refill_obj_stock): drain_obj_stock()
\* (cached_objcg = NULL), drain_stock() (the empty page stock),
\* clear_bit(FLUSHING_CACHED_CHARGE).
DrainLocalStock(c) ==
    /\ c = Stocker
    /\ workQueued
    /\ pc[c] # "set"
    /\ cachedObjcg' = NULL
    /\ flushing' = FALSE
    /\ workQueued' = FALSE
    /\ UNCHANGED <<pc, objcg>>

(************************ Drainers: drain_all_stock ************************)

\* rcu_read_lock(); the page stock (empty: memcg NULL) sends drain_all_stock
\* to obj_stock_flush_required(). Before the fix: if (stock->cached_objcg),
\* the first load, only tested. After: objcg = READ_ONCE(stock->cached_objcg);
\* if (objcg), the only load.
ObjStockFlushRequired(c) ==
    /\ c \in Drainers
    /\ pc[c] = "test"
    /\ IF cachedObjcg = NULL
         THEN /\ pc' = [pc EXCEPT ![c] = "skip"]
              /\ UNCHANGED objcg
         ELSE IF Fixed
                THEN /\ objcg' = [objcg EXCEPT ![c] = cachedObjcg]
                     /\ pc' = [pc EXCEPT ![c] = "obj_cgroup_memcg"]
                ELSE /\ pc' = [pc EXCEPT ![c] = "reload"]
                     /\ UNCHANGED objcg
    /\ UNCHANGED <<cachedObjcg, flushing, workQueued>>

\* Before the fix only: obj_cgroup_memcg(stock->cached_objcg), the second
\* load, which may see the NULL drain_obj_stock wrote since the test.
ObjStockFlushRequiredReload(c) ==
    /\ c \in Drainers
    /\ pc[c] = "reload"
    /\ objcg' = [objcg EXCEPT ![c] = cachedObjcg]
    /\ pc' = [pc EXCEPT ![c] = "obj_cgroup_memcg"]
    /\ UNCHANGED <<cachedObjcg, flushing, workQueued>>

\* obj_cgroup_memcg(objcg): READ_ONCE(objcg->memcg), a dereference (NULL:
\* the oops; NoNullDeref is checked in the state before this step); then
\* mem_cgroup_is_descendant(memcg, root): both objcgs' memcgs are under
\* root: flush; rcu_read_unlock().
ObjCgroupMemcg(c) ==
    /\ c \in Drainers
    /\ pc[c] = "obj_cgroup_memcg"
    /\ pc' = [pc EXCEPT ![c] = IF objcg[c] = NULL THEN "oops" ELSE "flush"]
    /\ objcg' = [objcg EXCEPT ![c] = NULL]
    /\ UNCHANGED <<cachedObjcg, flushing, workQueued>>

\* if (flush && !test_and_set_bit(FLUSHING_CACHED_CHARGE, &stock->flags))
\* schedule_work_on(Stocker, &stock->work).
DrainAllStockFlush(c) ==
    /\ c \in Drainers
    /\ pc[c] \in {"flush", "skip"}
    /\ LET queue == pc[c] = "flush" /\ ~flushing
       IN /\ flushing' = (flushing \/ queue)
          /\ workQueued' = (workQueued \/ queue)
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<cachedObjcg, objcg>>

Quiescent == (\A c \in CPUs : pc[c] \in {"done", "oops"}) /\ ~workQueued

\* Every path has finished (or oopsed): a stuttering step, not a deadlock.
Idle(c) ==
    /\ Quiescent
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ DrainObjStock(c) \/ RefillObjStock(c) \/ DrainLocalStock(c)
    \/ ObjStockFlushRequired(c) \/ ObjStockFlushRequiredReload(c)
    \/ ObjCgroupMemcg(c) \/ DrainAllStockFlush(c)

Next ==
    \/ \E c \in CPUs : DrainObjStock(c)
    \/ \E c \in CPUs : RefillObjStock(c)
    \/ \E c \in CPUs : DrainLocalStock(c)
    \/ \E c \in CPUs : ObjStockFlushRequired(c)
    \/ \E c \in CPUs : ObjStockFlushRequiredReload(c)
    \/ \E c \in CPUs : ObjCgroupMemcg(c)
    \/ \E c \in CPUs : DrainAllStockFlush(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc[Stocker] \in StockerPCs
    /\ \A d \in Drainers : pc[d] \in DrainerPCs
    /\ cachedObjcg \in Objcgs \cup {NULL}
    /\ flushing \in BOOLEAN /\ workQueued \in BOOLEAN
    /\ objcg \in [Drainers -> Objcgs \cup {NULL}]
    /\ workQueued => flushing

\* THE RACE (CVE-2023-53401): obj_stock_flush_required never dereferences
\* a NULL objcg.
NoNullDeref == \A d \in Drainers : pc[d] = "obj_cgroup_memcg" => objcg[d] # NULL

=============================================================================
