------------------------- MODULE ObjStockHotplug2025 -------------------------
(***************************************************************************)
(* The race museum: the object stock left behind at CPU hotplug teardown,  *)
(* Linux v6.13, and its fix (museum bug D of the per-CPU stock: a leak,    *)
(* not a race of two CPUs)                                                 *)
(*                                                                         *)
(*   "memcg: drain obj stock on cpu hotplug teardown" (Shakeel Butt,       *)
(*   posted 10 March 2025; Reviewed-by Roman Gushchin, Acked-by Johannes   *)
(*   Weiner, Cc stable). Mainline 9f01b4954490 [V: "Upstream commit       *)
(*   9f01b4954490d4ccdbcc2b9be34a9921ceee9cbb" in the 6.1- and 6.6-stable  *)
(*   reviews of May 2025]; 885aa5fe7b1d is its id in the mm-hotfixes tree *)
(*   [V: Stephen Rothwell's linux-next merge note, 12 March 2025, "from   *)
(*   the mm-hotfixes tree"]. Release v6.14 [I: in the mm-hotfixes of      *)
(*   March 2025, after v6.14-rc6]. Fixes: bf4f059954dc ("mm: memcg/slab:   *)
(*   obj_cgroup API", v5.9), which added the object stock. Facts:          *)
(*   docs/sources/stock-facts.md section 4.6.                              *)
(*                                                                         *)
(* The changelog [V]: "Currently on cpu hotplug teardown, only memcg stock *)
(* is drained but we need to drain the obj stock as well otherwise we will *)
(* miss the stats accumulated on the target cpu as well as the nr_bytes    *)
(* cached. The stats include MEMCG_KMEM, NR_SLAB_RECLAIMABLE_B &           *)
(* NR_SLAB_UNRECLAIMABLE_B. In addition we are leaking reference to struct *)
(* obj_cgroup object."                                                     *)
(*                                                                         *)
(* ONE era is modelled: v6.13, just before the fix (the object stock       *)
(* inside struct memcg_stock_pcp, one cached_objcg per CPU, the local      *)
(* lock stock_lock). The code [V: the fix's diff and context lines; the    *)
(* '-' lines of Chen Ridong's "memcg: factor out the replace_stock_objcg   *)
(* function" (January 2025, against linux-next) for refill_obj_stock's     *)
(* objcg switch; a ~v6.14 mm/memcontrol.c (stock-facts.md's S3) for        *)
(* drain_obj_stock, refill_obj_stock, obj_cgroup_release,                  *)
(* memcg_reparent_objcgs, __mem_cgroup_free, drain_all_stock,              *)
(* mem_cgroup_css_offline, drain_stock and __refill_stock]:                *)
(*   - memcg_hotplug_cpu_dead(cpu), the CPUHP_MM_MEMCQ_DEAD teardown       *)
(*     callback, runs on a control CPU after `cpu' is dead: stock =        *)
(*     &per_cpu(memcg_stock, cpu); drain_stock(stock). The page stock      *)
(*     only: the dead CPU's cached_objcg (one obj_cgroup reference) and    *)
(*     its nr_bytes (pre-charged bytes) stay.                              *)
(*   - The fix: local_lock_irqsave(&memcg_stock.stock_lock) ("drain_obj_   *)
(*     stock requires stock_lock": the lock of the CONTROL CPU, whose page *)
(*     stock drain_obj_stock's __refill_stock fills); old =                *)
(*     drain_obj_stock(stock); unlock; drain_stock(stock);                 *)
(*     obj_cgroup_put(old).                                                *)
(*   - drain_all_stock() walks for_each_online_cpu: a dead CPU's stock is  *)
(*     never looked at again ("CPU up doesn't touch memcg_stock at all").  *)
(*   - obj_cgroup_release(), the percpu_ref's release when the count       *)
(*     reaches 0, uncharges objcg->nr_charged_bytes (whole pages: a        *)
(*     WARN_ON_ONCE otherwise) and frees the objcg. An objcg's references: *)
(*     the percpu_ref's initial count (killed by memcg_reparent_objcgs at  *)
(*     the memcg's offline), memcg->orig_objcg (put by __mem_cgroup_free), *)
(*     one per charged object, one per stock caching it (and one per task *)
(*     whose current->objcg it is: not modelled). The objcg does not pin   *)
(*     its memcg: the memcg is freed, reparented objcg or not.             *)
(*                                                                         *)
(* The leak: a CPU whose object stock caches objcg O goes offline; the    *)
(* teardown drains its page stock only; O's memcg M goes offline (O is     *)
(* reparented to M's parent P, its initial count killed) and is freed     *)
(* (orig_objcg put). The dead CPU's stock still holds a reference: O is    *)
(* never released, and its cached bytes stay charged to P's page counter   *)
(* for as long as the CPU stays offline (in the model, forever: CPU up is  *)
(* not modelled; a CPU brought back online would drain the stale stock on  *)
(* its next objcg switch or drain [I]).                                    *)
(*                                                                         *)
(* The constant Fixed selects the protocol: FALSE = v6.13, TRUE = after    *)
(* the fix. PutOld is TRUE in every kernel; FALSE is a MUTANT (no kernel   *)
(* had it): the fix's drain_obj_stock without its obj_cgroup_put(old).     *)
(*                                                                         *)
(* The model: one objcg O, of memcg M (removable), whose parent P stays   *)
(* online; only M's css count and P's memory page counter are modelled     *)
(* (P's counter is hierarchical: it counts every page charged to M). The   *)
(* CPU Stocker starts where an allocation on it left it: a task of M       *)
(* allocated one slab object of half a page (Size = 1, Page = 2 units):    *)
(* obj_cgroup_charge found the object stock empty, charged a batch of 2    *)
(* pages to M (Batch = 2, the kernel's 64; the surplus page went to the   *)
(* page stock, with a css reference on M), and refill_obj_stock cached O   *)
(* with the page's other half. The object is freed once, on any online     *)
(* CPU. Every CPU but Control goes offline once (Hotplug); Control runs    *)
(* their teardowns and the removal of M (rmdir, then the css free). Each   *)
(* stock operation runs under its CPU's local lock with interrupts off and *)
(* is one step; a CPU goes down between them. Nested kernel functions      *)
(* (drain_obj_stock calls __refill_stock, which may call drain_stock) are  *)
(* operators on a record of the whole state, composed in each action.     *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPUs,      \* the CPUs (model values: cpuA, cpuB, ...)
    Stocker,   \* the CPU whose stocks cache O and M's page at the start
    Control,   \* the CPU that runs memcg_hotplug_cpu_dead and removes M
    Fixed,     \* FALSE: v6.13; TRUE: the teardown drains the object stock too
    PutOld     \* TRUE in every kernel; FALSE: a MUTANT of the fix without obj_cgroup_put(old)

\* The CPUs that go offline: all but Control (a system keeps one CPU up).
Hotplug == CPUs \ {Control}

ASSUME /\ Control \in CPUs
       /\ Stocker \in Hotplug
       /\ Fixed \in BOOLEAN
       /\ PutOld \in BOOLEAN

NULL == "null"
Page == 2    \* PAGE_SIZE, in units of Size
Size == 1    \* the slab object's size (obj_full_size), half a page
Batch == 2   \* MEMCG_CHARGE_BATCH (64 in the kernel)

VARIABLES
    cpuState,      \* cpuState[c]: "online", "dead" (taken down, teardown pending), "torn" (memcg_hotplug_cpu_dead ran)
    objCached,     \* objCached[c]: c's stock->cached_objcg: "O" or NULL
    nrBytes,       \* nrBytes[c]: c's stock->nr_bytes (pre-charged bytes of O)
    cached,        \* cached[c]: c's stock->cached (the page stock): "M", "P" or NULL
    nrPages,       \* nrPages[c]: c's stock->nr_pages
    objAlive,      \* the slab object is allocated (charged to O)
    chargedBytes,  \* O->nr_charged_bytes
    ref,           \* O's reference count (percpu_ref)
    released,      \* obj_cgroup_release has run: O is freed
    memcg,         \* M: "online", "offline", "freed"
    css,           \* M's css reference count
    usage          \* P's memory page counter (pages), which counts M's

vars == <<cpuState, objCached, nrBytes, cached, nrPages, objAlive,
          chargedBytes, ref, released, memcg, css, usage>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The state as one record, and the kernel functions as operators on it.   *)
(***************************************************************************)
K == [cpuState |-> cpuState, objCached |-> objCached, nrBytes |-> nrBytes,
      cached |-> cached, nrPages |-> nrPages, objAlive |-> objAlive,
      chargedBytes |-> chargedBytes, ref |-> ref, released |-> released,
      memcg |-> memcg, css |-> css, usage |-> usage]

\* The step: every variable takes its value in k.
Set(k) ==
    /\ cpuState' = k.cpuState /\ objCached' = k.objCached /\ nrBytes' = k.nrBytes
    /\ cached' = k.cached /\ nrPages' = k.nrPages /\ objAlive' = k.objAlive
    /\ chargedBytes' = k.chargedBytes /\ ref' = k.ref /\ released' = k.released
    /\ memcg' = k.memcg /\ css' = k.css /\ usage' = k.usage

\* READ_ONCE(objcg->memcg) (get_mem_cgroup_from_objcg; its css_tryget
\* always succeeds here): M until memcg_reparent_objcgs, then P.
ObjcgMemcg(k) == IF k.memcg = "online" THEN "M" ELSE "P"

\* css_get / css_put on memcg m (only M's css is modelled: P stays online).
CssGet(k, m) == IF m = "M" THEN [k EXCEPT !.css = @ + 1] ELSE k
CssPut(k, m) == IF m = "M" THEN [k EXCEPT !.css = @ - 1] ELSE k

\* drain_stock(stock of CPU s): "if (!old) return; if (stock_pages) {
\* page_counter_uncharge(&old->memory, stock_pages); ... nr_pages = 0 }
\* css_put(&old->css); stock->cached = NULL". M's pages are P's too: the
\* uncharge is hierarchical.
DrainStock(k, s) ==
    IF k.cached[s] = NULL THEN k
    ELSE LET k1 == [k EXCEPT !.usage = @ - k.nrPages[s], !.nrPages[s] = 0]
         IN [CssPut(k1, k.cached[s]) EXCEPT !.cached[s] = NULL]

\* __refill_stock(m, n) on CPU c's page stock (the caller holds c's
\* stock_lock): "if (READ_ONCE(stock->cached) != memcg) { drain_stock(stock);
\* css_get(&memcg->css); stock->cached = memcg; } nr_pages += n; if
\* (stock_pages > MEMCG_CHARGE_BATCH) drain_stock(stock)". The pages stay
\* charged: they move from the caller's hands to the stock.
RefillStock(k, c, m, n) ==
    LET k1 == IF k.cached[c] # m
                THEN [CssGet(DrainStock(k, c), m) EXCEPT !.cached[c] = m]
                ELSE k
        k2 == [k1 EXCEPT !.nrPages[c] = @ + n]
    IN IF k2.nrPages[c] > Batch THEN DrainStock(k2, c) ELSE k2

\* drain_obj_stock(stock of CPU s), run on CPU c: "if (stock->nr_bytes) {
\* nr_pages = nr_bytes >> PAGE_SHIFT; nr_bytes &= PAGE_SIZE - 1; if
\* (nr_pages) { memcg = get_mem_cgroup_from_objcg(old); mod_memcg_state(
\* memcg, MEMCG_KMEM, -nr_pages); __refill_stock(memcg, nr_pages); css_put }
\* atomic_add(nr_bytes, &old->nr_charged_bytes); stock->nr_bytes = 0 }"; the
\* slab statistics flushed (not modelled); "WRITE_ONCE(stock->cached_objcg,
\* NULL)". The stock's reference on O is handed to the caller ("The `old'
\* objects needs to be released by the caller via obj_cgroup_put()").
\* __refill_stock fills the page stock of c, the CPU running the code
\* (this_cpu_ptr), not of s.
DrainObjStock(k, s, c) ==
    IF k.objCached[s] = NULL THEN k
    ELSE LET np == k.nrBytes[s] \div Page
             k1 == IF np > 0 THEN RefillStock(k, c, ObjcgMemcg(k), np) ELSE k
         IN [k1 EXCEPT !.chargedBytes = @ + (k.nrBytes[s] % Page),
                       !.nrBytes[s] = 0, !.objCached[s] = NULL]

\* obj_cgroup_put(O) on CPU c: percpu_ref_put; at 0 the release runs in
\* the putter's context: obj_cgroup_release: "nr_pages = nr_bytes >>
\* PAGE_SHIFT; if (nr_pages) obj_cgroup_uncharge_pages(objcg, nr_pages)"
\* (refill_stock of the objcg's memcg, on c), "list_del(&objcg->list)",
\* kfree_rcu. The sub-page rest is what WARN_ON_ONCE complains about: kept
\* in chargedBytes, so that the lemma ReleaseWhole sees it.
PutObjcg(k, c) ==
    LET k1 == [k EXCEPT !.ref = @ - 1]
        np == k1.chargedBytes \div Page
        k2 == IF np > 0 THEN RefillStock(k1, c, ObjcgMemcg(k1), np) ELSE k1
    IN IF k1.ref = 0
         THEN [k2 EXCEPT !.chargedBytes = @ % Page, !.released = TRUE]
         ELSE k1

\* drain_local_stock() on CPU c (here called by drain_all_stock for its
\* own CPU): under c's stock_lock "old = drain_obj_stock(stock);
\* drain_stock(stock); clear_bit(FLUSHING_CACHED_CHARGE)"; unlock;
\* obj_cgroup_put(old).
DrainLocalStock(k, c) ==
    LET k1 == DrainStock(DrainObjStock(k, c, c), c)
    IN IF k.objCached[c] # NULL THEN PutObjcg(k1, c) ELSE k1

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: as the allocation on Stocker left it. P's counter: the   *)
(* batch of 2 pages. Stocker's page stock: M, 1 page (css reference).      *)
(* Stocker's object stock: O, Page - Size units (O reference). O's count:  *)
(* the initial count, orig_objcg, the object, Stocker's stock. M's css:    *)
(* the online reference (kill_css's base reference and the id's pin, both  *)
(* put by the removal: one here) and Stocker's page-stock slot.            *)
(***************************************************************************)
Init ==
    /\ cpuState = [c \in CPUs |-> "online"]
    /\ objCached = [c \in CPUs |-> IF c = Stocker THEN "O" ELSE NULL]
    /\ nrBytes = [c \in CPUs |-> IF c = Stocker THEN Page - Size ELSE 0]
    /\ cached = [c \in CPUs |-> IF c = Stocker THEN "M" ELSE NULL]
    /\ nrPages = [c \in CPUs |-> IF c = Stocker THEN Batch - 1 ELSE 0]
    /\ objAlive = TRUE
    /\ chargedBytes = 0
    /\ ref = 4
    /\ released = FALSE
    /\ memcg = "online"
    /\ css = 2
    /\ usage = Batch

-----------------------------------------------------------------------------
(******************************* The object ********************************)

\* kfree of the object on CPU c: __memcg_slab_free_hook ->
\* obj_cgroup_uncharge(objcg, size) -> refill_obj_stock(objcg, size, true)
\* under c's stock_lock: "if (READ_ONCE(stock->cached_objcg) != objcg) {
\* old = drain_obj_stock(stock); obj_cgroup_get(objcg); stock->nr_bytes =
\* atomic_xchg(&objcg->nr_charged_bytes, 0); cached_objcg = objcg;
\* allow_uncharge = true }" (old is NULL here: O is the model's only
\* objcg); "stock->nr_bytes += nr_bytes; if (allow_uncharge && nr_bytes >
\* PAGE_SIZE) { nr_pages = nr_bytes >> PAGE_SHIFT; nr_bytes &= PAGE_SIZE -
\* 1 }"; unlock; "if (nr_pages) obj_cgroup_uncharge_pages(objcg,
\* nr_pages)" (refill_stock on c). Then obj_exts[off].objcg = NULL and
\* obj_cgroup_put(objcg), the object's reference. Guard: a dead CPU runs
\* nothing (its tasks were migrated away before it died).
ObjFree(c) ==
    /\ objAlive
    /\ cpuState[c] = "online"
    /\ LET k1 == IF objCached[c] # "O"
                   THEN [K EXCEPT !.ref = @ + 1, !.nrBytes[c] = chargedBytes,
                                  !.chargedBytes = 0, !.objCached[c] = "O"]
                   ELSE K
           k2 == [k1 EXCEPT !.nrBytes[c] = @ + Size]
           np == IF k2.nrBytes[c] > Page THEN k2.nrBytes[c] \div Page ELSE 0
           k3 == [k2 EXCEPT !.nrBytes[c] = @ - np * Page]
           k4 == IF np > 0 THEN RefillStock(k3, c, ObjcgMemcg(k3), np) ELSE k3
       IN Set(PutObjcg([k4 EXCEPT !.objAlive = FALSE], c))

(***************************** CPU hotplug *********************************)

\* cpu_down -> takedown_cpu: the CPU stops (its tasks migrated), leaves
\* cpu_online_mask and is dead. Its per-CPU stock is left as it was: a
\* stock operation runs with interrupts off, so the CPU never dies inside
\* one. Guard: once, for the CPUs that go offline.
CpuDown(c) ==
    /\ c \in Hotplug
    /\ cpuState[c] = "online"
    /\ cpuState' = [cpuState EXCEPT ![c] = "dead"]
    /\ UNCHANGED <<objCached, nrBytes, cached, nrPages, objAlive, chargedBytes,
                   ref, released, memcg, css, usage>>

\* memcg_hotplug_cpu_dead(d), on the control CPU c, once d is dead (the
\* CPUHP_MM_MEMCQ_DEAD callback, in the teardown's PREPARE section, "which
\* runs after the cpu is dead": Shakeel Butt). v6.13: drain_stock of d's
\* page stock only (THE BUG: d's cached_objcg and nr_bytes stay). Fixed:
\* under c's stock_lock, old = drain_obj_stock(d's stock), whose whole pages
\* go to c's page stock and whose rest goes to nr_charged_bytes; then
\* drain_stock(d's stock); obj_cgroup_put(old) (the MUTANT forgets it).
\* Why not drain_local_stock: "drain_local_stock() works on the local cpu
\* stock while here we are working on a remote cpu cpu which is dead".
MemcgHotplugCpuDead(c, d) ==
    /\ c = Control
    /\ cpuState[d] = "dead"
    /\ LET hadObj == Fixed /\ objCached[d] # NULL
           k1 == IF Fixed THEN DrainObjStock(K, d, c) ELSE K
           k2 == DrainStock(k1, d)
           k3 == IF hadObj /\ PutOld THEN PutObjcg(k2, c) ELSE k2
       IN Set([k3 EXCEPT !.cpuState[d] = "torn"])

(*************************** Control: rmdir M ******************************)

\* cgroup_rmdir -> kill_css(M) -> mem_cgroup_css_offline(M), on c:
\* memcg_offline_kmem -> memcg_reparent_objcgs: "objcg =
\* rcu_replace_pointer(memcg->objcg, NULL)", objcg->memcg = parent (P),
\* "percpu_ref_kill(&objcg->refcnt)": O's initial count. Then
\* drain_all_stock(M): for each ONLINE CPU, flush if its page stock caches
\* a memcg under M with pages, or obj_stock_flush_required: its objcg's
\* memcg (P now, for O) is under M: never. The only online CPU is c (see
\* the guard), drained at once: "if (cpu == curcpu)
\* drain_local_stock(&stock->work)". Then mem_cgroup_id_put -> css_put
\* (with the base reference kill_css drops: one online reference). Guard:
\* every CPU that goes offline is down already, so drain_all_stock never
\* queues work on a CPU about to die (a scenario restriction: the model
\* leaves out a drain work item pending on a CPU that goes down).
Offline(c) ==
    /\ c = Control
    /\ memcg = "online"
    /\ \A d \in Hotplug : cpuState[d] # "online"
    /\ LET k1 == PutObjcg([K EXCEPT !.memcg = "offline"], c)
           flush == k1.cached[c] = "M" /\ k1.nrPages[c] > 0
           k2 == IF flush THEN DrainLocalStock(k1, c) ELSE k1
       IN Set(CssPut(k2, "M"))

\* css_release -> css_free_rwork_fn -> mem_cgroup_css_free ->
\* mem_cgroup_free -> __mem_cgroup_free: "obj_cgroup_put(memcg->orig_objcg)",
\* once M's css count is 0 (on c's lane: a workqueue in the kernel). The
\* RCU grace period before it is not modelled: no reader here.
CssFree(c) ==
    /\ c = Control
    /\ memcg = "offline"
    /\ css = 0
    /\ Set(PutObjcg([K EXCEPT !.memcg = "freed"], c))

(******************************** all **************************************)

\* Nothing left to happen: the object freed, every CPU that went offline
\* torn down, M freed.
Quiescent ==
    /\ ~objAlive
    /\ \A d \in Hotplug : cpuState[d] = "torn"
    /\ memcg = "freed"

\* Every path has finished: a stuttering step (not a deadlock).
Idle == Quiescent /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ ObjFree(c) \/ CpuDown(c) \/ \E d \in CPUs : MemcgHotplugCpuDead(c, d)
    \/ Offline(c) \/ CssFree(c)

Next ==
    \/ \E c \in CPUs : ObjFree(c)
    \/ \E c \in CPUs : CpuDown(c)
    \/ \E c, d \in CPUs : MemcgHotplugCpuDead(c, d)
    \/ \E c \in CPUs : Offline(c)
    \/ \E c \in CPUs : CssFree(c)
    \/ Idle

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

TypeOK ==
    /\ cpuState \in [CPUs -> {"online", "dead", "torn"}]
    /\ cpuState[Control] = "online"
    /\ objCached \in [CPUs -> {"O", NULL}]
    /\ nrBytes \in [CPUs -> 0..Page]
    /\ cached \in [CPUs -> {"M", "P", NULL}]
    /\ nrPages \in [CPUs -> 0..Batch]
    /\ objAlive \in BOOLEAN /\ released \in BOOLEAN
    /\ chargedBytes \in 0..Page
    \* never below 0: no reference put twice
    /\ ref \in 0..(3 + Cardinality(CPUs))
    /\ memcg \in {"online", "offline", "freed"}
    /\ css \in 0..(1 + Cardinality(CPUs))
    /\ usage \in 0..Batch

\* THE BUG: once nothing is left to happen and nothing is charged, no CPU
\* that went offline holds anything (no O reference, no pre-charged byte,
\* no page, no css reference), and O, whose memcg is gone, is released
\* unless an ONLINE CPU's object stock still caches it (a live cache, drained
\* by that CPU's next objcg switch or a drain_all_stock of an ancestor: not a
\* leak). Before the fix the dead Stocker keeps O's reference and its bytes,
\* charged to P, for good.
NoLeakAtQuiescence ==
    Quiescent =>
        /\ \A d \in Hotplug : /\ objCached[d] = NULL /\ nrBytes[d] = 0
                              /\ cached[d] = NULL /\ nrPages[d] = 0
        /\ (\A c \in CPUs : cpuState[c] = "online" => objCached[c] = NULL) => released

\* O's reference count is its holders: the initial count while M is online
\* (until memcg_reparent_objcgs kills it), orig_objcg until M is freed, the
\* charged object, and every stock caching O, online or dead. Catches a get
\* or put too many or too few (the MUTANT: a drained stock whose reference
\* is never put).
ObjcgRefBalance ==
    /\ ref = (IF memcg = "online" THEN 1 ELSE 0) + (IF memcg # "freed" THEN 1 ELSE 0)
             + (IF objAlive THEN 1 ELSE 0) + Cardinality({c \in CPUs : objCached[c] = "O"})
    /\ released <=> ref = 0

\* M's css count is its holders: the online reference, and every page stock
\* caching M.
CssRefBalance ==
    css = (IF memcg = "online" THEN 1 ELSE 0) + Cardinality({c \in CPUs : cached[c] = "M"})

\* P's counter counts every charged byte, in pages: the object, the object
\* stocks' pre-charged bytes (dead CPUs' too), O's nr_charged_bytes, the page
\* stocks' pages. Catches bytes lost or counted twice by a drain.
RECURSIVE SumOver(_, _)
SumOver(f, S) == IF S = {} THEN 0 ELSE LET c == CHOOSE c \in S : TRUE IN f[c] + SumOver(f, S \ {c})

Conservation ==
    Page * usage = (IF objAlive THEN Size ELSE 0) + SumOver(nrBytes, CPUs) + chargedBytes
                   + Page * SumOver(nrPages, CPUs)

\* LEMMA (implied by the two balances): nothing freed is referenced: no page
\* stock caches a freed M; a released O is cached by no stock and charged by
\* no object.
NothingFreedReferenced ==
    /\ memcg = "freed" => \A c \in CPUs : cached[c] # "M"
    /\ released => ~objAlive /\ \A c \in CPUs : objCached[c] = NULL

\* LEMMA (implied by Conservation, the object freed and no stock caching
\* O): obj_cgroup_release finds nr_charged_bytes a whole number of pages
\* ("WARN_ON_ONCE(nr_bytes & (PAGE_SIZE - 1))" never fires).
ReleaseWhole == released => chargedBytes = 0

\* Every run ends (weak fairness per CPU).
Termination == <>Quiescent
=============================================================================
