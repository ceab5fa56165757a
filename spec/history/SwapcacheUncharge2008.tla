------------------------ MODULE SwapcacheUncharge2008 ------------------------
(***************************************************************************)
(* The race museum: the swap-in commit vs. swap-cache deletion bug of the  *)
(* 2.6.29 development tree, and its fix                                    *)
(*                                                                         *)
(*   commit 03f3c433648a "memcg: fix swap accounting leak" (KAMEZAWA       *)
(*   Hiroyuki; v3 posted 15 December 2008 against mmotm 2.6.28-rc8-mm,     *)
(*   merged for v2.6.29).                                                  *)
(*                                                                         *)
(* The kernel: mmotm 2.6.28-rc8-mm (December 2008), the -mm tree that      *)
(* became v2.6.29: charge-commit-cancel (7a81b88cb53e), "memcg: handle     *)
(* swap caches" and the mem+swap controller are in. Hugh Dickins's "memcg: *)
(* memswap controller core swapcache fixes" (23 November 2008, with his    *)
(* reuse_swap_page() rework) had moved mem_cgroup_commit_charge_swapin()   *)
(* from after page_add_anon_rmap() to BEFORE reuse_swap_page(): the        *)
(* commit's memsw fix-up read the swp_entry in page->private, which        *)
(* delete_from_swap_cache() clears. The fix moves it back, after the rmap. *)
(* The bug and the fix both went into mainline in the 2.6.29 merge         *)
(* window, so no released kernel had the bug (unsure: from the order of    *)
(* the -mm series, not from a release diff).                               *)
(*                                                                         *)
(* The protocol then (mm/memory.c, mm/swapfile.c, mm/swap_state.c,         *)
(* mm/memcontrol.c):                                                       *)
(*   - An anonymous page is charged when it gets mapped. A page in the     *)
(*     swap cache is NOT uncharged at unmap: __mem_cgroup_uncharge_common()*)
(*     returns at once "if (PageSwapCache(page))". It is uncharged when    *)
(*     it leaves the swap cache unmapped: __delete_from_swap_cache() ->    *)
(*     mem_cgroup_uncharge_swapcache() -> __mem_cgroup_uncharge_common(    *)
(*     page, MEM_CGROUP_CHARGE_TYPE_SWAPOUT), which, under                 *)
(*     lock_page_cgroup(), uncharges an anon page that is PCG_USED and     *)
(*     not page_mapped(). (It also records the memcg in swap_cgroup for    *)
(*     the memsw charge; memsw is not modelled.)                           *)
(*   - do_swap_page() on a WRITE fault: mem_cgroup_try_charge_swapin(),    *)
(*     then, under the pte lock (pte_same), mem_cgroup_commit_charge_      *)
(*     swapin(), then reuse_swap_page(), then set_pte_at() +               *)
(*     page_add_anon_rmap(), then swap_free(entry).                        *)
(*   - reuse_swap_page(): count = page_mapcount(page); if count <= 1 and   *)
(*     PageSwapCache: count += page_swapcount(page); if count == 1 (the    *)
(*     faulting pte holds the only swap reference and nobody maps the      *)
(*     page) and !PageWriteback: delete_from_swap_cache(page).             *)
(*                                                                         *)
(* The bug, as in the commit message: the commit makes the fresh charge    *)
(* the page's (PCG_USED), then reuse_swap_page() deletes the page from the *)
(* swap cache BEFORE the rmap is set up, so mem_cgroup_uncharge_swapcache  *)
(* sees an unmapped PCG_USED anon page and uncharges it. It is one CPU's   *)
(* own sequence: the table has no CPU B step ("New charge is uncharged     *)
(* soon....").                                                             *)
(*                                                                         *)
(*       CPU A (do_swap_page, write fault)    CPU B                        *)
(*   (1) mem_cgroup_try_charge_swapin:                                     *)
(*       usage 0 -> 1 (pending)                                            *)
(*   (2) mem_cgroup_commit_charge_swapin:                                  *)
(*       PCG_USED clear: set it                                            *)
(*   (3) reuse_swap_page: mapcount 0,                                      *)
(*       swapcount 1 -> delete_from_swap_cache                             *)
(*       -> mem_cgroup_uncharge_swapcache:                                 *)
(*       unmapped and PCG_USED: uncharge,                                  *)
(*       usage 1 -> 0, PCG_USED cleared                                    *)
(*   (4) page_add_anon_rmap: mapcount 0 -> 1                               *)
(*                                        (nothing: not needed)            *)
(*                                                                         *)
(* The page ends up mapped and uncharged, and, being out of the swap       *)
(* cache, nothing charges it again. With a second CPU the same happens to  *)
(* a page that another process maps and charged: CPU B's zap_pte_range     *)
(* takes the mapcount 1 -> 0 (no uncharge: the page is in the swap cache), *)
(* then A's commit finds PCG_USED set and gives its charge back, and A's   *)
(* reuse_swap_page uncharges the page's old charge (the memo's case (D)).  *)
(* The model starts from both situations.                                  *)
(*                                                                         *)
(* The fix moves mem_cgroup_commit_charge_swapin() after                   *)
(* page_add_anon_rmap() ("It's better to call commit-charge after rmap is  *)
(* established"): try_charge (usage + 1), reuse_swap_page (may uncharge    *)
(* the page's old charge if PCG_USED is set), rmap, commit (PCG_USED       *)
(* clear: the pending charge becomes the page's; set: a surplus, given     *)
(* back). The uncharge can no longer take the fresh charge: the commit     *)
(* comes after it. (The fix's mm/memcontrol.c part makes the commit's      *)
(* memsw fix-up check PageSwapCache, since page->private is no longer the  *)
(* swap entry after the deletion; memsw is not modelled.)                  *)
(*                                                                         *)
(* The constant Fixed selects the order: FALSE = mmotm 2.6.28-rc8-mm       *)
(* (pre-fix), TRUE = after 03f3c433648a. With Fixed = FALSE TLC's shortest *)
(* counterexample to Accounting is exactly steps (1)-(4) above.            *)
(*                                                                         *)
(* The model: ONE page in the swap cache, ONE memcg, ONE swap slot, one    *)
(* process per CPU.                                                        *)
(*   - CPU Faulter runs do_swap_page() for a WRITE fault of a process      *)
(*     whose pte holds the page's swap entry (the slot's only reference:   *)
(*     page_swapcount = 1); it has found the page in the swap cache and    *)
(*     holds the page lock.                                                *)
(*   - Every other CPU runs zap_pte_range() for its own process, which     *)
(*     maps the page, if the page starts mapped; otherwise it does         *)
(*     nothing. Initially the page is either freshly read (readahead:      *)
(*     unmapped, not charged) or mapped by every zapper's process and      *)
(*     charged once: Init allows both.                                     *)
(*   - Steps are cut where the kernel's atomicity is: the atomic           *)
(*     operations on page->_mapcount, the res_counter charge, and the      *)
(*     lock_page_cgroup() sections. reuse_swap_page() is one step, from    *)
(*     its mapcount read to the end of mem_cgroup_uncharge_swapcache()     *)
(*     (a simplification: the zapper's only write is its one mapcount      *)
(*     decrement, and its uncharge meets A's at lock_page_cgroup(), where  *)
(*     one of them uncharges and the other finds PCG_USED clear).          *)
(*   - Not modelled: the memcg limit and reclaim (a failing charge is a    *)
(*     free choice), memsw and swap_cgroup records, swap_free() and        *)
(*     try_to_free_swap() after the rmap (the page is mapped then, so the  *)
(*     swap-cache uncharge leaves it alone), the LRU, css references.      *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB)
    Faulter,    \* the CPU that runs do_swap_page(); every other CPU unmaps
    Fixed       \* FALSE: mmotm 2.6.28-rc8-mm; TRUE: after commit 03f3c433648a

ASSUME /\ Faulter \in CPUs
       /\ Fixed \in BOOLEAN

\* The CPUs that run zap_pte_range(), each for one process mapping the page.
Zappers == CPUs \ {Faulter}

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    mapcount,   \* page_mapcount(page)
    swapcache,  \* PageSwapCache(page)
    pcgUsed,    \* PCG_USED on the page's page_cgroup: the page holds a charge
    usage,      \* the memcg's res_counter usage, in pages
    pending     \* pending[c]: CPU c holds a res_counter charge that it has
                \* neither committed to the page_cgroup nor given back

vars == <<pc, mapcount, swapcache, pcgUsed, usage, pending>>

\* Program counter values. Faulter, pre-fix: "sw_charge" -> "sw_commit" ->
\* "sw_reuse" -> "sw_map" -> "done"; fixed: "sw_charge" -> "sw_reuse" ->
\* "sw_map" -> "sw_commit" -> "done". Zappers: "zap_rmap" -> "zap_uncharge"
\* -> "done", or "done" from the start when the page starts unmapped.
FaulterPCs == {"sw_charge", "sw_commit", "sw_reuse", "sw_map", "done"}
ZapperPCs  == {"zap_rmap", "zap_uncharge", "done"}

\* The first step A takes under the pte lock, after pte_same(): the commit
\* before the fix, reuse_swap_page() after it.
FirstLocked == IF Fixed THEN "sw_reuse" ELSE "sw_commit"

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the page is in the swap cache and A holds its lock.      *)
(* Either a fresh readahead page (unmapped, uncharged; the zappers have    *)
(* nothing to do) or a page mapped by every zapper's process and charged   *)
(* once (the memo's "the SwapCache has been mapped by processes, it has    *)
(* been charged already").                                                 *)
(***************************************************************************)
Init ==
    /\ \E mapped \in BOOLEAN :
         /\ pc = [c \in CPUs |->
                    IF c = Faulter THEN "sw_charge"
                    ELSE IF mapped THEN "zap_rmap" ELSE "done"]
         /\ mapcount = IF mapped THEN Cardinality(Zappers) ELSE 0
         /\ pcgUsed = (mapped /\ Zappers # {})
         /\ usage = IF mapped /\ Zappers # {} THEN 1 ELSE 0
    /\ swapcache = TRUE
    /\ pending = [c \in CPUs |-> FALSE]

-----------------------------------------------------------------------------
(***************************** CPU A: do_swap_page *************************)

\* do_swap_page -> mem_cgroup_try_charge_swapin() -> __mem_cgroup_try_charge():
\* charges the res_counter by one page; the charge is pending (do_swap_page's
\* `ptr`) until committed or cancelled. Taken whatever the page's state.
\* Race step (1).
SwapinTryCharge(c) ==
    /\ pc[c] = "sw_charge"
    /\ usage' = usage + 1
    /\ pending' = [pending EXCEPT ![c] = TRUE]
    /\ pc' = [pc EXCEPT ![c] = FirstLocked]
    /\ UNCHANGED <<mapcount, swapcache, pcgUsed>>

\* The same call failing (over limit, reclaim could not help; the limit is
\* not modelled): VM_FAULT_OOM, nothing changes.
SwapinTryChargeFail(c) ==
    /\ pc[c] = "sw_charge"
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapcache, pcgUsed, usage, pending>>

\* do_swap_page, pte lock taken, !pte_same(): "goto out_nomap" ->
\* mem_cgroup_cancel_charge_swapin(ptr): the pending charge is given back.
\* (E.g. another thread of A's process unmapped the range; not modelled.)
\* Enabled at A's first step under the pte lock.
SwapinPteChanged(c) ==
    /\ pc[c] = FirstLocked
    /\ pending[c]
    /\ usage' = usage - 1
    /\ pending' = [pending EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapcache, pcgUsed>>

\* mem_cgroup_commit_charge_swapin() -> __mem_cgroup_commit_charge(), under
\* lock_page_cgroup(): PCG_USED already set, the page is charged and the
\* pending charge is a surplus, given back (res_counter_uncharge); else it
\* becomes the page's charge (SetPageCgroupUsed). Pre-fix: called right
\* after pte_same(), before reuse_swap_page(): race step (2). Fixed: called
\* after page_add_anon_rmap().
SwapinCommitCharge(c) ==
    /\ pc[c] = "sw_commit"
    /\ pending[c]
    /\ IF pcgUsed
         THEN /\ usage' = usage - 1                \* surplus given back
              /\ UNCHANGED pcgUsed
         ELSE /\ pcgUsed' = TRUE                   \* SetPageCgroupUsed
              /\ UNCHANGED usage
    /\ pending' = [pending EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = IF Fixed THEN "done" ELSE "sw_reuse"]
    /\ UNCHANGED <<mapcount, swapcache>>

\* do_swap_page (write fault) -> reuse_swap_page(): mapcount 0 and the
\* faulting pte the slot's only reference (page_swapcount 1): count == 1,
\* so delete_from_swap_cache() -> __delete_from_swap_cache() (ClearPage-
\* SwapCache) -> mem_cgroup_uncharge_swapcache() -> __mem_cgroup_uncharge_
\* common(SWAPOUT): under lock_page_cgroup(), an anon page that is PCG_USED
\* and not mapped is uncharged (ClearPageCgroupUsed, res_counter_uncharge).
\* A mapped page (mapcount 1: another process maps it) is left in the swap
\* cache. Race step (3): before the fix the page is not mapped yet AND
\* already committed, so the charge just committed is the one taken away.
SwapinReuseSwapPage(c) ==
    /\ pc[c] = "sw_reuse"
    /\ IF mapcount = 0 /\ swapcache
         THEN /\ swapcache' = FALSE                \* delete_from_swap_cache
              /\ IF pcgUsed                        \* uncharge_swapcache
                   THEN /\ pcgUsed' = FALSE
                        /\ usage' = usage - 1
                   ELSE UNCHANGED <<pcgUsed, usage>>
         ELSE UNCHANGED <<swapcache, pcgUsed, usage>>
    /\ pc' = [pc EXCEPT ![c] = "sw_map"]
    /\ UNCHANGED <<mapcount, pending>>

\* do_swap_page: set_pte_at(), page_add_anon_rmap(): mapcount + 1. Race step
\* (4) before the fix, the end of the path. Fixed: the commit follows.
SwapinAddRmap(c) ==
    /\ pc[c] = "sw_map"
    /\ mapcount' = mapcount + 1
    /\ pc' = [pc EXCEPT ![c] = IF Fixed THEN "sw_commit" ELSE "done"]
    /\ UNCHANGED <<swapcache, pcgUsed, usage, pending>>

(************************* CPU B: zap_pte_range ****************************)

\* zap_pte_range -> page_remove_rmap(): atomic_add_negative(-1, _mapcount).
\* Only the CPU that takes the mapcount to 0 goes on to the uncharge.
ZapDecMapcount(c) ==
    /\ pc[c] = "zap_rmap"
    /\ mapcount > 0
    /\ mapcount' = mapcount - 1
    /\ pc' = [pc EXCEPT ![c] = IF mapcount = 1 THEN "zap_uncharge" ELSE "done"]
    /\ UNCHANGED <<swapcache, pcgUsed, usage, pending>>

\* page_remove_rmap -> mem_cgroup_uncharge_page() ->
\* __mem_cgroup_uncharge_common(MAPPED): returns at once for a page in the
\* swap cache (the swap cache keeps the charge); otherwise, under
\* lock_page_cgroup(), uncharges a PCG_USED page that is not mapped.
ZapUncharge(c) ==
    /\ pc[c] = "zap_uncharge"
    /\ IF ~swapcache /\ mapcount = 0 /\ pcgUsed
         THEN /\ pcgUsed' = FALSE
              /\ usage' = usage - 1
         ELSE UNCHANGED <<pcgUsed, usage>>
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapcache, pending>>

(******************************** both *************************************)

\* Every CPU has finished: a stuttering step, so that a finished run is not
\* reported as a deadlock while a CPU stuck half-way still would be.
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ SwapinTryCharge(c)
    \/ SwapinTryChargeFail(c)
    \/ SwapinPteChanged(c)
    \/ SwapinCommitCharge(c)
    \/ SwapinReuseSwapPage(c)
    \/ SwapinAddRmap(c)
    \/ ZapDecMapcount(c)
    \/ ZapUncharge(c)

Next ==
    \/ \E c \in CPUs : SwapinTryCharge(c)
    \/ \E c \in CPUs : SwapinTryChargeFail(c)
    \/ \E c \in CPUs : SwapinPteChanged(c)
    \/ \E c \in CPUs : SwapinCommitCharge(c)
    \/ \E c \in CPUs : SwapinReuseSwapPage(c)
    \/ \E c \in CPUs : SwapinAddRmap(c)
    \/ \E c \in CPUs : ZapDecMapcount(c)
    \/ \E c \in CPUs : ZapUncharge(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc \in [CPUs -> FaulterPCs \cup ZapperPCs]
    /\ pc[Faulter] \in FaulterPCs
    /\ \A c \in Zappers : pc[c] \in ZapperPCs
    /\ mapcount \in 0..Cardinality(CPUs)
    /\ swapcache \in BOOLEAN
    /\ pcgUsed \in BOOLEAN
    /\ usage \in Nat                \* never below 0: no res_counter underflow
    /\ pending \in [CPUs -> BOOLEAN]

Charged == IF pcgUsed THEN 1 ELSE 0
PendingCharges == Cardinality({c \in CPUs : pending[c]})

\* The accounting invariant (the same as SwapinCharge2009's):
\*  - the res_counter counts exactly the charged pages plus the charges
\*    taken but not yet committed or given back, and
\*  - a mapped page is charged, or the CPU that has just mapped it holds
\*    the charge it is about to commit (the fix's window between
\*    page_add_anon_rmap and mem_cgroup_commit_charge_swapin).
\* Before the fix the second part fails: a mapped page with no charge.
Accounting ==
    /\ usage = Charged + PendingCharges
    /\ mapcount > 0 =>
         \/ pcgUsed
         \/ \E c \in CPUs : pc[c] = "sw_commit" /\ pending[c]

\* Once every CPU is done: no charge in flight, usage equals the charged
\* pages, and a mapped page is charged. (An unmapped page may still hold a
\* charge while it is in the swap cache: the swap cache keeps it.)
Quiescent == \A c \in CPUs : pc[c] = "done"

QuiescentAccounting ==
    Quiescent =>
        /\ PendingCharges = 0
        /\ usage = Charged
        /\ mapcount > 0 => pcgUsed
        /\ pcgUsed => (mapcount > 0 \/ swapcache)

(******************************* Liveness **********************************)

Termination == <>Quiescent

=============================================================================
