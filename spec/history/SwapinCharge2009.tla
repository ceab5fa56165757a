-------------------------- MODULE SwapinCharge2009 --------------------------
(***************************************************************************)
(* The race museum: the swap-in charge race of Linux v2.6.28, and its fix  *)
(*                                                                         *)
(*   commit 7a81b88cb53e "memcg: introduce charge-commit-cancel style of   *)
(*   functions" (KAMEZAWA Hiroyuki, January 2009, merged for v2.6.29).     *)
(*                                                                         *)
(* The protocol of v2.6.28 (mm/memory.c, mm/rmap.c, mm/memcontrol.c):      *)
(*   - An anonymous page is charged to the memcg when it gets mapped, and  *)
(*     uncharged at UNMAP: page_remove_rmap() calls                        *)
(*     mem_cgroup_uncharge_page() when the mapcount drops to 0. So a       *)
(*     swap-cache page that nobody maps is not charged.                    *)
(*   - PCG_USED on the page's page_cgroup says "this page holds a          *)
(*     charge"; the memcg's res_counter `usage` counts the charges.        *)
(*   - do_swap_page() called mem_cgroup_charge(), which charged only if    *)
(*     the page was NOT mapped yet ("if already mapped, we don't have to   *)
(*     account"), and mapped the page (page_add_anon_rmap) afterwards.     *)
(*                                                                         *)
(* The race (the seed mail's diagram). The page sits in the swap cache,    *)
(* mapped by one process (mapcount 1, charged); CPU A faults it into a     *)
(* second process, CPU B unmaps it from the first:                         *)
(*                                                                         *)
(*       CPU A (do_swap_page)             CPU B (zap_pte_range)            *)
(*   (1) charge if mapcount == 0:                                          *)
(*       mapcount is 1, skip                                               *)
(*                                     (2) page_remove_rmap: mapcount 1->0 *)
(*                                     (3) mem_cgroup_uncharge_page:       *)
(*                                         PCG_USED cleared, usage - 1     *)
(*   (4) page_add_anon_rmap:                                               *)
(*       mapcount 0->1                                                     *)
(*                                                                         *)
(* The page ends up mapped but not charged: it escapes its memcg's         *)
(* accounting for the rest of its life (its eventual unmap finds PCG_USED  *)
(* clear and uncharges nothing).                                           *)
(*                                                                         *)
(* The fix splits the charge in three (charge-commit-cancel):              *)
(*   mem_cgroup_try_charge           ALWAYS charge the res_counter (the    *)
(*                                   mem+swap controller, merged right     *)
(*                                   after, replaced it here with          *)
(*                                   mem_cgroup_try_charge_swapin)         *)
(*   page_add_anon_rmap              then map the page (mapcount > 0)      *)
(*   mem_cgroup_commit_charge_swapin then, under lock_page_cgroup: if      *)
(*                                   PCG_USED is already set the page is   *)
(*                                   charged, give the surplus back; else  *)
(*                                   set PCG_USED (record the memcg)       *)
(*   mem_cgroup_cancel_charge_swapin give the charge back when the fault   *)
(*                                   fails after try_charge (pte changed)  *)
(* Because the commit comes after the mapcount is raised, B's uncharge     *)
(* either runs before A's rmap (and A's commit then finds PCG_USED clear   *)
(* and sets it) or finds the page mapped and leaves the charge alone (and  *)
(* A's commit cancels its surplus). Either way: one charge per page.       *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v2.6.28 (pre-fix),     *)
(* TRUE = after 7a81b88cb53e. With Fixed = FALSE TLC's shortest            *)
(* counterexample to Accounting is exactly the four steps above.           *)
(*                                                                         *)
(* The model: ONE page, ONE memcg, one process per CPU.                    *)
(*   - CPU Faulter runs do_swap_page() for a process whose pte holds the   *)
(*     page's swap entry; it has found the page in the swap cache and      *)
(*     holds the page lock (lock_page). The page lock excludes nothing     *)
(*     here: zap_pte_range() does not take it.                             *)
(*   - Every other CPU runs zap_pte_range() for its own process, which     *)
(*     maps the page: the initial mapcount is the number of those CPUs.    *)
(*   - Steps are cut where the kernel's atomicity is: the atomic           *)
(*     operations on page->_mapcount, the res_counter charge/uncharge      *)
(*     (under the res_counter spinlock) and the lock_page_cgroup()         *)
(*     critical sections. A's pte-lock section is one step: the pte it     *)
(*     tests belongs to A's own process, which no other CPU here touches   *)
(*     (B takes the pte lock of a different mm).                           *)
(*   - Not modelled: the memcg limit and reclaim (a failing charge is a    *)
(*     nondeterministic choice), the memcg LRU lists, css reference        *)
(*     counts, swap-slot (memsw) accounting (the mem+swap controller,      *)
(*     merged after this fix, also for v2.6.29).                           *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB)
    Faulter,    \* the CPU that runs do_swap_page(); every other CPU unmaps
    Fixed       \* FALSE: v2.6.28 protocol; TRUE: after commit 7a81b88cb53e

ASSUME /\ Faulter \in CPUs
       /\ Fixed \in BOOLEAN

\* The CPUs that run zap_pte_range(), each for one process mapping the page.
Zappers == CPUs \ {Faulter}

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    mapcount,   \* page_mapcount(page), i.e. page->_mapcount + 1
    pcgUsed,    \* PCG_USED on the page's page_cgroup: the page holds a charge
                \* (with one memcg, pc->mem_cgroup is implied by it)
    usage,      \* the memcg's res_counter usage, in pages
    pending     \* pending[c]: CPU c holds a res_counter charge that it has
                \* neither committed to the page_cgroup nor given back
                \* (do_swap_page's `ptr` after a successful try_charge)

vars == <<pc, mapcount, pcgUsed, usage, pending>>

\* Program counter values. Faulter: "sw_check" (v2.6.28 only) -> "sw_charge"
\* -> ... -> "done"; zappers: "zap_rmap" -> "zap_uncharge" -> "done".
FaulterPCs == {"sw_check", "sw_charge", "sw_commit", "sw_map", "done"}
ZapperPCs  == {"zap_rmap", "zap_uncharge", "done"}

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the page is in the swap cache, mapped by every zapper's  *)
(* process and charged once. The faulter holds the page lock and is about  *)
(* to charge: v2.6.28 starts by looking at the mapcount, the fix charges   *)
(* unconditionally.                                                        *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |->
               IF c = Faulter THEN (IF Fixed THEN "sw_charge" ELSE "sw_check")
                              ELSE "zap_rmap"]
    /\ mapcount = Cardinality(Zappers)
    /\ pcgUsed = TRUE
    /\ usage = 1
    /\ pending = [c \in CPUs |-> FALSE]

-----------------------------------------------------------------------------
(***************************************************************************)
(* Helper: the effect of mem_cgroup_uncharge_page() (v2.6.28). The early   *)
(* unlocked checks (page_mapped, PageCgroupUsed) are repeated in           *)
(* __mem_cgroup_uncharge_common() under lock_page_cgroup(), so the         *)
(* outcome is decided at that lock and one step models the call:           *)
(* uncharge only a page that is unmapped and charged. The kernel comment   *)
(* on the re-check: "This happens at race in zap_pte_range() and           *)
(* do_swap_page()". It does not close the race: it only helps when A's     *)
(* rmap has already happened.                                              *)
(***************************************************************************)
UnchargePage ==
    IF mapcount = 0 /\ pcgUsed
        THEN /\ pcgUsed' = FALSE            \* ClearPageCgroupUsed
             /\ usage' = usage - 1          \* res_counter_uncharge
        ELSE UNCHANGED <<pcgUsed, usage>>

-----------------------------------------------------------------------------
(***************************** CPU A: do_swap_page *************************)

\* v2.6.28 only. do_swap_page -> mem_cgroup_charge(): "if (page_mapped(page))
\* return 0": an already mapped page is taken to be charged by its mapper,
\* so the charge is skipped. This unlocked read of the mapcount is step (1)
\* of the race: nothing stops the mapper from unmapping (and uncharging)
\* right after it, before A maps the page in step (4).
SwapinCheckMapcount(c) ==
    /\ ~Fixed
    /\ pc[c] = "sw_check"
    /\ pc' = [pc EXCEPT ![c] = IF mapcount > 0 THEN "sw_map" ELSE "sw_charge"]
    /\ UNCHANGED <<mapcount, pcgUsed, usage, pending>>

\* Fixed: do_swap_page -> mem_cgroup_try_charge() -> __mem_cgroup_try_charge()
\* (mem_cgroup_try_charge_swapin() from the mem+swap controller on);
\* v2.6.28: mem_cgroup_charge() -> mem_cgroup_charge_common(), the
\* res_counter_charge() at its start, reached only when the page was not
\* mapped at SwapinCheckMapcount. Charges the res_counter by one page; the
\* charge is pending until committed or cancelled. In the fix it is taken
\* ALWAYS, whatever the mapcount: whether it is needed is decided at commit.
SwapinTryCharge(c) ==
    /\ pc[c] = "sw_charge"
    /\ usage' = usage + 1
    /\ pending' = [pending EXCEPT ![c] = TRUE]
    /\ pc' = [pc EXCEPT ![c] = IF Fixed THEN "sw_map" ELSE "sw_commit"]
    /\ UNCHANGED <<mapcount, pcgUsed>>

\* The same call failing: the memcg is over its limit and reclaim could not
\* make room (the limit is not modelled, so failure is a free choice).
\* do_swap_page returns VM_FAULT_OOM, unlocks the page and changes nothing:
\* a failed charge leaves no charge behind, so nothing to cancel.
SwapinTryChargeFail(c) ==
    /\ pc[c] = "sw_charge"
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, pcgUsed, usage, pending>>

\* Fixed: mem_cgroup_commit_charge_swapin() -> __mem_cgroup_commit_charge(),
\* called after page_add_anon_rmap; v2.6.28: the lock_page_cgroup() section
\* of mem_cgroup_charge_common(), called BEFORE the rmap (the fix factored
\* this section out of it). Under lock_page_cgroup: if PCG_USED is already
\* set the page is charged (by its other mapper) and the pending charge is
\* a surplus, given back with res_counter_uncharge (no double charge); else
\* the pending charge becomes the page's: set PCG_USED, pc->mem_cgroup.
SwapinCommitCharge(c) ==
    /\ pc[c] = "sw_commit"
    /\ pending[c]
    /\ IF pcgUsed
         THEN /\ usage' = usage - 1                \* surplus cancelled
              /\ UNCHANGED pcgUsed
         ELSE /\ pcgUsed' = TRUE                   \* SetPageCgroupUsed
              /\ UNCHANGED usage
    /\ pending' = [pending EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = IF Fixed THEN "done" ELSE "sw_map"]
    /\ UNCHANGED mapcount

\* do_swap_page, under the faulting process's pte lock: pte_same() holds,
\* set_pte_at(), then page_add_anon_rmap(): atomic_inc_and_test(_mapcount),
\* mapcount + 1. In v2.6.28 this is step (4) of the race: the page may have
\* been unmapped AND uncharged by B since step (1), and nobody charges it
\* now. In the fix the commit comes after this step, when the page is
\* mapped, so B's uncharge can no longer slip in between A's check of
\* PCG_USED and the mapping.
SwapinAddRmap(c) ==
    /\ pc[c] = "sw_map"
    /\ mapcount' = mapcount + 1
    /\ pc' = [pc EXCEPT ![c] = IF Fixed THEN "sw_commit" ELSE "done"]
    /\ UNCHANGED <<pcgUsed, usage, pending>>

\* do_swap_page, under the pte lock: !pte_same(), the faulting process's pte
\* no longer holds the swap entry, so "goto out_nomap": the page is not
\* mapped. E.g. another thread of that process has unmapped the range in
\* the meantime; zapping a swap pte touches no page, so the mapcount stays.
\* (A thread of that process faulting the same pte in first would also
\* make pte_same() fail; such a thread is not modelled.)
\* Fixed: mem_cgroup_cancel_charge_swapin(ptr) gives the pending charge back
\* (res_counter_uncharge): never commit a charge that will not be used.
\* v2.6.28: out_nomap calls mem_cgroup_uncharge_page(), which takes the
\* charge away if the page is unmapped and charged (A charged it at
\* mapcount 0, or B has not uncharged yet), and does nothing otherwise.
SwapinPteChanged(c) ==
    /\ pc[c] = "sw_map"
    /\ IF Fixed
         THEN /\ pending[c]                        \* ptr: try_charge succeeded
              /\ usage' = usage - 1
              /\ pending' = [pending EXCEPT ![c] = FALSE]
              /\ UNCHANGED pcgUsed
         ELSE /\ UnchargePage
              /\ UNCHANGED pending
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED mapcount

(************************* CPU B: zap_pte_range ****************************)

\* zap_pte_range -> page_remove_rmap(): atomic_add_negative(-1, _mapcount),
\* mapcount - 1. Only the CPU that takes the mapcount to 0 goes on to
\* uncharge; that is the v2.6.28 rule "uncharge at unmap". Step (2) of the
\* race: it can fall between A's mapcount check (1) and A's rmap (4).
ZapDecMapcount(c) ==
    /\ pc[c] = "zap_rmap"
    /\ mapcount > 0
    /\ mapcount' = mapcount - 1
    /\ pc' = [pc EXCEPT ![c] = IF mapcount = 1 THEN "zap_uncharge" ELSE "done"]
    /\ UNCHANGED <<pcgUsed, usage, pending>>

\* page_remove_rmap -> mem_cgroup_uncharge_page() (see UnchargePage): a
\* separate step from the decrement, so A can act in between. Step (3) of
\* the race: the page is unmapped at this instant, so its charge goes, even
\* though A is about to map it again without charging.
ZapUncharge(c) ==
    /\ pc[c] = "zap_uncharge"
    /\ UnchargePage
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, pending>>

(******************************** both *************************************)

\* Every CPU has finished its path: the system is quiescent and stays so.
\* A stuttering step, so that a finished run is not reported as a deadlock
\* while a CPU stuck half-way still would be.
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
\* The steps a CPU makes progress with (all but Idle).
Step(c) ==
    \/ SwapinCheckMapcount(c)
    \/ SwapinTryCharge(c)
    \/ SwapinTryChargeFail(c)
    \/ SwapinCommitCharge(c)
    \/ SwapinAddRmap(c)
    \/ SwapinPteChanged(c)
    \/ ZapDecMapcount(c)
    \/ ZapUncharge(c)

Next ==
    \/ \E c \in CPUs : SwapinCheckMapcount(c)
    \/ \E c \in CPUs : SwapinTryCharge(c)
    \/ \E c \in CPUs : SwapinTryChargeFail(c)
    \/ \E c \in CPUs : SwapinCommitCharge(c)
    \/ \E c \in CPUs : SwapinAddRmap(c)
    \/ \E c \in CPUs : SwapinPteChanged(c)
    \/ \E c \in CPUs : ZapDecMapcount(c)
    \/ \E c \in CPUs : ZapUncharge(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU: a CPU that can go on eventually does, so every
\* run reaches quiescence (property Termination).
Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc \in [CPUs -> FaulterPCs \cup ZapperPCs]
    /\ pc[Faulter] \in FaulterPCs
    /\ \A c \in Zappers : pc[c] \in ZapperPCs
    /\ mapcount \in 0..Cardinality(CPUs)
    /\ pcgUsed \in BOOLEAN
    /\ usage \in Nat                \* never below 0: no res_counter underflow
    /\ pending \in [CPUs -> BOOLEAN]

\* Pages holding a charge (0 or 1: one page), and charges in flight.
Charged == IF pcgUsed THEN 1 ELSE 0
PendingCharges == Cardinality({c \in CPUs : pending[c]})

\* The accounting invariant:
\*  - the res_counter counts exactly the charged pages plus the charges
\*    taken but not yet committed or given back, and
\*  - a mapped page is charged, or a CPU that has just mapped it holds the
\*    charge it is about to commit (the fix's window between
\*    page_add_anon_rmap and mem_cgroup_commit_charge_swapin).
\* v2.6.28 violates the second part: a mapped page with no charge at all.
Accounting ==
    /\ usage = Charged + PendingCharges
    /\ mapcount > 0 =>
         \/ pcgUsed
         \/ \E c \in CPUs : pc[c] = "sw_commit" /\ pending[c]

\* Once every CPU is done: no charge in flight, usage equals the number of
\* charged pages, and the page is charged exactly when it is mapped (with
\* uncharge at unmap, an unmapped swap-cache page holds no charge).
Quiescent == \A c \in CPUs : pc[c] = "done"

QuiescentAccounting ==
    Quiescent =>
        /\ PendingCharges = 0
        /\ usage = Charged
        /\ pcgUsed <=> mapcount > 0

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
