----------------------- MODULE SwapcacheReadahead2009 -----------------------
(***************************************************************************)
(* The race museum: seed 002's Type-1 race, swap-in readahead against the  *)
(* freeing of a swap entry, in Linux v2.6.30, and its fix in v2.6.31.       *)
(*                                                                         *)
(* The mail: KAMEZAWA Hiroyuki, "[RFC][PATCH] memcg: fix swap account      *)
(* (26/May)[0/5]", 2009, the races as reported by Daisuke Nishimura. The   *)
(* fix as merged for v2.6.31 (ids checked against public copies of the     *)
(* commits):                                                               *)
(*   cb4b86ba47bb "mm: add swap cache interface for swap reference"        *)
(*                (swapcache_prepare(), swapcache_free())                  *)
(*   355cfa73ddff "mm: modify swap_map and add SWAP_HAS_CACHE flag"        *)
(*                ("part of the patches for fixing memcg's swap accounting *)
(*                leak")                                                   *)
(*   plus the series' memcg patch, posted as "[PATCH 4/4] memcg: fix swap  *)
(*   accounting" (28 May 2009): "memcg uncharges swap account when swap    *)
(*   has no references other than cache", i.e. in swap_entry_free()       *)
(*   "if (!swap_count(count)) mem_cgroup_uncharge_swap(ent)". Its mainline *)
(*   commit id was NOT verified here (a3b2d692690a, once suggested, is     *)
(*   "cgroups: use css id in swap cgroup for saving memory v5": another    *)
(*   patch).                                                               *)
(*                                                                         *)
(* The race (the seed's table; processA = cpuA, processB = cpuB). A swap   *)
(* entry e is referenced by one swap pte of process A, and its memsw       *)
(* charge is recorded in swap_cgroup[e]. A exits (zap_pte_range ->         *)
(* free_swap_and_cache(e)) while B's swap-in readahead reads e, an entry   *)
(* B does not use itself:                                                  *)
(*                                                                         *)
(*   processA                          | processB                          *)
(*   (free_swap_and_cache())           | (read_swap_cache_async())         *)
(*                                     | swap_duplicate()                  *)
(*                                     | __set_page_locked()               *)
(*                                     | add_to_swap_cache()               *)
(*   swap_entry_free() == 0            |                                   *)
(*   find_get_page() -> found          |                                   *)
(*   try_lock_page() -> fail & return  |                                   *)
(*                                     | lru_cache_add_anon()              *)
(*                                     | doesn't link this page to memcg's *)
(*                                     | LRU, because of !PageCgroupUsed.  *)
(*                                                                         *)
(* ("== 0" in the mail counts A's pte references. In v2.6.30 swap_map[e]   *)
(* counted the swap cache's own reference too, so swap_entry_free()        *)
(* returned 1 there, and "1 with a page in the swap cache" is how          *)
(* free_swap_and_cache() recognised "only the swap cache is left".)        *)
(*                                                                         *)
(* Afterwards the readahead page sits in the swap cache: nobody maps it,   *)
(* no pte references e, and it is not charged (readahead pages are        *)
(* charged only when mapped), so it is not on the memcg's LRU and memcg    *)
(* reclaim never frees it. It holds e's last swap_map count, so e is never *)
(* freed and e's memsw charge, uncharged in v2.6.30 only when swap_map[e]  *)
(* drops to 0, stays on the memcg: a leak until global reclaim happens to  *)
(* free the page.                                                          *)
(*                                                                         *)
(* The fix:                                                                *)
(*   - swap_map[e] = pte count + the flag SWAP_HAS_CACHE. Before adding a  *)
(*     page to the swap cache, swapcache_prepare(e) sets the flag (-EEXIST *)
(*     if already set: someone else is adding a page, retry; -ENOENT if    *)
(*     the count is 0: the entry was freed, give up); swapcache_free()     *)
(*     clears it when the page leaves the swap cache. The slot is free     *)
(*     when the count and the flag are both gone.                          *)
(*   - memsw follows the pte references: swap_entry_free() uncharges the   *)
(*     swap (mem_cgroup_uncharge_swap) as soon as the COUNT drops to 0,    *)
(*     whatever the flag.                                                  *)
(* The same interleaving still leaves the unowned page in the swap cache,  *)
(* but it no longer holds a charge, and its slot reads "cache only"        *)
(* (swap_map[e] == SWAP_HAS_CACHE) from swap_map alone: the swap allocator *)
(* reclaims such slots when swap runs short (c9e444103b5e "mm: reuse       *)
(* unused swap entry if necessary", the merged form of the series' "[5/5]  *)
(* experimental garbage collection for cache-only swaps"; that it was      *)
(* merged for v2.6.31 is from memory, unsure).                             *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v2.6.30, TRUE =        *)
(* v2.6.31. With Fixed = FALSE TLC's shortest counterexample to            *)
(* NoLeakAtQuiescence is the seed's table, adjacent rows of one CPU that   *)
(* are one atomic step merged (see the actions).                           *)
(*                                                                         *)
(* The model: ONE swap entry e, ONE memcg, one freer and one or more      *)
(* readers (the seed's table has two CPUs; the larger model has three).    *)
(*   - CPU Freer (cpuA) runs free_swap_and_cache(e) for process A, which   *)
(*     holds e's only pte reference; every other CPU (cpuB, cpuC, ...)     *)
(*     runs read_swap_cache_async(e) from swapin_readahead(), e not being  *)
(*     in the swap cache yet (its first find_get_page() found nothing).    *)
(*     Each reader allocates its own new page, so two readers are two      *)
(*     pages racing for e: only one gets into the swap cache; the other    *)
(*     meets -EEXIST (v2.6.30: from add_to_swap_cache; v2.6.31: from       *)
(*     swapcache_prepare) and goes round read_swap_cache_async's loop      *)
(*     again, where find_get_page() returns the winner's page. With one    *)
(*     reader those paths are unreachable and the model is the seed's.     *)
(*     At most one page is in the swap cache for e, so one inCache and one *)
(*     locked (that page's lock) describe it; a reader's own page is       *)
(*     private until it is added.                                          *)
(*   - Steps are cut where the kernel's atomicity is: swap_lock sections   *)
(*     (swap_duplicate / swapcache_prepare, swap_entry_free), the swap     *)
(*     cache insertion (tree_lock), the page lock.                         *)
(*   - Not modelled: memory (the page is never charged here: mem stays 0,  *)
(*     so only memsw is kept), the memcg limit, global reclaim (which      *)
(*     would eventually free the page), allocation failures, mapping the   *)
(*     page (do_swap_page), more ptes or more freers.                      *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB, ...)
    Freer,      \* the CPU that runs free_swap_and_cache(); every other reads ahead
    Fixed       \* FALSE: v2.6.30; TRUE: v2.6.31 (SWAP_HAS_CACHE, memsw by count)

ASSUME /\ Freer \in CPUs
       /\ Cardinality(CPUs) >= 2
       /\ Fixed \in BOOLEAN

\* The CPUs that run read_swap_cache_async(), each with its own new page.
Readers == CPUs \ {Freer}

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    ptes,       \* ground truth, not a kernel field: swap ptes referencing e
    swapCount,  \* swap_map[e] without the flag: v2.6.30 counts the swap
                \* cache's reference too; v2.6.31 counts only ptes and
                \* swap_duplicate()s
    hasCache,   \* SWAP_HAS_CACHE in swap_map[e] (always FALSE in v2.6.30)
    inCache,    \* the readahead page is in the swap cache for e
    locked,     \* the readahead page's lock is held (by the reader)
    swapRecord, \* swap_cgroup[e] names the memcg: e holds a memsw charge
    memsw       \* the memcg's memsw res_counter usage, in pages

vars == <<pc, ptes, swapCount, hasCache, inCache, locked, swapRecord, memsw>>

FreerPCs  == {"free_entry", "free_find", "done"}
ReaderPCs == {"ra_find", "ra_dup", "ra_add", "ra_lru", "done"}

\* The readahead page is never charged in this model: readahead pages were
\* charged only when mapped (do_swap_page), and nobody maps it here.
PcgUsed == FALSE

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: e was swapped out from process A: one pte reference, no  *)
(* page in the swap cache, the memsw charge recorded in swap_cgroup[e].    *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Freer THEN "free_entry" ELSE "ra_dup"]
    /\ ptes = 1
    /\ swapCount = 1
    /\ hasCache = FALSE
    /\ inCache = FALSE
    /\ locked = FALSE
    /\ swapRecord = TRUE
    /\ memsw = 1

\* mem_cgroup_uncharge_swap(e): clear swap_cgroup[e]; if it named a memcg,
\* res_counter_uncharge(memsw) and mem_cgroup_put. A second call finds the
\* record cleared and does nothing.
UnchargeSwap ==
    IF swapRecord THEN /\ swapRecord' = FALSE
                       /\ memsw' = memsw - 1
                  ELSE UNCHANGED <<swapRecord, memsw>>

-----------------------------------------------------------------------------
(******************** CPU A: free_swap_and_cache(e) *************************)

\* zap_pte_range -> free_swap_and_cache -> swap_entry_free(), under
\* swap_lock: A's pte reference goes.
\* v2.6.30: swap_map[e] - 1; at 0 the slot is freed and
\* mem_cgroup_uncharge_swap(e) called. A result of 1 means "maybe only the
\* swap cache is left": go and look for the page.
\* v2.6.31: swap_entry_free(SWAP_MAP): the count - 1; the slot is freed when
\* count and flag are both 0; "if (!swap_count(count))
\* mem_cgroup_uncharge_swap(ent)": memsw goes with the last pte reference,
\* whatever the flag. A result of SWAP_HAS_CACHE (count 0, flag set): look
\* for the page.
\* Seed row "swap_entry_free() == 0".
FreeSwapEntry(c) ==
    /\ pc[c] = "free_entry"
    /\ ptes' = ptes - 1
    /\ swapCount' = swapCount - 1
    /\ IF swapCount - 1 = 0 THEN UnchargeSwap ELSE UNCHANGED <<swapRecord, memsw>>
    /\ pc' = [pc EXCEPT ![c] =
                IF IF Fixed THEN swapCount - 1 = 0 /\ hasCache
                            ELSE swapCount - 1 = 1
                THEN "free_find" ELSE "done"]
    /\ UNCHANGED <<hasCache, inCache, locked>>

\* free_swap_and_cache: find_get_page(&swapper_space, e) finds nothing:
\* return. (The readahead page is not in the swap cache yet; B adds it
\* afterwards, with the same result as the seed's order.)
FreeFindNoPage(c) ==
    /\ pc[c] = "free_find"
    /\ ~inCache
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, inCache, locked, swapRecord, memsw>>

\* free_swap_and_cache: find_get_page() -> found, trylock_page() -> fails
\* (B holds the lock until its read completes): page_cache_release and
\* return, leaving the page in the swap cache. Seed rows "find_get_page()
\* -> found" and "try_lock_page() -> fail & return", one step: B's only
\* step in between (lru_cache_add_anon + read + unlock, ReadaheadLruAdd)
\* does not change what find_get_page sees, so it commutes with the lookup.
FreeTrylockFail(c) ==
    /\ pc[c] = "free_find"
    /\ inCache
    /\ locked
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, inCache, locked, swapRecord, memsw>>

\* free_swap_and_cache: found, trylock_page() succeeds; PageSwapCache,
\* !PageWriteback, !page_mapped: delete_from_swap_cache(), SetPageDirty,
\* unlock_page, page_cache_release. The lock is held throughout: one step.
\* v2.6.30: __delete_from_swap_cache -> mem_cgroup_uncharge_swapcache (a
\* no-op: the page is not PCG_USED), then swap_free(e): the cache's count
\* goes, at 0 the slot is freed and mem_cgroup_uncharge_swap(e) called.
\* v2.6.31: swapcache_free(e, page) -> swap_entry_free(SWAP_CACHE): the flag
\* goes; mem_cgroup_uncharge_swap if the count is 0 (already done: a no-op);
\* mem_cgroup_uncharge_swapcache(page, e, 0) (a no-op: not PCG_USED).
FreeDeleteFromSwapCache(c) ==
    /\ pc[c] = "free_find"
    /\ inCache
    /\ ~locked
    /\ inCache' = FALSE
    /\ IF Fixed
         THEN /\ hasCache' = FALSE
              /\ UNCHANGED swapCount
              /\ IF swapCount = 0 THEN UnchargeSwap ELSE UNCHANGED <<swapRecord, memsw>>
         ELSE /\ swapCount' = swapCount - 1
              /\ UNCHANGED hasCache
              /\ IF swapCount - 1 = 0 THEN UnchargeSwap ELSE UNCHANGED <<swapRecord, memsw>>
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, locked>>

(******************* CPU B: read_swap_cache_async(e) ************************)

\* v2.6.30 only. read_swap_cache_async -> swap_duplicate(e), under swap_lock:
\* if swap_map[e] > 0, + 1 (this count becomes the swap cache's once the page
\* is added); if 0 the entry has been freed: "break", return NULL.
\* Seed row "swap_duplicate()".
ReadaheadSwapDuplicate(c) ==
    /\ ~Fixed
    /\ pc[c] = "ra_dup"
    /\ IF swapCount > 0
         THEN /\ swapCount' = swapCount + 1
              /\ pc' = [pc EXCEPT ![c] = "ra_add"]
         ELSE /\ UNCHANGED swapCount
              /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, hasCache, inCache, locked, swapRecord, memsw>>

\* v2.6.31 only. read_swap_cache_async -> swapcache_prepare(e) ->
\* __swap_duplicate(e, SWAP_CACHE), under swap_lock: no flag and count > 0:
\* set SWAP_HAS_CACHE; count 0: -ENOENT, the entry is obsolete: "break".
ReadaheadSwapcachePrepare(c) ==
    /\ Fixed
    /\ pc[c] = "ra_dup"
    /\ ~hasCache
    /\ IF swapCount > 0
         THEN /\ hasCache' = TRUE
              /\ pc' = [pc EXCEPT ![c] = "ra_add"]
         ELSE /\ UNCHANGED hasCache
              /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, swapCount, inCache, locked, swapRecord, memsw>>

\* v2.6.31 only, a second reader: swapcache_prepare(e) finds the flag set
\* ("someone added cache": -EEXIST, checked before the count): "continue",
\* round the loop to find_get_page again. The flag's holder may not have
\* added its page yet; then this reader spins until it has.
ReadaheadSwapcachePrepareExists(c) ==
    /\ Fixed
    /\ pc[c] = "ra_dup"
    /\ hasCache
    /\ pc' = [pc EXCEPT ![c] = "ra_find"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, inCache, locked, swapRecord, memsw>>

\* read_swap_cache_async: __set_page_locked(new_page) and
\* add_to_swap_cache(new_page, e) (radix tree insert under tree_lock). The
\* new page is private until inserted, so setting its lock is not a
\* separate visible step. No swap_lock: A's swap_entry_free can come
\* before or after. Seed rows "__set_page_locked()" and
\* "add_to_swap_cache()".
ReadaheadAddToSwapCache(c) ==
    /\ pc[c] = "ra_add"
    /\ ~inCache
    /\ inCache' = TRUE
    /\ locked' = TRUE
    /\ pc' = [pc EXCEPT ![c] = "ra_lru"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, swapRecord, memsw>>

\* v2.6.30 only, a second reader: add_to_swap_cache() -> -EEXIST, another
\* reader's page is already in the swap cache for e. ClearPageSwapBacked,
\* __clear_page_locked (of this reader's private page), swap_free(e): the
\* count this reader's swap_duplicate took goes (at 0 the slot is freed and
\* mem_cgroup_uncharge_swap called); round the loop to find_get_page. In
\* v2.6.31 a reader gets here only holding SWAP_HAS_CACHE, which no other
\* page in the swap cache can have: not enabled (a reader stuck here would
\* be a deadlock, which TLC reports).
ReadaheadAddExists(c) ==
    /\ ~Fixed
    /\ pc[c] = "ra_add"
    /\ inCache
    /\ swapCount' = swapCount - 1
    /\ IF swapCount - 1 = 0 THEN UnchargeSwap ELSE UNCHANGED <<swapRecord, memsw>>
    /\ pc' = [pc EXCEPT ![c] = "ra_find"]
    /\ UNCHANGED <<ptes, hasCache, inCache, locked>>

\* A reader back at the top of read_swap_cache_async's loop:
\* find_get_page(&swapper_space, e). Found (another reader's page, locked
\* or not): return it; swapin_readahead drops the reference
\* (page_cache_release). Not found: allocate a new page and try again
\* (swap_duplicate / swapcache_prepare).
ReadaheadFindPage(c) ==
    /\ pc[c] = "ra_find"
    /\ pc' = [pc EXCEPT ![c] = IF inCache THEN "done" ELSE "ra_dup"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, inCache, locked, swapRecord, memsw>>

\* read_swap_cache_async: lru_cache_add_anon(new_page), onto the zone's LRU
\* only: the page is not PCG_USED, so mem_cgroup_add_lru_list leaves it off
\* the memcg's LRU; swap_readpage(); at I/O completion end_swap_bio_read
\* unlocks the page; swapin_readahead drops its reference
\* (page_cache_release). One step: lru_cache_add_anon changes nothing A
\* looks at, so only the unlock matters. Seed row "lru_cache_add_anon()".
ReadaheadLruAdd(c) ==
    /\ pc[c] = "ra_lru"
    /\ locked' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<ptes, swapCount, hasCache, inCache, swapRecord, memsw>>

(************************** later, any CPU *********************************)

\* v2.6.31 (c9e444103b5e) only: CPU c, its path done, later allocates swap
\* under pressure (get_swap_page -> scan_swap_map, vm_swap_full()) and finds
\* swap_map[e] == SWAP_HAS_CACHE, a cache-only slot:
\* __try_to_reclaim_swap(): trylock_page, try_to_free_swap (page_swapcount
\* 0, not under writeback) -> delete_from_swap_cache -> swapcache_free: the
\* flag goes and the slot is free. v2.6.30 could not tell such a slot from
\* a used one without find_get_page and scanned past it.
SwapReuseCacheOnly(c) ==
    /\ Fixed
    /\ pc[c] = "done"
    /\ inCache
    /\ ~locked
    /\ hasCache
    /\ swapCount = 0
    /\ inCache' = FALSE
    /\ hasCache' = FALSE
    /\ UnchargeSwap                         \* count is 0: already a no-op
    /\ UNCHANGED <<pc, ptes, swapCount, locked>>

\* Every CPU has finished its path: a stuttering step, so that a finished
\* run is not reported as a deadlock while a CPU stuck half-way would be.
Idle(c) ==
    /\ \A d \in CPUs : pc[d] = "done"
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ ReadaheadSwapDuplicate(c)
    \/ ReadaheadSwapcachePrepare(c)
    \/ ReadaheadAddToSwapCache(c)
    \/ ReadaheadLruAdd(c)
    \/ ReadaheadSwapcachePrepareExists(c)
    \/ ReadaheadAddExists(c)
    \/ ReadaheadFindPage(c)
    \/ FreeSwapEntry(c)
    \/ FreeFindNoPage(c)
    \/ FreeTrylockFail(c)
    \/ FreeDeleteFromSwapCache(c)

\* The reader's actions come first: TLC then reports, among the shortest
\* counterexamples, the seed's interleaving. (The loop's actions, only
\* enabled with a second reader, come after them.)
Next ==
    \/ \E c \in CPUs : ReadaheadSwapDuplicate(c)
    \/ \E c \in CPUs : ReadaheadSwapcachePrepare(c)
    \/ \E c \in CPUs : ReadaheadAddToSwapCache(c)
    \/ \E c \in CPUs : ReadaheadLruAdd(c)
    \/ \E c \in CPUs : ReadaheadSwapcachePrepareExists(c)
    \/ \E c \in CPUs : ReadaheadAddExists(c)
    \/ \E c \in CPUs : ReadaheadFindPage(c)
    \/ \E c \in CPUs : FreeSwapEntry(c)
    \/ \E c \in CPUs : FreeFindNoPage(c)
    \/ \E c \in CPUs : FreeTrylockFail(c)
    \/ \E c \in CPUs : FreeDeleteFromSwapCache(c)
    \/ \E c \in CPUs : SwapReuseCacheOnly(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU on its own path: every run reaches quiescence. The
\* cache-only reuse happens only under swap pressure: no fairness for it.
Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc \in [CPUs -> FreerPCs \cup ReaderPCs]
    /\ pc[Freer] \in FreerPCs
    /\ \A r \in Readers : pc[r] \in ReaderPCs
    /\ ptes \in 0..1
    \* never below 0: no swap_map underflow. At most the pte, the swap
    \* cache's count and one swap_duplicate per other reader (v2.6.30).
    /\ swapCount \in 0..Cardinality(CPUs)
    /\ hasCache \in BOOLEAN
    /\ inCache \in BOOLEAN
    /\ locked \in BOOLEAN
    /\ swapRecord \in BOOLEAN
    /\ memsw \in Nat                \* never below 0: no res_counter underflow
    /\ (locked => inCache)
    /\ (~Fixed => ~hasCache)

\* Always: memsw counts exactly the recorded swap charges (no page is
\* charged here), and a swap charge is recorded only for a slot in use.
SwapAccounting ==
    /\ memsw = IF swapRecord THEN 1 ELSE 0
    /\ swapRecord => (swapCount > 0 \/ hasCache)

\* swap_map[e] against the ground truth it encodes (checked in the larger
\* model, where a second reader makes the counting non-trivial). v2.6.30:
\* the count is the ptes, plus the swap cache's reference, plus one for
\* each reader between its swap_duplicate and its add_to_swap_cache.
\* v2.6.31: the count is the ptes alone, and SWAP_HAS_CACHE is set exactly
\* while a page is in the swap cache or one reader (one: the flag excludes
\* the others) is between swapcache_prepare and add_to_swap_cache.
Adding == {r \in Readers : pc[r] = "ra_add"}
SwapMapCounts ==
    IF Fixed
      THEN /\ swapCount = ptes
           /\ hasCache <=> (inCache \/ Adding # {})
           /\ Cardinality(Adding) <= 1
           /\ Adding # {} => ~inCache
      ELSE swapCount = ptes + (IF inCache THEN 1 ELSE 0) + Cardinality(Adding)

Quiescent == \A c \in CPUs : pc[c] = "done"

\* The slot reads "only the swap cache holds me" from swap_map alone
\* (swap_map[e] == SWAP_HAS_CACHE), so the swap allocator can find and
\* reclaim it. Never true in v2.6.30, where swap_map had no such flag.
CacheOnlyVisible == hasCache /\ swapCount = 0

\* A swap charge is held only while a page table still references the slot.
NoSwapChargeLeak == swapRecord => ptes > 0

\* A page in the swap cache that nobody maps, no pte references and that
\* holds no charge (so memcg reclaim, which scans the memcg's LRU, never
\* sees it) must at least sit on a slot marked cache-only.
NoStaleSwapCache ==
    (inCache /\ ptes = 0 /\ ~PcgUsed) => CacheOnlyVisible

\* Once every CPU is done, no swap charge and no slot is leaked. v2.6.30
\* violates both parts after the seed's interleaving.
NoLeakAtQuiescence ==
    Quiescent => NoSwapChargeLeak /\ NoStaleSwapCache

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
