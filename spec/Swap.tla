-------------------------------- MODULE Swap --------------------------------
(***************************************************************************)
(* Swap accounting on top of the charge protocol (Charge.tla): anonymous   *)
(* pages leave memory for swap slots and come back, and their memcg        *)
(* charge follows them, with cgroup v1 (memsw counter) or cgroup v2 (swap  *)
(* counter) semantics; and the memcg's lifetime (offline, free) with its   *)
(* id and css references, which swap records keep alive.                   *)
(*                                                                         *)
(* Which kernel.  The swap side is that of v5.13 to v6.1, read against    *)
(* v5.15's mm/memcontrol.c, mm/swap_state.c, mm/swapfile.c, mm/vmscan.c    *)
(* and mm/memory.c: the swap-in charge BEFORE the page enters the swap     *)
(* cache (0add0c77a9bd, v5.13), so a page is never visible in the swap     *)
(* cache uncharged; on cgroup v1, mem_cgroup_swapout() uncharging the      *)
(* page's memory and moving its memsw charge to the slot as reclaim frees *)
(* the page ("mm: memcontrol: uncharge pages on swapout", v3.19); on       *)
(* cgroup v2 the swap counter (37e84351198b, v4.5) charged at slot         *)
(* allocation and the page's memory uncharged with reclaim's freed pages   *)
(* (mem_cgroup_uncharge_list); the memcg id and its id.ref (73f576c04b94, *)
(* v4.7) and new records to the nearest ancestor whose id is alive          *)
(* (mem_cgroup_id_get_online, 1f47b61fb407); the swapcached statistic      *)
(* (b6038942480e, v5.12), taken out of the swap cache's count before       *)
(* mem_cgroup_swapout clears the page's memcg, as Hugh Dickins' fix of     *)
(* b6038942480e (posted against v6.1-rc8) ordered it.  ONE part is older:  *)
(* the charge steps are Charge.tla's try / commit / cancel (v3.17 to       *)
(* v5.7), with its statistics rule; in v5.13 mem_cgroup_charge() is a      *)
(* try_charge immediately followed by the commit, one of this spec's      *)
(* interleavings, and the cancel paths free a committed page instead.      *)
(* docs/swap.md lists the parts, their sources, and what the               *)
(* model leaves out.                                                        *)
(*                                                                         *)
(* The swap device (mm/swapfile.c): per slot, swap_map[] counts the page-  *)
(* table entries that point at the slot, plus the flag SWAP_HAS_CACHE      *)
(* while a swap-cache page exists or is being set up for it (seed 002).    *)
(* Whoever takes SWAP_HAS_CACHE (swapcache_prepare, or add_to_swap's slot  *)
(* allocation) is the only CPU that may add a page for the slot to the     *)
(* swap cache; a second preparer gets -EEXIST and retries.  A slot is      *)
(* freed (swap_entry_free) only when the count AND the flag are gone, by   *)
(* the CPU that dropped the last of them: it clears the slot's swap_cgroup *)
(* record, uncharges the slot and drops the record's memcg id reference.   *)
(*                                                                         *)
(* The paths (one per CPU at a time, interleaved at the kernel's locks):   *)
(*   - Charge.tla's anonymous fault, page cache, map, unmap, get/put,      *)
(*     final put;                                                          *)
(*   - reclaim of an anon page (shrink_page_list): Reclaim (isolate and   *)
(*     lock), AddToSwap (slot + swap cache), TryToUnmap (each pte becomes  *)
(*     a swap entry), SwapOut (__remove_mapping: the refcount frozen at 0, *)
(*     mem_cgroup_swapout), UnchargeList (the freed page's memory charge   *)
(*     on v2, and the page back to the allocator), or ReclaimAbort;        *)
(*   - the swap-in fault (do_swap_page): SwapinHit on a swap-cache page,  *)
(*     or SwapinAlloc, SwapcachePrepare, SwapInCharge, AddToSwapCache,     *)
(*     SwapinUnchargeSwap (v1), EndSwapRead (the read completes and        *)
(*     unlocks the page); then SwapinMap relocks the page, checks that it  *)
(*     is still the slot's swap-cache page, and maps it;                   *)
(*   - exit/munmap of a swap pte (FreeSwapAndCache), freeing a cache-only  *)
(*     swap page (DeleteFromSwapCache), freeing a dead slot (SwapSlotFree); *)
(*   - cgroup removal: Offline, then Free of the memcg structure when its  *)
(*     last css reference is put.                                          *)
(*                                                                         *)
(* Accounting modes, per behaviour (a variable fixed by Init, so that one  *)
(* model can explore both):                                                *)
(*   version 1: memsw = memory + swap.  Every memory charge and uncharge   *)
(*     of a page is a memsw one too; SwapOut uncharges the page's memory   *)
(*     and keeps its memsw charge for the slot (moved to the recorded      *)
(*     memcg if that is not the owner); SwapInCharge charges memory and    *)
(*     memsw to the new page and SwapinUnchargeSwap then drops the slot's  *)
(*     memsw charge.  memsw.max is left unlimited: a memsw limit fails a   *)
(*     charge exactly as memory.max does.                                  *)
(*   version 2: a separate swap counter, charged per slot when reclaim    *)
(*     allocates it (mem_cgroup_try_charge_swap, against swap.max, which  *)
(*     can fail: the page then stays in memory), uncharged when the slot  *)
(*     is freed.  Swap-in charges memory only.                             *)
(*                                                                         *)
(* Memcg lifetime (mm/memcontrol.c, kernel/cgroup/cgroup.c): a non-root    *)
(* memcg is online, then offline (rmdir), then freed (css_free) once its  *)
(* last css reference is put.  The css references: the base reference of  *)
(* an online css (killed at offline), the memcg id's (held while id.ref > *)
(* 0), one per charged page, one per CPU faulting for a task of the memcg *)
(* (the task's css_set pins it), one per child css not yet freed.  The    *)
(* id's count id.ref is 1 while online plus 1 per swap record; a new      *)
(* record goes to the nearest ancestor whose id.ref can be raised          *)
(* (refcount_inc_not_zero), so an offline memcg that still has records    *)
(* keeps receiving new ones.  The first level below the root stays online: *)
(* records and charges never fall back to the root, whose own charges this *)
(* model leaves out (as Charge.tla does).                                  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

CONSTANTS
    CPUs, Pages, Indexes, NMemcg, Fanout, Limit, MaxMap,   \* as in Charge.tla
    NoMemcg, NoPage, NoIndex,                              \* as in Charge.tla
    Slots,      \* the swap slots of one swap device, model values
    NoSlot,     \* model value: "no slot"
    Versions,   \* the accounting modes to explore: a subset of {1, 2}
    SwapMax,    \* cgroup v2 swap.max of the memcgs below the first level, in slots
    LeafTasks   \* TRUE: tasks run only in memcgs with no online child (see TaskMemcg)

ASSUME Versions \subseteq {1, 2} /\ Versions /= {} /\ SwapMax \in Nat /\ LeafTasks \in BOOLEAN

VARIABLES
    \* --- Charge.tla's variables, same meaning (stat has one more item) ---
    pc, held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, usage, stat,
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
    \* --- per memcg: the swap counters ---
    memsw,      \* memsw[m]: v1 memory+swap page_counter (0 on v2)
    swap,       \* swap[m]: v2 swap page_counter (0 on v1)
    \* --- per memcg: its lifetime ---
    state,      \* state[m]: "online", "offline" or "freed"
    idRef,      \* idRef[m]: memcg->id.ref: 1 while online, plus 1 per swap record
    css         \* css[m]: the css reference count (see CssRefBalance for its holders)

(* Variable groups for UNCHANGED, as in raft.tla (Charge.tla's two, and    *)
(* three of swap's); vars is their concatenation, in declaration order.    *)
(* version and slot stay single variables.  Charge.tla's groups are        *)
(* restated here: TLC 2.18 cannot take UNCHANGED C!cpuVars (it evaluates   *)
(* the instantiated tuple in the half-built next state and stops with "pc  *)
(* is either undefined or not an operator").                               *)
cpuVars == <<pc, held, chargeTo, index>>                  \* as Charge.tla's: per CPU, its mm path
folioVars == <<refcount, mapcount, owner, locked, anon>>  \* as Charge.tla's: per page, struct folio
deviceVars == <<allocated, swapMap, hasCache, swapCache, record>>  \* the swap device, per slot
counterVars == <<memsw, swap>>                            \* the swap side's page counters
lifeVars == <<state, idRef, css>>                         \* the memcgs' lifetime and references
chargeVars == <<cpuVars, folioVars, cache, usage, stat>>  \* Charge.tla's variables, as its vars
swapVars == <<version, slot, deviceVars, counterVars, lifeVars>>
vars == <<chargeVars, swapVars>>

(* The charge protocol, whose steps this spec reuses where swap does not  *)
(* change them.                                                             *)
C == INSTANCE Charge

Memcgs == C!Memcgs
Root == C!Root
TaskMemcgs == C!TaskMemcgs
(* Charge.tla's hierarchy tables, passed to PageCounter (PC, and Abs's):   *)
(* as a constant definition of the root module TLC evaluates it once; in   *)
(* a module INSTANCEd by another it stays a lookup (see MemcgTrees.tla).   *)
Tree == C!Tree
PC == INSTANCE PageCounter WITH Parent <- C!Parent, Max <- C!Max
ASSUME PC!TreeOK

(* Charge.tla's statistics, and swapcached (NR_SWAPCACHE, v5.12): pages   *)
(* in the swap cache, counted by add_to_swap_cache and                     *)
(* __delete_from_swap_cache against the page's memcg.                      *)
StatItems == C!StatItems \cup {"swapcached"}
ModStat(st, m, item, d) == C!ModStat(st, m, item, d)

(* Swap-side program counters.  "reclaim": the CPU has isolated and locked *)
(* an anon page (shrink_page_list).  "reclaim_freed": SwapOut froze the    *)
(* page's refcount at 0, the page is on reclaim's free list;               *)
(* "swapout_slot_free": the same, and the slot died with it and is freed   *)
(* first.  "swapin_*": do_swap_page on slot[c]: "alloc" has a new page,   *)
(* "prepared" holds SWAP_HAS_CACHE and the locked page, "charged" has     *)
(* charged it, "added" (v1) has added it to the swap cache and not yet    *)
(* dropped the slot's memsw charge, "read" has the read in flight (page    *)
(* locked), "lock" holds a reference to a swap-cache page (found by the    *)
(* lookup, or read) and relocks it to map it, "nomem" failed its charge.   *)
(* "slot_free": the CPU dropped the last use of slot[c] and frees it next. *)
SwapPCs == {"reclaim", "reclaim_freed", "swapout_slot_free",
            "swapin_alloc", "swapin_prepared", "swapin_charged", "swapin_added",
            "swapin_read", "swapin_lock", "swapin_nomem",
            "slot_free"}
PCs == C!PCs \cup SwapPCs
SlotFreePCs == {"slot_free", "swapout_slot_free"}
FrozenPCs == {"reclaim_freed", "swapout_slot_free"}

InSwapCache(p) == \E s \in Slots : swapCache[s] = p
SlotOf(p) == IF InSwapCache(p) THEN CHOOSE s \in Slots : swapCache[s] = p ELSE NoSlot
Online(m) == state[m] = "online"
(* A page frozen by SwapOut: refcount 0, on a reclaimer's free list, not   *)
(* yet back in the allocator.                                              *)
Frozen(p) == \E c \in CPUs : held[c] = p /\ pc[c] \in FrozenPCs

(* mem_cgroup_id_get_online: walk up from m while                          *)
(* refcount_inc_not_zero(&memcg->id.ref) fails; the first memcg whose id  *)
(* is alive gets the reference.  An offline memcg whose swap records keep *)
(* its id alive is chosen (only a memcg whose id.ref fell to 0 is passed). *)
IdGetOnline(m) ==
    LET path == PC!PathToRoot(m)
        i == CHOOSE i \in DOMAIN path :
                /\ idRef[path[i]] > 0
                /\ \A j \in 1..(i-1) : idRef[path[j]] = 0
    IN path[i]

(* Reference count updates; NoMemcg takes none. *)
Get(ref, m) == IF m = NoMemcg THEN ref ELSE [ref EXCEPT ![m] = @ + 1]
Put(ref, m) == IF m = NoMemcg THEN ref ELSE [ref EXCEPT ![m] = @ - 1]
(* mem_cgroup_id_put: id.ref - 1; the id's css reference goes with its last *)
(* reference (mem_cgroup_id_remove, css_put).                               *)
IdPutCss(m) == IF m /= NoMemcg /\ idRef[m] = 1 THEN Put(css, m) ELSE css

(* Counter changes for a swap record: the root's own counters are never   *)
(* charged (its counters see only its children's charges), as in the     *)
(* kernel's "if (!mem_cgroup_is_root(memcg))" around each of them.         *)
ChargeRec(ctr, m) == IF m = Root THEN ctr ELSE PC!ForceCharge(ctr, m, 1)
UnchargeRec(ctr, m) == IF m = Root THEN ctr ELSE PC!Uncharge(ctr, m, 1)

(* The memcgs that may be removed: below the first level (see header). *)
Removable == {m \in TaskMemcgs : C!Parent[m] /= Root}

(* A memcg a faulting task may run in: an online one (a removed memcg has  *)
(* no tasks: cgroup_rmdir needs an empty cgroup).  With LeafTasks, only a  *)
(* memcg with no online child, which is cgroup v2's rule (no internal      *)
(* processes where the memory controller is enabled for the children)    *)
(* and a reduction of cgroup v1's, where tasks may also run in inner       *)
(* memcgs: the cfg that sets it says so.                                    *)
TaskMemcg(m) ==
    /\ Online(m)
    /\ LeafTasks => \A d \in PC!Children(m) : ~Online(d)

(* swap.max per memcg (v2): SwapMax below the first level; the root and  *)
(* the first level are unlimited.                                          *)
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
    /\ anon \in [Pages -> BOOLEAN]
    /\ cache \in [Indexes -> Pages \cup {NoPage}]
    /\ usage \in [Memcgs -> Int]
    /\ stat \in [Memcgs -> [StatItems -> Int]]
    /\ version \in Versions
    /\ slot \in [CPUs -> Slots \cup {NoSlot}]
    /\ allocated \in [Slots -> BOOLEAN]
    /\ swapMap \in [Slots -> 0..MaxMap]
    /\ hasCache \in [Slots -> BOOLEAN]
    /\ swapCache \in [Slots -> Pages \cup {NoPage}]
    /\ record \in [Slots -> Memcgs \cup {NoMemcg}]
    /\ memsw \in [Memcgs -> Int]
    /\ swap \in [Memcgs -> Int]
    /\ state \in [Memcgs -> {"online", "offline", "freed"}]
    /\ idRef \in [Memcgs -> Int]
    /\ css \in [Memcgs -> Int]

(* Charge.tla's Init, with swapcached in the statistics; every memcg      *)
(* online, its id alive (id.ref 1), its css held by its base reference,   *)
(* its id and each child.                                                   *)
Init ==
    /\ pc = [c \in CPUs |-> "idle"]
    /\ held = [c \in CPUs |-> NoPage]
    /\ chargeTo = [c \in CPUs |-> NoMemcg]
    /\ index = [c \in CPUs |-> NoIndex]
    /\ refcount = [p \in Pages |-> 0]
    /\ mapcount = [p \in Pages |-> 0]
    /\ owner = [p \in Pages |-> NoMemcg]
    /\ locked = [p \in Pages |-> FALSE]
    /\ anon = [p \in Pages |-> FALSE]
    /\ cache = [i \in Indexes |-> NoPage]
    /\ usage = [m \in Memcgs |-> 0]
    /\ stat = [m \in Memcgs |-> [item \in StatItems |-> 0]]
    /\ version \in Versions
    /\ slot = [c \in CPUs |-> NoSlot]
    /\ allocated = [s \in Slots |-> FALSE]
    /\ swapMap = [s \in Slots |-> 0]
    /\ hasCache = [s \in Slots |-> FALSE]
    /\ swapCache = [s \in Slots |-> NoPage]
    /\ record = [s \in Slots |-> NoMemcg]
    /\ memsw = [m \in Memcgs |-> 0]
    /\ swap = [m \in Memcgs |-> 0]
    /\ state = [m \in Memcgs |-> "online"]
    /\ idRef = [m \in Memcgs |-> 1]
    /\ css = [m \in Memcgs |-> 2 + Cardinality(PC!Children(m))]

(* The CPU that dropped the last use of slot s frees it next; else it goes *)
(* on to drop the page it holds, or is done.                               *)
AfterDrop(c, s, dead) ==
    /\ pc' = [pc EXCEPT ![c] = IF dead THEN "slot_free"
                               ELSE IF held[c] /= NoPage THEN "put" ELSE "idle"]
    /\ slot' = [slot EXCEPT ![c] = IF dead THEN s ELSE NoSlot]

(***************************************************************************)
(* Charge.tla's steps.  Unchanged where swap does not touch them; on v1    *)
(* every memory charge is also a memsw charge; the css references follow  *)
(* the charges and the faulting tasks.                                     *)
(***************************************************************************)

(* alloc_zeroed_user_highpage_movable, for a task of memcg m (TaskMemcg), *)
(* whose css the task pins while it faults.  A page frozen by reclaim is not    *)
(* free yet: it goes back to the allocator with UnchargeList.              *)
AllocAnon(c, p, m) ==
    /\ TaskMemcg(m)
    /\ ~Frozen(p)
    /\ C!AllocAnon(c, p, m)
    /\ css' = Get(css, m)
    /\ UNCHANGED <<version, slot, deviceVars, counterVars, state, idRef>>

(* page_cache_alloc + __SetPageLocked (Charge.tla), for a task of m. *)
AllocCache(c, p, m, i) ==
    /\ TaskMemcg(m)
    /\ ~Frozen(p)
    /\ C!AllocCache(c, p, m, i)
    /\ css' = Get(css, m)
    /\ UNCHANGED <<version, slot, deviceVars, counterVars, state, idRef>>

(* mem_cgroup_try_charge -> try_charge: Charge.tla's step; on v1 the memsw *)
(* counter is charged with memory (memsw.max is unlimited in this model). *)
(* A failed charge ends the fault: the task no longer pins the css.        *)
TryCharge(c) ==
    /\ C!TryCharge(c)
    /\ memsw' = IF version = 1 /\ pc'[c] /= "put" THEN PC!TryCharge(memsw, chargeTo[c], 1) ELSE memsw
    /\ css' = IF pc'[c] = "put" THEN Put(css, chargeTo[c]) ELSE css
    /\ UNCHANGED <<version, slot, deviceVars, swap, state, idRef>>

(* mem_cgroup_commit_charge: Charge.tla's step.  The fault's css reference *)
(* becomes the page's.                                                      *)
CommitCharge(c) == C!CommitCharge(c) /\ UNCHANGED swapVars

(* mem_cgroup_cancel_charge: Charge.tla's step, and memsw on v1. *)
CancelCharge(c) ==
    /\ C!CancelCharge(c)
    /\ memsw' = IF version = 1 THEN PC!Uncharge(memsw, chargeTo[c], 1) ELSE memsw
    /\ css' = Put(css, chargeTo[c])
    /\ UNCHANGED <<version, slot, deviceVars, swap, state, idRef>>

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

(* The final put: mem_cgroup_uncharge (Charge.tla), memsw too on v1; the  *)
(* page's css reference is put.                                             *)
Uncharge(c) ==
    /\ C!Uncharge(c)
    /\ LET p == held[c] IN
          /\ memsw' = IF version = 1 /\ owner[p] /= NoMemcg THEN PC!Uncharge(memsw, owner[p], 1) ELSE memsw
          /\ css' = Put(css, owner[p])
    /\ UNCHANGED <<version, slot, deviceVars, swap, state, idRef>>

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
    /\ anon[p]
    /\ ~locked[p]
    /\ mapcount[p] > 0 \/ InSwapCache(p)
    /\ pc' = [pc EXCEPT ![c] = "reclaim"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ slot' = [slot EXCEPT ![c] = SlotOf(p)]
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ locked' = [locked EXCEPT ![p] = TRUE]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, anon, cache, usage, stat,
                   version, deviceVars, counterVars, lifeVars>>

(* add_to_swap: get_swap_page allocates a free slot s with SWAP_HAS_CACHE *)
(* set (count 0: no pte points at it yet, so no other CPU can reach it),   *)
(* and add_to_swap_cache puts the locked page in the swap cache, which     *)
(* takes a reference and counts it in swapcached.  On v2,                  *)
(* mem_cgroup_try_charge_swap (inside the slot allocation) records the     *)
(* slot to mem_cgroup_id_get_online(page's memcg), taking an id reference, *)
(* and charges that memcg's swap counter; if swap.max forbids it the id    *)
(* reference and the slot are given back at once and the page stays in    *)
(* memory: reclaim puts it back (activate_locked), unlocked.               *)
AddToSwap(c, s) ==
    /\ pc[c] = "reclaim"
    /\ ~InSwapCache(held[c])
    /\ ~allocated[s]
    /\ LET p == held[c]
           a == IdGetOnline(owner[p])
           ok == version = 1 \/ a = Root \/ PS!CanCharge(swap, a, 1)
       IN IF ok
          THEN /\ allocated' = [allocated EXCEPT ![s] = TRUE]
               /\ hasCache' = [hasCache EXCEPT ![s] = TRUE]
               /\ swapCache' = [swapCache EXCEPT ![s] = p]
               /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
               /\ stat' = ModStat(stat, owner[p], "swapcached", 1)
               /\ record' = IF version = 2 THEN [record EXCEPT ![s] = a] ELSE record
               /\ swap' = IF version = 2 THEN ChargeRec(swap, a) ELSE swap
               /\ idRef' = IF version = 2 THEN Get(idRef, a) ELSE idRef
               /\ slot' = [slot EXCEPT ![c] = s]
               /\ UNCHANGED <<pc, locked>>
          ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
               /\ locked' = [locked EXCEPT ![p] = FALSE]
               /\ UNCHANGED <<allocated, hasCache, swapCache, refcount, stat, record, swap, idRef, slot>>
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, anon, cache, usage,
                   version, swapMap, memsw, state, css>>

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
    /\ UNCHANGED <<cpuVars, owner, locked, anon, cache, usage, stat,
                   version, slot, allocated, hasCache, swapCache, record, counterVars, lifeVars>>

(* __remove_mapping on a swap-cache page, under the swap cache's xa_lock: *)
(* page_ref_freeze(page, 2) succeeds only when the swap cache and the      *)
(* reclaimer hold the only references (no mapping, no speculative          *)
(* reference), and sets the refcount to 0: from now on folio_try_get       *)
(* fails and nothing can find the page.  __delete_from_swap_cache takes    *)
(* the page out of the swap cache and of its memcg's swapcached; then      *)
(* mem_cgroup_swapout: on v1 it records the slot to                        *)
(* mem_cgroup_id_get_online(owner) (recording nothing for an offline memcg *)
(* leaked the charge: 1f47b61fb407), uncharges the page's memory, moves    *)
(* its memsw charge to the recorded memcg if that is not the owner, takes  *)
(* the page out of the anon statistic, clears the page's memcg and puts    *)
(* its css reference; on v2 it does nothing (the slot was recorded at      *)
(* allocation).  That order is Hugh Dickins' fix of b6038942480e: from     *)
(* v5.12 to v6.1 mem_cgroup_swapout came first, and on v1 the swapcached   *)
(* decrement found the memcg already cleared.  put_swap_page clears        *)
(* SWAP_HAS_CACHE: if no pte points at the slot any more, the slot is dead *)
(* and this CPU frees it next.  The page is unlocked and stays on          *)
(* reclaim's free list, its refcount frozen at 0, for UnchargeList.  The   *)
(* kernel drops the xa_lock before put_swap_page; the spec takes the two   *)
(* as one step.                                                            *)
SwapOut(c) ==
    /\ pc[c] = "reclaim"
    /\ slot[c] /= NoSlot
    /\ LET p == held[c]
           s == slot[c]
           o == owner[p]
           a == IdGetOnline(o)
           dead == swapMap[s] = 0
       IN /\ mapcount[p] = 0
          /\ refcount[p] = 2
          /\ swapCache' = [swapCache EXCEPT ![s] = NoPage]
          /\ refcount' = [refcount EXCEPT ![p] = 0]
          /\ locked' = [locked EXCEPT ![p] = FALSE]
          /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
          /\ IF version = 1
               THEN /\ record' = [record EXCEPT ![s] = a]
                    /\ idRef' = Get(idRef, a)
                    /\ usage' = PC!Uncharge(usage, o, 1)
                    /\ memsw' = IF a = o THEN memsw ELSE PC!Uncharge(ChargeRec(memsw, a), o, 1)
                    /\ owner' = [owner EXCEPT ![p] = NoMemcg]
                    /\ stat' = ModStat(ModStat(stat, o, "swapcached", -1), o, "anon", -1)
                    /\ css' = Put(css, o)
               ELSE /\ stat' = ModStat(stat, o, "swapcached", -1)
                    /\ UNCHANGED <<record, idRef, usage, memsw, owner, css>>
          /\ pc' = [pc EXCEPT ![c] = IF dead THEN "swapout_slot_free" ELSE "reclaim_freed"]
          /\ slot' = [slot EXCEPT ![c] = IF dead THEN s ELSE NoSlot]
    /\ UNCHANGED <<held, chargeTo, index, mapcount, anon, cache,
                   version, allocated, swapMap, swap, state>>

(* The end of shrink_page_list: mem_cgroup_uncharge_list on the freed     *)
(* pages, then free_unref_page_list.  On v2 the frozen page still has its *)
(* memory charge, given back now (uncharge_batch: the counter, the anon   *)
(* statistic, the css reference); on v1 mem_cgroup_swapout has taken it   *)
(* already.  The page goes back to the allocator.  Either way a charge    *)
(* leaves a page only once the page is dead.                               *)
UnchargeList(c) ==
    /\ pc[c] = "reclaim_freed"
    /\ LET p == held[c]
           o == owner[p]
       IN /\ usage' = IF o /= NoMemcg THEN PC!Uncharge(usage, o, 1) ELSE usage
          /\ memsw' = IF version = 1 /\ o /= NoMemcg THEN PC!Uncharge(memsw, o, 1) ELSE memsw
          /\ stat' = ModStat(stat, o, "anon", -1)
          /\ css' = Put(css, o)
          /\ owner' = [owner EXCEPT ![p] = NoMemcg]
          /\ anon' = [anon EXCEPT ![p] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, refcount, mapcount, locked, cache,
                   version, slot, deviceVars, swap, state, idRef>>

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
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, anon, cache, usage, stat,
                   version, deviceVars, counterVars, lifeVars>>

(***************************************************************************)
(* The swap-in fault: do_swap_page -> swapin_readahead ->                  *)
(* __read_swap_cache_async.  A fault needs a pte holding the slot's swap   *)
(* entry: some of the slot's count is the faulting process's.             *)
(***************************************************************************)

(* lookup_swap_cache finds a page in the swap cache and takes a reference *)
(* (folio_try_get; a swap-cache page has the cache's reference, so it     *)
(* cannot fail).  The fault locks the page next (SwapinMap).               *)
SwapinHit(c, s) ==
    /\ pc[c] = "idle"
    /\ swapMap[s] > 0
    /\ swapCache[s] /= NoPage
    /\ pc' = [pc EXCEPT ![c] = "swapin_lock"]
    /\ held' = [held EXCEPT ![c] = swapCache[s]]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ refcount' = [refcount EXCEPT ![swapCache[s]] = @ + 1]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, anon, cache, usage, stat,
                   version, deviceVars, counterVars, lifeVars>>

(* Nothing in the swap cache: alloc_page_vma allocates a new page, private *)
(* to this CPU, for a fault of a task in memcg m (TaskMemcg), which pins  *)
(* m's css.                                                                *)
SwapinAlloc(c, s, p, m) ==
    /\ pc[c] = "idle"
    /\ swapMap[s] > 0
    /\ swapCache[s] = NoPage
    /\ refcount[p] = 0
    /\ ~Frozen(p)
    /\ TaskMemcg(m)
    /\ pc' = [pc EXCEPT ![c] = "swapin_alloc"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = m]
    /\ refcount' = [refcount EXCEPT ![p] = 1]
    /\ css' = Get(css, m)
    /\ UNCHANGED <<index, mapcount, owner, locked, anon, cache, usage, stat,
                   version, deviceVars, counterVars, state, idRef>>

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
                 /\ UNCHANGED <<chargeTo, slot, css>>
            ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
                 /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
                 /\ slot' = [slot EXCEPT ![c] = NoSlot]
                 /\ css' = Put(css, chargeTo[c])
                 /\ UNCHANGED <<hasCache, locked>>
    /\ UNCHANGED <<held, index, refcount, mapcount, owner, anon, cache, usage, stat,
                   version, allocated, swapMap, swapCache, record, counterVars, state, idRef>>

(* mem_cgroup_swapin_charge_page (v5.13): charge the new page BEFORE it    *)
(* enters the swap cache, try_charge and commit_charge in one step (the   *)
(* page is private and locked).  The memcg is the one recorded for the    *)
(* slot if css_tryget_online succeeds on it, else the faulting task's.    *)
(* The page is an anon page, counted in its memcg's anon statistic (the   *)
(* v3.17-v5.7 rule, as Charge.tla), and holds a css reference; the fault   *)
(* no longer pins its task's.  On v1 the charge covers memsw too; the     *)
(* slot's memsw charge is dropped after the page is in the swap cache     *)
(* (SwapinUnchargeSwap).  On failure (-ENOMEM) the fault gives             *)
(* SWAP_HAS_CACHE back (SwapcacheFree).                                    *)
SwapInCharge(c) ==
    /\ pc[c] = "swapin_prepared"
    /\ LET p == held[c]
           r == record[slot[c]]
           t == IF r /= NoMemcg /\ Online(r) THEN r ELSE chargeTo[c]
       IN IF PC!CanCharge(usage, t, 1)
            THEN /\ usage' = PC!TryCharge(usage, t, 1)
                 /\ owner' = [owner EXCEPT ![p] = t]
                 /\ anon' = [anon EXCEPT ![p] = TRUE]
                 /\ stat' = ModStat(stat, t, "anon", 1)
                 /\ memsw' = IF version = 1 THEN PC!TryCharge(memsw, t, 1) ELSE memsw
                 /\ css' = Get(Put(css, chargeTo[c]), t)
                 /\ pc' = [pc EXCEPT ![c] = "swapin_charged"]
            ELSE /\ pc' = [pc EXCEPT ![c] = "swapin_nomem"]
                 /\ css' = Put(css, chargeTo[c])
                 /\ UNCHANGED <<usage, owner, anon, stat, memsw>>
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, index, refcount, mapcount, locked, cache,
                   version, slot, deviceVars, swap, state, idRef>>

(* add_to_swap_cache: the charged, locked page enters the swap cache for  *)
(* its slot (ours alone: we hold SWAP_HAS_CACHE), which takes a reference *)
(* and counts it in swapcached.  On v1 the slot's memsw charge is dropped *)
(* next; on v2 the read (swap_readpage) is submitted.                      *)
AddToSwapCache(c) ==
    /\ pc[c] = "swapin_charged"
    /\ swapCache' = [swapCache EXCEPT ![slot[c]] = held[c]]
    /\ refcount' = [refcount EXCEPT ![held[c]] = @ + 1]
    /\ stat' = ModStat(stat, owner[held[c]], "swapcached", 1)
    /\ pc' = [pc EXCEPT ![c] = IF version = 1 THEN "swapin_added" ELSE "swapin_read"]
    /\ UNCHANGED <<held, chargeTo, index, mapcount, owner, locked, anon, cache, usage,
                   version, slot, allocated, swapMap, hasCache, record, counterVars, lifeVars>>

(* mem_cgroup_swapin_uncharge_swap (v1 only): the page's new charge      *)
(* covers memory+swap, so the slot's memsw charge is dropped now rather   *)
(* than when the slot dies (it may live on as long as other ptes point at *)
(* it, and would count the page twice all that time): the record is       *)
(* cleared (swap_cgroup_record to 0), memsw uncharged, the memcg id       *)
(* reference dropped (mem_cgroup_id_put_many).  Between SwapInCharge and  *)
(* this step (the swap-in window) memsw counts the page twice, in the page *)
(* and in the slot: memsw = memory + recorded slots still holds, and this  *)
(* is the only place where a page in the swap cache has a recorded slot   *)
(* (NoDoubleChargeOutsideSwapinWindow).  Then the read is submitted.       *)
SwapinUnchargeSwap(c) ==
    /\ pc[c] = "swapin_added"
    /\ LET s == slot[c]
           r == record[s]
       IN /\ record' = [record EXCEPT ![s] = NoMemcg]
          /\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw
          /\ idRef' = Put(idRef, r)
          /\ css' = IdPutCss(r)
    /\ pc' = [pc EXCEPT ![c] = "swapin_read"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat,
                   version, slot, allocated, swapMap, hasCache, swapCache, swap, state>>

(* end_swap_bio_read: the read completes and unlocks the page            *)
(* (unlock_page), now an uptodate swap-cache page that any path can find  *)
(* and lock.  The fault still holds its reference, and relocks the page   *)
(* to map it (SwapinMap), like a fault that found it in the swap cache.  *)
EndSwapRead(c) ==
    /\ pc[c] = "swapin_read"
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "swapin_lock"]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, anon, cache, usage, stat,
                   version, slot, deviceVars, counterVars, lifeVars>>

(* The rest of do_swap_page: lock_page_or_retry (wait while another path  *)
(* holds the page lock), then the check that the page is still the swap   *)
(* cache's page for our entry (PageSwapCache(page) && page_private(page)   *)
(* == entry.val: while it was unlocked, a zap and a cache-only reclaim may *)
(* have freed the slot, or even given it to another page), and under the  *)
(* pte lock that the pte still holds the swap entry (pte_same; here: the   *)
(* slot is still used).  If so, map the page (the fault's reference       *)
(* becomes the mapping's) and swap_free the entry (the count drops;        *)
(* SWAP_HAS_CACHE keeps the slot).  Otherwise (out_page / out_nomap)      *)
(* unlock and drop the reference.  The page is unlocked at the end, so the *)
(* lock is taken and released within the step.  No charge here: the page *)
(* was charged before it entered the swap cache.                           *)
SwapinMap(c) ==
    /\ pc[c] = "swapin_lock"
    /\ LET p == held[c]
           s == slot[c]
       IN /\ ~locked[p]
          /\ IF swapCache[s] = p /\ swapMap[s] > 0
               THEN /\ mapcount' = [mapcount EXCEPT ![p] = @ + 1]
                    /\ swapMap' = [swapMap EXCEPT ![s] = @ - 1]
                    /\ pc' = [pc EXCEPT ![c] = "idle"]
                    /\ held' = [held EXCEPT ![c] = NoPage]
               ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
                    /\ UNCHANGED <<mapcount, swapMap, held>>
    /\ slot' = [slot EXCEPT ![c] = NoSlot]
    /\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage, stat,
                   version, allocated, hasCache, swapCache, record, counterVars, lifeVars>>

(* put_swap_page (swapcache_free) after a failed swap-in charge: give     *)
(* SWAP_HAS_CACHE back and unlock the page, which is then freed unowned.  *)
(* If our pte was zapped meanwhile the slot is dead: free it first.        *)
SwapcacheFree(c) ==
    /\ pc[c] = "swapin_nomem"
    /\ LET s == slot[c] IN
          /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
          /\ AfterDrop(c, s, swapMap[s] = 0)
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, anon, cache, usage, stat,
                   version, allocated, swapMap, swapCache, record, counterVars, lifeVars>>

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
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat,
                   version, allocated, hasCache, swapCache, record, counterVars, lifeVars>>

(* try_to_free_swap (free_swap_and_cache's __try_to_reclaim_swap, do_swap_ *)
(* page when swap is full, cache-only swap reclaim): a swap-cache page     *)
(* whose slot no pte points at any more leaves the swap cache, under its   *)
(* page lock (trylock: a locked page is skipped): delete_from_swap_cache   *)
(* (out of swapcached), then put_swap_page clears SWAP_HAS_CACHE, which    *)
(* kills the slot; the cache's reference is now this CPU's to drop, after *)
(* it frees the slot.  The page keeps its charge (a mapped page stays      *)
(* mapped, as a plain anon page): nothing is uncharged before the final   *)
(* put.                                                                    *)
DeleteFromSwapCache(c, s) ==
    /\ pc[c] = "idle"
    /\ swapCache[s] /= NoPage
    /\ ~locked[swapCache[s]]
    /\ swapMap[s] = 0
    /\ swapCache' = [swapCache EXCEPT ![s] = NoPage]
    /\ hasCache' = [hasCache EXCEPT ![s] = FALSE]
    /\ stat' = ModStat(stat, owner[swapCache[s]], "swapcached", -1)
    /\ held' = [held EXCEPT ![c] = swapCache[s]]
    /\ pc' = [pc EXCEPT ![c] = "slot_free"]
    /\ slot' = [slot EXCEPT ![c] = s]
    /\ UNCHANGED <<chargeTo, index, folioVars, cache, usage,
                   version, allocated, swapMap, record, counterVars, lifeVars>>

(* swap_entry_free (today via swapcache_free_entries): the dead slot is   *)
(* freed: mem_cgroup_uncharge_swap clears its swap_cgroup record,         *)
(* uncharges the recorded memcg's swap (v2) or memsw (v1) counter and      *)
(* drops the record's id reference (mem_cgroup_id_put_many); the slot can *)
(* be allocated again.  The CPU goes on with the page it holds: a page     *)
(* frozen by SwapOut to UnchargeList, another to its put.                  *)
SwapSlotFree(c) ==
    /\ pc[c] \in SlotFreePCs
    /\ LET s == slot[c]
           r == record[s]
       IN /\ allocated' = [allocated EXCEPT ![s] = FALSE]
          /\ record' = [record EXCEPT ![s] = NoMemcg]
          /\ memsw' = IF version = 1 /\ r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw
          /\ swap' = IF version = 2 /\ r /= NoMemcg THEN UnchargeRec(swap, r) ELSE swap
          /\ idRef' = Put(idRef, r)
          /\ css' = IdPutCss(r)
    /\ pc' = [pc EXCEPT ![c] = IF pc[c] = "swapout_slot_free" THEN "reclaim_freed"
                               ELSE IF held[c] /= NoPage THEN "put" ELSE "idle"]
    /\ slot' = [slot EXCEPT ![c] = NoSlot]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat,
                   version, swapMap, hasCache, swapCache, state>>

(***************************************************************************)
(* Memcg lifetime.                                                         *)
(***************************************************************************)

(* cgroup_rmdir -> mem_cgroup_css_offline: the cgroup has no tasks (no CPU *)
(* faults for it) and no online child (-EBUSY).  kill_css drops the base   *)
(* css reference, and mem_cgroup_css_offline the id reference of the      *)
(* online state (mem_cgroup_id_put): with no swap record left the id dies *)
(* and puts its css reference.  Its pages keep their charges and its swap *)
(* records stay; they keep the id alive, so new records may still come.   *)
Offline(m) ==
    /\ m \in Removable
    /\ Online(m)
    /\ \A d \in PC!Children(m) : ~Online(d)
    /\ \A c \in CPUs : chargeTo[c] /= m
    /\ state' = [state EXCEPT ![m] = "offline"]
    /\ idRef' = Put(idRef, m)
    /\ css' = [css EXCEPT ![m] = @ - (IF idRef[m] = 1 THEN 2 ELSE 1)]
    /\ UNCHANGED <<chargeVars, version, slot, deviceVars, counterVars>>

(* mem_cgroup_css_free (css_free_rwork_fn), once the last css reference    *)
(* is put: the structure is freed and puts its parent's css reference.     *)
Free(m) ==
    /\ state[m] = "offline"
    /\ css[m] = 0
    /\ state' = [state EXCEPT ![m] = "freed"]
    /\ css' = Put(css, C!Parent[m])
    /\ UNCHANGED <<chargeVars, version, slot, deviceVars, counterVars, idRef>>

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
    \/ \E c \in CPUs : UnchargeList(c)
    \/ \E c \in CPUs : ReclaimAbort(c)
    \/ \E c \in CPUs, s \in Slots : SwapinHit(c, s)
    \/ \E c \in CPUs, s \in Slots, p \in Pages, m \in TaskMemcgs : SwapinAlloc(c, s, p, m)
    \/ \E c \in CPUs : SwapcachePrepare(c)
    \/ \E c \in CPUs : SwapInCharge(c)
    \/ \E c \in CPUs : AddToSwapCache(c)
    \/ \E c \in CPUs : SwapinUnchargeSwap(c)
    \/ \E c \in CPUs : EndSwapRead(c)
    \/ \E c \in CPUs : SwapinMap(c)
    \/ \E c \in CPUs : SwapcacheFree(c)
    \/ \E c \in CPUs, s \in Slots : FreeSwapAndCache(c, s)
    \/ \E c \in CPUs, s \in Slots : DeleteFromSwapCache(c, s)
    \/ \E c \in CPUs : SwapSlotFree(c)
    \/ \E m \in TaskMemcgs : Offline(m)
    \/ \E m \in TaskMemcgs : Free(m)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties.  Charge.tla's hold, with the swap cache and frozen pages    *)
(* added where they change the statement; each one exists to catch a      *)
(* class of protocol bugs, named in its comment (docs/mutants.md lists the *)
(* mutants that each catches).                                             *)
(***************************************************************************)

Conservation == C!Conservation
PendingPageUnowned == C!PendingPageUnowned
WithinLimit == C!WithinLimit
ChargeUnderExclusion == C!ChargeUnderExclusion

(* A page in use is charged: Charge.tla's, and a page in the swap cache   *)
(* (charged before insertion since v5.13; seed 002's races left unowned   *)
(* pages there, which memcg reclaim never found).                          *)
InUseIsCharged ==
    \A p \in Pages : C!InUseCharged(p) \/ InSwapCache(p) => owner[p] /= NoMemcg

(* An owned page is live, or frozen by reclaim with its charge awaiting   *)
(* UnchargeList (v2).  Catches a free that keeps the page's charge.        *)
OwnedPagesLive == \A p \in Pages : owner[p] /= NoMemcg => refcount[p] > 0 \/ Frozen(p)

(* Charge.tla's statistics, and swapcached: the owned pages in the swap   *)
(* cache.  Catches a swap-cache insertion or removal that skips the        *)
(* statistic, and a v1 swap-out that keeps the page in anon.               *)
StatsMatch ==
    \A m \in Memcgs :
        /\ \A item \in C!StatItems : stat[m][item] = C!StatOf(m, item)
        /\ stat[m]["swapcached"] = Cardinality({p \in Pages : owner[p] = m /\ InSwapCache(p)})

(* Every reference is accounted for: mappings, the page cache, the swap   *)
(* cache, CPUs (a frozen page's reclaimer holds none: its reference was   *)
(* frozen away).  Catches a reference dropped twice or never.              *)
RefcountBalance ==
    \A p \in Pages :
        refcount[p] = mapcount[p] + (IF C!InCache(p) THEN 1 ELSE 0)
                      + (IF InSwapCache(p) THEN 1 ELSE 0)
                      + Cardinality({c \in C!Holders(p) : pc[c] \notin FrozenPCs})

(* The slots recorded in m's subtree (the root's own records charge no    *)
(* counter, as in the kernel).                                              *)
Recorded(m) == Cardinality({s \in Slots : record[s] \in PC!Subtree(m) \ {Root}})

(* v1, as the documentation puts it: memsw = memory + swap, exactly: the  *)
(* page charges (with the pending ones) plus the recorded slots.  In the  *)
(* swap-in window both the new page and its slot count.  Catches a memsw  *)
(* charge not moved, or moved twice, between a page and its slot (a        *)
(* swap-out that keeps the memory charge, a swap-in that leaves the slot's *)
(* charge).                                                                *)
MemswIsMemoryPlusSwap ==
    version = 1 => \A m \in Memcgs : memsw[m] = usage[m] + Recorded(m)

(* v1: a page charged for memsw whose slot is still recorded is counted   *)
(* twice; that happens only in the swap-in window, between SwapInCharge   *)
(* and SwapinUnchargeSwap, on the CPU that swaps the page in.  Catches a   *)
(* swap-in that forgets mem_cgroup_swapin_uncharge_swap.                   *)
SwapinWindow(c) == pc[c] \in {"swapin_charged", "swapin_added"}
SwapCacheRecorded == \E s \in Slots : swapCache[s] /= NoPage /\ record[s] /= NoMemcg
NoDoubleChargeOutsideSwapinWindow ==
    version = 1 /\ SwapCacheRecorded => \A s \in Slots :
        swapCache[s] /= NoPage /\ record[s] /= NoMemcg
            => \E c \in CPUs : SwapinWindow(c) /\ slot[c] = s

(* v2: the swap counter counts exactly the recorded slots; v1 has no swap *)
(* counter and v2 no memsw counter.  Catches a swap charge not given back  *)
(* with its record, or charged without one.                                *)
SwapCounter ==
    /\ version = 2 => \A m \in Memcgs : swap[m] = Recorded(m)
    /\ version = 1 => \A m \in Memcgs : swap[m] = 0
    /\ version = 2 => \A m \in Memcgs : memsw[m] = 0

(* v2: swap usage within swap.max where there is one (below the first     *)
(* level).  Catches a slot allocation that ignores swap.max.               *)
SwapWithinLimit == \A m \in Removable : swap[m] <= SwapMax

(* The swap cache: a page in it holds SWAP_HAS_CACHE of an allocated slot, *)
(* and is in it for one slot only.  Catches a swap-cache insertion without *)
(* swapcache_prepare (seed 002's Type-1) and a page added twice.           *)
SwapCacheHasCache ==
    \A s \in Slots : swapCache[s] /= NoPage => hasCache[s] /\ allocated[s]
SwapCacheUnique ==
    \A s, t \in Slots : s /= t /\ swapCache[s] /= NoPage => swapCache[s] /= swapCache[t]

(* A slot is free only when no pte points at it and it has no cache page; *)
(* it is freed only when both are gone, by one CPU.  Catches a slot freed *)
(* while in use, or twice.                                                  *)
SlotFreeOnlyWhenUnused ==
    /\ \A s \in Slots : ~allocated[s] =>
          swapMap[s] = 0 /\ ~hasCache[s] /\ swapCache[s] = NoPage /\ record[s] = NoMemcg
    /\ \A c \in CPUs : pc[c] \in SlotFreePCs =>
          allocated[slot[c]] /\ swapMap[slot[c]] = 0 /\ ~hasCache[slot[c]]
    /\ \A c, d \in CPUs : c /= d /\ pc[c] \in SlotFreePCs /\ pc[d] \in SlotFreePCs => slot[c] /= slot[d]

(* No leaked slot: an allocated slot is used (a pte holds its entry, or a *)
(* page is in the swap cache for it) or a CPU works on it (allocating,    *)
(* swapping in, freeing it).  Catches a slot that nothing will ever free:  *)
(* seed 002's Type-1 (a swap-cache page nobody owns keeps the slot), a     *)
(* SWAP_HAS_CACHE never given back, a dead slot nobody frees.              *)
NoLeakedSlot ==
    \A s \in Slots : allocated[s] =>
        \/ swapMap[s] > 0
        \/ swapCache[s] /= NoPage
        \/ \E c \in CPUs : slot[c] = s

(* The memcg id's count: 1 while online, plus 1 per swap record.  Catches *)
(* a record that takes no id reference or drops it twice, or never       *)
(* (mem_cgroup_id_put_many missed: the id, and with it the memcg, lives   *)
(* forever).                                                                *)
IdRefBalance ==
    \A m \in Memcgs :
        idRef[m] = (IF Online(m) THEN 1 ELSE 0) + Cardinality({s \in Slots : record[s] = m})

(* The css count equals its holders: the base reference while online, the *)
(* id while it is alive, each charged page, each CPU faulting for a task   *)
(* of the memcg, each child not yet freed.  Catches a css_get or css_put   *)
(* missed or repeated on any path.                                          *)
CssHolders(m) ==
    (IF Online(m) THEN 1 ELSE 0) + (IF idRef[m] > 0 THEN 1 ELSE 0)
    + Cardinality({p \in Pages : owner[p] = m})
    + Cardinality({c \in CPUs : chargeTo[c] = m})
    + Cardinality({d \in PC!Children(m) : state[d] /= "freed"})
CssRefBalance == \A m \in Memcgs : css[m] = CssHolders(m)

(* No use after free: a freed memcg has no references, and no page, swap   *)
(* record, charging CPU or child names it.  Catches a memcg freed while    *)
(* referenced (css_free too early, a reference not counted).               *)
SomeMemcgFreed == \E m \in Memcgs : state[m] = "freed"
NothingFreedReferenced ==
    SomeMemcgFreed => \A m \in Memcgs : state[m] = "freed" =>
        /\ css[m] = 0 /\ idRef[m] = 0
        /\ \A p \in Pages : owner[p] /= m
        /\ \A s \in Slots : record[s] /= m
        /\ \A c \in CPUs : chargeTo[c] /= m
        /\ \A d \in PC!Children(m) : state[d] = "freed"

(* The swap-in page is charged under exclusion, before anyone can see it:  *)
(* private, unmapped, not in the swap cache until charged, locked from    *)
(* SwapcachePrepare until its read completes.  Catches a swap-in that     *)
(* publishes its page before the charge, or unlocks it too early.         *)
SwapinPCs == {"swapin_alloc", "swapin_prepared", "swapin_charged", "swapin_nomem", "swapin_added", "swapin_read"}
SwapinCharging == \E c \in CPUs : pc[c] \in SwapinPCs
SwapinChargeUnderExclusion ==
    SwapinCharging => \A c \in CPUs :
        LET p == held[c] IN
        /\ pc[c] \in {"swapin_alloc", "swapin_prepared", "swapin_charged", "swapin_nomem"}
              => /\ mapcount[p] = 0 /\ ~InSwapCache(p)
                 /\ \A d \in CPUs \ {c} : held[d] = p => pc[d] = "put"
        /\ pc[c] \in {"swapin_prepared", "swapin_charged", "swapin_nomem", "swapin_added", "swapin_read"}
              => locked[p] /\ hasCache[slot[c]]

(***************************************************************************)
(* Lemmas: implied by the properties above, kept as a second net.          *)
(***************************************************************************)

Hierarchy == C!Hierarchy
CommittedIsOwned == C!CommittedIsOwned

(* No leaked charge or slot: once every CPU is idle, every page is free    *)
(* and no pte points at a slot (every task has exited), every counter is   *)
(* zero and nothing is owned, recorded or allocated.  Implied: no page is  *)
(* owned (OwnedPagesLive: no live page, and a frozen page has a busy CPU), *)
(* so usage is 0 (Conservation: nothing pending either); no slot is        *)
(* allocated (NoLeakedSlot: no pte, no swap-cache page since a swap-cache  *)
(* page holds a reference (RefcountBalance), no busy CPU), so none is      *)
(* recorded (SlotFreeOnlyWhenUnused) and memsw and swap are 0              *)
(* (MemswIsMemoryPlusSwap, SwapCounter).  Its antecedent holds in a        *)
(* handful of states of each CI model; NoLeakedSlot, which has none, is    *)
(* the property.                                                           *)
Quiescent ==
    /\ \A c \in CPUs : pc[c] = "idle"
    /\ \A p \in Pages : refcount[p] = 0
    /\ \A s \in Slots : swapMap[s] = 0
NoLeakAtQuiescence ==
    Quiescent => /\ \A m \in Memcgs : usage[m] = 0 /\ memsw[m] = 0 /\ swap[m] = 0
                 /\ \A p \in Pages : owner[p] = NoMemcg
                 /\ \A s \in Slots : ~allocated[s] /\ record[s] = NoMemcg


(* Implied by Conservation, MemswIsMemoryPlusSwap and SwapCounter. *)
NoUnderflow ==
    \A m \in Memcgs : usage[m] >= 0 /\ memsw[m] >= 0 /\ swap[m] >= 0

(* Implied by StatsMatch. *)
StatsNonNegative == \A m \in Memcgs, item \in StatItems : stat[m][item] >= 0

(* No zombie: at quiescence only its live children keep an offline memcg  *)
(* from being freed.  Implied by CssRefBalance, IdRefBalance and           *)
(* NoLeakAtQuiescence (no page, no record, no charging CPU is left), and  *)
(* stated for its own sake: it is the guarantee users see.                 *)
NoZombieAtQuiescence ==
    Quiescent => \A m \in Memcgs :
        state[m] = "offline" => css[m] = Cardinality({d \in PC!Children(m) : state[d] /= "freed"})

(***************************************************************************)
(* Refinement of the abstract accounting spec: pages own memory charges,  *)
(* slots own swap charges, a page is live while its refcount is above     *)
(* zero (a page frozen by SwapOut is dead).  On v1 the abstract swap       *)
(* usage is the part of memsw that is not memory.  Catches a charge that   *)
(* leaves a live page (uncharged before it dies), and on v1 a swap-out     *)
(* whose memsw charge does not follow the record.                           *)
(***************************************************************************)

Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> C!Pending(m)],
              Parent <- C!Parent, Max <- C!Max,
              live <- [p \in Pages |-> refcount[p] > 0],
              swapUsage <- IF version = 2 THEN swap
                           ELSE [m \in Memcgs |-> memsw[m] - usage[m]]

Refinement == Abs!Spec

Symmetry == Permutations(CPUs) \cup Permutations(Pages) \cup Permutations(Indexes)
            \cup Permutations(Slots)
=============================================================================
