-------------------------------- MODULE Kmem --------------------------------
(***************************************************************************)
(* Kernel memory charged to memcgs through object cgroups (obj_cgroup,    *)
(* "objcg"), on top of the swap protocol (Swap.tla, which INSTANCEs        *)
(* Charge.tla and owns the memcgs' lifetime: offline, free, the css and id *)
(* references): a kmem page is charged to the objcg of the allocating      *)
(* task's memcg and pins the objcg, not the memcg; offline REPARENTS the   *)
(* memcg's objcgs, so kmem that outlives its cgroup (slab pages shared by  *)
(* many objects cannot be moved) keeps nothing dead alive.                 *)
(*                                                                         *)
(* Which kernel.  The kmem side is that of v6.12, read against a v6.12-era *)
(* mm/memcontrol.c (after mm/memcontrol-v1.c was split out): objcg pages   *)
(* since b4e0b68fbd9d ("mm: memcontrol: use obj_cgroup APIs to charge kmem *)
(* pages", v5.13 by inference), the obj_cgroup API of bf4f059954dc (v5.9), *)
(* get_mem_cgroup_from_objcg's css_tryget loop (eefbfa7fd678, the fix of a *)
(* use after free in obj_cgroup_charge), the objcg list under objcg_lock   *)
(* with objcg->memcg repointed by WRITE_ONCE and no memcg pinned by an     *)
(* objcg (Muchun Song's rework; mainline id unverified), and orig_objcg:   *)
(* the memcg's own reference on its first objcg, put in __mem_cgroup_free  *)
(* (v6.8).  The rest is Swap.tla's composite (docs/swap.md dates it).      *)
(* docs/kmem.md sets this design beside seed 004's 2012 lifecycle (spec/   *)
(* history/KmemLifecycle2012.tla) and lists what the model leaves out.     *)
(*                                                                         *)
(* The paths, as one CPU runs them:                                        *)
(*   __memcg_kmem_charge_page:  KmemAlloc (the page is allocated and the  *)
(*     task's objcg found: current_obj_cgroup), GetMemcgFromObjcg and      *)
(*     CssTrygetMemcg (get_mem_cgroup_from_objcg: read objcg->memcg under *)
(*     rcu_read_lock, css_tryget it, retry on failure), KmemCharge         *)
(*     (obj_cgroup_charge_pages: try_charge_memcg, the v1 kmem counter,    *)
(*     css_put; then obj_cgroup_get and memcg_data = objcg | KMEM; on      *)
(*     failure the page is freed);                                         *)
(*   __memcg_kmem_uncharge_page:  KmemFree (the page's objcg is read from  *)
(*     memcg_data), GetMemcgFromObjcg and CssTrygetMemcg again, and        *)
(*     KmemUncharge (obj_cgroup_uncharge_pages: the counters of the        *)
(*     objcg's memcg AT UNCHARGE TIME, css_put; memcg_data = 0,            *)
(*     obj_cgroup_put; the page is freed);                                 *)
(*   cgroup removal: Swap.tla's Offline, which now also runs               *)
(*     memcg_reparent_objcgs (every objcg pointing at the memcg, its own   *)
(*     and those it inherited, is repointed to the parent and moves to    *)
(*     the parent's list; percpu_ref_kill drops the objcg's initial        *)
(*     reference), and Swap.tla's Free, which now waits for RCU readers of *)
(*     the memcg (css_free runs after a grace period) and puts orig_objcg. *)
(*   An objcg is released (obj_cgroup_release: list_del, kfree_rcu) by    *)
(*   the put that drops its last reference.                                *)
(*                                                                         *)
(* Why it is safe.  A page names its objcg, never its memcg, so nothing a *)
(* dying memcg must wait for is held by kmem: its objcgs move up at        *)
(* offline and point at an online memcg ever after.  A CPU that read      *)
(* objcg->memcg just before the move holds only an RCU pointer: css_free  *)
(* waits for it, and css_tryget refuses a memcg whose count has reached    *)
(* zero (css_get would resurrect it: eefbfa7fd678), so the CPU re-reads    *)
(* and finds the parent.  Uncharging wherever the objcg points now keeps   *)
(* every live memcg's counter exact because counters are hierarchical:    *)
(* the charge went up through the parent too.  The dead child's own       *)
(* counter keeps what was charged through it and uncharged above it: its  *)
(* residue, which Conservation states exactly, through a history variable. *)
(*                                                                         *)
(* Kmem pages are their own page frames (KPages): the kernel allocates     *)
(* both kinds from one allocator, and no path here turns one into the      *)
(* other.  Objcgs are named by the memcg that allocated them at online     *)
(* (memcg_online_kmem): each non-root memcg has one, and the root none     *)
(* (its kmem is not charged; the model's tasks run below the root).        *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

CONSTANTS
    CPUs, Pages, Indexes, NMemcg, Fanout, Limit, MaxMap,   \* as in Charge.tla
    NoMemcg, NoPage, NoIndex,                              \* as in Charge.tla
    Slots, NoSlot, Versions, SwapMax, LeafTasks,           \* as in Swap.tla
    KPages,     \* kmem page frames (__GFP_ACCOUNT allocations), model values
    NoObjcg     \* model value: "no objcg"

VARIABLES
    \* --- Charge.tla's ---
    pc, held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, usage, stat,
    \* --- Swap.tla's ---
    version, slot, allocated, swapMap, hasCache, swapCache, record, memsw, swap, state, idRef, css,
    \* --- per kmem page ---
    kalloc,     \* kalloc[k]: page k is allocated
    kobjcg,     \* kobjcg[k]: page_objcg: memcg_data = objcg | MEMCG_DATA_KMEM, or NoObjcg
    \* --- per objcg (named by the memcg that allocated it) ---
    objcgMemcg, \* objcgMemcg[o]: objcg->memcg, or NoMemcg once released (kfree_rcu)
    objcgRef,   \* objcgRef[o]: the objcg's percpu_ref count (see ObjcgRefBalance for its holders)
    \* --- per CPU ---
    kpage,      \* kpage[c]: the kmem page CPU c charges or uncharges, or NoPage
    kobj,       \* kobj[c]: the objcg CPU c charges or uncharges through, or NoObjcg
    kmemcg,     \* kmemcg[c]: the memcg CPU c read from kobj[c]->memcg (an RCU pointer,
                \*   then a css reference), or NoMemcg
    \* --- per memcg ---
    kmem,       \* kmem[m]: cgroup v1's kmem page_counter (usage only: page_counter_charge); 0 on v2
    \* --- history variables (ghosts: no kernel state, no step reads them) ---
    chargedAt,  \* chargedAt[k]: the memcg whose counters page k's charge went up through
    residue     \* residue[m]: uncharges that left m's own counter charged: charged through
                \*   m, uncharged above it after reparenting

cpuVars == <<pc, held, chargeTo, index>>
folioVars == <<refcount, mapcount, owner, locked, anon>>
deviceVars == <<allocated, swapMap, hasCache, swapCache, record>>
counterVars == <<memsw, swap>>
lifeVars == <<state, idRef, css>>
chargeVars == <<cpuVars, folioVars, cache, usage, stat>>
swapVars == <<version, slot, deviceVars, counterVars, lifeVars>>
kpageVars == <<kalloc, kobjcg>>
objcgVars == <<objcgMemcg, objcgRef>>
kcpuVars == <<kpage, kobj, kmemcg>>
ghostVars == <<chargedAt, residue>>
kmemVars == <<kpageVars, objcgVars, kcpuVars, kmem, ghostVars>>
vars == <<chargeVars, swapVars, kmemVars>>

S == INSTANCE Swap
C == INSTANCE Charge

Memcgs == C!Memcgs
Root == C!Root
TaskMemcgs == C!TaskMemcgs
Parent == C!Parent
(* memory.max: Charge.tla's (the root unlimited).                          *)
Max == C!Max
(* Charge.tla's hierarchy tables, passed to PageCounter (PC, and Abs's):   *)
(* as a constant definition of the root module TLC evaluates it once; in   *)
(* a module INSTANCEd by another it stays a lookup (see MemcgTrees.tla).   *)
Tree == C!Tree
PC == INSTANCE PageCounter WITH Parent <- C!Parent
ASSUME PC!TreeOK
Online(m) == S!Online(m)

(* The objcgs: one per non-root memcg, allocated at its online. *)
Objcgs == TaskMemcgs

(* Program counters.  The charge: "kmem_charge" holds a fresh page and    *)
(* the task's objcg; "kmem_charge_rcu" has read objcg->memcg under         *)
(* rcu_read_lock; "kmem_charge_css" holds a css reference on it.  The      *)
(* uncharge, likewise, from the page's objcg.                              *)
KChargePCs == {"kmem_charge", "kmem_charge_rcu", "kmem_charge_css"}
KUnchargePCs == {"kmem_uncharge", "kmem_uncharge_rcu", "kmem_uncharge_css"}
KmemPCs == KChargePCs \cup KUnchargePCs
RcuPCs == {"kmem_charge_rcu", "kmem_uncharge_rcu"}
CssPCs == {"kmem_charge_css", "kmem_uncharge_css"}
PCs == S!PCs \cup KmemPCs

(* The memcgs along the path from m up to the root. *)
Ancestors(m) == PC!Ancestors(m)

(* obj_cgroup_put: the last reference releases the objcg               *)
(* (obj_cgroup_release: list_del under objcg_lock, kfree_rcu).  Both      *)
(* variables' next values, for a put of objcg o.                           *)
PutRef(o) == [objcgRef EXCEPT ![o] = @ - 1]
PutMemcg(o) == IF objcgRef[o] = 1 THEN [objcgMemcg EXCEPT ![o] = NoMemcg] ELSE objcgMemcg

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
    /\ stat \in [Memcgs -> [S!StatItems -> Int]]
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
    /\ kalloc \in [KPages -> BOOLEAN]
    /\ kobjcg \in [KPages -> Objcgs \cup {NoObjcg}]
    /\ objcgMemcg \in [Objcgs -> Memcgs \cup {NoMemcg}]
    /\ objcgRef \in [Objcgs -> Nat]
    /\ kpage \in [CPUs -> KPages \cup {NoPage}]
    /\ kobj \in [CPUs -> Objcgs \cup {NoObjcg}]
    /\ kmemcg \in [CPUs -> Memcgs \cup {NoMemcg}]
    /\ kmem \in [Memcgs -> Int]
    /\ chargedAt \in [KPages -> Memcgs \cup {NoMemcg}]
    /\ residue \in [Memcgs -> Nat]

(* Swap.tla's Init; every objcg online with its memcg (memcg_online_kmem: *)
(* the percpu_ref's initial reference and orig_objcg's).                   *)
Init ==
    /\ S!Init
    /\ kalloc = [k \in KPages |-> FALSE]
    /\ kobjcg = [k \in KPages |-> NoObjcg]
    /\ objcgMemcg = [o \in Objcgs |-> o]
    /\ objcgRef = [o \in Objcgs |-> 2]
    /\ kpage = [c \in CPUs |-> NoPage]
    /\ kobj = [c \in CPUs |-> NoObjcg]
    /\ kmemcg = [c \in CPUs |-> NoMemcg]
    /\ kmem = [m \in Memcgs |-> 0]
    /\ chargedAt = [k \in KPages |-> NoMemcg]
    /\ residue = [m \in Memcgs |-> 0]

(***************************************************************************)
(* Swap.tla's steps (with Charge.tla's), unchanged: a CPU on a kmem path   *)
(* is not idle, which their guards already test.                           *)
(***************************************************************************)

AllocAnon(c, p, m) == S!AllocAnon(c, p, m) /\ UNCHANGED kmemVars
AllocCache(c, p, m, i) == S!AllocCache(c, p, m, i) /\ UNCHANGED kmemVars
TryCharge(c) == S!TryCharge(c) /\ UNCHANGED kmemVars
CommitCharge(c) == S!CommitCharge(c) /\ UNCHANGED kmemVars
CancelCharge(c) == S!CancelCharge(c) /\ UNCHANGED kmemVars
MapAnon(c) == S!MapAnon(c) /\ UNCHANGED kmemVars
AddToCache(c) == S!AddToCache(c) /\ UNCHANGED kmemVars
UnlockPage(c) == S!UnlockPage(c) /\ UNCHANGED kmemVars
Map(c, p) == S!Map(c, p) /\ UNCHANGED kmemVars
Unmap(c, p) == S!Unmap(c, p) /\ UNCHANGED kmemVars
GetPage(c, p) == S!GetPage(c, p) /\ UNCHANGED kmemVars
DeleteFromCache(c, i) == S!DeleteFromCache(c, i) /\ UNCHANGED kmemVars
PutPage(c) == S!PutPage(c) /\ UNCHANGED kmemVars
Uncharge(c) == S!Uncharge(c) /\ UNCHANGED kmemVars
Reclaim(c, p) == S!Reclaim(c, p) /\ UNCHANGED kmemVars
AddToSwap(c, s) == S!AddToSwap(c, s) /\ UNCHANGED kmemVars
TryToUnmap(c) == S!TryToUnmap(c) /\ UNCHANGED kmemVars
SwapOut(c) == S!SwapOut(c) /\ UNCHANGED kmemVars
UnchargeList(c) == S!UnchargeList(c) /\ UNCHANGED kmemVars
ReclaimAbort(c) == S!ReclaimAbort(c) /\ UNCHANGED kmemVars
SwapinHit(c, s) == S!SwapinHit(c, s) /\ UNCHANGED kmemVars
SwapinAlloc(c, s, p, m) == S!SwapinAlloc(c, s, p, m) /\ UNCHANGED kmemVars
SwapcachePrepare(c) == S!SwapcachePrepare(c) /\ UNCHANGED kmemVars
SwapInCharge(c) == S!SwapInCharge(c) /\ UNCHANGED kmemVars
AddToSwapCache(c) == S!AddToSwapCache(c) /\ UNCHANGED kmemVars
SwapinUnchargeSwap(c) == S!SwapinUnchargeSwap(c) /\ UNCHANGED kmemVars
EndSwapRead(c) == S!EndSwapRead(c) /\ UNCHANGED kmemVars
SwapinMap(c) == S!SwapinMap(c) /\ UNCHANGED kmemVars
SwapcacheFree(c) == S!SwapcacheFree(c) /\ UNCHANGED kmemVars
FreeSwapAndCache(c, s) == S!FreeSwapAndCache(c, s) /\ UNCHANGED kmemVars
DeleteFromSwapCache(c, s) == S!DeleteFromSwapCache(c, s) /\ UNCHANGED kmemVars
SwapSlotFree(c) == S!SwapSlotFree(c) /\ UNCHANGED kmemVars

(***************************************************************************)
(* Charging a kmem page (__memcg_kmem_charge_page).                        *)
(***************************************************************************)

(* __alloc_pages with __GFP_ACCOUNT: page k is allocated, then charged to  *)
(* current_obj_cgroup(), the objcg of the task's memcg m (an online memcg *)
(* where tasks run: Swap.tla's TaskMemcg).  The task holds a reference on  *)
(* it (current->objcg); the model holds it for the allocation only, which  *)
(* lets the objcg be released earlier than the kernel would, never later.  *)
(* The task pins no css: it may move away and m go offline under the      *)
(* allocation, which is the window eefbfa7fd678 closed (CssTrygetMemcg).   *)
KmemAlloc(c, k, m) ==
    /\ pc[c] = "idle"
    /\ S!TaskMemcg(m)
    /\ ~kalloc[k]
    /\ kalloc' = [kalloc EXCEPT ![k] = TRUE]
    /\ objcgRef' = [objcgRef EXCEPT ![m] = @ + 1]
    /\ pc' = [pc EXCEPT ![c] = "kmem_charge"]
    /\ kpage' = [kpage EXCEPT ![c] = k]
    /\ kobj' = [kobj EXCEPT ![c] = m]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat, swapVars,
                   kobjcg, objcgMemcg, kmemcg, kmem, ghostVars>>

(* get_mem_cgroup_from_objcg, first half: rcu_read_lock(); memcg =        *)
(* obj_cgroup_memcg(objcg).  The pointer may be stale by the time it is    *)
(* used: offline may repoint objcg->memcg and the memcg's last css         *)
(* reference may go; RCU keeps the structure until rcu_read_unlock (Free   *)
(* waits for this CPU).                                                     *)
GetMemcgFromObjcg(c) ==
    /\ pc[c] \in {"kmem_charge", "kmem_uncharge"}
    /\ kmemcg' = [kmemcg EXCEPT ![c] = objcgMemcg[kobj[c]]]
    /\ pc' = [pc EXCEPT ![c] = IF pc[c] = "kmem_charge" THEN "kmem_charge_rcu" ELSE "kmem_uncharge_rcu"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat, swapVars,
                   kpageVars, objcgVars, kpage, kobj, kmem, ghostVars>>

(* get_mem_cgroup_from_objcg, second half: css_tryget(&memcg->css); on   *)
(* failure "goto retry" re-reads objcg->memcg.  css_tryget fails only on  *)
(* a count of zero: the memcg is dying and offline has already repointed  *)
(* the objcg to its parent, so the retry finds a live memcg.  css_get     *)
(* here was eefbfa7fd678's use after free: it lifts a count of zero back  *)
(* to one while css_release is already under way (NoCssResurrection).      *)
CssTrygetMemcg(c) ==
    /\ pc[c] \in RcuPCs
    /\ LET m == kmemcg[c]
           \* m is NoMemcg only if the objcg was released under this CPU, a use
           \* after free that NoObjcgUseAfterFree reports: the CPU then retries.
           ok == m \in Memcgs /\ css[m] > 0
       IN
       /\ css' = IF ok THEN [css EXCEPT ![m] = @ + 1] ELSE css
       /\ kmemcg' = IF ok THEN kmemcg ELSE [kmemcg EXCEPT ![c] = NoMemcg]
       /\ pc' = [pc EXCEPT ![c] =
                   CASE ok /\ pc[c] = "kmem_charge_rcu" -> "kmem_charge_css"
                     [] ok -> "kmem_uncharge_css"
                     [] pc[c] = "kmem_charge_rcu" -> "kmem_charge"
                     [] OTHER -> "kmem_uncharge"]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat,
                   version, slot, deviceVars, counterVars, state, idRef,
                   kpageVars, objcgVars, kpage, kobj, kmem, ghostVars>>

(* obj_cgroup_charge_pages: try_charge_memcg(memcg, 1) against every      *)
(* memory.max on the path (and memsw on v1, unlimited here), the v1 kmem  *)
(* counter (memcg1_account_kmem: page_counter_charge, no limit), css_put. *)
(* Then __memcg_kmem_charge_page: obj_cgroup_get(objcg) for the page and   *)
(* page->memcg_data = objcg | MEMCG_DATA_KMEM; the task's hold ends, so   *)
(* the count stays.  On failure (-ENOMEM: the model has no reclaim of      *)
(* kmem) __alloc_pages frees the page and the task's hold ends.  The       *)
(* memcg charged is the one read, wherever objcg->memcg points now: the    *)
(* charge goes up through every ancestor, so a parent the objcg has moved *)
(* to since is charged as well.                                            *)
KmemCharge(c) ==
    /\ pc[c] = "kmem_charge_css"
    /\ LET m == kmemcg[c]
           k == kpage[c]
           o == kobj[c]
           ok == PC!CanCharge(usage, m, 1)
       IN
       /\ usage' = IF ok THEN PC!TryCharge(usage, m, 1) ELSE usage
       /\ memsw' = IF ok /\ version = 1 THEN PC!TryCharge(memsw, m, 1) ELSE memsw
       /\ kmem' = IF ok /\ version = 1 THEN PC!ForceCharge(kmem, m, 1) ELSE kmem
       /\ css' = [css EXCEPT ![m] = @ - 1]
       /\ kobjcg' = IF ok THEN [kobjcg EXCEPT ![k] = o] ELSE kobjcg
       /\ kalloc' = IF ok THEN kalloc ELSE [kalloc EXCEPT ![k] = FALSE]
       /\ objcgRef' = IF ok THEN objcgRef ELSE PutRef(o)
       /\ objcgMemcg' = IF ok THEN objcgMemcg ELSE PutMemcg(o)
       /\ chargedAt' = IF ok THEN [chargedAt EXCEPT ![k] = m] ELSE chargedAt
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ kpage' = [kpage EXCEPT ![c] = NoPage]
    /\ kobj' = [kobj EXCEPT ![c] = NoObjcg]
    /\ kmemcg' = [kmemcg EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, stat,
                   version, slot, deviceVars, swap, state, idRef, residue>>

(***************************************************************************)
(* Uncharging a kmem page (__memcg_kmem_uncharge_page).                    *)
(***************************************************************************)

(* __free_pages of a charged kmem page (kmem pages are freed by whoever   *)
(* frees the object, on any CPU): folio_memcg_kmem, so objcg =             *)
(* __folio_objcg(folio).  One CPU frees a given page.                       *)
KmemFree(c, k) ==
    /\ pc[c] = "idle"
    /\ kalloc[k]
    /\ kobjcg[k] /= NoObjcg
    /\ \A d \in CPUs : kpage[d] /= k
    /\ pc' = [pc EXCEPT ![c] = "kmem_uncharge"]
    /\ kpage' = [kpage EXCEPT ![c] = k]
    /\ kobj' = [kobj EXCEPT ![c] = kobjcg[k]]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, usage, stat, swapVars,
                   kpageVars, objcgVars, kmemcg, kmem, ghostVars>>

(* obj_cgroup_uncharge_pages: the counters of the memcg read from the     *)
(* objcg now (memory and memsw through refill_stock; the per-CPU stock is  *)
(* not modelled, so its drain is immediate: page_counter_uncharge), the v1 *)
(* kmem counter, css_put.  Then memcg_data = 0 and obj_cgroup_put: the    *)
(* page's reference, which may be the objcg's last.  After reparenting the *)
(* memcg is an ancestor of the one charged: every counter from it up goes *)
(* down, and the ones below it, dead, keep the page (residue).             *)
KmemUncharge(c) ==
    /\ pc[c] = "kmem_uncharge_css"
    /\ LET m == kmemcg[c]
           k == kpage[c]
           o == kobj[c]
       IN
       /\ usage' = PC!Uncharge(usage, m, 1)
       /\ memsw' = IF version = 1 THEN PC!Uncharge(memsw, m, 1) ELSE memsw
       /\ kmem' = IF version = 1 THEN PC!Uncharge(kmem, m, 1) ELSE kmem
       /\ css' = [css EXCEPT ![m] = @ - 1]
       /\ kobjcg' = [kobjcg EXCEPT ![k] = NoObjcg]
       /\ kalloc' = [kalloc EXCEPT ![k] = FALSE]
       /\ objcgRef' = PutRef(o)
       /\ objcgMemcg' = PutMemcg(o)
       /\ chargedAt' = [chargedAt EXCEPT ![k] = NoMemcg]
       /\ residue' = [x \in Memcgs |->
                        IF x \in Ancestors(chargedAt[k]) \ Ancestors(m) THEN residue[x] + 1 ELSE residue[x]]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ kpage' = [kpage EXCEPT ![c] = NoPage]
    /\ kobj' = [kobj EXCEPT ![c] = NoObjcg]
    /\ kmemcg' = [kmemcg EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, chargeTo, index, folioVars, cache, stat,
                   version, slot, deviceVars, swap, state, idRef>>

(***************************************************************************)
(* Memcg lifetime: Swap.tla's, with the objcgs.                            *)
(***************************************************************************)

(* mem_cgroup_css_offline -> memcg_offline_kmem -> memcg_reparent_objcgs:  *)
(* memcg->objcg = NULL (rcu_replace_pointer: new allocations no longer    *)
(* find it; none can, as m has no task), then under objcg_lock every objcg *)
(* on m's list, m's own and those inherited from its dead children, gets  *)
(* iter->memcg = parent and the list is spliced onto the parent's; then    *)
(* percpu_ref_kill(&objcg->refcnt) drops the initial reference (orig_objcg *)
(* still holds one, so the objcg outlives this step).  The memcg has no    *)
(* online child, so its parent is online: every objcg points at an online *)
(* memcg ever after.  The whole of memcg_offline_kmem is one step: it runs *)
(* under the css reference kill_css holds across offline, so the memcg    *)
(* cannot be freed meanwhile, and each objcg's pointer moves once, under   *)
(* objcg_lock, where a reader sees the old or the new value.                *)
Offline(m) ==
    /\ S!Offline(m)
    /\ objcgMemcg' = [o \in Objcgs |-> IF objcgMemcg[o] = m THEN Parent[m] ELSE objcgMemcg[o]]
    /\ objcgRef' = [objcgRef EXCEPT ![m] = @ - 1]
    /\ UNCHANGED <<kpageVars, kcpuVars, kmem, ghostVars>>

(* mem_cgroup_css_free, after its last css reference: Swap.tla's Free,    *)
(* once no CPU holds an RCU pointer to the memcg (css_free runs after an  *)
(* RCU grace period); __mem_cgroup_free puts orig_objcg, which releases   *)
(* the objcg if no kmem page and no task holds it.                         *)
Free(m) ==
    /\ S!Free(m)
    /\ \A c \in CPUs : kmemcg[c] /= m
    /\ objcgRef' = PutRef(m)
    /\ objcgMemcg' = PutMemcg(m)
    /\ UNCHANGED <<kpageVars, kcpuVars, kmem, ghostVars>>

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
    \/ \E c \in CPUs, k \in KPages, m \in TaskMemcgs : KmemAlloc(c, k, m)
    \/ \E c \in CPUs : GetMemcgFromObjcg(c)
    \/ \E c \in CPUs : CssTrygetMemcg(c)
    \/ \E c \in CPUs : KmemCharge(c)
    \/ \E c \in CPUs, k \in KPages : KmemFree(c, k)
    \/ \E c \in CPUs : KmemUncharge(c)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties.  Each exists to catch a class of protocol bugs, named in    *)
(* its comment (docs/mutants.md lists the mutants that each catches).      *)
(***************************************************************************)

(* The memcg a charged kmem page belongs to now: its objcg's memcg. *)
KOwner(k) == IF kobjcg[k] = NoObjcg THEN NoMemcg ELSE objcgMemcg[kobjcg[k]]

(* What m's own counter holds beyond what its subtree owns: charges that   *)
(* went up through m for pages whose objcg has since moved above m (live *)
(* pages), and those uncharged above m (residue).  Only a dead memcg can   *)
(* have any (NoResidueOnline).                                              *)
Excess(m) ==
    residue[m]
    + Cardinality({k \in KPages : /\ kobjcg[k] /= NoObjcg
                                  /\ chargedAt[k] \in PC!Subtree(m)
                                  /\ KOwner(k) \notin PC!Subtree(m)})

(* Conservation, hierarchical, with kernel memory: each memcg's counter = *)
(* the user pages owned in its subtree + the pending charges there (as in *)
(* Charge.tla) + the kmem pages whose objcg points into its subtree +     *)
(* its excess, exactly.  Catches a kmem charge or uncharge lost, repeated *)
(* or made on a memcg that is not on the objcg's path (a reparenting that *)
(* moves the pointer but not the charge's path, an uncharge below the     *)
(* objcg's memcg whose residue lands on a live memcg).                     *)
Conservation ==
    \A m \in Memcgs :
        usage[m] = Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)})
                   + Cardinality({c \in CPUs : pc[c] \in C!PendingPCs /\ chargeTo[c] \in PC!Subtree(m)})
                   + Cardinality({k \in KPages : KOwner(k) \in PC!Subtree(m)})
                   + Excess(m)

(* After reparenting, every live memcg's usage is exactly what its subtree *)
(* owns: the excess sits on dead memcgs only.  With Conservation, this is *)
(* the residue stated exactly.  Catches an uncharge that does not follow   *)
(* the objcg (to the memcg charged, below the objcg's memcg: once that     *)
(* memcg is reused or its counter read, memory.current of a LIVE memcg     *)
(* would be wrong), and a reparenting that skips a level.                   *)
NoResidueOnline == \A m \in Memcgs : Online(m) => Excess(m) = 0

(* cgroup v1's kmem counter counts the kmem pages in the subtree and the  *)
(* same excess; v2 has none.  Catches a kmem counter update skipped or    *)
(* made against another memcg than the memory counter's.                  *)
KmemCounter ==
    /\ version = 1 => \A m \in Memcgs :
          kmem[m] = Cardinality({k \in KPages : KOwner(k) \in PC!Subtree(m)}) + Excess(m)
    /\ version = 2 => \A m \in Memcgs : kmem[m] = 0

(* v1, as in Swap.tla, with kmem: memsw = memory + swap.  Restated only    *)
(* because usage now holds kmem charges: the statement is Swap.tla's.       *)
MemswIsMemoryPlusSwap == S!MemswIsMemoryPlusSwap

(* Every objcg reference is accounted for: the percpu_ref's initial       *)
(* reference while the memcg that allocated it is online (killed at       *)
(* offline), orig_objcg's while that memcg is not freed, one per charged   *)
(* kmem page, one per CPU charging for a task of it.  Catches an           *)
(* obj_cgroup_get or _put missed or repeated (seed 004's double put in     *)
(* today's terms, split_page_memcg's forgotten references).                *)
ObjcgHolders(o) ==
    (IF Online(o) THEN 1 ELSE 0) + (IF state[o] /= "freed" THEN 1 ELSE 0)
    + Cardinality({k \in KPages : kobjcg[k] = o})
    + Cardinality({c \in CPUs : pc[c] \in KChargePCs /\ kobj[c] = o})
ObjcgRefBalance == \A o \in Objcgs : objcgRef[o] = ObjcgHolders(o)

(* No use after free of an objcg: a released objcg has no reference, and  *)
(* no page or CPU names it.  Catches an objcg released while referenced.  *)
ObjcgReleased(o) == objcgMemcg[o] = NoMemcg
SomeObjcgReleased == \E o \in Objcgs : ObjcgReleased(o)
NoObjcgUseAfterFree ==
    SomeObjcgReleased => \A o \in Objcgs : ObjcgReleased(o) =>
        /\ objcgRef[o] = 0
        /\ \A k \in KPages : kobjcg[k] /= o
        /\ \A c \in CPUs : kobj[c] /= o

(* Every objcg not yet released points at an online memcg.  Catches a     *)
(* reparenting that forgets the objcgs a memcg inherited from its dead     *)
(* children (they would keep pointing at it after it is freed) or moves    *)
(* them anywhere but to the parent.                                         *)
ObjcgPointsOnline ==
    \A o \in Objcgs : ~ObjcgReleased(o) => Online(objcgMemcg[o])

(* A kmem page in use is charged, and only an allocated page is: between  *)
(* __memcg_kmem_charge_page and __memcg_kmem_uncharge_page, memcg_data    *)
(* names a live objcg.  Catches memcg_data left set on a freed page, or a *)
(* charged page freed without its uncharge.                                *)
KmemPagesCharged ==
    \A k \in KPages :
        /\ kalloc[k] /\ ~(\E c \in CPUs : kpage[c] = k /\ pc[c] \in KChargePCs) => kobjcg[k] /= NoObjcg
        /\ ~kalloc[k] => kobjcg[k] = NoObjcg

(* The css count equals its holders: Swap.tla's, and each CPU holding a  *)
(* reference from css_tryget until obj_cgroup_charge_pages or _uncharge_  *)
(* pages puts it.  Kmem pages hold none: that is the point of objcg.       *)
(* Catches a css reference taken per kmem page (v3.19 to v5.12's design), *)
(* or a css_put missed or repeated on a kmem path.                         *)
CssHolders(m) == S!CssHolders(m) + Cardinality({c \in CPUs : pc[c] \in CssPCs /\ kmemcg[c] = m})
CssRefBalance == \A m \in Memcgs : css[m] = CssHolders(m)

(* No use after free of a memcg: Swap.tla's, and no objcg points at a      *)
(* freed memcg, no CPU holds a pointer to one.                              *)
SomeMemcgFreed == S!SomeMemcgFreed
NothingFreedReferenced ==
    SomeMemcgFreed =>
        /\ S!NothingFreedReferenced
        /\ \A m \in Memcgs : state[m] = "freed" =>
              /\ \A o \in Objcgs : objcgMemcg[o] /= m
              /\ \A c \in CPUs : kmemcg[c] /= m

(* A dying memcg's css count never rises from zero: css_tryget refuses it *)
(* (percpu_ref_tryget fails on a count of zero); css_get would resurrect a *)
(* memcg whose release is already running (eefbfa7fd678).  An action      *)
(* property, checked on every step.                                         *)
NoCssResurrection ==
    [][\A m \in Memcgs : ~Online(m) /\ css[m] = 0 => css'[m] = 0]_vars

(* Swap.tla's properties that kmem does not touch. *)
InUseIsCharged == S!InUseIsCharged
OwnedPagesLive == S!OwnedPagesLive
PendingPageUnowned == S!PendingPageUnowned
StatsMatch == S!StatsMatch
WithinLimit == S!WithinLimit
RefcountBalance == S!RefcountBalance
ChargeUnderExclusion == S!ChargeUnderExclusion
IdRefBalance == S!IdRefBalance
SwapCounter == S!SwapCounter
SwapWithinLimit == S!SwapWithinLimit
SwapCacheHasCache == S!SwapCacheHasCache
SwapCacheUnique == S!SwapCacheUnique
SlotFreeOnlyWhenUnused == S!SlotFreeOnlyWhenUnused
NoLeakedSlot == S!NoLeakedSlot
SwapinCharging == S!SwapinCharging
SwapinChargeUnderExclusion == SwapinCharging => S!SwapinChargeUnderExclusion
SwapCacheRecorded == S!SwapCacheRecorded
NoDoubleChargeOutsideSwapinWindow == SwapCacheRecorded => S!NoDoubleChargeOutsideSwapinWindow

(***************************************************************************)
(* Lemmas: implied by the properties above, kept as a second net.          *)
(***************************************************************************)

CommittedIsOwned == S!CommittedIsOwned
StatsNonNegative == S!StatsNonNegative

(* Implied by Conservation (usage, and memsw through MemswIsMemoryPlusSwap) *)
(* and KmemCounter: their right-hand sides are counts.                      *)
NoUnderflow == S!NoUnderflow /\ \A m \in Memcgs : kmem[m] >= 0

(* Charge.tla's Hierarchy, with kernel memory: a memcg's own usage (its   *)
(* counter less its children's) is its own pages and pending charges, the *)
(* kmem pages its objcgs point at, and its excess less its children's; a *)
(* parent's counter is LESS than the sum of its children's when a dead    *)
(* child keeps a residue.  Implied by Conservation.                        *)
Hierarchy ==
    \A m \in Memcgs :
        PC!OwnUsage(usage, m) =
            Cardinality({p \in Pages : owner[p] = m}) + C!Pending(m)
            + Cardinality({k \in KPages : KOwner(k) = m})
            + Excess(m) - PC!SumUsage([d \in Memcgs |-> Excess(d)], PC!Children(m))

(* Quiescence: every CPU idle, every user page and every kmem page free, *)
(* no swap entry left.  Then no live memcg is charged, a dead one holds   *)
(* exactly its residue, and no objcg or slot is left over.  Implied by    *)
(* Conservation, NoResidueOnline and Swap.tla's NoLeakAtQuiescence          *)
(* argument; kept as the guarantee users see.                              *)
Quiescent == S!Quiescent /\ \A k \in KPages : ~kalloc[k]
NoLeakAtQuiescence ==
    Quiescent =>
        /\ \A m \in Memcgs : usage[m] = residue[m] /\ swap[m] = 0
        /\ version = 1 => \A m \in Memcgs : memsw[m] = residue[m] /\ kmem[m] = residue[m]
        /\ \A p \in Pages : owner[p] = NoMemcg
        /\ \A s \in Slots : ~allocated[s] /\ record[s] = NoMemcg

(* Kernel memory keeps no memcg alive.  Once every CPU is idle, with no   *)
(* user page and no swap entry left, only live children keep an offline    *)
(* memcg from being freed, whatever kmem pages are still allocated: the   *)
(* kernel selftest test_kmem_dead_cgroups allocates dentries in 30 child  *)
(* cgroups, removes them, and expects the parent's nr_dying_descendants   *)
(* to return to 0 while the dentries stay in the dcache.  Implied by       *)
(* CssRefBalance (no kmem holder) and IdRefBalance.                        *)
NoZombieAtQuiescence ==
    S!Quiescent => \A m \in Memcgs :
        state[m] = "offline" => css[m] = Cardinality({d \in PC!Children(m) : state[d] /= "freed"})

(* An objcg is released once nothing holds it: after its memcg is freed,  *)
(* at quiescence none is left.  Implied by ObjcgRefBalance.                *)
NoObjcgLeakAtQuiescence ==
    Quiescent => \A o \in Objcgs : state[o] = "freed" => ObjcgReleased(o)

(***************************************************************************)
(* Refinement of the abstract accounting spec.  Pages are the user pages  *)
(* and the kmem pages; a kmem page's abstract owner is its objcg's memcg; *)
(* its abstract usage is each counter less its excess (the residue and    *)
(* the charges of live pages reparented above it are no usage of anything *)
(* it owns).  Offline is Abs!Reparent(m, the kmem pages whose objcg       *)
(* points at m): they pass to the parent, m's usage drops by as many, and *)
(* no ancestor's changes.  KmemCharge is Abs!Charge of the objcg's memcg  *)
(* (the counters charged may be those of a dead memcg below it: the       *)
(* excess absorbs the difference), KmemUncharge is Abs!Free, a failed     *)
(* charge frees an unowned page.  Catches a kmem charge left on a freed   *)
(* page, an uncharge of a live one, and a counter change that no          *)
(* ownership explains.                                                      *)
(***************************************************************************)
Abs == INSTANCE MemcgAccounting
         WITH Pages <- Pages \cup KPages,
              owner <- [p \in Pages \cup KPages |-> IF p \in KPages THEN KOwner(p) ELSE owner[p]],
              pending <- [m \in Memcgs |-> C!Pending(m)],
              Parent <- C!Parent,
              usage <- [m \in Memcgs |-> usage[m] - Excess(m)],
              live <- [p \in Pages \cup KPages |-> IF p \in KPages THEN kalloc[p] ELSE refcount[p] > 0],
              swapUsage <- IF version = 2 THEN swap
                           ELSE [m \in Memcgs |-> memsw[m] - usage[m]]

Refinement == Abs!SpecReparent

Symmetry == S!Symmetry \cup Permutations(KPages)
=============================================================================
