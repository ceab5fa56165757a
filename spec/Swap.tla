-------------------------------- MODULE Swap --------------------------------
(***************************************************************************)
(* Swap accounting on top of the charge protocol (Charge.tla): anonymous   *)
(* pages leave memory for swap slots and come back, and their memcg        *)
(* charge follows them, with cgroup v1 (memsw counter) or cgroup v2 (swap  *)
(* counter) semantics.                                                     *)
(*                                                                         *)
(* Which kernel.  The charge steps are Charge.tla's (v3.17 to v5.7).  The  *)
(* swap side is a composite of the design as it stands since: swap-out    *)
(* moving the memsw charge to the slot at the final put design's          *)
(* mem_cgroup_swapout (0a31bc97c80c, seed 001, v3.17); the cgroup v2 swap  *)
(* counter (v4.2); records to the nearest online ancestor (1f47b61fb407,   *)
(* v4.8); and the swap-in charge BEFORE the page enters the swap cache    *)
(* (0add0c77a9bd, "memcg: charge before adding to swapcache on swapin",   *)
(* v5.13; from v5.8 to v5.12 the page was charged just after              *)
(* add_to_swap_cache), so every page in the swap cache is charged and a   *)
(* page is never visible uncharged.  mem_cgroup_swapout() moves only the  *)
(* memsw part of a page's charge to its slot; the page keeps its memory   *)
(* charge until its final put, which follows at once in reclaim (later    *)
(* kernels uncharge memory inside mem_cgroup_swapout() itself, just       *)
(* before that put).  docs/swap.md says which part comes from where.      *)
(*                                                                         *)
(* The swap device (mm/swapfile.c): per slot, swap_map[] counts the page-  *)
(* table entries that point at the slot, plus the flag SWAP_HAS_CACHE      *)
(* while a swap-cache page exists or is being set up for it (seed 002).    *)
(* Whoever takes SWAP_HAS_CACHE (swapcache_prepare, or add_to_swap's slot  *)
(* allocation) is the only CPU that may add a page for the slot to the     *)
(* swap cache; a second preparer gets -EEXIST and retries.  A slot is      *)
(* freed (swap_entry_free) only when the count AND the flag are gone, by   *)
(* the CPU that dropped the last of them: it clears the slot's swap_cgroup *)
(* record, uncharges the slot and drops the record's memcg reference.      *)
(*                                                                         *)
(* The paths (one per CPU at a time, interleaved at the kernel's locks):   *)
(*   - Charge.tla's anonymous fault, map, unmap, get/put, final put;       *)
(*   - reclaim of an anon page (shrink_page_list): Reclaim (isolate and   *)
(*     lock), AddToSwap (slot + swap cache), TryToUnmap (each pte becomes  *)
(*     a swap entry), SwapOut (__remove_mapping + mem_cgroup_swapout), or  *)
(*     ReclaimAbort when the page cannot be freed;                         *)
(*   - the swap-in fault (do_swap_page): SwapinHit on a swap-cache page,  *)
(*     or SwapinAlloc, SwapcachePrepare, SwapInCharge, AddToSwapCache,     *)
(*     SwapinUnchargeSwap (v1), and SwapinMap;                             *)
(*   - exit/munmap of a swap pte (FreeSwapAndCache), freeing a cache-only  *)
(*     swap page (DeleteFromSwapCache), freeing a dead slot (SwapSlotFree); *)
(*   - cgroup removal: Offline, then Free of the memcg structure.          *)
(*                                                                         *)
(* Accounting modes, per behaviour (a variable fixed by Init, so that one  *)
(* model explores both):                                                   *)
(*   version 1: memsw = memory + swap.  TryCharge charges memory and memsw; *)
(*     SwapOut moves the page's memsw part to the slot (the page keeps    *)
(*     memory); SwapInCharge charges memory and memsw to the new page and  *)
(*     SwapinUnchargeSwap then drops the slot's part.  memsw.max is left   *)
(*     unlimited: a memsw limit fails a charge exactly as memory.max does. *)
(*   version 2: a separate swap counter, charged per slot when reclaim    *)
(*     allocates it (mem_cgroup_try_charge_swap, against swap.max, which  *)
(*     can fail: the page then stays in memory), uncharged when the slot  *)
(*     is freed.  Swap-in charges memory only.                             *)
(*                                                                         *)
(* Memcg lifetime: a non-root memcg is online, then offline (rmdir), then  *)
(* freed once nothing refers to it: no owned page, no swap record, no     *)
(* charging CPU, no live child.  Swap from an offline memcg is recorded to *)
(* its nearest online ancestor (1f47b61fb407).  The first level below the  *)
(* root stays online, so records and charges never fall back to the root,  *)
(* whose own charges this model leaves out (as Charge.tla does).           *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

CONSTANTS
    CPUs, Pages, Indexes, NMemcg, Fanout, Limit, MaxMap,   \* as in Charge.tla
    NoMemcg, NoPage, NoIndex,                              \* as in Charge.tla
    Slots,      \* the swap slots of one swap device, model values
    NoSlot,     \* model value: "no slot"
    Versions,   \* the accounting modes to explore: a subset of {1, 2}
    SwapMax     \* cgroup v2 swap.max of the memcgs below the first level, in slots

ASSUME Versions \subseteq {1, 2} /\ Versions /= {} /\ SwapMax \in Nat

VARIABLES
    \* --- Charge.tla's variables, same meaning ---
    pc, held, chargeTo, index, refcount, mapcount, owner, locked, cache, usage,
    \* --- the accounting mode ---
    version,    \* 1 (memsw) or 2 (swap counter), fixed for a behaviour
    \* --- per CPU ---
    slot,       \* slot[c]: the swap slot CPU c works on, or NoSlot
    \* --- the swap device (mm/swapfile.c, mm/swap_state.c, mm/swap_cgroup.c) ---
    allocated,  \* allocated[s]: s is in use (get_swap_page .. swap_entry_free)
    swapMap,    \* swapMap[s]: swap_map count: page-table entries pointing at s
    hasCache,   \* hasCache[s]: SWAP_HAS_CACHE
    swapCache,  \* swapCache[s]: the page in the swap cache for s, or NoPage
    record,     \* record[s]: swap_cgroup id: the memcg s is charged to, or NoMemcg
    \* --- per page, v1 only ---
    memswPart,  \* memswPart[p]: p's charge includes memsw (PCG_MEMSW; v1)
    \* --- per memcg ---
    memsw,      \* memsw[m]: v1 memory+swap page_counter (0 on v2)
    swap,       \* swap[m]: v2 swap page_counter (0 on v1)
    state       \* state[m]: "online", "offline" or "freed"

(* Variable groups for UNCHANGED, as in raft.tla (Charge.tla's two, and    *)
(* two of swap's); vars is their concatenation, in declaration order.      *)
(* version, slot and state stay single variables.  Charge.tla's groups are *)
(* restated here: TLC 2.18 cannot take UNCHANGED C!cpuVars (it evaluates   *)
(* the instantiated tuple in the half-built next state and stops with "pc  *)
(* is either undefined or not an operator").                               *)
cpuVars == <<pc, held, chargeTo, index>>            \* as Charge.tla's: per CPU, its mm path
folioVars == <<refcount, mapcount, owner, locked>>  \* as Charge.tla's: per page, struct folio
deviceVars == <<allocated, swapMap, hasCache, swapCache, record>>  \* the swap device, per slot
swapAcctVars == <<memswPart, memsw, swap>>  \* swap side of the charge: PCG_MEMSW, memsw, swap counters
chargeVars == <<cpuVars, folioVars, cache, usage>>  \* Charge.tla's variables, as its vars
swapVars == <<version, slot, deviceVars, swapAcctVars, state>>
vars == <<chargeVars, swapVars>>

(* The charge protocol, whose steps this spec reuses where swap does not  *)
(* change them.                                                             *)
C == INSTANCE Charge

Memcgs == C!Memcgs
Root == C!Root
TaskMemcgs == C!TaskMemcgs
PC == INSTANCE PageCounter WITH Parent <- C!Parent, Max <- C!Max

(* Swap-side program counters.  "reclaim": the CPU has isolated and locked *)
(* an anon page (shrink_page_list).  "swapin_*": do_swap_page on slot[c]:  *)
(* "alloc" has a new page, "prepared" holds SWAP_HAS_CACHE and the locked  *)
(* page, "charged" has charged it, "added" (v1) has added it to the swap   *)
(* cache and not yet dropped the slot's memsw charge, "read" is ready to   *)
(* map it, "hit" found a page in the swap cache, "nomem" failed its        *)
(* charge.  "slot_free": the CPU dropped the last use of slot[c] and frees *)
(* it next.                                                                *)
SwapPCs == {"reclaim",
            "swapin_alloc", "swapin_prepared", "swapin_charged", "swapin_added",
            "swapin_read", "swapin_hit", "swapin_nomem",
            "slot_free"}
PCs == C!PCs \cup SwapPCs

InSwapCache(p) == \E s \in Slots : swapCache[s] = p
SlotOf(p) == IF InSwapCache(p) THEN CHOOSE s \in Slots : swapCache[s] = p ELSE NoSlot
Online(m) == state[m] = "online"

(* mem_cgroup_id_get_online: the nearest online ancestor of m (m itself if *)
(* online). *)
NearestOnline(m) ==
    LET path == PC!PathToRoot(m)
        i == CHOOSE i \in DOMAIN path :
                /\ Online(path[i])
                /\ \A j \in 1..(i-1) : ~Online(path[j])
    IN path[i]

(* Counter changes for a swap record: the root's own counters are never   *)
(* charged (its counters see only its children's charges), as in the     *)
(* kernel's "if (!mem_cgroup_is_root(memcg))" around each of them.         *)
ChargeRec(ctr, m) == IF m = Root THEN ctr ELSE PC!ForceCharge(ctr, m, 1)
UnchargeRec(ctr, m) == IF m = Root THEN ctr ELSE PC!Uncharge(ctr, m, 1)

(* The memcgs that may be removed: below the first level (see header). *)
Removable == {m \in TaskMemcgs : C!Parent[m] /= Root}

(* swap.max per memcg (v2): SwapMax below the first level; the root and  *)
(* the first level are unlimited.  So with SwapMax = 0 a memcg that may   *)
(* go offline cannot swap while it is online (memory.swap.max = 0, as     *)
(* users set it), and its pages swap to its parent once it is offline.    *)
SwapMaxOf == [m \in Memcgs |-> IF m = Root \/ C!Parent[m] = Root THEN Cardinality(Slots) ELSE SwapMax]
PS == INSTANCE PageCounter WITH Parent <- C!Parent, Max <- SwapMaxOf

TypeOK ==
    /\ pc \in [CPUs -> PCs]
    /\ held \in [CPUs -> Pages \cup {NoPage}]
    /\ chargeTo \in [CPUs -> TaskMemcgs \cup {NoMemcg}]
    /\ index \in [CPUs -> Indexes \cup {NoIndex}]
    /\ refcount \in [Pages -> Nat]
    /\ mapcount \in [Pages -> 0..MaxMap]
    /\ owner \in [Pages -> TaskMemcgs \cup {NoMemcg}]
    /\ locked \in [Pages -> BOOLEAN]
    /\ cache \in [Indexes -> Pages \cup {NoPage}]
    /\ usage \in [Memcgs -> Int]
    /\ version \in Versions
    /\ slot \in [CPUs -> Slots \cup {NoSlot}]
    /\ allocated \in [Slots -> BOOLEAN]
    /\ swapMap \in [Slots -> 0..MaxMap]
    /\ hasCache \in [Slots -> BOOLEAN]
    /\ swapCache \in [Slots -> Pages \cup {NoPage}]
    /\ record \in [Slots -> Memcgs \cup {NoMemcg}]
    /\ memswPart \in [Pages -> BOOLEAN]
    /\ memsw \in [Memcgs -> Int]
    /\ swap \in [Memcgs -> Int]
    /\ state \in [Memcgs -> {"online", "offline", "freed"}]

Init ==
    /\ C!Init
    /\ version \in Versions
    /\ slot = [c \in CPUs |-> NoSlot]
    /\ allocated = [s \in Slots |-> FALSE]
    /\ swapMap = [s \in Slots |-> 0]
    /\ hasCache = [s \in Slots |-> FALSE]
    /\ swapCache = [s \in Slots |-> NoPage]
    /\ record = [s \in Slots |-> NoMemcg]
    /\ memswPart = [p \in Pages |-> FALSE]
    /\ memsw = [m \in Memcgs |-> 0]
    /\ swap = [m \in Memcgs |-> 0]
    /\ state = [m \in Memcgs |-> "online"]

(* The CPU that dropped the last use of slot s frees it next; else it goes *)
(* on to drop the page it holds, or is done.                               *)
AfterDrop(c, s, dead) ==
    /\ pc' = [pc EXCEPT ![c] = IF dead THEN "slot_free"
                               ELSE IF held[c] /= NoPage THEN "put" ELSE "idle"]
    /\ slot' = [slot EXCEPT ![c] = IF dead THEN s ELSE NoSlot]

(***************************************************************************)
(* Charge.tla's steps.  Unchanged where swap does not touch them; on v1    *)
(* every memory charge is also a memsw charge.                             *)
(***************************************************************************)

(* alloc_zeroed_user_highpage_movable, for a task of an online memcg (a   *)
(* removed memcg has no tasks: cgroup_rmdir needs an empty cgroup).        *)
AllocAnon(c, p, m) ==
    /\ Online(m)
    /\ C!AllocAnon(c, p, m)
    /\ UNCHANGED swapVars

(* page_cache_alloc + __SetPageLocked (Charge.tla), for an online memcg. *)
AllocCache(c, p, m, i) ==
    /\ Online(m)
    /\ C!AllocCache(c, p, m, i)
    /\ UNCHANGED swapVars

(* mem_cgroup_try_charge -> try_charge: Charge.tla's step; on v1 the memsw *)
(* counter is charged with memory (memsw.max is unlimited in this model). *)
TryCharge(c) ==
    /\ C!TryCharge(c)
    /\ memsw' = IF version = 1 /\ pc'[c] /= "put" THEN PC!TryCharge(memsw, chargeTo[c], 1) ELSE memsw
    /\ memswPart' = memswPart
    /\ UNCHANGED <<version, slot, deviceVars, swap, state>>

(* mem_cgroup_commit_charge: Charge.tla's step; on v1 the page's charge  *)
(* covers memsw (PCG_MEMSW).                                               *)
CommitCharge(c) ==
    /\ C!CommitCharge(c)
    /\ memswPart' = [memswPart EXCEPT ![held[c]] = (version = 1)]
    /\ UNCHANGED <<version, slot, deviceVars, memsw, swap, state>>

(* mem_cgroup_cancel_charge: Charge.tla's step, and memsw on v1. *)
CancelCharge(c) ==
    /\ C!CancelCharge(c)
    /\ memsw' = IF version = 1 THEN PC!Uncharge(memsw, chargeTo[c], 1) ELSE memsw
    /\ UNCHANGED <<version, slot, deviceVars, memswPart, swap, state>>

MapAnon(c) == C!MapAnon(c) /\ UNCHANGED swapVars
AddToCache(c) == C!AddToCache(c) /\ UNCHANGED swapVars
UnlockPage(c) == C!UnlockPage(c) /\ UNCHANGED swapVars
(* Fork's copy of a pte (Charge.tla).  MaxMap bounds the ptes that point  *)
(* at the page or at its slot together: TryToUnmap and SwapinMap turn one  *)
(* into the other and keep the sum.                                         *)
Map(c, p) ==
    /\ mapcount[p] + (IF InSwapCache(p) THEN swapMap[SlotOf(p)] ELSE 0) < MaxMap
    /\ C!Map(c, p)
    /\ UNCHANGED swapVars
Unmap(c, p) == C!Unmap(c, p) /\ UNCHANGED swapVars
GetPage(c, p) == C!GetPage(c, p) /\ UNCHANGED swapVars
DeleteFromCache(c, i) == C!DeleteFromCache(c, i) /\ UNCHANGED swapVars
PutPage(c) == C!PutPage(c) /\ UNCHANGED swapVars

(* The final put: mem_cgroup_uncharge.  On v1 the memsw part goes too,    *)
(* unless SwapOut already moved it to the page's slot.                     *)
Uncharge(c) ==
    /\ C!Uncharge(c)
    /\ LET p == held[c] IN
          /\ memsw' = IF owner[p] /= NoMemcg /\ memswPart[p] THEN PC!Uncharge(memsw, owner[p], 1) ELSE memsw
          /\ memswPart' = [memswPart EXCEPT ![p] = FALSE]
    /\ UNCHANGED <<version, slot, deviceVars, swap, state>>

(***************************************************************************)
(* Reclaim of an anonymous page: shrink_page_list.                         *)
(***************************************************************************)

(* isolate_lru_pages + trylock_page: reclaim picks an anon page from its   *)
(* memcg's LRU (so a charged one: a page joins the LRU only after its     *)
(* charge is committed), takes the isolation reference and the page lock. *)
(* An anon page is mapped or in the swap cache; page-cache pages are       *)
(* reclaimed by DeleteFromCache.                                           *)
Reclaim(c, p) ==
    /\ pc[c] = "idle"
    /\ owner[p] /= NoMemcg
    /\ ~locked[p]
    /\ ~C!InCache(p)
    /\ mapcount[p] > 0 \/ InSwapCache(p)
    /\ pc' = [pc EXCEPT ![c] = "reclaim"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ slot' = [slot EXCEPT ![c] = SlotOf(p)]
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ locked' = [locked EXCEPT ![p] = TRUE]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, cache, usage,
                   version, deviceVars, swapAcctVars, state>>

(* add_to_swap: get_swap_page allocates a free slot s with SWAP_HAS_CACHE *)
(* set (count 0: no pte points at it yet, so no other CPU can reach it),   *)
(* and add_to_swap_cache puts the locked page in the swap cache, which     *)
(* takes a reference.  On v2, mem_cgroup_try_charge_swap (inside the slot  *)
(* allocation) records the slot to the page's memcg, or its nearest       *)
(* online ancestor, and charges that memcg's swap counter; if swap.max    *)
(* forbids it the slot is given back at once (put_swap_page) and the page  *)
(* stays in memory: reclaim puts it back (activate_locked), unlocked.      *)
AddToSwap(c, s) ==
    /\ pc[c] = "reclaim"
    /\ ~InSwapCache(held[c])
    /\ ~allocated[s]
    /\ LET p == held[c]
           a == NearestOnline(owner[p])
           ok == version = 1 \/ a = Root \/ PS!CanCharge(swap, a, 1)
       IN IF ok
          THEN /\ allocated' = [allocated EXCEPT ![s] = TRUE]
               /\ hasCache' = [hasCache EXCEPT ![s] = TRUE]
               /\ swapCache' = [swapCache EXCEPT ![s] = p]
               /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
               /\ record' = IF version = 2 THEN [record EXCEPT ![s] = a] ELSE record
               /\ swap' = IF version = 2 THEN ChargeRec(swap, a) ELSE swap
               /\ slot' = [slot EXCEPT ![c] = s]
               /\ UNCHANGED <<pc, locked>>
          ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
               /\ locked' = [locked EXCEPT ![p] = FALSE]
               /\ UNCHANGED <<allocated, hasCache, swapCache, refcount, record, swap, slot>>
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, cache, usage,
                   version, swapMap, memswPart, memsw, state>>

(* try_to_unmap_one: under the pte lock, one pte of the page becomes its  *)
(* swap entry: swap_duplicate raises the slot's count, the mapping's      *)
(* reference is dropped (page_remove_rmap + put_page).                     *)
TryToUnmap(c) ==
    /\ pc[c] = "reclaim"
    /\ slot[c] /= NoSlot
    /\ mapcount[held[c]] > 0
    /\ mapcount' = [mapcount EXCEPT ![held[c]] = @ - 1]
    /\ refcount' = [refcount EXCEPT ![held[c]] = @ - 1]
    /\ swapMap' = [swapMap EXCEPT ![slot[c]] = @ + 1]
    /\ UNCHANGED <<cpuVars, owner, locked, cache, usage,
                   version, slot, allocated, hasCache, swapCache, record, swapAcctVars, state>>

(* __remove_mapping on a swap-cache page: page_ref_freeze succeeds only    *)
(* when the swap cache and the reclaimer hold the only references (no     *)
(* mapping, no speculative reference).  Then, under the xarray lock:       *)
(* __delete_from_swap_cache; mem_cgroup_swapout, which on v1 records the  *)
(* page's memcg in swap_cgroup, or its nearest online ancestor if it is    *)
(* offline (1f47b61fb407: recording nothing leaked the charge), and moves *)
(* the memsw part of the charge to the slot (page_counter_charge on the   *)
(* recorded memcg, uncharge on the owner) while the page keeps its memory *)
(* charge; v2 recorded the slot at allocation and does nothing here.      *)
(* put_swap_page clears SWAP_HAS_CACHE: if no pte points at the slot any  *)
(* more, the slot is dead and this CPU frees it next.  The page is         *)
(* unlocked and its last reference (the reclaimer's) is dropped next.     *)
SwapOut(c) ==
    /\ pc[c] = "reclaim"
    /\ slot[c] /= NoSlot
    /\ LET p == held[c]
           s == slot[c]
           o == owner[p]
           a == NearestOnline(o)
       IN /\ mapcount[p] = 0
          /\ refcount[p] = 2
          /\ swapCache' = [swapCache EXCEPT ![s] = NoPage]
          /\ refcount' = [refcount EXCEPT ![p] = 1]
          /\ locked' = [locked EXCEPT ![p] = FALSE]
          /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
          /\ IF version = 1
               THEN /\ record' = [record EXCEPT ![s] = a]
                    /\ memswPart' = [memswPart EXCEPT ![p] = FALSE]
                    /\ memsw' = IF a = o THEN memsw
                                ELSE PC!Uncharge(ChargeRec(memsw, a), o, 1)
               ELSE UNCHANGED <<record, memswPart, memsw>>
          /\ AfterDrop(c, s, swapMap[s] = 0)
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, cache, usage,
                   version, allocated, swapMap, swap, state>>

(* shrink_page_list gives up (keep_locked / activate_locked): no free slot *)
(* for a page not in the swap cache (swap is full), or the freeze fails    *)
(* because someone else holds a reference.  The page is unlocked and      *)
(* stays as it is (in the swap cache if it was added); the isolation       *)
(* reference is dropped next.                                              *)
ReclaimAbort(c) ==
    /\ pc[c] = "reclaim"
    /\ LET p == held[c] IN
          \/ ~InSwapCache(p) /\ \A s \in Slots : allocated[s]
          \/ InSwapCache(p) /\ mapcount[p] = 0 /\ refcount[p] /= 2
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ slot' = [slot EXCEPT ![c] = NoSlot]
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, cache, usage,
                   version, deviceVars, swapAcctVars, state>>

(***************************************************************************)
(* The swap-in fault: do_swap_page -> swapin_readahead ->                  *)
(* __read_swap_cache_async.  A fault needs a pte holding the slot's swap   *)
(* entry: some of the slot's count is the faulting process's.             *)
(***************************************************************************)

(* lookup_swap_cache finds a page in the swap cache and takes a reference *)
(* (folio_try_get; a swap-cache page has the cache's reference, so it     *)
(* cannot fail).                                                           *)
SwapinHit(c, s) ==
    /\ pc[c] = "idle"
    /\ swapMap[s] > 0
    /\ swapCache[s] /= NoPage
    /\ pc' = [pc EXCEPT ![c] = "swapin_hit"]
    /\ held' = [held EXCEPT ![c] = swapCache[s]]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ refcount' = [refcount EXCEPT ![swapCache[s]] = @ + 1]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, cache, usage,
                   version, deviceVars, swapAcctVars, state>>

(* Nothing in the swap cache: alloc_page_vma allocates a new page, private *)
(* to this CPU, for a fault of a task in (online) memcg m.                 *)
SwapinAlloc(c, s, p, m) ==
    /\ pc[c] = "idle"
    /\ swapMap[s] > 0
    /\ swapCache[s] = NoPage
    /\ refcount[p] = 0
    /\ Online(m)
    /\ pc' = [pc EXCEPT ![c] = "swapin_alloc"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = m]
    /\ refcount' = [refcount EXCEPT ![p] = 1]
    /\ UNCHANGED <<index, mapcount, owner, locked, cache, usage,
                   version, deviceVars, swapAcctVars, state>>

(* swapcache_prepare (under the swap device lock): take SWAP_HAS_CACHE.   *)
(* -EEXIST if another CPU holds it (it is adding or removing a swap-cache *)
(* page for s); -ENOENT if the slot is no longer used (our pte was zapped *)
(* meanwhile).  Either way the new page is freed, unowned; after -EEXIST  *)
(* the kernel loops back to the lookup, which this model takes as a new   *)
(* fault.  On success the page is locked (__SetPageLocked) and only this  *)
(* CPU may add a page for s to the swap cache.  Without SWAP_HAS_CACHE,   *)
(* seed 002's Type-1 race left a page in the swap cache that no memcg     *)
(* owned (spec/history/).                                                  *)
SwapcachePrepare(c) ==
    /\ pc[c] = "swapin_alloc"
    /\ LET s == slot[c] IN
          IF ~hasCache[s] /\ swapMap[s] > 0
            THEN /\ hasCache' = [hasCache EXCEPT ![s] = TRUE]
                 /\ locked' = [locked EXCEPT ![held[c]] = TRUE]
                 /\ pc' = [pc EXCEPT ![c] = "swapin_prepared"]
                 /\ UNCHANGED <<chargeTo, slot>>
            ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
                 /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
                 /\ slot' = [slot EXCEPT ![c] = NoSlot]
                 /\ UNCHANGED <<hasCache, locked>>
    /\ UNCHANGED <<held, index, refcount, mapcount, owner, cache, usage,
                   version, allocated, swapMap, swapCache, record, swapAcctVars, state>>

(* mem_cgroup_swapin_charge_folio (v5.8+): charge the new page BEFORE it  *)
(* enters the swap cache, try_charge and commit_charge in one step (the   *)
(* page is private and locked).  The memcg is the one recorded for the    *)
(* slot if css_tryget_online succeeds on it, else the faulting task's.    *)
(* On v1 the charge covers memsw too; the slot's memsw charge is dropped  *)
(* after the page is in the swap cache (SwapinUnchargeSwap).  On failure  *)
(* (-ENOMEM) the fault gives SWAP_HAS_CACHE back (SwapcacheFree).          *)
SwapInCharge(c) ==
    /\ pc[c] = "swapin_prepared"
    /\ LET p == held[c]
           r == record[slot[c]]
           t == IF r /= NoMemcg /\ Online(r) THEN r ELSE chargeTo[c]
       IN IF PC!CanCharge(usage, t, 1)
            THEN /\ usage' = PC!TryCharge(usage, t, 1)
                 /\ owner' = [owner EXCEPT ![p] = t]
                 /\ memsw' = IF version = 1 THEN PC!TryCharge(memsw, t, 1) ELSE memsw
                 /\ memswPart' = [memswPart EXCEPT ![p] = (version = 1)]
                 /\ pc' = [pc EXCEPT ![c] = "swapin_charged"]
            ELSE /\ pc' = [pc EXCEPT ![c] = "swapin_nomem"]
                 /\ UNCHANGED <<usage, owner, memsw, memswPart>>
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, index, refcount, mapcount, locked, cache,
                   version, slot, deviceVars, swap, state>>

(* add_to_swap_cache: the charged, locked page enters the swap cache for  *)
(* its slot (ours alone: we hold SWAP_HAS_CACHE), which takes a reference. *)
(* On v1 the slot's memsw charge is dropped next; on v2 the page is read  *)
(* (swap_readpage) and mapped.                                              *)
AddToSwapCache(c) ==
    /\ pc[c] = "swapin_charged"
    /\ swapCache' = [swapCache EXCEPT ![slot[c]] = held[c]]
    /\ refcount' = [refcount EXCEPT ![held[c]] = @ + 1]
    /\ pc' = [pc EXCEPT ![c] = IF version = 1 THEN "swapin_added" ELSE "swapin_read"]
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, locked, cache, usage,
                   version, slot, allocated, swapMap, hasCache, record, swapAcctVars, state>>

(* mem_cgroup_swapin_uncharge_swap (v1 only): the page's new charge      *)
(* covers memory+swap, so the slot's memsw charge is dropped now rather   *)
(* than when the slot dies (it may live on as long as other ptes point at *)
(* it, and would count the page twice all that time): the record is       *)
(* cleared (swap_cgroup_record to 0), memsw uncharged, the memcg id       *)
(* reference dropped.  Between SwapInCharge and this step (the swap-in    *)
(* window) memsw counts the page twice, in the page and in the slot:      *)
(* memsw = memory + recorded slots still holds, and this is the only      *)
(* place where a page in the swap cache has a recorded slot               *)
(* (NoDoubleChargeOutsideSwapinWindow).                                    *)
SwapinUnchargeSwap(c) ==
    /\ pc[c] = "swapin_added"
    /\ LET s == slot[c]
           r == record[s]
       IN /\ record' = [record EXCEPT ![s] = NoMemcg]
          /\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw
    /\ pc' = [pc EXCEPT ![c] = "swapin_read"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage,
                   version, slot, allocated, swapMap, hasCache, swapCache, memswPart, swap, state>>

(* The rest of do_swap_page, under the page lock (lock_page: the reading  *)
(* CPU holds it already, a CPU that hit in the swap cache waits for it)   *)
(* and the pte lock: if the pte still holds the swap entry (pte_same) and *)
(* the page is still the slot's swap-cache page, map it (the fault's      *)
(* reference becomes the mapping's) and swap_free the entry (the count    *)
(* drops; SWAP_HAS_CACHE keeps the slot).  Otherwise another thread       *)
(* faulted it first, or the pte was zapped, or the page left the swap      *)
(* cache: unlock and drop the reference.  No charge here: the page was    *)
(* charged before it entered the swap cache.                               *)
SwapinMap(c) ==
    /\ pc[c] \in {"swapin_read", "swapin_hit"}
    /\ LET p == held[c]
           s == slot[c]
       IN /\ pc[c] = "swapin_hit" => ~locked[p]
          /\ IF swapCache[s] = p /\ swapMap[s] > 0
               THEN /\ mapcount' = [mapcount EXCEPT ![p] = @ + 1]
                    /\ swapMap' = [swapMap EXCEPT ![s] = @ - 1]
                    /\ pc' = [pc EXCEPT ![c] = "idle"]
                    /\ held' = [held EXCEPT ![c] = NoPage]
               ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
                    /\ UNCHANGED <<mapcount, swapMap, held>>
          /\ locked' = [locked EXCEPT ![p] = FALSE]
    /\ slot' = [slot EXCEPT ![c] = NoSlot]
    /\ UNCHANGED <<chargeTo, index, refcount, owner, cache, usage,
                   version, allocated, hasCache, swapCache, record, swapAcctVars, state>>

(* put_swap_page (swapcache_free) after a failed swap-in charge: give     *)
(* SWAP_HAS_CACHE back and unlock the page, which is then freed unowned.  *)
(* If our pte was zapped meanwhile the slot is dead: free it first.        *)
SwapcacheFree(c) ==
    /\ pc[c] = "swapin_nomem"
    /\ LET s == slot[c] IN
          /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
          /\ AfterDrop(c, s, swapMap[s] = 0)
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, cache, usage,
                   version, allocated, swapMap, swapCache, record, swapAcctVars, state>>

(***************************************************************************)
(* Dropping swap entries and slots.                                        *)
(***************************************************************************)

(* zap_pte_range on a swap pte (exit, munmap): free_swap_and_cache drops   *)
(* one count of slot s under the swap device lock.  If that was the last  *)
(* use (no pte and no SWAP_HAS_CACHE), the slot is dead and this CPU frees *)
(* it next.  A swap-cache page left with no pte is freed from the cache by *)
(* DeleteFromSwapCache (here, or later by reclaim of cache-only swap).     *)
FreeSwapAndCache(c, s) ==
    /\ pc[c] = "idle"
    /\ swapMap[s] > 0
    /\ swapMap' = [swapMap EXCEPT ![s] = @ - 1]
    /\ AfterDrop(c, s, swapMap[s] = 1 /\ ~hasCache[s])
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage,
                   version, allocated, hasCache, swapCache, record, swapAcctVars, state>>

(* try_to_free_swap (free_swap_and_cache's __try_to_reclaim_swap, do_swap_ *)
(* page when swap is full, cache-only swap reclaim): a swap-cache page     *)
(* whose slot no pte points at any more leaves the swap cache, under its   *)
(* page lock (trylock: a locked page is skipped): delete_from_swap_cache,  *)
(* then put_swap_page clears SWAP_HAS_CACHE, which kills the slot; the     *)
(* cache's reference is now this CPU's to drop, after it frees the slot.   *)
(* The page keeps its charge (a mapped page stays mapped, as a plain anon  *)
(* page): nothing is uncharged before the final put.                       *)
DeleteFromSwapCache(c, s) ==
    /\ pc[c] = "idle"
    /\ swapCache[s] /= NoPage
    /\ ~locked[swapCache[s]]
    /\ swapMap[s] = 0
    /\ swapCache' = [swapCache EXCEPT ![s] = NoPage]
    /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
    /\ held' = [held EXCEPT ![c] = swapCache[s]]
    /\ pc' = [pc EXCEPT ![c] = "slot_free"]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ UNCHANGED <<chargeTo, index, folioVars, cache, usage,
                   version, allocated, swapMap, record, swapAcctVars, state>>

(* swap_entry_free (today via swapcache_free_entries): the dead slot is   *)
(* freed: mem_cgroup_uncharge_swap clears its swap_cgroup record,         *)
(* uncharges the recorded memcg's swap (v2) or memsw (v1) counter and      *)
(* drops the record's memcg reference; the slot can be allocated again.   *)
SwapSlotFree(c) ==
    /\ pc[c] = "slot_free"
    /\ LET s == slot[c]
           r == record[s]
       IN /\ allocated' = [allocated EXCEPT ![s] = FALSE]
          /\ record' = [record EXCEPT ![s] = NoMemcg]
          /\ memsw' = IF version = 1 /\ r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw
          /\ swap' = IF version = 2 /\ r /= NoMemcg THEN UnchargeRec(swap, r) ELSE swap
    /\ pc' = [pc EXCEPT ![c] = IF held[c] /= NoPage THEN "put" ELSE "idle"]
    /\ slot' = [slot EXCEPT ![c] = NoSlot]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage,
                   version, swapMap, hasCache, swapCache, memswPart, state>>

(***************************************************************************)
(* Memcg lifetime.                                                         *)
(***************************************************************************)

(* cgroup_rmdir -> mem_cgroup_css_offline: the cgroup has no tasks (no CPU *)
(* faults for it) and no online child.  Its pages keep their charges and  *)
(* its swap records stay; new swap records go to an online ancestor.      *)
Offline(m) ==
    /\ m \in Removable
    /\ Online(m)
    /\ \A d \in PC!Children(m) : ~Online(d)
    /\ \A c \in CPUs : chargeTo[c] /= m
    /\ state' = [state EXCEPT ![m] = "offline"]
    /\ UNCHANGED <<chargeVars, version, slot, deviceVars, swapAcctVars>>

(* mem_cgroup_css_free, after the last css reference is put: every charged *)
(* page, every swap record (through the memcg id), every charging CPU and  *)
(* every child holds one.                                                  *)
Free(m) ==
    /\ state[m] = "offline"
    /\ \A p \in Pages : owner[p] /= m
    /\ \A s \in Slots : record[s] /= m
    /\ \A c \in CPUs : chargeTo[c] /= m
    /\ \A d \in PC!Children(m) : state[d] = "freed"
    /\ state' = [state EXCEPT ![m] = "freed"]
    /\ UNCHANGED <<chargeVars, version, slot, deviceVars, swapAcctVars>>

Next ==
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs : AllocAnon(c, p, m)
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs, i \in Indexes : AllocCache(c, p, m, i)
    \/ \E c \in CPUs : TryCharge(c)
    \/ \E c \in CPUs : CommitCharge(c)
    \/ \E c \in CPUs : CancelCharge(c)
    \/ \E c \in CPUs : MapAnon(c)
    \/ \E c \in CPUs : AddToCache(c)
    \/ \E c \in CPUs : UnlockPage(c)
    \/ \E c \in CPUs, p \in Pages : Map(c, p)
    \/ \E c \in CPUs, p \in Pages : Unmap(c, p)
    \/ \E c \in CPUs, p \in Pages : GetPage(c, p)
    \/ \E c \in CPUs, i \in Indexes : DeleteFromCache(c, i)
    \/ \E c \in CPUs : PutPage(c)
    \/ \E c \in CPUs : Uncharge(c)
    \/ \E c \in CPUs, p \in Pages : Reclaim(c, p)
    \/ \E c \in CPUs, s \in Slots : AddToSwap(c, s)
    \/ \E c \in CPUs : TryToUnmap(c)
    \/ \E c \in CPUs : SwapOut(c)
    \/ \E c \in CPUs : ReclaimAbort(c)
    \/ \E c \in CPUs, s \in Slots : SwapinHit(c, s)
    \/ \E c \in CPUs, s \in Slots, p \in Pages, m \in TaskMemcgs : SwapinAlloc(c, s, p, m)
    \/ \E c \in CPUs : SwapcachePrepare(c)
    \/ \E c \in CPUs : SwapInCharge(c)
    \/ \E c \in CPUs : AddToSwapCache(c)
    \/ \E c \in CPUs : SwapinUnchargeSwap(c)
    \/ \E c \in CPUs : SwapinMap(c)
    \/ \E c \in CPUs : SwapcacheFree(c)
    \/ \E c \in CPUs, s \in Slots : FreeSwapAndCache(c, s)
    \/ \E c \in CPUs, s \in Slots : DeleteFromSwapCache(c, s)
    \/ \E c \in CPUs : SwapSlotFree(c)
    \/ \E m \in TaskMemcgs : Offline(m)
    \/ \E m \in TaskMemcgs : Free(m)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Invariants.  Charge.tla's hold unchanged (Conservation, Hierarchy,      *)
(* OwnedPagesLive, PendingPageUnowned, CommittedIsOwned, NoUnderflow,      *)
(* WithinLimit, ChargeUnderExclusion: the cfg names them as C!...); the    *)
(* ones below are about swap.                                              *)
(***************************************************************************)

Conservation == C!Conservation
Hierarchy == C!Hierarchy
OwnedPagesLive == C!OwnedPagesLive
PendingPageUnowned == C!PendingPageUnowned
CommittedIsOwned == C!CommittedIsOwned
WithinLimit == C!WithinLimit
ChargeUnderExclusion == C!ChargeUnderExclusion

(* The slots recorded in m's subtree (the root's own records charge no    *)
(* counter, as in the kernel).                                              *)
Recorded(m) == Cardinality({s \in Slots : record[s] \in PC!Subtree(m) \ {Root}})

(* v1: the charged pages of m's subtree whose charge still includes memsw, *)
(* plus the pending charges there (a TryCharge charges both counters).     *)
MemswOfPages(m) ==
    Cardinality({p \in Pages : owner[p] \in PC!Subtree(m) /\ memswPart[p]})
    + Cardinality({c \in CPUs : pc[c] \in C!PendingPCs /\ chargeTo[c] \in PC!Subtree(m)})

(* The swap-out window (v1): pages swapped out (their memsw part moved to  *)
(* the slot) whose memory charge awaits the final put.                     *)
SwapoutWindow(m) == Cardinality({p \in Pages : owner[p] \in PC!Subtree(m) /\ ~memswPart[p]})

(* Every reference is accounted for: mappings, the page cache, the swap   *)
(* cache, CPUs. *)
RefcountBalance ==
    \A p \in Pages :
        refcount[p] = mapcount[p] + (IF C!InCache(p) THEN 1 ELSE 0)
                      + (IF InSwapCache(p) THEN 1 ELSE 0) + Cardinality(C!Holders(p))

NoUnderflow ==
    \A m \in Memcgs : usage[m] >= 0 /\ memsw[m] >= 0 /\ swap[m] >= 0

(* v1: memsw counts each page charged with memsw, pending charges, and     *)
(* each recorded slot.                                                     *)
MemswConservation ==
    version = 1 => \A m \in Memcgs : memsw[m] = MemswOfPages(m) + Recorded(m)

(* v1, as the documentation puts it: memsw = memory + swap.  Exactly, the  *)
(* pages in the swap-out window count in memory and no longer in memsw     *)
(* (their memsw part is their slot's); so memsw >= memory whenever that    *)
(* window is empty.  In the swap-in window both the new page and its slot *)
(* count in memsw, which the equation includes (the slot is recorded).    *)
MemswIsMemoryPlusSwap ==
    version = 1 => \A m \in Memcgs : memsw[m] = usage[m] + Recorded(m) - SwapoutWindow(m)
MemswCoversMemory ==
    version = 1 => \A m \in Memcgs : SwapoutWindow(m) = 0 => memsw[m] >= usage[m]

(* v1: a page charged for memsw whose slot is still recorded is counted   *)
(* twice; that happens only in the swap-in window, between SwapInCharge   *)
(* and SwapinUnchargeSwap, on the CPU that swaps the page in.              *)
SwapinWindow(c) == pc[c] \in {"swapin_charged", "swapin_added"}
NoDoubleChargeOutsideSwapinWindow ==
    version = 1 => \A s \in Slots :
        swapCache[s] /= NoPage /\ record[s] /= NoMemcg
            => \E c \in CPUs : SwapinWindow(c) /\ slot[c] = s

(* v2: the swap counter counts exactly the recorded slots, within swap.max; *)
(* v1 has no swap counter and v2 no memsw counter.                         *)
SwapCounter ==
    /\ version = 2 => \A m \in Memcgs : swap[m] = Recorded(m)
    /\ version = 1 => \A m \in Memcgs : swap[m] = 0
    /\ version = 2 => \A m \in Memcgs : memsw[m] = 0 /\ ~(\E p \in Pages : memswPart[p])
SwapWithinLimit == \A m \in Memcgs : swap[m] <= SwapMaxOf[m]

(* The swap cache: a page in it is charged (charged before insertion:      *)
(* seed 002's races left unowned pages there), holds SWAP_HAS_CACHE of an  *)
(* allocated slot, and is in it for one slot only.                          *)
SwapCachePageOwned ==
    \A s \in Slots : swapCache[s] /= NoPage => owner[swapCache[s]] /= NoMemcg
SwapCacheHasCache ==
    \A s \in Slots : swapCache[s] /= NoPage => hasCache[s] /\ allocated[s]
SwapCacheUnique ==
    \A s, t \in Slots : s /= t /\ swapCache[s] /= NoPage => swapCache[s] /= swapCache[t]

(* A slot is free only when no pte points at it and it has no cache page; *)
(* it is freed only when both are gone, by one CPU.                         *)
SlotFreeOnlyWhenUnused ==
    /\ \A s \in Slots : ~allocated[s] =>
          swapMap[s] = 0 /\ ~hasCache[s] /\ swapCache[s] = NoPage /\ record[s] = NoMemcg
    /\ \A c \in CPUs : pc[c] = "slot_free" =>
          allocated[slot[c]] /\ swapMap[slot[c]] = 0 /\ ~hasCache[slot[c]]
    /\ \A c, d \in CPUs : c /= d /\ pc[c] = "slot_free" /\ pc[d] = "slot_free" => slot[c] /= slot[d]

(* No use after free: every memcg named by a page, a swap record or a     *)
(* charging CPU has a live structure.                                       *)
RecordNamesLiveMemcg ==
    \A s \in Slots : record[s] /= NoMemcg => state[record[s]] /= "freed"
OwnerNamesLiveMemcg ==
    /\ \A p \in Pages : owner[p] /= NoMemcg => state[owner[p]] /= "freed"
    /\ \A c \in CPUs : chargeTo[c] /= NoMemcg => state[chargeTo[c]] /= "freed"

(* The swap-in page is charged under exclusion, before anyone can see it:  *)
(* private, unmapped, not in the swap cache until charged, locked from    *)
(* SwapcachePrepare on.                                                     *)
SwapinChargeUnderExclusion ==
    \A c \in CPUs :
        LET p == held[c] IN
        /\ pc[c] \in {"swapin_alloc", "swapin_prepared", "swapin_charged", "swapin_nomem"}
              => /\ mapcount[p] = 0 /\ ~InSwapCache(p)
                 /\ \A d \in CPUs \ {c} : held[d] = p => pc[d] = "put"
        /\ pc[c] \in {"swapin_prepared", "swapin_charged", "swapin_nomem", "swapin_added", "swapin_read"}
              => locked[p] /\ hasCache[slot[c]]

(* No leaked charge or slot: once every CPU is idle, every page is free    *)
(* and no pte points at a slot (every task has exited), every counter is   *)
(* zero and nothing is owned, recorded or allocated.                       *)
Quiescent ==
    /\ \A c \in CPUs : pc[c] = "idle"
    /\ \A p \in Pages : refcount[p] = 0
    /\ \A s \in Slots : swapMap[s] = 0
NoLeakAtQuiescence ==
    Quiescent => /\ \A m \in Memcgs : usage[m] = 0 /\ memsw[m] = 0 /\ swap[m] = 0
                 /\ \A p \in Pages : owner[p] = NoMemcg
                 /\ \A s \in Slots : ~allocated[s] /\ record[s] = NoMemcg

(***************************************************************************)
(* Refinement of the abstract accounting spec: pages own memory charges,  *)
(* slots own swap charges.  On v1 the abstract swap usage is the part of  *)
(* memsw that pages do not account for.                                     *)
(***************************************************************************)

Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> C!Pending(m)],
              Parent <- C!Parent, Max <- C!Max,
              swapUsage <- IF version = 2 THEN swap
                           ELSE [m \in Memcgs |-> memsw[m] - MemswOfPages(m)]

Refinement == Abs!Spec

Symmetry == Permutations(CPUs) \cup Permutations(Pages) \cup Permutations(Indexes)
            \cup Permutations(Slots)
=============================================================================
