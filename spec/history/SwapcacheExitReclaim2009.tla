---------------------- MODULE SwapcacheExitReclaim2009 ----------------------
(***************************************************************************)
(* The race museum: seed 002's Type-2 race, process exit against reclaim's *)
(* add_to_swap, in Linux v2.6.30, and what v2.6.31 did about it: a         *)
(* MITIGATION, not a fix. The stale page still arises in v2.6.31; what     *)
(* changed is that the swap allocator can find its slot and free it.       *)
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
(*                swap is not enough" (posted as "[PATCH 3/4] reuse unused *)
(*                swap entry if necessary", 2 June 2009, "a replacement    *)
(*                for mm-reuse-unused-swap-entry-if-necessary.patch";      *)
(*                Nishimura's Tested-by: "usage increase of swap and       *)
(*                swapcache stopped at some threshold"; v2.6.31 inferred   *)
(*                from its June 2009 date).                                *)
(* UNSURE: whether anything else in mainline addressed Type-2.             *)
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
(* the page (writeback still running, __remove_mapping found an extra      *)
(* reference, ...) and puts it back on the LRU. The page is left in the    *)
(* swap cache, unmapped, uncharged: memcg reclaim never sees it, and it    *)
(* holds a swap slot. Nishimura: such pages "doesn't pressure mem.usage    *)
(* nor memsw.usage", "but consumes swp_entry ... all the swap space can be *)
(* used up and causes OOM". So no counter leaks here; the slot does.       *)
(*                                                                         *)
(* v2.6.31 (Fixed = TRUE) lets the same interleaving leave the same stale  *)
(* page: NoLeakAtQuiescence, which reads only the page (in the swap cache, *)
(* unmapped, unlocked, uncharged, no pte referencing its slot), is         *)
(* violated by both variants with the same five steps. What changed is     *)
(* that the slot is recognisable as cache-only from swap_map alone         *)
(* (swap_map[e] == SWAP_HAS_CACHE; in v2.6.30 swap_map[e] == 1 meant       *)
(* either "one pte" or "only the cache"), and that get_swap_page()         *)
(* reclaims such a slot when swap is short (vm_swap_full()):               *)
(* scan_swap_map -> __try_to_reclaim_swap -> trylock_page,                 *)
(* try_to_free_swap. The model states that guarantee without reading the   *)
(* flag: AllocFailsOnlyWhenBusy (get_swap_page fails only when a pte       *)
(* references the slot or its swap-cache page is locked) and              *)
(* StaleSwapCacheReclaimed (under sustained swap pressure every stale page *)
(* leaves the swap cache). Both hold for v2.6.31 and fail for v2.6.30. It  *)
(* does not claim that the page gets charged or reaches the memcg's LRU:   *)
(* it does not.                                                            *)
(*                                                                         *)
(* So that "cache-only" is a real distinction and not true by              *)
(* construction, reclaim's try_to_unmap is modelled: it turns A's pte into *)
(* a swap pte for e (swap_map[e] + 1), and A's exit then frees the swap    *)
(* entry (free_swap_and_cache) instead of unmapping the page; the slot is  *)
(* then referenced by a pte and must not be reclaimed until that pte is    *)
(* gone. Accounting checks swap_map against that ground truth.             *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v2.6.30, TRUE =        *)
(* v2.6.31. With two CPUs TLC's shortest counterexample to                 *)
(* NoLeakAtQuiescence is, in both, the seed's table plus the two steps     *)
(* that make the page "go through without being freed".                    *)
(*                                                                         *)
(* The model: ONE swap entry e (a swap device of one slot: once it is in   *)
(* use, swap is full, vm_swap_full() holds), ONE memcg, and one page per   *)
(* reclaiming CPU, all mapped by process A.                                *)
(*   - CPU Exiter (cpuA) runs zap_pte_range() at process A's exit, for its *)
(*     ptes in address order (PageAt); each page's reference is released   *)
(*     (free_pages_and_swap_cache) right after its pte is zapped, as with  *)
(*     an mmu_gather batch of one page.                                    *)
(*   - Every other CPU r runs shrink_page_list() on page r (the page is    *)
(*     named after its reclaimer), isolated and locked (trylock_page)      *)
(*     before the race starts; anonymous and not yet in the swap cache.    *)
(*     With two pages and one slot, the second add_to_swap() needs the     *)
(*     first page's slot: "swap is not enough".                            *)
(*   - A CPU whose path is done may later allocate swap for a page outside *)
(*     the model (SwapReuseCacheOnly: v2.6.31 only, no fairness except in *)
(*     PressureSpec).                                                      *)
(*   - Steps are cut where the kernel's atomicity is: the atomic           *)
(*     _mapcount update, mem_cgroup_uncharge_page (see ExitUncharge),      *)
(*     add_to_swap, the pte lock (try_to_unmap_one, zapping one pte), the  *)
(*     page lock sections, the swap_lock sections.                         *)
(*   - Not modelled: pageout as a separate step (B's "keep" and "free"     *)
(*     outcomes stand for it), try_to_unmap failing (B's "keep" covers a   *)
(*     page still mapped), the activate path's try_to_free_swap, swap-in,  *)
(*     the memcg limit, global reclaim (which would eventually free the    *)
(*     page), css references.                                              *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs, one kernel path each (model values: cpuA, cpuB, ...)
    Exiter,     \* the CPU that runs zap_pte_range at exit; every other reclaims
    Fixed       \* FALSE: v2.6.30; TRUE: v2.6.31 (SWAP_HAS_CACHE, reuse of
                \* cache-only slots)

ASSUME /\ Exiter \in CPUs
       /\ Cardinality(CPUs) >= 2
       /\ Fixed \in BOOLEAN

\* The CPUs that run shrink_page_list(); reclaimer r works on page r.
Reclaimers == CPUs \ {Exiter}
Pages == Reclaimers
N == Cardinality(Pages)

\* A's ptes in address order: the order in which zap_pte_range meets them.
PageAt == CHOOSE f \in [1..N -> Pages] : \A i, j \in 1..N : i # j => f[i] # f[j]

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path; the exiter's is
                \* <<step, i>>: at A's i-th pte (PageAt[i]), or <<"done", 0>>
    mapcount,   \* mapcount[p]: page_mapcount(p) (A's present pte: 0 or 1)
    swapPte,    \* swapPte[p]: A's pte for p holds the swap entry e (set by
                \* reclaim's try_to_unmap). Ground truth, not a kernel field.
    pteRef,     \* pteRef[p]: the page reference of A's mapping is not yet
                \* put (dropped by free_pages_and_swap_cache after A's zap,
                \* or by try_to_unmap_one)
    locked,     \* locked[p]: p's page lock is held (by its reclaimer)
    pcgUsed,    \* pcgUsed[p]: PCG_USED: p holds a charge, and is on the
                \* memcg's LRU
    mem,        \* the memcg's res_counter usage (memory), in pages
    memsw,      \* the memcg's memsw res_counter usage, in pages
    inCache,    \* inCache[p]: p is in the swap cache, for e
    swapCount,  \* swap_map[e] without the flag: v2.6.30 counts ptes and the
                \* swap cache's reference; v2.6.31 only ptes
    hasCache,   \* SWAP_HAS_CACHE in swap_map[e] (always FALSE in v2.6.30)
    swapRecord  \* swap_cgroup[e] names the memcg: e holds a memsw charge of
                \* its own (a page swapped out while a pte references e)

vars == <<pc, mapcount, swapPte, pteRef, locked, pcgUsed, mem, memsw, inCache,
          swapCount, hasCache, swapRecord>>

ExiterSteps  == {"exit_rmap", "exit_uncharge", "exit_release"}
ExiterPCs    == (ExiterSteps \X (1..N)) \cup {<<"done", 0>>}
ReclaimerPCs == {"rc_add", "rc_tail", "done"}

Done(c) == IF c = Exiter THEN pc[c][1] = "done" ELSE pc[c] = "done"

\* The exiter's step and its current page.
ExitAt(c, s) == c = Exiter /\ pc[c][1] = s
Cur(c) == PageAt[pc[c][2]]
\* After the i-th pte: the next one, or done.
NextPte(c) == IF pc[c][2] < N THEN <<"exit_rmap", pc[c][2] + 1>> ELSE <<"done", 0>>

\* Ground truth about e: the ptes that reference it, the pages in its swap
\* cache (at most one: one entry).
PteRefs == Cardinality({p \in Pages : swapPte[p]})
Cached == {p \in Pages : inCache[p]}
CachedPage == CHOOSE p \in Cached : TRUE

\* What the kernel reads from swap_map[e]: the slot is free; the ptes that
\* reference it (page_swapcount: v2.6.30 swap_map - 1 for the swap cache's
\* own reference, v2.6.31 the count); only the swap cache holds it
\* (v2.6.31: swap_map[e] == SWAP_HAS_CACHE).
SlotFree == swapCount = 0 /\ ~hasCache
PageSwapcount == IF Fixed THEN swapCount ELSE swapCount - 1
CacheOnly == Fixed /\ hasCache /\ swapCount = 0

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: every page is mapped by A, charged, not in the swap      *)
(* cache, isolated and locked by its reclaimer; e is free.                 *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Exiter THEN <<"exit_rmap", 1>> ELSE "rc_add"]
    /\ mapcount = [p \in Pages |-> 1]
    /\ swapPte = [p \in Pages |-> FALSE]
    /\ pteRef = [p \in Pages |-> TRUE]
    /\ locked = [p \in Pages |-> TRUE]
    /\ pcgUsed = [p \in Pages |-> TRUE]
    /\ mem = N
    /\ memsw = N
    /\ inCache = [p \in Pages |-> FALSE]
    /\ swapCount = 0
    /\ hasCache = FALSE
    /\ swapRecord = FALSE

\* Page q leaves the swap cache (the caller holds q's lock, or has just
\* taken it with trylock_page), when no swap_duplicate is in flight:
\* v2.6.30: __delete_from_swap_cache -> mem_cgroup_uncharge_swapcache
\* (SWAPOUT: if q is charged and unmapped, uncharge mem and record the memcg
\* in swap_cgroup[e], memsw stays), then swap_free(e): the swap cache's
\* count goes; at 0 the slot is free and mem_cgroup_uncharge_swap(e) takes
\* the recorded memsw charge.
\* v2.6.31: swapcache_free(e, q): swap_entry_free(SWAP_CACHE) clears the
\* flag and returns the pte count; mem_cgroup_uncharge_swapcache(q, e,
\* count != 0): SWAPOUT (a pte still references e: uncharge mem, record,
\* memsw stays for the entry) or DROP (no pte: uncharge mem and memsw).
\* Net effect, identical in both: a charged unmapped q loses its mem charge,
\* and its memsw charge too unless a pte still references e, in which case
\* e keeps it (swapRecord); a mapped or uncharged q keeps what it has.
\* Unchanged here: the record when q keeps its charge (a record exists only
\* while no page is in the swap cache: see Accounting).
DeleteFromSwapCache(q) ==
    /\ inCache' = [inCache EXCEPT ![q] = FALSE]
    /\ IF Fixed THEN /\ hasCache' = FALSE
                     /\ UNCHANGED swapCount
                ELSE /\ swapCount' = swapCount - 1
                     /\ UNCHANGED hasCache
    /\ IF pcgUsed[q] /\ mapcount[q] = 0
         THEN /\ pcgUsed' = [pcgUsed EXCEPT ![q] = FALSE]
              /\ mem' = mem - 1
              /\ IF PageSwapcount > 0
                   THEN /\ swapRecord' = TRUE
                        /\ UNCHANGED memsw
                   ELSE /\ memsw' = memsw - 1
                        /\ UNCHANGED swapRecord
         ELSE UNCHANGED <<pcgUsed, mem, memsw, swapRecord>>

\* mem_cgroup_uncharge_swap(e), when the last pte reference goes (v2.6.30:
\* swap_map[e] reaches 0; v2.6.31: the count reaches 0, whatever the flag):
\* clear swap_cgroup[e]; if it named the memcg, uncharge memsw.
UnchargeSwap ==
    IF swapRecord THEN /\ swapRecord' = FALSE
                       /\ memsw' = memsw - 1
                  ELSE UNCHANGED <<swapRecord, memsw>>

-----------------------------------------------------------------------------
(********************** CPU A: zap_pte_range at exit ***********************)

\* A's pte maps the page: zap_pte_range -> page_remove_rmap():
\* atomic_add_negative(-1, _mapcount), mapcount 1 -> 0. Seed header
\* "(page_remove_rmap())".
ExitRemoveRmap(c) ==
    /\ ExitAt(c, "exit_rmap")
    /\ mapcount[Cur(c)] = 1
    /\ mapcount' = [mapcount EXCEPT ![Cur(c)] = 0]
    /\ pc' = [pc EXCEPT ![c] = <<"exit_uncharge", pc[c][2]>>]
    /\ UNCHANGED <<swapPte, pteRef, locked, pcgUsed, mem, memsw, inCache,
                   swapCount, hasCache, swapRecord>>

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
    /\ ExitAt(c, "exit_uncharge")
    /\ LET p == Cur(c) IN
         IF ~inCache[p] /\ pcgUsed[p] /\ mapcount[p] = 0
           THEN /\ pcgUsed' = [pcgUsed EXCEPT ![p] = FALSE]
                /\ mem' = mem - 1
                /\ memsw' = memsw - 1
           ELSE UNCHANGED <<pcgUsed, mem, memsw>>
    /\ pc' = [pc EXCEPT ![c] = <<"exit_release", pc[c][2]>>]
    /\ UNCHANGED <<mapcount, swapPte, pteRef, locked, inCache, swapCount,
                   hasCache, swapRecord>>

\* After the TLB flush: tlb_finish_mmu -> free_pages_and_swap_cache ->
\* free_swap_cache(page): "if (PageSwapCache(page) && trylock_page(page))
\* try_to_free_swap(page)": when no pte references e (page_swapcount 0)
\* and not under writeback, delete_from_swap_cache(). Then put_page: A's
\* reference goes. While the reclaimer holds the page lock the trylock
\* fails and the page stays in the swap cache: the cleanup that usually
\* removes a dead process's swap cache is what the race defeats.
ExitReleasePage(c) ==
    /\ ExitAt(c, "exit_release")
    /\ LET p == Cur(c) IN
         /\ IF inCache[p] /\ ~locked[p] /\ PageSwapcount = 0
              THEN DeleteFromSwapCache(p)
              ELSE UNCHANGED <<inCache, swapCount, hasCache, pcgUsed, mem, memsw,
                               swapRecord>>
         /\ pteRef' = [pteRef EXCEPT ![p] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = NextPte(c)]
    /\ UNCHANGED <<mapcount, swapPte, locked>>

\* Reclaim got there first and A's pte holds the swap entry e:
\* zap_pte_range -> free_swap_and_cache(e). Under swap_lock:
\* swap_entry_free() drops the pte's count (v2.6.30: swap_map - 1, at 0 the
\* slot is free; v2.6.31: count - 1); at no pte left,
\* mem_cgroup_uncharge_swap(e). If only the swap cache may be left
\* (v2.6.30: the result is 1; v2.6.31: it is SWAP_HAS_CACHE),
\* find_get_page(e) and trylock_page(); then, the page lock held:
\* "PageSwapCache(page) && !PageWriteback(page) && (!page_mapped(page) ||
\* vm_swap_full())": delete_from_swap_cache() (whose own swap_free /
\* swapcache_free ends e). A failed trylock (the reclaimer holds the lock)
\* leaves the page in the swap cache: the Type-1 pattern, here with the
\* page still charged (try_to_unmap's uncharge skipped a swap-cache page).
ExitZapSwapPte(c) ==
    /\ ExitAt(c, "exit_rmap")
    /\ swapPte[Cur(c)]
    /\ swapPte' = [swapPte EXCEPT ![Cur(c)] = FALSE]
    /\ LET left == swapCount - 1
           look == IF Fixed THEN left = 0 /\ hasCache ELSE left = 1
       IN IF look /\ Cached # {} /\ ~locked[CachedPage]
            THEN \* no record (a page is in the swap cache), and the page is
                 \* unmapped: its charge goes with it (DROP)
                 /\ inCache' = [inCache EXCEPT ![CachedPage] = FALSE]
                 /\ swapCount' = 0
                 /\ hasCache' = FALSE
                 /\ IF pcgUsed[CachedPage]
                      THEN /\ pcgUsed' = [pcgUsed EXCEPT ![CachedPage] = FALSE]
                           /\ mem' = mem - 1
                           /\ memsw' = memsw - 1
                      ELSE UNCHANGED <<pcgUsed, mem, memsw>>
                 /\ UNCHANGED swapRecord
            ELSE /\ swapCount' = left
                 /\ IF left = 0 THEN UnchargeSwap
                                ELSE UNCHANGED <<swapRecord, memsw>>
                 /\ UNCHANGED <<inCache, hasCache, pcgUsed, mem>>
    /\ pc' = [pc EXCEPT ![c] = NextPte(c)]
    /\ UNCHANGED <<mapcount, pteRef, locked>>

(*********************** CPU B: shrink_page_list ***************************)

\* shrink_page_list: "PageAnon(page) && !PageSwapCache(page)" ->
\* add_to_swap(): get_swap_page() finds e free and allocates it (v2.6.30:
\* swap_map[e] = 1, the swap cache's count; v2.6.31: swap_map[e] =
\* SWAP_HAS_CACHE), then add_to_swap_cache(): PageSwapCache set, the page
\* in swapper_space. No memcg call: the page keeps whatever charge it has.
\* Seed row "add_to_swap() -> added to swap cache".
ReclaimAddToSwap(c) ==
    /\ pc[c] = "rc_add"
    /\ SlotFree
    /\ inCache' = [inCache EXCEPT ![c] = TRUE]
    /\ IF Fixed THEN /\ hasCache' = TRUE
                     /\ UNCHANGED swapCount
                ELSE /\ swapCount' = 1
                     /\ UNCHANGED hasCache
    /\ pc' = [pc EXCEPT ![c] = "rc_tail"]
    /\ UNCHANGED <<mapcount, swapPte, pteRef, locked, pcgUsed, mem, memsw,
                   swapRecord>>

\* v2.6.31 (c9e444103b5e) only: get_swap_page() -> scan_swap_map() finds e
\* in use, but "vm_swap_full() && si->swap_map[offset] == SWAP_HAS_CACHE":
\* __try_to_reclaim_swap(): find_get_page(e) -> q, trylock_page(q),
\* try_to_free_swap(q) (PageSwapCache, not under writeback, page_swapcount
\* 0) -> delete_from_swap_cache(q); "goto checks": e is free, and taken for
\* this page as in ReclaimAddToSwap. (The kernel drops swap_lock around the
\* reclaim; another allocation slipping in would take e and this one fail,
\* which ReclaimAddToSwapFail covers from that state.)
ReclaimAddToSwapReclaimSlot(c) ==
    /\ pc[c] = "rc_add"
    /\ CacheOnly
    /\ ~locked[CachedPage]
    /\ LET q == CachedPage IN
         /\ inCache' = [inCache EXCEPT ![q] = FALSE, ![c] = TRUE]
         /\ hasCache' = TRUE
         /\ IF pcgUsed[q] /\ mapcount[q] = 0          \* swapcache_free: DROP
              THEN /\ pcgUsed' = [pcgUsed EXCEPT ![q] = FALSE]
                   /\ mem' = mem - 1
                   /\ memsw' = memsw - 1
              ELSE UNCHANGED <<pcgUsed, mem, memsw>>
    /\ pc' = [pc EXCEPT ![c] = "rc_tail"]
    /\ UNCHANGED <<mapcount, swapPte, pteRef, locked, swapCount, swapRecord>>

\* add_to_swap() fails: get_swap_page() found no slot it could use (v2.6.30:
\* e in use; v2.6.31: e in use by a pte, or cache-only with its page locked)
\* -> "goto activate_locked": the page is not in the swap cache, so no
\* try_to_free_swap; SetPageActive, unlock_page, putback_lru_page.
ReclaimAddToSwapFail(c) ==
    /\ pc[c] = "rc_add"
    /\ ~SlotFree
    /\ ~(CacheOnly /\ ~locked[CachedPage])
    /\ locked' = [locked EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapPte, pteRef, pcgUsed, mem, memsw, inCache,
                   swapCount, hasCache, swapRecord>>

\* try_to_unmap() -> try_to_unmap_one(), under A's pte lock, the page still
\* mapped by A: swap_duplicate(e) (the pte's count: v2.6.30 swap_map + 1,
\* v2.6.31 count + 1), set_pte_at(swap pte), page_remove_rmap (mapcount
\* 1 -> 0; mem_cgroup_uncharge_page does nothing for a swap-cache page),
\* page_cache_release (the mapping's reference).
ReclaimTryToUnmap(c) ==
    /\ pc[c] = "rc_tail"
    /\ mapcount[c] = 1
    /\ mapcount' = [mapcount EXCEPT ![c] = 0]
    /\ swapPte' = [swapPte EXCEPT ![c] = TRUE]
    /\ pteRef' = [pteRef EXCEPT ![c] = FALSE]
    /\ swapCount' = swapCount + 1
    /\ UNCHANGED <<pc, locked, pcgUsed, mem, memsw, inCache, hasCache, swapRecord>>

\* The page "goes through without being freed for some reason": still
\* mapped (try_to_unmap failed or was not reached), pageout started
\* asynchronous writeback, or __remove_mapping found an extra reference:
\* keep: unlock_page, putback_lru_page. On the zone's LRU always; on the
\* memcg's LRU only if PCG_USED.
ReclaimKeepPage(c) ==
    /\ pc[c] = "rc_tail"
    /\ locked' = [locked EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapPte, pteRef, pcgUsed, mem, memsw, inCache,
                   swapCount, hasCache, swapRecord>>

\* The page is written and freed: unmapped, clean, and only the isolation
\* and swap-cache references left (A's reference gone), so
\* __remove_mapping() succeeds: delete from the swap cache (see
\* DeleteFromSwapCache: a swap-out proper when a pte references e), unlock,
\* free.
ReclaimFreePage(c) ==
    /\ pc[c] = "rc_tail"
    /\ mapcount[c] = 0
    /\ ~pteRef[c]
    /\ DeleteFromSwapCache(c)
    /\ locked' = [locked EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<mapcount, swapPte, pteRef>>

(************************** later, any CPU *********************************)

\* v2.6.31 (c9e444103b5e) only: CPU c, its path done, later allocates swap
\* for a page outside the model, swap being full (vm_swap_full()):
\* get_swap_page -> scan_swap_map finds swap_map[e] == SWAP_HAS_CACHE:
\* __try_to_reclaim_swap(): trylock_page, try_to_free_swap (page_swapcount
\* 0, not under writeback) -> delete_from_swap_cache. e is then free (and
\* goes to that page, which the model does not follow). v2.6.30's
\* scan_swap_map passed over any slot with a non-zero swap_map.
SwapReuseCacheOnly(c) ==
    /\ Done(c)
    /\ CacheOnly
    /\ ~locked[CachedPage]
    /\ DeleteFromSwapCache(CachedPage)
    /\ UNCHANGED <<pc, mapcount, swapPte, pteRef, locked>>

\* Every CPU has finished its path: a stuttering step, so that a finished
\* run is not reported as a deadlock while a CPU stuck half-way would be.
Idle(c) ==
    /\ \A d \in CPUs : Done(d)
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
\* The steps of CPU c's own path. (The exiter's pc is a pair, the
\* reclaimers' a string: each CPU only meets its own actions.)
Step(c) ==
    IF c = Exiter
      THEN \/ ExitRemoveRmap(c)
           \/ ExitUncharge(c)
           \/ ExitReleasePage(c)
           \/ ExitZapSwapPte(c)
      ELSE \/ ReclaimAddToSwap(c)
           \/ ReclaimAddToSwapReclaimSlot(c)
           \/ ReclaimAddToSwapFail(c)
           \/ ReclaimTryToUnmap(c)
           \/ ReclaimKeepPage(c)
           \/ ReclaimFreePage(c)

Next ==
    \/ \E c \in CPUs : ExitRemoveRmap(c)
    \/ \E c \in CPUs : ExitUncharge(c)
    \/ \E c \in CPUs : ExitReleasePage(c)
    \/ \E c \in CPUs : ExitZapSwapPte(c)
    \/ \E c \in Reclaimers : ReclaimAddToSwap(c)
    \/ \E c \in Reclaimers : ReclaimAddToSwapReclaimSlot(c)
    \/ \E c \in Reclaimers : ReclaimAddToSwapFail(c)
    \/ \E c \in Reclaimers : ReclaimTryToUnmap(c)
    \/ \E c \in Reclaimers : ReclaimKeepPage(c)
    \/ \E c \in Reclaimers : ReclaimFreePage(c)
    \/ \E c \in CPUs : SwapReuseCacheOnly(c)
    \/ \E c \in CPUs : Idle(c)

\* Weak fairness per CPU on its own path: every run reaches quiescence. The
\* cache-only reuse happens only under swap pressure: no fairness for it.
Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

\* Sustained swap pressure: a CPU whose path is done keeps allocating swap,
\* so a cache-only slot whose page is unlocked is eventually reclaimed
\* (v2.6.31). In v2.6.30 SwapReuseCacheOnly is never enabled and this is
\* Spec.
PressureSpec == Spec /\ \A c \in CPUs : WF_vars(SwapReuseCacheOnly(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ pc[Exiter] \in ExiterPCs
    /\ \A r \in Reclaimers : pc[r] \in ReclaimerPCs
    /\ mapcount \in [Pages -> 0..1]
    /\ swapPte \in [Pages -> BOOLEAN]
    /\ pteRef \in [Pages -> BOOLEAN]
    /\ locked \in [Pages -> BOOLEAN]
    /\ pcgUsed \in [Pages -> BOOLEAN]
    /\ mem \in Nat                  \* never below 0: no res_counter underflow
    /\ memsw \in Nat
    /\ inCache \in [Pages -> BOOLEAN]
    /\ swapCount \in 0..2           \* never below 0: no swap_map underflow
    /\ hasCache \in BOOLEAN
    /\ swapRecord \in BOOLEAN
    /\ (~Fixed => ~hasCache)

\* Always:
\*  - mem counts the charged pages; memsw counts them plus e's own swap
\*    charge (recorded only when a page left the swap cache while a pte
\*    referenced e, so never while a page is in e's swap cache);
\*  - at most one page is in e's swap cache, and a pte references e only
\*    for a page that is not mapped;
\*  - swap_map[e] says what the ground truth is: v2.6.30 counts the ptes and
\*    the swap cache's reference; v2.6.31 counts the ptes, and the flag is
\*    set exactly while a page is in the swap cache. This is what makes
\*    "cache-only" (CacheOnly) mean something: a pte's count is never
\*    mistaken for the cache's, and the reverse.
Accounting ==
    /\ mem = Cardinality({p \in Pages : pcgUsed[p]})
    /\ memsw = mem + (IF swapRecord THEN 1 ELSE 0)
    /\ swapRecord => Cached = {}
    /\ Cardinality(Cached) <= 1
    /\ \A p \in Pages : swapPte[p] => mapcount[p] = 0
    /\ IF Fixed THEN /\ swapCount = PteRefs
                     /\ hasCache <=> Cached # {}
                ELSE swapCount = PteRefs + Cardinality(Cached)

Quiescent == \A c \in CPUs : Done(c)

\* A swap charge is held only while a page table still references the slot.
NoSwapChargeLeak == swapRecord => PteRefs > 0

\* Page p is stale: in the swap cache, nobody maps it, no pte references its
\* slot, nobody holds it (unlocked, A's reference put) and it holds no
\* charge, so it is on no memcg's LRU and memcg reclaim never sees it, while
\* it keeps the slot. Read from the page and the ptes only, not from
\* swap_map.
StalePage(p) ==
    /\ inCache[p]
    /\ mapcount[p] = 0
    /\ PteRefs = 0
    /\ ~locked[p]
    /\ ~pteRef[p]
    /\ ~pcgUsed[p]

NoStaleSwapCache == \A p \in Pages : ~StalePage(p)

\* Once every CPU is done, no swap charge and no slot is leaked by a stale
\* page. Violated by v2.6.30 AND by v2.6.31 after the seed's interleaving:
\* the mitigation does not prevent the stale page.
NoLeakAtQuiescence ==
    Quiescent => NoSwapChargeLeak /\ NoStaleSwapCache

(************************ What the mitigation gives ************************)

\* The slot is genuinely busy, read from the ground truth: a pte references
\* it (its data is needed), or its swap-cache page is locked (someone is
\* working on it: its reclaimer, or a trylock holder).
SlotBusy == PteRefs > 0 \/ \E q \in Cached : locked[q]

\* get_swap_page() fails only when the slot is genuinely busy: a slot held
\* only by an unlocked swap-cache page (stale or not) is reclaimed, never
\* reported as exhausted swap. v2.6.30 violates it (its allocator skips any
\* slot in use); v2.6.31 holds.
AllocFailsOnlyWhenBusy ==
    [][\A c \in Reclaimers : ReclaimAddToSwapFail(c) => SlotBusy]_vars

\* Under sustained swap pressure (PressureSpec) every stale page eventually
\* leaves the swap cache, freeing its slot: no slot leaks once the
\* allocator runs. v2.6.30 violates it; v2.6.31 holds.
StaleSwapCacheReclaimed ==
    \A p \in Pages : StalePage(p) ~> ~inCache[p]

(******************************* Liveness **********************************)

\* Every run finishes (checked with Spec's fairness).
Termination == <>Quiescent

=============================================================================
