------------------------------- MODULE Charge -------------------------------
(***************************************************************************)
(* The memcg charge protocol of the "uncharge at the final put" design, at *)
(* the granularity of its locks: try_charge / commit_charge /              *)
(* cancel_charge on the way in, one uncharge at the final put on the way   *)
(* out.                                                                    *)
(*                                                                         *)
(* Which kernel.  The steps and their order are those of v3.17 to v5.7,    *)
(* where the design was introduced by Johannes Weiner's "rewrite charge    *)
(* API" (00501b531c47) and "rewrite uncharge API" (0a31bc97c80c, seed 001) *)
(* and every charge site used try/commit/cancel.  The names are today's:  *)
(* the counter is page_counter from v3.19 (3e32cb2e0a12; v3.17 and v3.18   *)
(* charged a res_counter, res_counter_charge / res_counter_uncharge, with  *)
(* the same semantics at this granularity), and the owner is               *)
(* page->mem_cgroup from v3.19 (1306a85aed3e; in v3.17 and v3.18 the      *)
(* pc->mem_cgroup of the page's struct page_cgroup, valid while PCG_USED   *)
(* is set).  From v5.8 on,                                                 *)
(* mem_cgroup_charge() runs try_charge and commit_charge back to back and  *)
(* cancel is gone from these paths: an abandoned anonymous fault frees its *)
(* committed page through the final put, and a failed page-cache insertion *)
(* uncharges its still-private page with mem_cgroup_uncharge().  The       *)
(* design, and every invariant below, is the same; docs/charge.md lists    *)
(* the differences step by step.                                           *)
(*                                                                         *)
(* Several CPUs run, interleaved, the mm paths that charge and free pages: *)
(*   - the anonymous fault (do_anonymous_page): allocate a page, TryCharge; *)
(*     if the pte was filled meanwhile (another thread faulted first),     *)
(*     CancelCharge and free the page; else CommitCharge and map it;       *)
(*   - page-cache insertion (add_to_page_cache_lru): allocate a page and   *)
(*     lock it, TryCharge, add it to the cache; if the index was taken     *)
(*     meanwhile (-EEXIST), CancelCharge and free the page; else           *)
(*     CommitCharge, and unlock it when its read completes;                *)
(*   - mapping (fork's copy of a pte, a fault on a cached page), unmapping *)
(*     (zap_pte_range), taking and dropping references (get_page_unless_  *)
(*     zero / folio_try_get, put_page), truncation of a cache page;        *)
(*   - the final put, which uncharges (mem_cgroup_uncharge) and frees.     *)
(*                                                                         *)
(* Why the protocol is shaped like this (seed 001): a page is charged      *)
(* under exclusion (a new anon page is private to its fault until its pte  *)
(* is set; a new cache page is locked, and its lock excludes every path    *)
(* that could map, truncate or recharge it) and uncharged when its         *)
(* refcount reaches zero (nobody can see it any more).  So charge and      *)
(* uncharge cannot race with each other or with themselves, and unmap,     *)
(* cache removal and truncation never touch a committed charge.  Before   *)
(* v3.17 anonymous pages were uncharged at unmap and charge paths had to   *)
(* guess whether a page was still charged; spec/history/ shows the races   *)
(* that came of it.                                                        *)
(*                                                                         *)
(* The memcg hierarchy is fixed by three constants: memcgs 0..NMemcg, 0 is *)
(* the root, and memcg m > 0 has parent (m-1) \div Fanout; Fanout = 1 is   *)
(* a chain root -> 1 -> 2 -> ...  Every non-root memcg has max Limit, so a *)
(* charge can fail at the memcg itself or at an ancestor.  Tasks run in    *)
(* non-root memcgs: the kernel records the root as the owner of a root     *)
(* task's page without charging any counter, a case left out here.        *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC, MemcgTrees

CONSTANTS
    CPUs,       \* the CPUs, model values; each runs one mm path at a time
    Pages,      \* the page frames, model values
    Indexes,    \* page-cache indexes (of one file), model values
    NMemcg,     \* number of non-root memcgs
    Fanout,     \* shape of the hierarchy: parent of m is (m-1) \div Fanout
    Limit,      \* memory.max of every non-root memcg, in pages
    MaxMap,     \* bound on a page's mapcount (keeps the model finite)
    NoMemcg,    \* model value: "no memcg"
    NoPage,     \* model value: "no page"
    NoIndex     \* model value: "no index"

ASSUME NMemcg \in 1..MaxMemcg /\ Fanout \in 1..MaxMemcg /\ Limit \in Nat /\ MaxMap \in Nat \ {0}

Memcgs == 0..NMemcg
Root == 0
TaskMemcgs == Memcgs \ {Root}
Parent == [m \in TaskMemcgs |-> (m - 1) \div Fanout]
(* The root has no limit (its page_counter's max is PAGE_COUNTER_MAX):    *)
(* NoLimit is larger than any usage a model reaches, whatever the specs    *)
(* built on this one charge (kmem pages, stocked pages) besides its pages. *)
(* A bound of Cardinality(Pages) here was a limit for Kmem.tla's models,   *)
(* whose kmem pages count in the root's usage too: a user page's charge    *)
(* failed at the root while kmem pages were charged.                        *)
NoLimit == 1000000
Max == [m \in Memcgs |-> IF m = Root THEN NoLimit ELSE Limit]

(* The hierarchy's tables (see PageCounter), built once by MemcgTrees.tla: *)
(* a root module's constant definition and an EXTENDed one are evaluated   *)
(* once by TLC, and this one stays a lookup when Swap, Kmem or Migrate     *)
(* INSTANCE this module.  PageCounter and MemcgAccounting take it as their *)
(* constant Tree.                                                          *)
Tree == Trees[NMemcg][Fanout]

PC == INSTANCE PageCounter
ASSUME PC!TreeOK

VARIABLES
    \* --- per CPU: the mm path it is in, and what that path works on ---
    pc,         \* pc[c]: program counter of CPU c (see PCs)
    held,       \* held[c]: the page CPU c holds a reference to, or NoPage
    chargeTo,   \* chargeTo[c]: the memcg of the task CPU c faults for, or NoMemcg
    index,      \* index[c]: the page-cache index CPU c inserts at, or NoIndex
    \* --- per page (struct folio) ---
    refcount,   \* refcount[p]: folio_ref_count; 0 means free
    mapcount,   \* mapcount[p]: page-table mappings
    owner,      \* owner[p]: folio->memcg_data, the memcg the page is charged to, or NoMemcg
    locked,     \* locked[p]: PG_locked
    anon,       \* anon[p]: PageAnon (page->mapping points at an anon_vma)
    \* --- the page cache of one file, and the counters ---
    cache,      \* cache[i]: the page at index i, or NoPage
    usage,      \* usage[m]: memcg m's memory page_counter (hierarchical)
    stat        \* stat[m]: memcg m's own statistics (memory.stat, not hierarchical):
                \*   anon (v1 "rss"), file (v1 "cache"), file_mapped (v1 "mapped_file")

(* Variable groups for UNCHANGED, as in raft.tla; vars is their            *)
(* concatenation, in declaration order.  cache, usage and stat stay single *)
(* variables: a group of one would name nothing new.                       *)
cpuVars == <<pc, held, chargeTo, index>>                  \* per CPU: its mm path and what it works on
folioVars == <<refcount, mapcount, owner, locked, anon>>  \* per page: the struct folio fields
vars == <<cpuVars, folioVars, cache, usage, stat>>

(* Program counters.  "idle": between paths.  "anon_*": do_anonymous_page. *)
(* "cache_*": add_to_page_cache_lru: "cache_inserted" is in the cache and  *)
(* not yet committed, "cache_eexist" found its index taken.  "put": the    *)
(* CPU holds one reference it is about to drop (after an unmap, a cache    *)
(* removal, a failed fault, ...).                                          *)
PCs == {"idle",
        "anon_alloc", "anon_charged", "anon_committed",
        "cache_alloc", "cache_charged", "cache_inserted", "cache_eexist", "cache_committed",
        "put"}

(* A CPU between a successful TryCharge and its CommitCharge/CancelCharge *)
(* holds a charge that no page owns yet.                                   *)
PendingPCs == {"anon_charged", "cache_charged", "cache_inserted", "cache_eexist"}

InCache(p) == \E i \in Indexes : cache[i] = p
Holders(p) == {c \in CPUs : held[c] = p}

(* The statistics items and their update: stat[m].item += d, skipped for   *)
(* an unowned page, as the kernel's statistics updates skip a page with no *)
(* memcg (mem_cgroup_update_page_stat found no USED page_cgroup in 2010,   *)
(* which is seed 003's underflow; lock_page_memcg returns NULL today).     *)
StatItems == {"anon", "file", "file_mapped"}
NoStat == [item \in StatItems |-> 0]
ModStat(st, m, item, d) == IF m = NoMemcg THEN st ELSE [st EXCEPT ![m][item] = @ + d]

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
    /\ stat = [m \in Memcgs |-> NoStat]

(***************************************************************************)
(* The anonymous fault: do_anonymous_page.                                 *)
(***************************************************************************)

(* alloc_zeroed_user_highpage_movable (today vma_alloc_folio): take a free *)
(* page for a fault of a task in memcg m.  The page is private to this     *)
(* CPU: refcount 1, unmapped, not on the LRU, invisible to every other     *)
(* path.  That privacy is what lets CommitCharge set the owner without a   *)
(* lock.                                                                   *)
AllocAnon(c, p, m) ==
    /\ pc[c] = "idle"
    /\ refcount[p] = 0
    /\ pc' = [pc EXCEPT ![c] = "anon_alloc"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = m]
    /\ refcount' = [refcount EXCEPT ![p] = 1]
    /\ UNCHANGED <<index, mapcount, owner, locked, anon, cache, usage, stat>>

(***************************************************************************)
(* Page-cache insertion: add_to_page_cache_lru (readahead, a read fault).  *)
(***************************************************************************)

(* page_cache_alloc + __SetPageLocked: a new page for index i of a file    *)
(* read by a task in memcg m, allocated after a lookup found nothing at i. *)
(* The page is locked before anyone can find it and stays locked until its *)
(* read completes: the lock excludes truncation, mapping (filemap_map_pages *)
(* skips locked pages) and a second charge while the page is in the cache  *)
(* and its charge is not yet committed.                                    *)
AllocCache(c, p, m, i) ==
    /\ pc[c] = "idle"
    /\ refcount[p] = 0
    /\ cache[i] = NoPage
    /\ pc' = [pc EXCEPT ![c] = "cache_alloc"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = m]
    /\ index' = [index EXCEPT ![c] = i]
    /\ refcount' = [refcount EXCEPT ![p] = 1]
    /\ locked' = [locked EXCEPT ![p] = TRUE]
    /\ UNCHANGED <<mapcount, owner, anon, cache, usage, stat>>

(***************************************************************************)
(* The charge: try_charge, commit_charge, cancel_charge.                   *)
(***************************************************************************)

(* mem_cgroup_try_charge -> try_charge -> page_counter_try_charge: charge  *)
(* one page to the task's memcg and every ancestor.  If some level would   *)
(* pass its max, nothing is charged (reclaim and OOM have been tried and   *)
(* have not made room: the spec takes only the final verdict) and the path *)
(* fails with -ENOMEM: the fault returns VM_FAULT_OOM (oom_free_page), the *)
(* insertion fails and unlocks its page (__ClearPageLocked), and the CPU   *)
(* goes on to drop its reference to the unowned page: a failed try_charge  *)
(* leaves nothing to cancel or commit.  On success the charge is PENDING:  *)
(* counted in usage, owned by no page.                                     *)
TryCharge(c) ==
    /\ pc[c] \in {"anon_alloc", "cache_alloc"}
    /\ IF PC!CanCharge(usage, chargeTo[c], 1)
         THEN /\ usage' = PC!TryCharge(usage, chargeTo[c], 1)
              /\ pc' = [pc EXCEPT ![c] = IF pc[c] = "anon_alloc" THEN "anon_charged" ELSE "cache_charged"]
              /\ UNCHANGED <<chargeTo, index, locked>>
         ELSE /\ UNCHANGED usage
              /\ pc' = [pc EXCEPT ![c] = "put"]
              /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
              /\ index' = [index EXCEPT ![c] = NoIndex]
              \* a failed insertion unlocks its page before the put (__ClearPageLocked)
              /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, refcount, mapcount, owner, anon, cache, stat>>

(* mem_cgroup_commit_charge -> commit_charge: the pending charge becomes   *)
(* the page's (page->mem_cgroup, today folio->memcg_data).  No counter     *)
(* changes.  The anonymous fault commits once it knows the pte is still    *)
(* none (under the pte lock, before the pte is set); the insertion commits *)
(* once the page is in the cache, still locked.  Either way no other CPU  *)
(* can reach the page to charge, map or free it (ChargeUnderExclusion).    *)
(* The kernel asserts, but does not test, that the page has no owner yet  *)
(* (VM_BUG_ON_PAGE(page->mem_cgroup, page); in v3.17 and v3.18             *)
(* VM_BUG_ON_PAGE(PageCgroupUsed(pc), page)): the spec has no such guard   *)
(* either and checks instead that it can never fail (PendingPageUnowned). *)
(* The anonymous fault has just set the page's anon rmap                   *)
(* (page_add_new_anon_rmap, PageAnon), and commit_charge counts the page   *)
(* in its memcg's statistics, anon or file by PageAnon                     *)
(* (mem_cgroup_charge_statistics).                                         *)
CommitCharge(c) ==
    /\ pc[c] \in {"anon_charged", "cache_inserted"}
    /\ LET isAnon == pc[c] = "anon_charged" IN
          /\ anon' = [anon EXCEPT ![held[c]] = isAnon]
          /\ stat' = ModStat(stat, chargeTo[c], IF isAnon THEN "anon" ELSE "file", 1)
    /\ owner' = [owner EXCEPT ![held[c]] = chargeTo[c]]
    /\ pc' = [pc EXCEPT ![c] = IF pc[c] = "anon_charged" THEN "anon_committed" ELSE "cache_committed"]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>

(* mem_cgroup_cancel_charge: a successful try_charge that will not be      *)
(* committed is given back.  The anonymous fault finds, under the pte      *)
(* lock, that the pte is no longer none (another thread faulted the        *)
(* address first: release); the insertion found its index taken           *)
(* (err_insert).  The page is then freed unowned.  Never after a commit    *)
(* (the owner would keep a charge nobody holds) and never after a FAILED   *)
(* try_charge, where nothing was charged (the same rule for commit:        *)
(* 85d9fc89fb0f fixed a swapoff path that committed after a failed charge  *)
(* and drove the css refcount negative).  The anonymous fault's choice is  *)
(* free here: whether another thread filled the pte is not modelled.       *)
CancelCharge(c) ==
    /\ pc[c] \in {"anon_charged", "cache_eexist"}
    /\ usage' = PC!Uncharge(usage, chargeTo[c], 1)
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ index' = [index EXCEPT ![c] = NoIndex]
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, refcount, mapcount, owner, anon, cache, stat>>

(***************************************************************************)
(* Finishing the two charging paths.                                       *)
(***************************************************************************)

(* page_add_new_anon_rmap + set_pte_at (today folio_add_new_anon_rmap and *)
(* set_ptes): the fault maps its page.  The fault's reference becomes the  *)
(* mapping's.  In v3.17-v5.7 the rmap is added just before the commit, but *)
(* the pte is set and the page put on the LRU only after it, under the pte *)
(* lock: no other path can find the page before the commit, so the spec   *)
(* takes rmap and pte together, after CommitCharge.                        *)
MapAnon(c) ==
    /\ pc[c] = "anon_committed"
    /\ mapcount' = [mapcount EXCEPT ![held[c]] = 1]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage, stat>>

(* __add_to_page_cache_locked: under the xarray (radix tree) lock, store  *)
(* the locked page at its index, the cache taking a reference; the charge  *)
(* is still pending and is committed next.  If another CPU filled the      *)
(* index since our lookup, the store fails with -EEXIST and the charge is  *)
(* cancelled next (err_insert).                                            *)
AddToCache(c) ==
    /\ pc[c] = "cache_charged"
    /\ LET p == held[c]
           i == index[c]
       IN IF cache[i] = NoPage
            THEN /\ cache' = [cache EXCEPT ![i] = p]
                 /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
                 /\ pc' = [pc EXCEPT ![c] = "cache_inserted"]
            ELSE /\ pc' = [pc EXCEPT ![c] = "cache_eexist"]
                 /\ UNCHANGED <<cache, refcount>>
    /\ index' = [index EXCEPT ![c] = NoIndex]
    /\ UNCHANGED <<held, chargeTo, mapcount, owner, locked, anon, usage, stat>>

(* unlock_page when the read completes: from now on the page can be found  *)
(* unlocked, mapped and truncated.  The inserting CPU still holds its      *)
(* allocation reference and drops it next.                                 *)
UnlockPage(c) ==
    /\ pc[c] = "cache_committed"
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, anon, cache, usage, stat>>

(***************************************************************************)
(* Paths that use pages without charging them.                             *)
(***************************************************************************)

(* Another mapping of page p: fork's copy_one_pte (today copy_present_pte) *)
(* of a mapped page, or a fault on a cached page (filemap_map_pages, which *)
(* skips locked pages).  A mapping holds a reference.  No charge: the page *)
(* is charged once, to its first user, however many map it.  The first    *)
(* mapping of a file page counts it in its owner's file_mapped            *)
(* (page_add_file_rmap, when _mapcount goes from -1 to 0, under           *)
(* lock_page_memcg, against page->mem_cgroup at that moment).             *)
Map(c, p) ==
    /\ pc[c] = "idle"
    /\ mapcount[p] > 0 \/ (InCache(p) /\ ~locked[p])
    /\ mapcount[p] < MaxMap
    /\ mapcount' = [mapcount EXCEPT ![p] = @ + 1]
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ stat' = IF ~anon[p] /\ mapcount[p] = 0 THEN ModStat(stat, owner[p], "file_mapped", 1) ELSE stat
    /\ UNCHANGED <<cpuVars, owner, locked, anon, cache, usage>>

(* zap_pte_range: one mapping of p goes.  The page's reference moves to    *)
(* the CPU's mmu_gather batch, dropped later by tlb_finish_mmu.  Nothing   *)
(* is uncharged here, even when mapcount reaches 0: that was the 2009      *)
(* protocol, and its races (seed 000, seed 002 Type-2) are in history/.    *)
(* The last unmapping of a file page takes it out of its owner's           *)
(* file_mapped (page_remove_rmap -> page_remove_file_rmap).                *)
Unmap(c, p) ==
    /\ pc[c] = "idle"
    /\ mapcount[p] > 0
    /\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ stat' = IF ~anon[p] /\ mapcount[p] = 1 THEN ModStat(stat, owner[p], "file_mapped", -1) ELSE stat
    /\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage>>

(* get_page_unless_zero (today folio_try_get): a speculative reference,    *)
(* as a lockless page-cache lookup, compaction or a PFN walker takes one.  *)
(* It fails on a free page (refcount 0), so a freed page is never          *)
(* resurrected; it may succeed on a page that is being charged, whose      *)
(* charging path is unaffected (the holder can only drop it).              *)
GetPage(c, p) ==
    /\ pc[c] = "idle"
    /\ refcount[p] > 0
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, anon, cache, usage, stat>>

(* delete_from_page_cache (today filemap_remove_folio), from truncation of *)
(* an unmapped page: the page leaves the cache at index i and the cache's  *)
(* reference is now the truncating CPU's to drop.  The page lock (taken    *)
(* and released within the step; a locked page is skipped) excludes the    *)
(* inserter, which holds it until its read completes.  No uncharge here.   *)
(* Reclaim (__remove_mapping) removes a page only when it can freeze the   *)
(* refcount at the cache's and its own references: that is a removal      *)
(* followed at once by the final put, a special case of this step and     *)
(* Uncharge.                                                               *)
DeleteFromCache(c, i) ==
    /\ pc[c] = "idle"
    /\ cache[i] /= NoPage
    /\ LET p == cache[i] IN
          /\ ~locked[p]
          /\ mapcount[p] = 0
          /\ cache' = [cache EXCEPT ![i] = NoPage]
          /\ pc' = [pc EXCEPT ![c] = "put"]
          /\ held' = [held EXCEPT ![c] = p]
    /\ UNCHANGED <<chargeTo, index, folioVars, usage, stat>>

(* put_page (folio_put), not the last reference: only the count changes. *)
PutPage(c) ==
    /\ pc[c] = "put"
    /\ refcount[held[c]] > 1
    /\ refcount' = [refcount EXCEPT ![held[c]] = @ - 1]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, anon, cache, usage, stat>>

(* The final put_page: __put_page -> mem_cgroup_uncharge -> free (today    *)
(* __folio_put; batched frees use mem_cgroup_uncharge_list).  The          *)
(* refcount reaches 0, so no other CPU can see the page: uncharge needs no *)
(* lock and cannot race with a charge, a commit or a migration of it.      *)
(* A page with an owner gives its charge back (once: the owner is         *)
(* cleared) and leaves its memcg's statistics (uncharge_batch); an unowned *)
(* page (its charge failed or was cancelled) frees with no counter change. *)
(* Freeing clears PageAnon (page->mapping = NULL).                         *)
Uncharge(c) ==
    /\ pc[c] = "put"
    /\ refcount[held[c]] = 1
    /\ LET p == held[c] IN
          /\ usage' = IF owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage
          /\ stat' = ModStat(stat, owner[p], IF anon[p] THEN "anon" ELSE "file", -1)
          /\ owner' = [owner EXCEPT ![p] = NoMemcg]
          /\ anon' = [anon EXCEPT ![p] = FALSE]
          /\ refcount' = [refcount EXCEPT ![p] = 0]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, mapcount, locked, cache>>

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

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties.  Each one exists to catch a class of protocol bugs, named   *)
(* in its comment; docs/mutants.md lists the mutants (plausible bugs, the *)
(* museum's races re-introduced) that each one catches.                   *)
(***************************************************************************)

(* Charges tried and not yet committed or cancelled, per memcg. *)
Pending(m) == Cardinality({c \in CPUs : pc[c] \in PendingPCs /\ chargeTo[c] = m})

(* Conservation: each memcg's counter = the pages owned in its subtree +  *)
(* the pending charges there.  Catches a charge lost (a cancel or uncharge *)
(* forgotten, a commit that uncharges), counted twice (an uncharge repeated *)
(* or a commit over another owner) or an owner without a charge.  With     *)
(* TypeOK it also says that a page is owned at most once.                   *)
Conservation ==
    \A m \in Memcgs :
        usage[m] = Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)})
                   + Cardinality({c \in CPUs : pc[c] \in PendingPCs /\ chargeTo[c] \in PC!Subtree(m)})

(* A page in use is charged: mapped, or in the page cache and unlocked    *)
(* (findable by lookups, faults and reclaim).  Catches an uncharge while  *)
(* the page is still used (the 2009 protocol's uncharge at unmap, whose   *)
(* races left mapped pages uncharged: seed 000) and a page published      *)
(* before its commit (mapped or unlocked too early).                       *)
InUseCharged(p) == mapcount[p] > 0 \/ (InCache(p) /\ ~locked[p])
InUseIsCharged == \A p \in Pages : InUseCharged(p) => owner[p] /= NoMemcg

(* An owned page is a live page.  Catches a free that keeps the page's    *)
(* charge (a leak, and a stale owner if the frame is reused).             *)
OwnedPagesLive == \A p \in Pages : owner[p] /= NoMemcg => refcount[p] > 0

(* A page whose charge is pending has no owner yet, so CommitCharge never  *)
(* overwrites one (the kernel's VM_BUG_ON in commit_charge).  Catches a    *)
(* charging path that starts on a page that is not free.                  *)
ChargesPending == \E c \in CPUs : pc[c] \in PendingPCs
PendingPageUnowned ==
    ChargesPending => \A c \in CPUs : pc[c] \in PendingPCs => owner[held[c]] = NoMemcg

(* Statistics: each memcg's anon, file and file_mapped count exactly the  *)
(* pages attributed to it: owned anon pages, owned file pages, owned      *)
(* mapped file pages.  Catches a statistics update skipped, repeated or   *)
(* made against another memcg than the owner of the moment (seed 003's    *)
(* remap that skipped FILE_MAPPED for a not yet committed page, and its    *)
(* underflow at the later unmap).  Never negative follows.                 *)
StatOf(m, item) ==
    Cardinality({p \in Pages :
        /\ owner[p] = m
        /\ CASE item = "anon" -> anon[p]
              [] item = "file" -> ~anon[p]
              [] item = "file_mapped" -> ~anon[p] /\ mapcount[p] > 0})
StatsMatch == \A m \in Memcgs, item \in StatItems : stat[m][item] = StatOf(m, item)

(* usage <= max below the root (the root has no max).  Catches a charge   *)
(* that ignores a limit on some level of the hierarchy.  A property of    *)
(* this model, where every charge is a try-charge taken as one atomic     *)
(* step: the kernel's counter shows a transient overshoot while a failing *)
(* try-charge backs out, and forced charges (__GFP_NOFAIL, a dying task,  *)
(* page replacement) may pass max on purpose.                              *)
WithinLimit == \A m \in TaskMemcgs : usage[m] <= Max[m]

(* Every reference is accounted for: mappings, the cache, CPUs.  Catches  *)
(* a reference dropped twice or never, so a page freed while in use or    *)
(* never freed.                                                            *)
RefcountBalance ==
    \A p \in Pages :
        refcount[p] = mapcount[p] + (IF InCache(p) THEN 1 ELSE 0) + Cardinality(Holders(p))

(* Charging happens under exclusion: while a CPU charges and commits, no  *)
(* other path can map its page, charge it or free it.  An anon page is     *)
(* unmapped and not in the cache; a cache page is locked, and in the cache *)
(* only between AddToCache and UnlockPage.  Other CPUs may hold only       *)
(* speculative references (GetPage), which they can only drop.  This is    *)
(* why commit_charge needs no lock of its own (seed 001).  Catches a path *)
(* that reaches a page being charged: a fault mapping a locked cache page, *)
(* an insertion that does not lock its page, and a truncation that does   *)
(* not take the page lock (truncate_inode_pages' lock_page, or the         *)
(* trylock_page of invalidate_mapping_pages): from AddToCache until its     *)
(* unlock a page being charged stays in the cache (the last conjunct).    *)
(* Nothing else sees that truncation: the page leaves the cache early and  *)
(* its charge is committed and given back at the final put as usual.      *)
ChargingPCs == {"anon_alloc", "anon_charged", "anon_committed",
                "cache_alloc", "cache_charged", "cache_eexist", "cache_inserted", "cache_committed"}
Charging == \E c \in CPUs : pc[c] \in ChargingPCs
ChargeUnderExclusion ==
    Charging => \A c \in CPUs :
        LET p == held[c] IN
        /\ pc[c] \in {"anon_alloc", "anon_charged", "anon_committed",
                      "cache_alloc", "cache_charged", "cache_eexist",
                      "cache_inserted", "cache_committed"}
              => /\ mapcount[p] = 0
                 /\ \A d \in CPUs \ {c} : held[d] = p => pc[d] = "put"
        /\ pc[c] \in {"anon_alloc", "anon_charged", "anon_committed",
                      "cache_alloc", "cache_charged", "cache_eexist"} => ~InCache(p)
        /\ pc[c] \in {"cache_alloc", "cache_charged", "cache_eexist",
                      "cache_inserted", "cache_committed"} => locked[p]
        /\ pc[c] \in {"cache_inserted", "cache_committed"} => InCache(p)

(***************************************************************************)
(* Lemmas: implied by the properties above (or restating a guard), kept    *)
(* in the configs as a cheap second net.  No mutant is expected to break   *)
(* one of them without breaking a property too.                            *)
(***************************************************************************)

(* Hierarchy: a parent's counter is its own charges plus its children's   *)
(* counters; the root's own charge is zero.  Implied by Conservation (the *)
(* subtree counts add up) and TypeOK (owners are task memcgs).            *)
Hierarchy ==
    /\ \A m \in Memcgs :
          PC!OwnUsage(usage, m) = Cardinality({p \in Pages : owner[p] = m}) + Pending(m)
    /\ PC!OwnUsage(usage, Root) = 0

(* No counter below zero (the kernel's "page_counter underflow" warning): *)
(* implied by Conservation, whose right-hand side is a count.             *)
NoUnderflow == \A m \in Memcgs : usage[m] >= 0

(* No statistic below zero: implied by StatsMatch. *)
StatsNonNegative == \A m \in Memcgs, item \in StatItems : stat[m][item] >= 0

(* A path that committed still finds its page owned: implied by            *)
(* Refinement (no charge leaves a live page) and the committing CPU's own  *)
(* reference.                                                               *)
CommittedIsOwned ==
    \A c \in CPUs : pc[c] \in {"anon_committed", "cache_committed"}
                        => owner[held[c]] /= NoMemcg

(* No leaked charge once every CPU is idle and every page is free:        *)
(* implied by Conservation (no pending charge, so usage = owned pages) and *)
(* OwnedPagesLive (no live page, so none owned).  Its antecedent holds in  *)
(* the initial state only of a model without swap (every page freed means *)
(* every cache emptied): the swap protocol's version is a property.        *)
Quiescent == (\A c \in CPUs : pc[c] = "idle") /\ (\A p \in Pages : refcount[p] = 0)
NoLeakAtQuiescence ==
    Quiescent => /\ \A m \in Memcgs : usage[m] = 0
                 /\ \A p \in Pages : owner[p] = NoMemcg

(***************************************************************************)
(* Refinement of the abstract accounting spec.                             *)
(***************************************************************************)

(* Charge has no swap: no slots, nothing recorded.  A page is live while  *)
(* its refcount is above zero.                                              *)
Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> Pending(m)],
              live <- [p \in Pages |-> refcount[p] > 0],
              Slots <- {},
              record <- [s \in {} |-> NoMemcg],
              swapUsage <- [m \in Memcgs |-> 0]

(* Refinement: every step is a step of the abstract accounting spec.      *)
(* Catches what no state invariant can: a charge that leaves a live page   *)
(* (uncharged before its final put, then counted again at its next charge, *)
(* or moved to another page), a page allocated while still charged.        *)
Refinement == Abs!Spec

(* Symmetry: CPUs, pages and indexes are interchangeable.  Memcgs are not *)
(* (the hierarchy tells them apart).                                        *)
Symmetry == Permutations(CPUs) \cup Permutations(Pages) \cup Permutations(Indexes)
=============================================================================
