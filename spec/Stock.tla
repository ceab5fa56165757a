-------------------------------- MODULE Stock --------------------------------
(***************************************************************************)
(* The per-CPU charge stock (struct memcg_stock_pcp), on top of kernel     *)
(* memory through object cgroups (Kmem.tla, which INSTANCEs Swap.tla and    *)
(* Charge.tla).                                                             *)
(*                                                                         *)
(* Which kernel.  The stock is mainline's since f735eebe55f8 ("memcg:      *)
(* multi-memcg percpu charge cache", v6.16): each CPU caches pre-charged   *)
(* pages for up to NR_MEMCG_STOCK (7) memcgs, a memcg in at most one slot, *)
(* each occupied slot holding ONE css reference (since 1a3e1f40962c, v5.9; *)
(* v3.19 to v5.8 held one per stocked page, and the older stock none).     *)
(* The kmem paths beneath it are Kmem.tla's (v6.12); the obj (byte) stock  *)
(* in front of them, split off into obj_stock_pcp in 2025, is not modelled:*)
(* kmem pages are charged and uncharged a page at a time, as                *)
(* __memcg_kmem_charge_page and __memcg_kmem_uncharge_page do.             *)
(*                                                                         *)
(* The protocol (mm/memcontrol.c):                                          *)
(*   - try_charge_memcg(memcg, 1), for every charge (a fault's, a page-    *)
(*     cache insertion's, a swap-in's, a kmem page's): consume_stock takes *)
(*     a page from this CPU's slot for memcg if it has one; else            *)
(*     page_counter_try_charge                                              *)
(*     charges a BATCH (MEMCG_CHARGE_BATCH, 64 pages; Batch here) up the   *)
(*     hierarchy and refill_stock puts the surplus (Batch - 1) in this     *)
(*     CPU's stock; if the batch does not fit, exactly one page; if that   *)
(*     does not fit either, drain_all_stock(mem_over_limit) once, and      *)
(*     retry; then -ENOMEM.  A stock hit touches no shared counter.        *)
(*   - obj_cgroup_uncharge_pages -> refill_stock(memcg, 1): a kmem page's  *)
(*     uncharge goes INTO the stock; a user page's does not (uncharge_batch *)
(*     and mem_cgroup_cancel_charge call memcg_uncharge: the counters).     *)
(*   - refill_stock(memcg, n): add to memcg's slot; if the slot then holds *)
(*     more than Batch pages, drain it (uncharge all of it, css_put, empty *)
(*     slot).  No slot for memcg: take an empty one, or evict a victim     *)
(*     (drain_stock: uncharge its pages, css_put); then css_get(memcg).    *)
(*   - drain_all_stock(root): for every CPU whose FLUSHING_CACHED_CHARGE   *)
(*     bit is clear and whose stock has pages of a memcg below root, set   *)
(*     the bit and drain: the calling CPU at once, the others through a    *)
(*     work item (drain_local_memcg_stock: all slots, then clear the bit). *)
(*     Nobody waits for the work.  Callers here: a charge that failed      *)
(*     (once per charge), and mem_cgroup_css_offline.                      *)
(*                                                                         *)
(* Why it matters.  Stocked pages are charged: memory.current and every    *)
(* ancestor's usage count them (Conservation counts them, WithinLimit      *)
(* holds on the counters with them), a memcg's charge can fail while its  *)
(* pages sit in other CPUs' stocks (drain_all_stock does not wait), and a  *)
(* slot's css reference pins its memcg: a dying memcg stays until its slot *)
(* is evicted or drained, and drain_all_stock skips a slot with no pages,  *)
(* so an offline memcg may stay pinned by a stock indefinitely             *)
(* (StockPinsDying says that stocks are the only thing that can).          *)
(*                                                                         *)
(* Representation.  A slot is named by the memcg it caches: cached[c] is  *)
(* the set of memcgs in CPU c's slots (at most NSlots), nrPages[c][m] the  *)
(* pages in m's slot (0 when m has none).  The kernel's slot index matters *)
(* only to the choice of a victim: f735eebe55f8 chose it at random,         *)
(* c0cafe24d3f6 (2026) round-robin; the spec lets the victim be any        *)
(* occupied slot, which covers both.                                        *)
(*                                                                         *)
(* What the model leaves out (docs/stock.md): the local trylock's fallback  *)
(* (an interrupt that finds the stock busy charges or uncharges the        *)
(* counters directly: no interrupts here); the task's migration between    *)
(* consume_stock and refill_stock (a CPU here is one task); memory.high,   *)
(* memory.max writes and v1's callers of drain_all_stock; reclaim and OOM  *)
(* between the failed charge and the drain (a charge's failure is its      *)
(* final verdict, as in Charge.tla); CPU hotplug's drain; isolated CPUs;   *)
(* uncharge_batch's batching (one page at a time: UnchargeBatch.tla).  A   *)
(* swap-in retrying after its drain holds the memcg it charges in chargeTo,*)
(* which, as for every charging CPU, keeps that memcg from going offline   *)
(* until the retry ends (the kernel does not wait).                          *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

CONSTANTS
    CPUs, Pages, Indexes, NMemcg, Fanout, Limit, MaxMap,   \* as in Charge.tla
    NoMemcg, NoPage, NoIndex,                              \* as in Charge.tla
    Slots, NoSlot, Versions, SwapMax, LeafTasks,           \* as in Swap.tla
    KPages, NoObjcg,                                       \* as in Kmem.tla
    Batch,      \* MEMCG_CHARGE_BATCH: pages charged at once on a stock miss (64)
    NSlots      \* NR_MEMCG_STOCK: memcgs cached per CPU (7)

ASSUME Batch \in Nat /\ Batch >= 2 /\ NSlots \in Nat \ {0}

VARIABLES
    \* --- Charge.tla's ---
    pc, held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, usage, stat,
    \* --- Swap.tla's ---
    version, slot, allocated, swapMap, hasCache, swapCache, record, memsw, swap, state, idRef, css,
    \* --- Kmem.tla's ---
    kalloc, kobjcg, objcgMemcg, objcgRef, kpage, kobj, kmemcg, kmem, chargedAt, residue,
    \* --- per CPU: struct memcg_stock_pcp ---
    cached,     \* cached[c]: the memcgs in CPU c's slots (stock->cached[i]), each holding a css reference
    nrPages,    \* nrPages[c][m]: the pages in m's slot on CPU c (stock->nr_pages[i]); 0 if m has none
    flushing    \* flushing[c]: FLUSHING_CACHED_CHARGE: a drain of CPU c's stock is queued

chargeVars == <<pc, held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, usage, stat>>
swapVars == <<version, slot, allocated, swapMap, hasCache, swapCache, record, memsw, swap, state, idRef, css>>
kmemVars == <<kalloc, kobjcg, objcgMemcg, objcgRef, kpage, kobj, kmemcg, kmem, chargedAt, residue>>
stockVars == <<cached, nrPages, flushing>>
vars == <<chargeVars, swapVars, kmemVars, stockVars>>

K == INSTANCE Kmem
C == INSTANCE Charge

Memcgs == C!Memcgs
TaskMemcgs == C!TaskMemcgs
Root == C!Root
(* The hierarchy's tables, built once (MemcgTrees.tla), for PageCounter.  *)
Tree == C!Tree
(* memory.max: Charge.tla's (the root unlimited).                          *)
Max == C!Max
PC == INSTANCE PageCounter WITH Parent <- C!Parent
ASSUME PC!TreeOK
Subtree(m) == PC!Subtree(m)

(* Where each caller's try_charge_memcg(memcg, 1) starts:                 *)
(*   "anon_alloc"      do_anonymous_page -> mem_cgroup_charge -> charge_memcg *)
(*                     (Charge.tla's TryCharge of an anon page);              *)
(*   "cache_alloc"     filemap_add_folio -> mem_cgroup_charge (TryCharge of  *)
(*                     a page-cache page);                                    *)
(*   "swapin_prepared" mem_cgroup_swapin_charge_folio -> charge_memcg         *)
(*                     (Swap.tla's SwapInCharge);                             *)
(*   "kmem_charge_css" obj_cgroup_charge_pages (Kmem.tla's KmemCharge).       *)
(* A charge that failed and has run drain_all_stock retries once, from its  *)
(* retry point (the css reference still held).                              *)
ChargeStartPCs == {"anon_alloc", "cache_alloc", "swapin_prepared", "kmem_charge_css"}
RetryOf == ("anon_alloc" :> "anon_alloc_retry") @@ ("cache_alloc" :> "cache_alloc_retry")
           @@ ("swapin_prepared" :> "swapin_retry") @@ ("kmem_charge_css" :> "kmem_charge_retry")
RetryPCs == {RetryOf[q] : q \in ChargeStartPCs}
PCs == K!PCs \cup RetryPCs

(* The caller of CPU c's charge: its start point, also when retrying. *)
Start(c) == IF pc[c] \in RetryPCs THEN CHOOSE q \in ChargeStartPCs : RetryOf[q] = pc[c] ELSE pc[c]

(* Sum of f[x] over a finite set S. *)
RECURSIVE SumOver(_, _)
SumOver(f, S) == IF S = {} THEN 0 ELSE LET x == CHOOSE x \in S : TRUE IN f[x] + SumOver(f, S \ {x})

(* The pages stocked for memcg d, over every CPU, and for m's subtree: the *)
(* part of usage[m] that no page owns yet.                                  *)
StockedFor(d) == SumOver([c \in CPUs |-> nrPages[c][d]], CPUs)
Stocked(m) == SumOver([d \in TaskMemcgs |-> StockedFor(d)], Subtree(m) \cap TaskMemcgs)

(* The css references the stocks hold on m: one per slot caching it. *)
SlotRefs(m) == Cardinality({c \in CPUs : m \in cached[c]})

(* Kmem.tla's variables as that spec would have them: the stocked pages   *)
(* are nobody's usage, the slots' css references nobody's holders, and a  *)
(* charge retrying after its drain is a charge at its start, holding its   *)
(* css reference (a swap-in's on the memcg it charges: DrainAllStock).      *)
KA == INSTANCE Kmem
        WITH usage <- [m \in Memcgs |-> usage[m] - Stocked(m)],
             memsw <- IF version = 1 THEN [m \in Memcgs |-> memsw[m] - Stocked(m)] ELSE memsw,
             css <- [m \in Memcgs |-> css[m] - (IF m \in TaskMemcgs THEN SlotRefs(m) ELSE 0)],
             pc <- [c \in CPUs |-> Start(c)]

(***************************************************************************)
(* The stock's operations, as next values.  Each takes the counters and   *)
(* css counts as they are at that point of the step.                       *)
(***************************************************************************)

(* drain_stock of CPU c's slots S (drain_local_memcg_stock: all of them): *)
(* every page in them uncharged from its memcg up (memcg_uncharge: memory, *)
(* and memsw on v1), a css_put per slot, the slots emptied.                *)
DrainUsage(u, c, S) == [a \in Memcgs |-> u[a] - SumOver(nrPages[c], S \cap Subtree(a))]
DrainMemsw(ms, c, S) == IF version = 1 THEN DrainUsage(ms, c, S) ELSE ms
DrainCss(cs, S) == [m \in Memcgs |-> IF m \in S THEN cs[m] - 1 ELSE cs[m]]

(* The CPUs drain_all_stock(root) selects: FLUSHING_CACHED_CHARGE clear,   *)
(* and is_memcg_drain_needed: a slot with pages (READ_ONCE(nr_pages[i]))   *)
(* of a memcg below root.  A slot with no pages is skipped, even if it      *)
(* caches root itself: its css reference stays.                            *)
DrainNeeded(d, root) == ~flushing[d] /\ \E m \in cached[d] : nrPages[d][m] > 0 /\ m \in Subtree(root)

(***************************************************************************)
(* Kmem.tla's steps that the stock does not change.  Not among them: the  *)
(* charges of user pages (Charge.tla's TryCharge, Swap.tla's SwapInCharge), *)
(* which go through try_charge_memcg and so through the stock, below.  The *)
(* uncharges of user pages do not: mem_cgroup_cancel_charge and            *)
(* uncharge_batch call memcg_uncharge, which uncharges the counters        *)
(* directly (CancelCharge, Uncharge, UnchargeList, SwapOut are Kmem.tla's). *)
(***************************************************************************)

AllocAnon(c, p, m) == K!AllocAnon(c, p, m) /\ UNCHANGED stockVars
AllocCache(c, p, m, i) == K!AllocCache(c, p, m, i) /\ UNCHANGED stockVars
CommitCharge(c) == K!CommitCharge(c) /\ UNCHANGED stockVars
CancelCharge(c) == K!CancelCharge(c) /\ UNCHANGED stockVars
MapAnon(c) == K!MapAnon(c) /\ UNCHANGED stockVars
AddToCache(c) == K!AddToCache(c) /\ UNCHANGED stockVars
UnlockPage(c) == K!UnlockPage(c) /\ UNCHANGED stockVars
Map(c, p) == K!Map(c, p) /\ UNCHANGED stockVars
Unmap(c, p) == K!Unmap(c, p) /\ UNCHANGED stockVars
GetPage(c, p) == K!GetPage(c, p) /\ UNCHANGED stockVars
DeleteFromCache(c, i) == K!DeleteFromCache(c, i) /\ UNCHANGED stockVars
PutPage(c) == K!PutPage(c) /\ UNCHANGED stockVars
Uncharge(c) == K!Uncharge(c) /\ UNCHANGED stockVars
Reclaim(c, p) == K!Reclaim(c, p) /\ UNCHANGED stockVars
AddToSwap(c, s) == K!AddToSwap(c, s) /\ UNCHANGED stockVars
TryToUnmap(c) == K!TryToUnmap(c) /\ UNCHANGED stockVars
SwapOut(c) == K!SwapOut(c) /\ UNCHANGED stockVars
UnchargeList(c) == K!UnchargeList(c) /\ UNCHANGED stockVars
ReclaimAbort(c) == K!ReclaimAbort(c) /\ UNCHANGED stockVars
SwapinHit(c, s) == K!SwapinHit(c, s) /\ UNCHANGED stockVars
SwapinAlloc(c, s, p, m) == K!SwapinAlloc(c, s, p, m) /\ UNCHANGED stockVars
SwapcachePrepare(c) == K!SwapcachePrepare(c) /\ UNCHANGED stockVars
AddToSwapCache(c) == K!AddToSwapCache(c) /\ UNCHANGED stockVars
SwapinUnchargeSwap(c) == K!SwapinUnchargeSwap(c) /\ UNCHANGED stockVars
EndSwapRead(c) == K!EndSwapRead(c) /\ UNCHANGED stockVars
SwapinMap(c) == K!SwapinMap(c) /\ UNCHANGED stockVars
SwapcacheFree(c) == K!SwapcacheFree(c) /\ UNCHANGED stockVars
FreeSwapAndCache(c, s) == K!FreeSwapAndCache(c, s) /\ UNCHANGED stockVars
DeleteFromSwapCache(c, s) == K!DeleteFromSwapCache(c, s) /\ UNCHANGED stockVars
SwapSlotFree(c) == K!SwapSlotFree(c) /\ UNCHANGED stockVars
KmemAlloc(c, k, m) == K!KmemAlloc(c, k, m) /\ UNCHANGED stockVars
GetMemcgFromObjcg(c) == K!GetMemcgFromObjcg(c) /\ UNCHANGED stockVars
KmemFree(c, k) == K!KmemFree(c, k) /\ UNCHANGED stockVars

(* get_mem_cgroup_from_objcg's css_tryget: Kmem.tla's. *)
CssTrygetMemcg(c) == K!CssTrygetMemcg(c) /\ UNCHANGED stockVars

(* Kmem.tla's TypeOK (through KA, below, which reads a retrying charge as *)
(* one holding its css reference), and the stock's. *)
TypeOK ==
    /\ KA!TypeOK
    /\ pc \in [CPUs -> PCs]
    /\ cached \in [CPUs -> SUBSET TaskMemcgs]
    /\ nrPages \in [CPUs -> [TaskMemcgs -> Nat]]
    /\ flushing \in [CPUs -> BOOLEAN]

Init ==
    /\ K!Init
    /\ cached = [c \in CPUs |-> {}]
    /\ nrPages = [c \in CPUs |-> [m \in TaskMemcgs |-> 0]]
    /\ flushing = [c \in CPUs |-> FALSE]

(***************************************************************************)
(* Charging through the stock: try_charge_memcg(memcg, 1), for every      *)
(* caller (ChargeStartPCs): a user page's fault or page-cache insertion,   *)
(* a swap-in, a kmem page.                                                  *)
(***************************************************************************)

(* The memcg a swap-in charges (mem_cgroup_swapin_charge_folio): the one   *)
(* its slot is recorded to if css_tryget_online succeeds on it, else the   *)
(* faulting task's; Swap.tla's SwapInCharge's rule.                         *)
SwapinTarget(c) ==
    LET r == record[slot[c]] IN IF r /= NoMemcg /\ K!Online(r) THEN r ELSE chargeTo[c]

(* The memcg CPU c's charge charges.  A retrying swap-in has it in        *)
(* chargeTo already (DrainAllStock took it).                                *)
Target(c) ==
    CASE Start(c) = "kmem_charge_css" -> kmemcg[c]
      [] pc[c] = "swapin_prepared" -> SwapinTarget(c)
      [] OTHER -> chargeTo[c]

(* This CPU's stock can serve the charge: consume_stock finds a slot for  *)
(* the memcg with a page in it.                                             *)
Hit(c) == Target(c) \in cached[c] /\ nrPages[c][Target(c)] > 0

(* The caller's css references when the charge succeeds, as a change of   *)
(* d's count: obj_cgroup_charge_pages' css_put of the memcg it got from    *)
(* the objcg; a swap-in's page takes a reference on the memcg charged and  *)
(* the fault's on its task's memcg is put (Swap.tla's SwapInCharge); a     *)
(* fault's or an insertion's reference passes to the page at commit.       *)
ChargedCss(c, d) ==
    CASE Start(c) = "kmem_charge_css" -> IF d = kmemcg[c] THEN -1 ELSE 0
      [] Start(c) = "swapin_prepared" -> (IF d = Target(c) THEN 1 ELSE 0) - (IF d = chargeTo[c] THEN 1 ELSE 0)
      [] OTHER -> 0

(* The end of a successful kmem charge, after try_charge_memcg: Kmem.tla's *)
(* KmemCharge on success (memcg1_account_kmem, css_put, obj_cgroup_get for *)
(* the page, memcg_data), with the counters left as the stock step set     *)
(* them.                                                                    *)
Commit(c) ==
    LET m == kmemcg[c]
        k == kpage[c]
    IN
    /\ kmem' = IF version = 1 THEN PC!ForceCharge(kmem, m, 1) ELSE kmem
    /\ kobjcg' = [kobjcg EXCEPT ![k] = kobj[c]]
    /\ chargedAt' = [chargedAt EXCEPT ![k] = m]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ kpage' = [kpage EXCEPT ![c] = NoPage]
    /\ kobj' = [kobj EXCEPT ![c] = NoObjcg]
    /\ kmemcg' = [kmemcg EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<kalloc, objcgMemcg, objcgRef, residue>>

(* The rest of the caller when try_charge_memcg succeeds; every variable  *)
(* but the counters, the css counts and the stock.                          *)
(*   - kmem: Commit;                                                        *)
(*   - a swap-in: Swap.tla's SwapInCharge on success (charge_memcg's        *)
(*     commit_charge in the same step: the page owned by the memcg charged, *)
(*     counted as anon; the fault no longer pins its task's memcg);         *)
(*   - a fault or an insertion: Charge.tla's TryCharge on success (the     *)
(*     charge is pending until CommitCharge).                               *)
Charged(c) ==
    CASE Start(c) = "kmem_charge_css" ->
            /\ Commit(c)
            /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, stat>>
      [] Start(c) = "swapin_prepared" ->
            LET p == held[c]
                t == Target(c)
            IN
            /\ owner' = [owner EXCEPT ![p] = t]
            /\ anon' = [anon EXCEPT ![p] = TRUE]
            /\ stat' = K!S!ModStat(stat, t, "anon", 1)
            /\ pc' = [pc EXCEPT ![c] = "swapin_charged"]
            /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
            /\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, kmemVars>>
      [] OTHER ->
            /\ pc' = [pc EXCEPT ![c] = IF Start(c) = "anon_alloc" THEN "anon_charged" ELSE "cache_charged"]
            /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, stat, kmemVars>>

(* consume_stock(memcg, 1) hits: this CPU's slot for memcg has a page; it  *)
(* is taken from the slot, and no counter is touched.  Only this CPU's     *)
(* stock is read: consume_stock runs under the local lock of the CPU the  *)
(* task runs on.                                                            *)
ConsumeStock(c) ==
    /\ pc[c] \in ChargeStartPCs \cup RetryPCs
    /\ Hit(c)
    /\ nrPages' = [nrPages EXCEPT ![c][Target(c)] = @ - 1]
    /\ css' = [d \in Memcgs |-> css[d] + ChargedCss(c, d)]
    /\ Charged(c)
    /\ UNCHANGED <<usage, memsw, version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   cached, flushing>>

(* consume_stock misses, page_counter_try_charge(memcg, Batch) succeeds   *)
(* (memsw first on v1, unlimited here; then memory against every max on   *)
(* the path), and refill_stock(memcg, Batch - 1) puts the surplus in this  *)
(* CPU's stock: memcg has no slot with pages (else consume_stock would     *)
(* have hit), so it goes in memcg's slot if there is one (holding 0        *)
(* pages), else in an empty slot, else in victim's, drained first          *)
(* (drain_stock: its pages uncharged, its css reference put).  The new    *)
(* slot takes a css reference on memcg (css_get).  One step: between the  *)
(* miss and the charge only a drain can touch this CPU's stock, and it    *)
(* only takes pages away; between the charge and the refill, another CPU  *)
(* may read the counters with the surplus not yet stocked, which no       *)
(* property distinguishes from reading them after the refill.  Not on a   *)
(* retry: the batch is 1 once it did not fit.                               *)
ChargeBatch(c, victim) ==
    /\ pc[c] \in ChargeStartPCs
    /\ LET m == Target(c)
           hasSlot == m \in cached[c]
           evict == ~hasSlot /\ Cardinality(cached[c]) = NSlots
           gone == IF evict THEN {victim} ELSE {}
           charged == PC!TryCharge(usage, m, Batch)
       IN
       /\ ~Hit(c)
       /\ PC!CanCharge(usage, m, Batch)
       /\ evict => victim \in cached[c]
       /\ ~evict => victim = NoMemcg
       /\ usage' = DrainUsage(charged, c, gone)
       /\ memsw' = DrainMemsw(IF version = 1 THEN PC!TryCharge(memsw, m, Batch) ELSE memsw, c, gone)
       /\ cached' = [cached EXCEPT ![c] = (@ \ gone) \cup {m}]
       /\ nrPages' = [nrPages EXCEPT ![c] = [d \in TaskMemcgs |->
                          IF d = m THEN Batch - 1 ELSE IF d \in gone THEN 0 ELSE nrPages[c][d]]]
       \* the slot's css_get (if new), the victim's css_put, and the caller's (ChargedCss)
       /\ css' = [d \in Memcgs |-> css[d] + (IF d = m /\ ~hasSlot THEN 1 ELSE 0)
                                          - (IF d \in gone THEN 1 ELSE 0)
                                          + ChargedCss(c, d)]
    /\ Charged(c)
    /\ UNCHANGED <<version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   flushing>>

(* The batch does not fit ("if (batch > nr_pages) { batch = nr_pages;     *)
(* goto retry; }"): exactly one page is charged, nothing is stocked.  The   *)
(* retry's consume_stock misses again: only this CPU refills its stock.    *)
(* After drain_all_stock the batch is 1 for the rest of the call: the      *)
(* retry charges one page or fails.                                         *)
ChargeOne(c) ==
    /\ pc[c] \in ChargeStartPCs \cup RetryPCs
    /\ LET m == Target(c) IN
       /\ ~Hit(c)
       /\ pc[c] \in ChargeStartPCs => ~PC!CanCharge(usage, m, Batch)
       /\ PC!CanCharge(usage, m, 1)
       /\ usage' = PC!TryCharge(usage, m, 1)
       /\ memsw' = IF version = 1 THEN PC!TryCharge(memsw, m, 1) ELSE memsw
       /\ css' = [d \in Memcgs |-> css[d] + ChargedCss(c, d)]
    /\ Charged(c)
    /\ UNCHANGED <<version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   stockVars>>

(* Neither fits, the first time: drain_all_stock(mem_over_limit), the     *)
(* first memcg on the path with no room (the kernel reclaims first; the    *)
(* model has nothing to reclaim).  Every other CPU with stocked pages below *)
(* it gets its FLUSHING bit set and a work item queued; this CPU, if        *)
(* selected, drains its whole stock at once (drain_local_memcg_stock) and  *)
(* clears its bit.  Then the charge retries, still holding its css          *)
(* reference: the queued drains may or may not have run by then.  A        *)
(* swap-in keeps the memcg it charges: charge_memcg's memcg is fixed       *)
(* before try_charge_memcg, and the reference mem_cgroup_swapin_charge_folio *)
(* took on it (css_tryget_online, or the task's) is held through the       *)
(* retry (the model moves the fault's reference to it here: chargeTo).      *)
DrainAllStock(c) ==
    /\ pc[c] \in ChargeStartPCs
    /\ LET m == Target(c)
           root == PC!FailingLevel(usage, m, 1)
           sel == {d \in CPUs : DrainNeeded(d, root)}
           local == IF c \in sel THEN cached[c] ELSE {}
           swapin == pc[c] = "swapin_prepared"
       IN
       /\ ~Hit(c)
       /\ ~PC!CanCharge(usage, m, 1)
       /\ usage' = DrainUsage(usage, c, local)
       /\ memsw' = DrainMemsw(memsw, c, local)
       /\ css' = [d \in Memcgs |-> DrainCss(css, local)[d]
                                   + (IF swapin /\ d = m THEN 1 ELSE 0)
                                   - (IF swapin /\ d = chargeTo[c] THEN 1 ELSE 0)]
       /\ chargeTo' = IF swapin THEN [chargeTo EXCEPT ![c] = m] ELSE chargeTo
       /\ cached' = [cached EXCEPT ![c] = @ \ local]
       /\ nrPages' = [nrPages EXCEPT ![c] = [d \in TaskMemcgs |-> IF d \in local THEN 0 ELSE nrPages[c][d]]]
       /\ flushing' = [d \in CPUs |-> IF d \in sel /\ d /= c THEN TRUE ELSE flushing[d]]
    /\ pc' = [pc EXCEPT ![c] = RetryOf[pc[c]]]
    /\ UNCHANGED <<held, index, refcount, mapcount, owner, locked, anon, cache, stat,
                   version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   kmemVars>>

(* The retry after the drain fails too: -ENOMEM, the caller's failure:     *)
(*   - kmem: Kmem.tla's failed KmemCharge (css_put, the page freed, the    *)
(*     task's objcg hold ended);                                           *)
(*   - a swap-in: Swap.tla's SwapInCharge on failure (css_put; the fault   *)
(*     gives SWAP_HAS_CACHE back next, SwapcacheFree);                      *)
(*   - a fault or an insertion: Charge.tla's TryCharge on failure (css_put, *)
(*     the page unlocked and put next).                                     *)
ChargeFail(c) ==
    /\ pc[c] \in RetryPCs
    /\ ~Hit(c)
    /\ ~PC!CanCharge(usage, Target(c), 1)
    /\ CASE Start(c) = "kmem_charge_css" ->
               /\ css' = [css EXCEPT ![kmemcg[c]] = @ - 1]
               /\ kalloc' = [kalloc EXCEPT ![kpage[c]] = FALSE]
               /\ objcgRef' = K!PutRef(kobj[c])
               /\ objcgMemcg' = K!PutMemcg(kobj[c])
               /\ pc' = [pc EXCEPT ![c] = "idle"]
               /\ kpage' = [kpage EXCEPT ![c] = NoPage]
               /\ kobj' = [kobj EXCEPT ![c] = NoObjcg]
               /\ kmemcg' = [kmemcg EXCEPT ![c] = NoMemcg]
               /\ UNCHANGED <<chargeTo, index, locked, kobjcg, kmem, chargedAt, residue>>
         [] Start(c) = "swapin_prepared" ->
               /\ css' = [css EXCEPT ![chargeTo[c]] = @ - 1]
               /\ pc' = [pc EXCEPT ![c] = "swapin_nomem"]
               /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
               /\ UNCHANGED <<index, locked, kmemVars>>
         [] OTHER ->
               /\ css' = [css EXCEPT ![chargeTo[c]] = @ - 1]
               /\ pc' = [pc EXCEPT ![c] = "put"]
               /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
               /\ index' = [index EXCEPT ![c] = NoIndex]
               \* a failed insertion unlocks its page before the put (__ClearPageLocked)
               /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
               /\ UNCHANGED kmemVars
    /\ UNCHANGED <<held, refcount, mapcount, owner, anon, cache, usage, stat,
                   version, slot, allocated, swapMap, hasCache, swapCache, record, memsw, swap, state, idRef,
                   stockVars>>

(***************************************************************************)
(* Uncharging a kmem page: obj_cgroup_uncharge_pages -> refill_stock.     *)
(***************************************************************************)

(* memcg1_account_kmem(memcg, -1), refill_stock(memcg, 1), css_put; then   *)
(* Kmem.tla's rest of __memcg_kmem_uncharge_page (memcg_data = 0,          *)
(* obj_cgroup_put, the residue of the dead memcgs below memcg).  The page  *)
(* goes into memcg's slot; if that makes it hold more than Batch pages,    *)
(* the whole slot is drained (uncharged, css_put, emptied).  memcg has no  *)
(* slot: an empty one, else victim's, drained first; css_get(memcg).       *)
KmemUncharge(c, victim) ==
    /\ pc[c] = "kmem_uncharge_css"
    /\ LET m == kmemcg[c]
           k == kpage[c]
           o == kobj[c]
           hasSlot == m \in cached[c]
           overflow == hasSlot /\ nrPages[c][m] + 1 > Batch
           evict == ~hasSlot /\ Cardinality(cached[c]) = NSlots
           gone == IF evict THEN {victim} ELSE {}
           \* the pages leaving the stock for the counters: the victim's, or the overflowing slot's
           u1 == DrainUsage(usage, c, gone)
           ms1 == DrainMemsw(memsw, c, gone)
       IN
       /\ evict => victim \in cached[c]
       /\ ~evict => victim = NoMemcg
       /\ usage' = IF overflow THEN PC!Uncharge(usage, m, nrPages[c][m] + 1) ELSE u1
       /\ memsw' = IF overflow /\ version = 1 THEN PC!Uncharge(memsw, m, nrPages[c][m] + 1) ELSE ms1
       /\ kmem' = IF version = 1 THEN PC!Uncharge(kmem, m, 1) ELSE kmem
       /\ cached' = [cached EXCEPT ![c] = IF overflow THEN @ \ {m} ELSE (@ \ gone) \cup {m}]
       /\ nrPages' = [nrPages EXCEPT ![c] = [d \in TaskMemcgs |->
                          CASE d = m /\ overflow -> 0
                            [] d = m -> nrPages[c][d] + 1
                            [] d \in gone -> 0
                            [] OTHER -> nrPages[c][d]]]
       \* the slot's css_get (if new) or css_put (overflow drain), the victim's css_put,
       \* and obj_cgroup_uncharge_pages' css_put
       /\ css' = [d \in Memcgs |-> css[d] + (IF d = m /\ ~hasSlot THEN 1 ELSE 0)
                                          - (IF d = m /\ overflow THEN 1 ELSE 0)
                                          - (IF d \in gone THEN 1 ELSE 0)
                                          - (IF d = m THEN 1 ELSE 0)]
       /\ kobjcg' = [kobjcg EXCEPT ![k] = NoObjcg]
       /\ kalloc' = [kalloc EXCEPT ![k] = FALSE]
       /\ objcgRef' = K!PutRef(o)
       /\ objcgMemcg' = K!PutMemcg(o)
       /\ chargedAt' = [chargedAt EXCEPT ![k] = NoMemcg]
       /\ residue' = [x \in Memcgs |->
                        IF x \in PC!Ancestors(chargedAt[k]) \ PC!Ancestors(m) THEN residue[x] + 1 ELSE residue[x]]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ kpage' = [kpage EXCEPT ![c] = NoPage]
    /\ kobj' = [kobj EXCEPT ![c] = NoObjcg]
    /\ kmemcg' = [kmemcg EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, stat,
                   version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   flushing>>

(***************************************************************************)
(* The drain work, and memcg lifetime.                                     *)
(***************************************************************************)

(* drain_local_memcg_stock, the work item drain_all_stock queued on CPU  *)
(* c: under the local lock, every slot drained (whatever memcg asked),     *)
(* then FLUSHING_CACHED_CHARGE cleared.  A work item runs between the      *)
(* task's steps on that CPU, never inside one (a step that touches the    *)
(* stock holds the local lock).                                             *)
DrainStockWork(c) ==
    /\ flushing[c]
    /\ usage' = DrainUsage(usage, c, cached[c])
    /\ memsw' = DrainMemsw(memsw, c, cached[c])
    /\ css' = DrainCss(css, cached[c])
    /\ cached' = [cached EXCEPT ![c] = {}]
    /\ nrPages' = [nrPages EXCEPT ![c] = [d \in TaskMemcgs |-> 0]]
    /\ flushing' = [flushing EXCEPT ![c] = FALSE]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, locked, anon, cache, stat, pc,
                   version, slot, allocated, swapMap, hasCache, swapCache, record, swap, state, idRef,
                   kmemVars>>

(* mem_cgroup_css_offline: Kmem.tla's Offline (kill_css's css_put,         *)
(* memcg_offline_kmem's reparenting, mem_cgroup_id_put), with             *)
(* drain_all_stock(memcg) before the id put: every CPU with stocked pages *)
(* of m gets a drain queued (rmdir runs in a task that is none of the     *)
(* model's CPUs, so none is drained in this step).  A CPU whose slot for  *)
(* m holds no page is not selected: that slot keeps its css reference.    *)
Offline(m) ==
    /\ K!Offline(m)
    /\ flushing' = [d \in CPUs |-> flushing[d] \/ DrainNeeded(d, m)]
    /\ UNCHANGED <<cached, nrPages>>

(* mem_cgroup_css_free: Kmem.tla's Free, once the last css reference is  *)
(* put: no stock slot caches m (each slot holds a css reference).          *)
Free(m) == K!Free(m) /\ UNCHANGED stockVars

Next ==
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs : AllocAnon(c, p, m)
    \/ \E c \in CPUs, p \in Pages, m \in TaskMemcgs, i \in Indexes : AllocCache(c, p, m, i)
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
    \/ \E c \in CPUs : ConsumeStock(c)
    \/ \E c \in CPUs, v \in TaskMemcgs \cup {NoMemcg} : ChargeBatch(c, v)
    \/ \E c \in CPUs : ChargeOne(c)
    \/ \E c \in CPUs : DrainAllStock(c)
    \/ \E c \in CPUs : ChargeFail(c)
    \/ \E c \in CPUs, k \in KPages : KmemFree(c, k)
    \/ \E c \in CPUs, v \in TaskMemcgs \cup {NoMemcg} : KmemUncharge(c, v)
    \/ \E c \in CPUs : DrainStockWork(c)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties.  Kmem.tla's accounting holds of the counters LESS the      *)
(* stocked pages (KA, the same module seen through that mapping), its      *)
(* limits of the counters WITH them; the stock's own properties follow.    *)
(* Each exists to catch a class of protocol bugs, named in its comment     *)
(* (docs/mutants.md lists the mutants that each catches).                  *)
(***************************************************************************)

(* Conservation: each memcg's counter = Kmem.tla's count (user pages and  *)
(* pending charges, the kmem pages whose objcg points into its subtree,    *)
(* its excess) + the pages stocked for its subtree on every CPU.  Catches  *)
(* a stock page lost or counted twice: a refill that does not uncharge the *)
(* victim it evicts, a drain that empties a slot without uncharging it, a  *)
(* consume that takes a page without decrementing the slot.                 *)
Conservation == KA!Conservation

(* The v1 counters: memsw = memory + swap (stocked pages are in both: the  *)
(* batch charges memsw with memory and memcg_uncharge drains both), and    *)
(* the kmem counter, which the stock never holds.  Catches a drain or a    *)
(* batch that forgets memsw, a stocked page counted as kmem.               *)
MemswIsMemoryPlusSwap == K!MemswIsMemoryPlusSwap
KmemCounter == KA!KmemCounter

(* memory.max holds of the counters WITH the stocked pages: a batch is    *)
(* charged only if all of it fits.  Catches a batch charged past max (the *)
(* surplus taken from "above the limit"), and memory.current reported     *)
(* without the stock (the kernel's memory.current reads the counter).     *)
WithinLimit == K!WithinLimit

(* A slot holds at most Batch pages: refill_stock drains a slot that      *)
(* would exceed it.  Catches a refill without its overflow drain, which    *)
(* lets one CPU hoard a memcg's whole limit.                                *)
SlotBound == \A c \in CPUs, m \in TaskMemcgs : nrPages[c][m] <= Batch

(* At most NSlots memcgs per CPU: a new memcg takes an empty slot or      *)
(* evicts one.  Catches a refill that takes a slot without evicting.       *)
SlotCount == \A c \in CPUs : Cardinality(cached[c]) <= NSlots

(* Only a cached memcg has stocked pages.  Catches a drain that forgets   *)
(* the slot's pages (the memcg leaves the slot, its pages do not leave   *)
(* the count).                                                             *)
StockedOnlyCached == \A c \in CPUs, m \in TaskMemcgs : nrPages[c][m] > 0 => m \in cached[c]

(* Every css reference is accounted for: Kmem.tla's holders and one per   *)
(* slot.  Catches a slot that takes no reference (the stock of v2.6.33 to *)
(* v3.18, whose stale stock->cached pointed at freed memcgs), a victim    *)
(* evicted without its css_put, a reference taken per refill.             *)
CssRefBalance == KA!CssRefBalance

(* Kmem.tla's, through the mapping (a retrying charge holds the task's    *)
(* objcg reference and its css reference).  The stock's steps put objcg    *)
(* and css references as Kmem.tla's KmemCharge and KmemUncharge do.        *)
ObjcgRefBalance == KA!ObjcgRefBalance
NoObjcgUseAfterFree == KA!NoObjcgUseAfterFree
ObjcgPointsOnline == KA!ObjcgPointsOnline
KmemPagesCharged == KA!KmemPagesCharged
IdRefBalance == KA!IdRefBalance
NoResidueOnline == KA!NoResidueOnline

(* The user pages' and the swap device's properties: Kmem.tla's (Swap.tla's *)
(* and Charge.tla's), through the mapping.  A user page charged from the    *)
(* stock is pending (or, on a swap-in, owned) exactly as one charged at the *)
(* counters: Conservation catches a hit that does not take the page out of  *)
(* the slot, InUseIsCharged and StatsMatch a hit that skips the caller's    *)
(* own bookkeeping.                                                          *)
InUseIsCharged == KA!InUseIsCharged
OwnedPagesLive == KA!OwnedPagesLive
PendingPageUnowned == KA!PendingPageUnowned
StatsMatch == KA!StatsMatch
RefcountBalance == KA!RefcountBalance
ChargeUnderExclusion == KA!ChargeUnderExclusion
SwapCounter == KA!SwapCounter
SwapWithinLimit == KA!SwapWithinLimit
SwapCacheHasCache == KA!SwapCacheHasCache
SwapCacheUnique == KA!SwapCacheUnique
SlotFreeOnlyWhenUnused == KA!SlotFreeOnlyWhenUnused
NoLeakedSlot == KA!NoLeakedSlot
SwapinCharging == KA!SwapinCharging
SwapinChargeUnderExclusion == KA!SwapinChargeUnderExclusion
SwapCacheRecorded == KA!SwapCacheRecorded
NoDoubleChargeOutsideSwapinWindow == KA!NoDoubleChargeOutsideSwapinWindow

(* No use after free of a memcg: Kmem.tla's, and no stock slot caches a   *)
(* freed memcg.  Catches a stock that holds no css reference on the memcg *)
(* it caches (v2.6.33 to v5.8, museum race A: a slot with no page kept a  *)
(* pointer whose memcg could be freed, and drain_all_stock's              *)
(* mem_cgroup_is_descendant read it).                                      *)
NothingFreedReferenced ==
    /\ KA!NothingFreedReferenced
    /\ \A c \in CPUs : \A m \in cached[c] : state[m] /= "freed"

(* A dying memcg's css count never rises from zero, slots included: a     *)
(* refill takes its css_get under the caller's css reference.  An action  *)
(* property.                                                                *)
NoCssResurrection ==
    [][\A m \in Memcgs : ~K!Online(m) /\ css[m] = 0 => css'[m] = 0]_vars

(* Refinement: the stock is invisible to the accounting.  Kmem.tla's       *)
(* mapping to MemcgAccounting, applied to the counters less the stocked    *)
(* pages: a stock hit and a batch are Abs!Charge (one page owned, the rest *)
(* nobody's), a refill is Abs!Free, draining and evicting are no step at   *)
(* all.  Catches a counter change that no ownership explains.  (The       *)
(* stronger refinement of Kmem.tla's own Spec, KmemRefinement, does NOT   *)
(* hold: a slot's css reference keeps a dying memcg's css_tryget           *)
(* succeeding where Kmem.tla, with no slot, has the count at zero and the  *)
(* CPU retry with the parent.  Stock_kmem_refinement.cfg has TLC's         *)
(* counterexample; docs/stock.md discusses it.)                            *)
Refinement == KA!Refinement

(* Not a property: the refinement of Kmem.tla's own Spec, which does NOT   *)
(* hold (see Refinement's comment); Stock_kmem_refinement.cfg shows TLC's  *)
(* counterexample.                                                          *)
KmemRefinement == KA!Spec

(***************************************************************************)
(* Lemmas: implied by the properties above, kept as a second net.          *)
(***************************************************************************)

(* The slack: the pages charged to m's subtree that no page owns are at    *)
(* most Batch per slot, NSlots slots per CPU.  Implied by SlotBound and    *)
(* SlotCount.                                                                *)
SlackBound == \A m \in Memcgs : Stocked(m) <= Batch * NSlots * Cardinality(CPUs)

(* Kmem.tla's NoUnderflow, of the counters with the stock, and Hierarchy,  *)
(* CommittedIsOwned and StatsNonNegative through the mapping.               *)
NoUnderflow == K!NoUnderflow
Hierarchy == KA!Hierarchy
CommittedIsOwned == KA!CommittedIsOwned
StatsNonNegative == KA!StatsNonNegative

(* Quiescence, with no drain queued: live counters hold the stocked pages *)
(* and nothing else, dead ones their residue and their stocked pages.     *)
(* Implied by Conservation and NoResidueOnline.                            *)
Quiescent == KA!Quiescent /\ \A c \in CPUs : ~flushing[c]
NoLeakAtQuiescence ==
    Quiescent =>
        /\ \A m \in Memcgs : usage[m] = residue[m] + Stocked(m)
        /\ version = 1 => \A m \in Memcgs : memsw[m] = residue[m] + Stocked(m) /\ kmem[m] = residue[m]

(* Only the stock keeps a dying memcg: once every CPU is idle and no user *)
(* page or swap entry is left, an offline memcg's css count is its slots   *)
(* and its children not yet freed.  Kmem.tla's NoZombieAtQuiescence with  *)
(* the stock: drain_all_stock at offline skips slots with no page, and a  *)
(* charge that consumed its memcg's last stocked page leaves such a slot, *)
(* so the kernel's dying memcgs CAN stay pinned by stocks.  Implied by     *)
(* CssRefBalance.                                                           *)
StockPinsDying ==
    K!S!Quiescent => \A m \in TaskMemcgs :
        state[m] = "offline" => css[m] = SlotRefs(m) + Cardinality({d \in PC!Children(m) : state[d] /= "freed"})

Symmetry == K!Symmetry
=============================================================================
