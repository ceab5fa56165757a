---------------------- MODULE SwapcacheExitReclaim2009 ----------------------
(***************************************************************************)
(* The race museum: seed 002's Type-2 race, process exit against reclaim's *)
(* add_to_swap, in Linux v2.6.30, and what v2.6.31 changed about it.        *)
(*                                                                         *)
(* The mail: KAMEZAWA Hiroyuki, "[RFC][PATCH] memcg: fix swap account      *)
(* (26/May)[0/5]", 2009, races reported by Daisuke Nishimura, who had      *)
(* posted the Type-2 table with "memcg: free unused swapcache on swapout   *)
(* path" (May 2009, a hook after add_to_swap(); not found in mainline      *)
(* here). The mail says "[5/5] is for type-2": "experimental garbage       *)
(* collection for cache-only swaps". What was merged (ids checked against  *)
(* public copies of the commits):                                          *)
(*   355cfa73ddff "mm: modify swap_map and add SWAP_HAS_CACHE flag"        *)
(*   c9e444103b5e "mm: reuse unused swap entry if necessary": "we can know *)
(*                a swap entry is just used as SwapCache via swap_map ...  *)
(*                This patch tries to free swap-cache-only swap entries if *)
(*                swap is not enough" (the merged form of [5/5], we        *)
(*                believe; that it landed in v2.6.31 is from memory).      *)
(* UNSURE: whether anything else in mainline addressed Type-2; the stale   *)
(* page itself is still created by v2.6.31 (see below).                    *)
(*                                                                         *)
(* The race (the seed's table; processA = cpuA, processB = cpuB). An anon  *)
(* page mapped only by process A (mapcount 1), charged (PCG_USED, mem and  *)
(* memsw 1), not in the swap cache. A exits; B's reclaim has isolated the  *)
(* page from the LRU and locked it in shrink_page_list():                  *)
(*                                                                         *)
(*   processA                          | processB                          *)
(*   (page_remove_rmap())              | (shrink_page_list())              *)
(*   mem_cgroup_uncharge_page()        |                                   *)
(*   ->uncharged because it's not      |                                   *)
(*     PageSwapCache yet.              |                                   *)
(*     So, both mem/memsw.usage        |                                   *)
(*     are decremented.                |                                   *)
(*                                     | add_to_swap() -> added to swap    *)
(*                                     |   cache.                          *)
(*                                                                         *)
(* "If this page goes through without being freed for some reason, this   *)
(* page doesn't go back to memcg's LRU because of !PageCgroupUsed." The    *)
(* model makes "some reason" explicit: A's exit drops its page reference   *)
(* (free_pages_and_swap_cache -> free_swap_cache) before the page is in    *)
(* the swap cache, or after it while B still holds the page lock (A's      *)
(* trylock_page fails), so A does not free the swap cache; then B keeps    *)
(* the page (writeback still running, try_to_unmap failed, ...) and puts   *)
(* it back on the LRU. The page is left in the swap cache,                 *)
(* unmapped, uncharged: memcg reclaim never sees it, and it holds a swap   *)
(* slot. Nishimura: such pages "doesn't pressure mem.usage nor             *)
(* memsw.usage", "but consumes swp_entry ... all the swap space can be     *)
(* used up and causes OOM". So no counter leaks here; the slot does.       *)
(*                                                                         *)
(* v2.6.31 (Fixed = TRUE) still lets the same interleaving leave the page  *)
(* in the swap cache. What changed is that its slot is recognisable as     *)
(* cache-only from swap_map alone (swap_map[e] == SWAP_HAS_CACHE; in       *)
(* v2.6.30 swap_map[e] == 1 meant either "one pte" or "only the cache"),   *)
(* and c9e444103b5e reclaims such slots when swap runs short. The fixed    *)
(* model shows exactly that much: same interleavings, and the stale page   *)
(* now sits on a slot the swap allocator can find and free                 *)
(* (SwapReuseCacheOnly). It does not claim that the page gets charged or   *)
(* reaches the memcg's LRU.                                                *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v2.6.30, TRUE =        *)
(* v2.6.31. With Fixed = FALSE TLC's shortest counterexample to            *)
(* NoLeakAtQuiescence is the seed's table plus the two steps that make the *)
(* page "go through without being freed".                                  *)
(*                                                                         *)
(* The model: ONE page, ONE swap entry e, ONE memcg, two CPUs.             *)
(*   - CPU Exiter (cpuA) runs zap_pte_range() at process A's exit for the  *)
(*     pte that maps the page. The other CPU (cpuB) runs shrink_page_list *)
(*     on the page, isolated and locked (trylock_page) before the race     *)
(*     starts; it is anonymous and not yet in the swap cache.              *)
(*   - Steps are cut where the kernel's atomicity is: the atomic           *)
(*     _mapcount update, mem_cgroup_uncharge_page (see ExitUncharge),      *)
(*     add_to_swap, the page lock sections, the swap_lock sections.        *)
(*   - Not modelled: try_to_unmap and pageout as separate steps (B's       *)
(*     "keep" and "free" outcomes stand for them), the memcg limit, global *)
(*     reclaim (which would eventually free the page), swap allocation     *)
(*     failure, css references.                                            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB)
    Exiter,     \* the CPU that runs zap_pte_range at exit; the other reclaims
    Fixed       \* FALSE: v2.6.30; TRUE: v2.6.31 (SWAP_HAS_CACHE, reuse of
                \* cache-only slots)

ASSUME /\ Exiter \in CPUs
       /\ Cardinality(CPUs) = 2
       /\ Fixed \in BOOLEAN

\* The CPU that runs shrink_page_list().
Reclaimer == CHOOSE c \in CPUs : c # Exiter

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    mapcount,   \* page_mapcount(page)
    pteRef,     \* A's page table still holds its reference to the page
                \* (dropped after the TLB flush, in free_pages_and_swap_cache)
    locked,     \* the page lock is held (by the reclaimer)
    pcgUsed,    \* PCG_USED: the page holds a charge, and is on the memcg LRU
    mem,        \* the memcg's res_counter usage (memory), in pages
    memsw,      \* the memcg's memsw res_counter usage, in pages
    inCache,    \* the page is in the swap cache for e
    swapCount,  \* swap_map[e] without the flag: v2.6.30 counts the swap
                \* cache's reference; v2.6.31 only ptes (none here)
    hasCache    \* SWAP_HAS_CACHE in swap_map[e] (always FALSE in v2.6.30)

vars == <<pc, mapcount, pteRef, locked, pcgUsed, mem, memsw, inCache,
          swapCount, hasCache>>

ExiterPCs    == {"exit_rmap", "exit_uncharge", "exit_release", "done"}
ReclaimerPCs == {"rc_add", "rc_tail", "done"}

\* No swap pte ever references e here: A's pte maps the page itself, and
\* B's try_to_unmap (which would turn it into a swap pte) is not modelled.
\* So no swap_cgroup record and no swap charge either.
Ptes == 0

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the page is mapped by A, charged, not in the swap cache, *)
(* isolated and locked by the reclaimer; e is free.                        *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Exiter THEN "exit_rmap" ELSE "rc_add"]
    /\ mapcount = 1
    /\ pteRef = TRUE
    /\ locked = TRUE
    /\ pcgUsed = TRUE
    /\ mem = 1
    /\ memsw = 1
    /\ inCache = FALSE
    /\ swapCount = 0
    /\ hasCache = FALSE

\* Removing the page from the swap cache, e's only user being the cache:
\* v2.6.30: __delete_from_swap_cache -> mem_cgroup_uncharge_swapcache
\* (SWAPOUT: if the page is charged and unmapped, uncharge mem and record
\* the memcg in swap_cgroup[e]), then swap_free(e): the cache's count goes,
\* at 0 mem_cgroup_uncharge_swap(e) takes the recorded memsw charge.
\* v2.6.31: swapcache_free(e, page): swap_entry_free(SWAP_CACHE) clears the
\* flag and returns 0 (no references left), so
\* mem_cgroup_uncharge_swapcache(page, e, 0): DROP, uncharge mem and memsw of
\* an unmapped charged page, record nothing.
\* Net effect, identical in both: e free; a charged unmapped page loses its
\* mem and memsw charge; a mapped or uncharged page keeps what it has. The
\* record of v2.6.30 lives only inside this step (nobody else can look at e
\* meanwhile), so it is not a variable.
DeleteFromSwapCache ==
    /\ inCache' = FALSE
    /\ swapCount' = 0
    /\ hasCache' = FALSE
    /\ IF pcgUsed /\ mapcount = 0
         THEN /\ pcgUsed' = FALSE
              /\ mem' = mem - 1
              /\ memsw' = memsw - 1
         ELSE UNCHANGED <<pcgUsed, mem, memsw>>

-----------------------------------------------------------------------------
(********************** CPU A: zap_pte_range at exit ***********************)

\* zap_pte_range -> page_remove_rmap(): atomic_add_negative(-1, _mapcount),
\* mapcount 1 -> 0. Seed header "(page_remove_rmap())".
ExitRemoveRmap(c) ==
    /\ pc[c] = "exit_rmap"
    /\ mapcount' = mapcount - 1
    /\ pc' = [pc EXCEPT ![c] = "exit_uncharge"]
    /\ UNCHANGED <<pteRef, locked, pcgUsed, mem, memsw, inCache, swapCount, hasCache>>

\* page_remove_rmap -> mem_cgroup_uncharge_page() ->
\* __mem_cgroup_uncharge_common(MAPPED): "if (PageSwapCache(page)) return"
\* (a swap-cache page keeps its charge until it leaves the swap cache);
\* else under lock_page_cgroup, if PCG_USED and not mapped: uncharge mem and
\* memsw, clear PCG_USED. Seed row "mem_cgroup_uncharge_page() -> uncharged
\* because it's not PageSwapCache yet". The PageSwapCache test is unlocked
\* and comes before the lock_page_cgroup section; one step models both: an
\* add_to_swap in between (it does not touch the page_cgroup or counters)
\* ends in the same state as an add_to_swap after the uncharge.
ExitUncharge(c) ==
    /\ pc[c] = "exit_uncharge"
    /\ IF ~inCache /\ pcgUsed /\ mapcount = 0
         THEN /\ pcgUsed' = FALSE
              /\ mem' = mem - 1
              /\ memsw' = memsw - 1
         ELSE UNCHANGED <<pcgUsed, mem, memsw>>
    /\ pc' = [pc EXCEPT ![c] = "exit_release"]
    /\ UNCHANGED <<mapcount, pteRef, locked, inCache, swapCount, hasCache>>

\* After the TLB flush: tlb_finish_mmu -> free_pages_and_swap_cache ->
\* free_swap_cache(page): "if (PageSwapCache(page) && trylock_page(page))
\* try_to_free_swap(page)": when no pte references e (page_swapcount 0:
\* v2.6.30 "swap_map - 1 for the swap cache itself", v2.6.31 the count)
\* and not under writeback, delete_from_swap_cache(). Then put_page: A's
\* reference goes. While the reclaimer holds the page lock the trylock
\* fails and the page stays in the swap cache: the cleanup that usually
\* removes a dead process's swap cache is what the race defeats.
ExitReleasePage(c) ==
    /\ pc[c] = "exit_release"
    /\ IF inCache /\ ~locked
         THEN DeleteFromSwapCache
         ELSE UNCHANGED <<inCache, swapCount, hasCache, pcgUsed, mem, memsw>>
    /\ pteRef' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, locked>>

(*********************** CPU B: shrink_page_list ***************************)

\* shrink_page_list: "PageAnon(page) && !PageSwapCache(page)" ->
\* add_to_swap(): get_swap_page() allocates e (v2.6.30: swap_map[e] = 1,
\* the swap cache's count; v2.6.31: swap_map[e] = SWAP_HAS_CACHE), then
\* add_to_swap_cache(): PageSwapCache set, the page in swapper_space. No
\* memcg call: the page keeps whatever charge it has. Seed row
\* "add_to_swap() -> added to swap cache".
ReclaimAddToSwap(c) ==
    /\ pc[c] = "rc_add"
    /\ inCache' = TRUE
    /\ IF Fixed THEN /\ hasCache' = TRUE
                     /\ UNCHANGED swapCount
                ELSE /\ swapCount' = 1
                     /\ UNCHANGED hasCache
    /\ pc' = [pc EXCEPT ![c] = "rc_tail"]
    /\ UNCHANGED <<mapcount, pteRef, locked, pcgUsed, mem, memsw>>

\* The page "goes through without being freed for some reason": still
\* mapped (try_to_unmap failed), pageout started asynchronous writeback, or
\* __remove_mapping found an extra reference: keep / activate:
\* unlock_page, putback_lru_page. On the zone's LRU always; on the memcg's
\* LRU only if PCG_USED.
ReclaimKeepPage(c) ==
    /\ pc[c] = "rc_tail"
    /\ locked' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, pteRef, pcgUsed, mem, memsw, inCache, swapCount, hasCache>>

\* The page is written and freed: unmapped, clean, and only the isolation
\* and swap-cache references left (A's reference gone), so
\* __remove_mapping() succeeds: delete from the swap cache (see
\* DeleteFromSwapCache), unlock, free.
ReclaimFreePage(c) ==
    /\ pc[c] = "rc_tail"
    /\ mapcount = 0
    /\ ~pteRef
    /\ DeleteFromSwapCache
    /\ locked' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, pteRef>>

(************************** later, any CPU *********************************)

\* v2.6.31 (c9e444103b5e) only: CPU c, its path done, later allocates swap
\* under pressure (get_swap_page -> scan_swap_map, vm_swap_full()) and finds
\* swap_map[e] == SWAP_HAS_CACHE, a cache-only slot:
\* __try_to_reclaim_swap(): trylock_page, try_to_free_swap (page_swapcount
\* 0, not under writeback) -> delete_from_swap_cache. v2.6.30 could not
\* tell such a slot from one used by a pte without find_get_page, and
\* scan_swap_map passed over it.
SwapReuseCacheOnly(c) ==
    /\ Fixed
    /\ pc[c] = "done"
    /\ inCache
    /\ ~locked
    /\ hasCache
    /\ swapCount = 0
    /\ DeleteFromSwapCache
    /\ UNCHANGED <<pc, mapcount, pteRef, locked>>

\* Every CPU has finished its path: a stuttering step, so that a finished
\* run is not reported as a deadlock while a CPU stuck half-way would be.
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ ExitRemoveRmap(c)
    \/ ExitUncharge(c)
    \/ ExitReleasePage(c)
    \/ ReclaimAddToSwap(c)
    \/ ReclaimKeepPage(c)
    \/ ReclaimFreePage(c)

Next ==
    \/ \E c \in CPUs : ExitRemoveRmap(c)
    \/ \E c \in CPUs : ExitUncharge(c)
    \/ \E c \in CPUs : ExitReleasePage(c)
    \/ \E c \in CPUs : ReclaimAddToSwap(c)
    \/ \E c \in CPUs : ReclaimKeepPage(c)
    \/ \E c \in CPUs : ReclaimFreePage(c)
    \/ \E c \in CPUs : SwapReuseCacheOnly(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU on its own path: every run reaches quiescence. The
\* cache-only reuse happens only under swap pressure: no fairness for it.
Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc \in [CPUs -> ExiterPCs \cup ReclaimerPCs]
    /\ pc[Exiter] \in ExiterPCs
    /\ pc[Reclaimer] \in ReclaimerPCs
    /\ mapcount \in 0..1
    /\ pteRef \in BOOLEAN
    /\ locked \in BOOLEAN
    /\ pcgUsed \in BOOLEAN
    /\ mem \in Nat                  \* never below 0: no res_counter underflow
    /\ memsw \in Nat
    /\ inCache \in BOOLEAN
    /\ swapCount \in 0..1
    /\ hasCache \in BOOLEAN
    /\ (~Fixed => ~hasCache)

\* Always: mem counts the charged page, memsw = mem (no swap charge here),
\* and e is in use exactly while the page is in the swap cache.
Accounting ==
    /\ mem = IF pcgUsed THEN 1 ELSE 0
    /\ memsw = mem
    /\ inCache <=> (swapCount > 0 \/ hasCache)

Quiescent == \A c \in CPUs : pc[c] = "done"

\* The slot reads "only the swap cache holds me" from swap_map alone
\* (swap_map[e] == SWAP_HAS_CACHE), so the swap allocator can find and
\* reclaim it. Never true in v2.6.30, where swap_map had no such flag.
CacheOnlyVisible == hasCache /\ swapCount = 0

\* A swap charge is held only while a page table still references the slot.
\* (Trivially true here: no swap charge is ever taken in this model; kept so
\* that NoLeakAtQuiescence reads the same in both Type-1 and Type-2.)
NoSwapChargeLeak == TRUE

\* A page in the swap cache that nobody maps, no pte references and that
\* holds no charge (so memcg reclaim, which scans the memcg's LRU, never
\* sees it) must at least sit on a slot marked cache-only.
NoStaleSwapCache ==
    (inCache /\ mapcount = 0 /\ Ptes = 0 /\ ~pcgUsed) => CacheOnlyVisible

\* Once every CPU is done, no swap charge and no slot is leaked. v2.6.30
\* violates it after the seed's interleaving.
NoLeakAtQuiescence ==
    Quiescent => NoSwapChargeLeak /\ NoStaleSwapCache

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
