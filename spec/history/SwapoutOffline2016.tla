-------------------------- MODULE SwapoutOffline2016 --------------------------
(***************************************************************************)
(* The race museum: the swap counter leak on swapout from an offline       *)
(* memcg, Linux v4.7, and its fix                                          *)
(*                                                                         *)
(*   commit 1f47b61fb407 "mm: memcontrol: fix swap counter leak on         *)
(*   swapout from offline cgroup" (Vladimir Davydov; v3 posted 3 August    *)
(*   2016; in v4.8-rc2; Cc stable 3.19+). It fixes 73f576c04b94 "mm:       *)
(*   memcontrol: fix cgroup creation failure after many small jobs",       *)
(*   which gave the memcg id its own reference count (in v4.7; unsure      *)
(*   whether it is in the v4.7 release or only in v4.8-rc1: the fix's      *)
(*   Fixes: tag and its stable-4.4 backport are what was checked).         *)
(*                                                                         *)
(* The protocol then (mm/memcontrol.c, mm/vmscan.c, mm/swap_state.c,       *)
(* mm/swapfile.c):                                                         *)
(*   - A memcg's id (memcg->id.id, what swap_cgroup records hold) has a    *)
(*     reference count memcg->id.ref: one reference while the memcg is     *)
(*     online, one per swap entry recorded to it. mem_cgroup_css_offline() *)
(*     drops the online one (mem_cgroup_id_put()); the put that reaches 0  *)
(*     frees the id: idr_remove(), memcg->id.id = 0. "Only swap entries    *)
(*     pin the id of an offline cgroup", and an offline memcg may still    *)
(*     have pages charged to it: page->mem_cgroup keeps the structure.     *)
(*   - Swap-out of an anon page charged to memcg m: cgroup v2              *)
(*     (swap counter): add_to_swap() -> mem_cgroup_try_charge_swap()       *)
(*     charges m->swap (hierarchical), mem_cgroup_id_get(m) (a plain       *)
(*     atomic_inc) and swap_cgroup_record(entry, mem_cgroup_id(m)); the    *)
(*     page keeps its memory charge until it is freed. cgroup v1 (memsw):  *)
(*     __remove_mapping() -> mem_cgroup_swapout() does the id_get and the  *)
(*     record, clears page->mem_cgroup and uncharges m->memory; m->memsw   *)
(*     stays charged, now for the swap entry.                              *)
(*   - Slot freed (swap_entry_free(), the last reference gone) ->          *)
(*     mem_cgroup_uncharge_swap(): id = swap_cgroup_record(entry, 0);      *)
(*     memcg = mem_cgroup_from_id(id); if found: uncharge its swap (v2) or *)
(*     memsw (v1) counter and mem_cgroup_id_put() it. Id 0 finds nothing.  *)
(*                                                                         *)
(* The bug: the child memcg C goes offline with no swap entries, so its id *)
(* is freed at once; later C's page is swapped out: the record is id 0,    *)
(* and the swap (v2) / memsw (v1) charge taken for the entry is never      *)
(* uncharged, from C nor from any ancestor:                                *)
(*                                                                         *)
(*     CPU A (reclaim, then exit)           CPU B (rmdir C)                *)
(*                                      (1) mem_cgroup_css_offline ->      *)
(*                                          mem_cgroup_id_put(C):          *)
(*                                          id.ref 1 -> 0, id freed        *)
(* (2) add_to_swap ->                                                      *)
(*     mem_cgroup_try_charge_swap:                                         *)
(*     swap of C and P + 1;                                                *)
(*     mem_cgroup_id_get(C): id.ref 0 -> 1;                                *)
(*     swap_cgroup_record(entry, 0)                                        *)
(* (3) __remove_mapping ->                                                 *)
(*     mem_cgroup_swapout (v2: nothing)                                    *)
(* (4) page freed: mem_cgroup_uncharge:                                    *)
(*     memory of C and P - 1                                               *)
(* (5) exit: slot freed ->                                                 *)
(*     mem_cgroup_uncharge_swap: record 0,                                 *)
(*     no memcg, nothing uncharged                                         *)
(*                                                                         *)
(* Nothing is left, and C's and P's swap counters still say 1: a leak.     *)
(* (v1: the record is made at step (3) instead, and memsw leaks.)          *)
(*                                                                         *)
(* The fix: mem_cgroup_id_get_online(m) takes the id reference with        *)
(* atomic_inc_not_zero() on m, then on its parent, and so on: the nearest  *)
(* ancestor whose id is still allocated (the root's never goes). The swap  *)
(* is charged (v2) and recorded to that memcg; on v1 mem_cgroup_swapout()  *)
(* also moves the memsw charge: page_counter_charge(&swap_memcg->memsw),   *)
(* page_counter_uncharge(&memcg->memsw). The slot free then finds the      *)
(* record and uncharges the ancestor.                                      *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v4.7 (pre-fix), TRUE = *)
(* after 1f47b61fb407; Legacy selects the counter: FALSE = cgroup v2 swap  *)
(* counter, TRUE = cgroup v1 memsw. With Fixed = FALSE, Legacy = FALSE     *)
(* TLC's shortest counterexample to NoLeakAtQuiescence is exactly steps    *)
(* (1)-(5) above.                                                          *)
(*                                                                         *)
(* The model: two memcgs, P (online throughout; it stands for any online   *)
(* non-root ancestor: the root and its exemptions are not modelled) and    *)
(* its child C, which CPU Offliner takes offline. Every other CPU owns one *)
(* anonymous page charged to C and runs its life to the end: reclaim       *)
(* swaps it out, the page is freed, then its process exits and frees the   *)
(* swap slot (the exit is put on the same CPU for brevity). Steps are cut  *)
(* where the kernel is atomic: the id reference count's atomics with the   *)
(* id lookup that follows them, mem_cgroup_swapout() (under the mapping's  *)
(* tree_lock, interrupts off), the uncharges. Not modelled: swap.max and   *)
(* swap allocation failure, swap-in, css references (page->mem_cgroup and  *)
(* the css of an offline memcg stay valid here), statistics.               *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs (model values: cpuA, cpuB)
    Offliner,   \* the CPU that takes C offline; every other CPU swaps a page out
    Fixed,      \* FALSE: v4.7; TRUE: after commit 1f47b61fb407
    Legacy      \* FALSE: cgroup v2 (memcg->swap); TRUE: cgroup v1 (memcg->memsw)

ASSUME /\ Offliner \in CPUs
       /\ Fixed \in BOOLEAN
       /\ Legacy \in BOOLEAN

\* The CPUs that own a page charged to C and swap it out.
Reclaimers == CPUs \ {Offliner}

\* The hierarchy: P and its child C. A counter charged at m is charged at
\* every ancestor too (page_counter).
Memcgs == {"P", "C"}
NoMemcg == "none"                    \* id 0: no memcg
Ancestors(m) == IF m = "C" THEN {"C", "P"} ELSE {"P"}

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    online,     \* online[m]: the memcg's css is online
    idRef,      \* idRef[m]: memcg->id.ref
    hasId,      \* hasId[m]: the memcg's id is allocated (not yet idr_remove'd)
    pageMemcg,  \* pageMemcg[r]: page->mem_cgroup of reclaimer r's page, or NoMemcg
    slot,       \* slot[r]: r's swap slot: "none" (not allocated), "used", "freed"
    record,     \* record[r]: the swap_cgroup record of r's slot: a memcg, or NoMemcg (id 0)
    memory,     \* memory[m]: memcg->memory usage, in pages
    swap,       \* swap[m]: memcg->swap usage (cgroup v2; always 0 on v1)
    memsw       \* memsw[m]: memcg->memsw usage (cgroup v1; always 0 on v2)

vars == <<pc, online, idRef, hasId, pageMemcg, slot, record, memory, swap, memsw>>

\* Program counter values. Reclaimers: "add_to_swap" -> "swapout" ->
\* "free_page" -> "slot_free" -> "done". Offliner: "offline" -> "done".
ReclaimerPCs == {"add_to_swap", "swapout", "free_page", "slot_free", "done"}
OfflinerPCs  == {"offline", "done"}

\* page_counter_charge / page_counter_uncharge of one page: counter k at m
\* and at every ancestor of m.
Inc(k, m) == [x \in Memcgs |-> IF x \in Ancestors(m) THEN k[x] + 1 ELSE k[x]]
Dec(k, m) == [x \in Memcgs |-> IF x \in Ancestors(m) THEN k[x] - 1 ELSE k[x]]

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: both memcgs online with their ids (id.ref 1: the online  *)
(* reference); each reclaimer's page is charged to C (memory, and memsw    *)
(* on v1, at C and P); no swap slots.                                      *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Offliner THEN "offline" ELSE "add_to_swap"]
    /\ online = [m \in Memcgs |-> TRUE]
    /\ idRef = [m \in Memcgs |-> 1]
    /\ hasId = [m \in Memcgs |-> TRUE]
    /\ pageMemcg = [r \in Reclaimers |-> "C"]
    /\ slot = [r \in Reclaimers |-> "none"]
    /\ record = [r \in Reclaimers |-> NoMemcg]
    /\ memory = [m \in Memcgs |-> Cardinality(Reclaimers)]
    /\ swap = [m \in Memcgs |-> 0]
    /\ memsw = [m \in Memcgs |-> IF Legacy THEN Cardinality(Reclaimers) ELSE 0]

-----------------------------------------------------------------------------
(***************************************************************************)
(* The id helpers (mm/memcontrol.c). Each is one atomic operation on       *)
(* id.ref; the id read that follows (mem_cgroup_id()) is taken in the same *)
(* step: a concurrent put cannot free the id once the count is above 0.    *)
(***************************************************************************)

\* Fixed: mem_cgroup_id_get_online(m): atomic_inc_not_zero(&m->id.ref), else
\* try the parent. P never goes offline here, so the walk ends at P at the
\* latest (the kernel's ends at the root, whose id.ref never reaches 0).
IdGetOnline(m) == IF idRef[m] > 0 THEN m ELSE "P"

\* The memcg a swap entry is recorded to, and the id reference it takes:
\* pre-fix mem_cgroup_id_get(m) (atomic_inc, even from 0) and
\* mem_cgroup_id(m), which is 0 once the id is freed; fixed
\* mem_cgroup_id_get_online(m) and its id.
SwapTarget(m) == IF Fixed THEN IdGetOnline(m) ELSE m
RefTaken(m) == [idRef EXCEPT ![SwapTarget(m)] = @ + 1]
RecordOf(m) == IF hasId[SwapTarget(m)] THEN SwapTarget(m) ELSE NoMemcg

\* mem_cgroup_id_put(m): atomic_dec_and_test(&m->id.ref); at 0 the id is
\* freed (idr_remove, m->id.id = 0; the css_put is not modelled).
IdPut(m) ==
    /\ idRef' = [idRef EXCEPT ![m] = @ - 1]
    /\ hasId' = [hasId EXCEPT ![m] = @ /\ idRef[m] > 1]

-----------------------------------------------------------------------------
(**************************** CPU A: a page's life *************************)

\* shrink_page_list -> add_to_swap(): get_swap_page() allocates the slot,
\* then mem_cgroup_try_charge_swap(page, entry). v2: charges the swap
\* counter of the recording memcg (pre-fix: page->mem_cgroup; fixed: the
\* nearest online ancestor's), takes the id reference and records the id
\* (race step (2): after C's offline the pre-fix record is 0). v1: returns
\* at once (memsw was charged with the page).
AddToSwap(c) ==
    /\ pc[c] = "add_to_swap"
    /\ slot' = [slot EXCEPT ![c] = "used"]
    /\ IF Legacy
         THEN UNCHANGED <<idRef, record, swap>>
         ELSE LET m == pageMemcg[c] IN
              /\ swap' = Inc(swap, SwapTarget(m))
              /\ idRef' = RefTaken(m)
              /\ record' = [record EXCEPT ![c] = RecordOf(m)]
    /\ pc' = [pc EXCEPT ![c] = "swapout"]
    /\ UNCHANGED <<online, hasId, pageMemcg, memory, memsw>>

\* shrink_page_list -> __remove_mapping() (page refcount frozen, mapping's
\* tree_lock held, interrupts off) -> mem_cgroup_swapout(page, entry).
\* v2: returns at once (!do_memsw_account()). v1: records the entry like
\* AddToSwap does on v2 (pre-fix: id 0 after C's offline: race step (3) on
\* v1), clears page->mem_cgroup and uncharges m->memory; the memsw charge
\* stays, now the entry's. Fixed, when the record goes to an ancestor
\* (swap_memcg != memcg): charge swap_memcg->memsw, uncharge memcg->memsw.
SwapOut(c) ==
    /\ pc[c] = "swapout"
    /\ IF ~Legacy
         THEN UNCHANGED <<idRef, record, pageMemcg, memory, memsw>>
         ELSE LET m == pageMemcg[c] IN
              /\ idRef' = RefTaken(m)
              /\ record' = [record EXCEPT ![c] = RecordOf(m)]
              /\ pageMemcg' = [pageMemcg EXCEPT ![c] = NoMemcg]
              /\ memory' = Dec(memory, m)
              /\ memsw' = IF SwapTarget(m) # m
                            THEN Dec(Inc(memsw, SwapTarget(m)), m)
                            ELSE memsw
    /\ pc' = [pc EXCEPT ![c] = "free_page"]
    /\ UNCHANGED <<online, hasId, slot, swap>>

\* The page's final put (shrink_page_list frees it: mem_cgroup_uncharge_list
\* -> uncharge_batch): a page that still has page->mem_cgroup (v2) gives
\* back its memory charge (and memsw on v1, not reached: v1's swapout
\* cleared page->mem_cgroup). Race step (4).
Uncharge(c) ==
    /\ pc[c] = "free_page"
    /\ LET m == pageMemcg[c] IN
         IF m = NoMemcg
           THEN UNCHANGED <<memory, memsw>>
           ELSE /\ memory' = Dec(memory, m)
                /\ memsw' = IF Legacy THEN Dec(memsw, m) ELSE memsw
    /\ pageMemcg' = [pageMemcg EXCEPT ![c] = NoMemcg]
    /\ pc' = [pc EXCEPT ![c] = "slot_free"]
    /\ UNCHANGED <<online, idRef, hasId, slot, record, swap>>

\* The process exits: zap_pte_range -> free_swap_and_cache() ->
\* swap_entry_free(), the slot's last reference -> mem_cgroup_uncharge_swap():
\* swap_cgroup_record(entry, 0) reads and clears the record;
\* mem_cgroup_from_id(id) finds the memcg unless the id is 0; if found,
\* uncharge its swap (v2) or memsw (v1) counter and mem_cgroup_id_put() it.
\* Race step (5): a 0 record uncharges nothing.
SwapSlotFree(c) ==
    /\ pc[c] = "slot_free"
    /\ slot' = [slot EXCEPT ![c] = "freed"]
    /\ record' = [record EXCEPT ![c] = NoMemcg]
    /\ LET m == record[c] IN
         IF m = NoMemcg
           THEN UNCHANGED <<swap, memsw, idRef, hasId>>
           ELSE /\ IF Legacy
                     THEN /\ memsw' = Dec(memsw, m)
                          /\ UNCHANGED swap
                     ELSE /\ swap' = Dec(swap, m)
                          /\ UNCHANGED memsw
                /\ IdPut(m)
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<online, pageMemcg, memory>>

(***************************** CPU B: rmdir C ******************************)

\* cgroup_rmdir -> ... -> mem_cgroup_css_offline(C) -> mem_cgroup_id_put(C):
\* the online reference goes; with no swap entry recorded to C the count
\* reaches 0 and C's id is freed. Race step (1).
Offline(c) ==
    /\ pc[c] = "offline"
    /\ online' = [online EXCEPT !["C"] = FALSE]
    /\ IdPut("C")
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<pageMemcg, slot, record, memory, swap, memsw>>

(******************************** both *************************************)

\* Every CPU has finished: a stuttering step (not a deadlock).
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ AddToSwap(c)
    \/ SwapOut(c)
    \/ Uncharge(c)
    \/ SwapSlotFree(c)
    \/ Offline(c)

Next ==
    \/ \E c \in Reclaimers : AddToSwap(c)
    \/ \E c \in Reclaimers : SwapOut(c)
    \/ \E c \in Reclaimers : Uncharge(c)
    \/ \E c \in Reclaimers : SwapSlotFree(c)
    \/ \E c \in CPUs : Offline(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

N == Cardinality(Reclaimers)

TypeOK ==
    /\ pc \in [CPUs -> ReclaimerPCs \cup OfflinerPCs]
    /\ pc[Offliner] \in OfflinerPCs
    /\ \A r \in Reclaimers : pc[r] \in ReclaimerPCs
    /\ online \in [Memcgs -> BOOLEAN]
    /\ idRef \in [Memcgs -> 0..(N + 1)]
    /\ hasId \in [Memcgs -> BOOLEAN]
    /\ pageMemcg \in [Reclaimers -> Memcgs \cup {NoMemcg}]
    /\ slot \in [Reclaimers -> {"none", "used", "freed"}]
    /\ record \in [Reclaimers -> Memcgs \cup {NoMemcg}]
    \* never below 0: no page_counter underflow
    /\ memory \in [Memcgs -> 0..N]
    /\ swap \in [Memcgs -> 0..N]
    /\ memsw \in [Memcgs -> 0..N]

\* A swap record names a memcg whose id is allocated and pinned (by this
\* record, among others): mem_cgroup_from_id() at slot free finds it.
RecordNamesLiveMemcg ==
    \A r \in Reclaimers :
        record[r] # NoMemcg => hasId[record[r]] /\ idRef[record[r]] > 0

\* page_counter's hierarchy: a parent's usage covers its child's.
Hierarchy ==
    /\ memory["P"] >= memory["C"]
    /\ swap["P"] >= swap["C"]
    /\ memsw["P"] >= memsw["C"]

Quiescent == \A c \in CPUs : pc[c] = "done"

\* Once every page is freed and every slot released, nothing is charged
\* anywhere, and every id reference taken for a swap record has been put:
\* an online memcg holds just its online reference, an offline one none.
NoLeakAtQuiescence ==
    Quiescent =>
        /\ \A m \in Memcgs : memory[m] = 0 /\ swap[m] = 0 /\ memsw[m] = 0
        /\ \A m \in Memcgs : idRef[m] = IF online[m] THEN 1 ELSE 0

(******************************* Liveness **********************************)

Termination == <>Quiescent

=============================================================================
