------------------------------- MODULE Charge -------------------------------
(***************************************************************************)
(* The memcg charge protocol of today's kernel, at the granularity of its *)
(* locks: try_charge / commit_charge / cancel_charge on the way in, one    *)
(* uncharge at the final put on the way out.                               *)
(*                                                                         *)
(* Several CPUs run, interleaved, the mm paths that charge and free pages: *)
(*   - the anonymous fault (do_anonymous_page): allocate a page, TryCharge, *)
(*     CommitCharge, map it; or, when the fault is abandoned after the     *)
(*     charge, CancelCharge and free the page;                             *)
(*   - page-cache insertion (filemap_add_folio): allocate a page and lock  *)
(*     it, TryCharge, CommitCharge, add it to the cache, unlock it; or     *)
(*     CancelCharge when the index is already taken;                      *)
(*   - mapping (fork's copy of a pte, a fault on a cached page), unmapping *)
(*     (zap_pte_range), taking and dropping references (folio_try_get,     *)
(*     folio_put), and removing a page from the page cache;               *)
(*   - the final put, which uncharges (mem_cgroup_uncharge) and frees.     *)
(*                                                                         *)
(* Why the protocol is shaped like this (seed 001, commit 0a31bc97c80c):   *)
(* a page is charged while nobody else can see it (a new anon page is      *)
(* private to its fault, a new cache page is locked and not yet in the     *)
(* cache) and uncharged when its refcount reaches zero (nobody can see it  *)
(* any more).  So charge and uncharge cannot race with each other or with  *)
(* themselves, and unmap, cache removal and truncation never touch the     *)
(* charge.  The 2009 protocol uncharged at unmap and had to guess at       *)
(* charge time whether the page was still charged; spec/history/ shows     *)
(* the races that came of it.                                              *)
(*                                                                         *)
(* Charge-commit-cancel is the API of commit 7a81b88cb53e (seed 000), in  *)
(* the kernel until 5.8; today mem_cgroup_charge() does try_charge and     *)
(* commit_charge back to back, and a failed insertion after the commit is *)
(* undone by the final put, which this spec also models (AddToCache).     *)
(*                                                                         *)
(* The memcg hierarchy is fixed by three constants: memcgs 0..NMemcg, 0 is *)
(* the root, and memcg m > 0 has parent (m-1) \div Fanout; Fanout = 1 is   *)
(* a chain root -> 1 -> 2 -> ...  Every non-root memcg has max Limit, so a *)
(* charge can fail at the memcg itself or at an ancestor.  Tasks run in    *)
(* non-root memcgs.                                                        *)
(***************************************************************************)
EXTENDS Integers, FiniteSets, TLC

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

ASSUME NMemcg \in Nat \ {0} /\ Fanout \in Nat \ {0} /\ Limit \in Nat /\ MaxMap \in Nat \ {0}

Memcgs == 0..NMemcg
Root == 0
TaskMemcgs == Memcgs \ {Root}
Parent == [m \in TaskMemcgs |-> (m - 1) \div Fanout]
(* The root has no limit: no usage can exceed the number of pages. *)
Max == [m \in Memcgs |-> IF m = Root THEN Cardinality(Pages) ELSE Limit]

PC == INSTANCE PageCounter

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
    \* --- the page cache of one file, and the counters ---
    cache,      \* cache[i]: the page at index i, or NoPage
    usage       \* usage[m]: memcg m's memory page_counter (hierarchical)

vars == <<pc, held, chargeTo, index, refcount, mapcount, owner, locked, cache, usage>>

(* Program counters.  "idle": between paths.  "anon_*": do_anonymous_page. *)
(* "cache_*": filemap_add_folio.  "put": the CPU holds one reference it    *)
(* is about to drop (after an unmap, a cache removal, a failed fault, ...) *)
PCs == {"idle",
        "anon_alloc", "anon_charged", "anon_committed",
        "cache_alloc", "cache_charged", "cache_committed", "cache_added",
        "put"}

(* A CPU between a successful TryCharge and its CommitCharge/CancelCharge *)
(* holds a charge that no page owns yet.                                   *)
PendingPCs == {"anon_charged", "cache_charged"}

InCache(p) == \E i \in Indexes : cache[i] = p
Holders(p) == {c \in CPUs : held[c] = p}

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

Init ==
    /\ pc = [c \in CPUs |-> "idle"]
    /\ held = [c \in CPUs |-> NoPage]
    /\ chargeTo = [c \in CPUs |-> NoMemcg]
    /\ index = [c \in CPUs |-> NoIndex]
    /\ refcount = [p \in Pages |-> 0]
    /\ mapcount = [p \in Pages |-> 0]
    /\ owner = [p \in Pages |-> NoMemcg]
    /\ locked = [p \in Pages |-> FALSE]
    /\ cache = [i \in Indexes |-> NoPage]
    /\ usage = [m \in Memcgs |-> 0]

(***************************************************************************)
(* The anonymous fault: do_anonymous_page.                                 *)
(***************************************************************************)

(* vma_alloc_folio: take a free page for a fault of a task in memcg m.    *)
(* The page is private to this CPU: refcount 1, unmapped, invisible to     *)
(* every other path.  That privacy is what lets CommitCharge set the owner *)
(* without a lock.                                                         *)
AllocAnon(c, p, m) ==
    /\ pc[c] = "idle"
    /\ refcount[p] = 0
    /\ pc' = [pc EXCEPT ![c] = "anon_alloc"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = m]
    /\ refcount' = [refcount EXCEPT ![p] = 1]
    /\ UNCHANGED <<index, mapcount, owner, locked, cache, usage>>

(***************************************************************************)
(* Page-cache insertion: filemap_add_folio (readahead, a read fault).      *)
(***************************************************************************)

(* filemap_alloc_folio + __folio_set_locked: a new page for index i of a   *)
(* file read by a task in memcg m, allocated after a lookup found nothing  *)
(* at i.  The page is locked before anyone can find it, and stays locked   *)
(* until its read completes: the lock is what excludes a concurrent        *)
(* truncation of the page once it is in the cache.                         *)
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
    /\ UNCHANGED <<mapcount, owner, cache, usage>>

(***************************************************************************)
(* The charge: try_charge, commit_charge, cancel_charge.                   *)
(***************************************************************************)

(* try_charge (mm/memcontrol.c) -> page_counter_try_charge: charge one     *)
(* page to the task's memcg and every ancestor.  If some level would pass  *)
(* its max, nothing is charged (reclaim and OOM have been tried and have   *)
(* not made room: the spec takes only the final verdict) and the path      *)
(* fails with -ENOMEM: the fault returns VM_FAULT_OOM, the insertion       *)
(* fails, and the CPU goes on to drop its reference to the unowned page.   *)
(* On success the charge is PENDING: counted in usage, owned by no page.   *)
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
              \* a failed insertion unlocks its page before the put (__folio_clear_locked)
              /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, refcount, mapcount, owner, cache>>

(* commit_charge: the pending charge becomes the page's: folio->memcg_data *)
(* := memcg.  Guard owner = NoMemcg is the kernel's                        *)
(* VM_BUG_ON_FOLIO(folio_memcg(folio), folio): a page is charged at most   *)
(* once.  No counter changes.  The page is private (anon) or locked and    *)
(* not yet in the cache, so no other CPU can see the owner change (checked *)
(* by ChargeUnderExclusion).                                               *)
CommitCharge(c) ==
    /\ pc[c] \in PendingPCs
    /\ owner[held[c]] = NoMemcg
    /\ owner' = [owner EXCEPT ![held[c]] = chargeTo[c]]
    /\ pc' = [pc EXCEPT ![c] = IF pc[c] = "anon_charged" THEN "anon_committed" ELSE "cache_committed"]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>

(* mem_cgroup_cancel_charge: a successful try_charge that will not be      *)
(* committed is given back.  The anonymous fault may be abandoned after    *)
(* the charge (another thread mapped the address first: the pte is no      *)
(* longer none); the insertion finds its index already taken (-EEXIST).   *)
(* Never after a commit (the owner would keep a charge nobody holds), and  *)
(* never after a FAILED try_charge (85d9fc89fb0f: that drove a refcount   *)
(* negative): only PendingPCs can cancel.                                  *)
CancelCharge(c) ==
    /\ \/ pc[c] = "anon_charged"
       \/ pc[c] = "cache_charged" /\ cache[index[c]] /= NoPage
    /\ usage' = PC!Uncharge(usage, chargeTo[c], 1)
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ chargeTo' = [chargeTo EXCEPT ![c] = NoMemcg]
    /\ index' = [index EXCEPT ![c] = NoIndex]
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ UNCHANGED <<held, refcount, mapcount, owner, cache>>

(***************************************************************************)
(* Finishing the two charging paths.                                       *)
(***************************************************************************)

(* folio_add_new_anon_rmap + set_pte_at: the fault maps its page.  The     *)
(* fault's reference becomes the mapping's.                                *)
MapAnon(c) ==
    /\ pc[c] = "anon_committed"
    /\ mapcount' = [mapcount EXCEPT ![held[c]] = 1]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache, usage>>

(* __filemap_add_folio: store the page at its index under the xarray lock, *)
(* the cache taking a reference.  If another CPU filled the index since    *)
(* our lookup, the insertion fails with -EEXIST after the commit: the page *)
(* is unlocked and put, and its final put uncharges it (today's kernel     *)
(* does exactly this: mem_cgroup_charge, then the xarray store).           *)
AddToCache(c) ==
    /\ pc[c] = "cache_committed"
    /\ LET p == held[c]
           i == index[c]
       IN IF cache[i] = NoPage
            THEN /\ cache' = [cache EXCEPT ![i] = p]
                 /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
                 /\ pc' = [pc EXCEPT ![c] = "cache_added"]
                 /\ UNCHANGED locked
            ELSE /\ pc' = [pc EXCEPT ![c] = "put"]
                 /\ locked' = [locked EXCEPT ![p] = FALSE]
                 /\ UNCHANGED <<cache, refcount>>
    /\ index' = [index EXCEPT ![c] = NoIndex]
    /\ UNCHANGED <<held, chargeTo, mapcount, owner, usage>>

(* folio_unlock when the read completes: from now on the page can be      *)
(* found unlocked, mapped, and truncated.  The inserting CPU still holds   *)
(* its allocation reference and drops it next.                             *)
UnlockPage(c) ==
    /\ pc[c] = "cache_added"
    /\ locked' = [locked EXCEPT ![held[c]] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ UNCHANGED <<held, chargeTo, index, refcount, mapcount, owner, cache, usage>>

(***************************************************************************)
(* Paths that use pages without charging them.                             *)
(***************************************************************************)

(* Another mapping of page p: fork's copy_present_pte of a mapped page, or *)
(* a fault on a cached page (filemap_map_pages, which skips locked pages). *)
(* A mapping holds a reference.  No charge: the page is charged once, to   *)
(* its first user, however many map it.                                    *)
Map(c, p) ==
    /\ pc[c] = "idle"
    /\ mapcount[p] > 0 \/ (InCache(p) /\ ~locked[p])
    /\ mapcount[p] < MaxMap
    /\ mapcount' = [mapcount EXCEPT ![p] = @ + 1]
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ UNCHANGED <<pc, held, chargeTo, index, owner, locked, cache, usage>>

(* zap_pte_range: one mapping of p goes.  The page's reference moves to    *)
(* the CPU's mmu_gather batch, dropped later by tlb_finish_mmu.  Nothing   *)
(* is uncharged here, even when mapcount reaches 0: that was the 2009      *)
(* protocol, and its races (seed 000, seed 002 Type-2) are in history/.    *)
Unmap(c, p) ==
    /\ pc[c] = "idle"
    /\ mapcount[p] > 0
    /\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache, usage>>

(* folio_try_get: a speculative reference (GUP, LRU isolation, a page-cache *)
(* lookup).  It fails on a free page (refcount 0), so a freed page is never *)
(* resurrected.                                                            *)
GetPage(c, p) ==
    /\ pc[c] = "idle"
    /\ refcount[p] > 0
    /\ refcount' = [refcount EXCEPT ![p] = @ + 1]
    /\ pc' = [pc EXCEPT ![c] = "put"]
    /\ held' = [held EXCEPT ![c] = p]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, cache, usage>>

(* filemap_remove_folio from reclaim or invalidation (__remove_mapping,     *)
(* mapping_evict_folio): an unmapped, unlocked page leaves the cache at    *)
(* index i; the cache's reference is now the CPU's to drop.  The page lock *)
(* (taken and released within the step) excludes the inserter, which holds *)
(* the lock until its read completes.  No uncharge here either.            *)
DeleteFromCache(c, i) ==
    /\ pc[c] = "idle"
    /\ cache[i] /= NoPage
    /\ LET p == cache[i] IN
          /\ ~locked[p]
          /\ mapcount[p] = 0
          /\ cache' = [cache EXCEPT ![i] = NoPage]
          /\ pc' = [pc EXCEPT ![c] = "put"]
          /\ held' = [held EXCEPT ![c] = p]
    /\ UNCHANGED <<chargeTo, index, refcount, mapcount, owner, locked, usage>>

(* folio_put, not the last reference: only the count changes. *)
PutPage(c) ==
    /\ pc[c] = "put"
    /\ refcount[held[c]] > 1
    /\ refcount' = [refcount EXCEPT ![held[c]] = @ - 1]
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ held' = [held EXCEPT ![c] = NoPage]
    /\ UNCHANGED <<chargeTo, index, mapcount, owner, locked, cache, usage>>

(* The final folio_put: __folio_put -> mem_cgroup_uncharge -> free.  The   *)
(* refcount reaches 0, so no other CPU can see the page: uncharge needs no *)
(* lock and cannot race with a charge, a commit or a migration of it.      *)
(* A page with an owner gives its charge back (once: the owner is         *)
(* cleared); an unowned page (its charge failed or was cancelled) frees    *)
(* with no counter change.                                                  *)
Uncharge(c) ==
    /\ pc[c] = "put"
    /\ refcount[held[c]] = 1
    /\ LET p == held[c] IN
          /\ usage' = IF owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage
          /\ owner' = [owner EXCEPT ![p] = NoMemcg]
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
(* Invariants.                                                             *)
(***************************************************************************)

(* Charges tried and not yet committed or cancelled, per memcg. *)
Pending(m) == Cardinality({c \in CPUs : pc[c] \in PendingPCs /\ chargeTo[c] = m})

(* Conservation: each memcg's counter = the pages owned in its subtree +  *)
(* the pending charges there.  Together with TypeOK this also says that a  *)
(* page is owned only after a successful TryCharge and at most once: an    *)
(* extra owner, or an owner without a charge, would break the count.       *)
Conservation ==
    \A m \in Memcgs :
        usage[m] = Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)})
                   + Cardinality({c \in CPUs : pc[c] \in PendingPCs /\ chargeTo[c] \in PC!Subtree(m)})

(* Hierarchy: a parent's counter is its own charges plus its children's   *)
(* counters; the root's own charge is zero (tasks never charge it).        *)
Hierarchy ==
    /\ \A m \in Memcgs :
          PC!OwnUsage(usage, m) = Cardinality({p \in Pages : owner[p] = m}) + Pending(m)
    /\ PC!OwnUsage(usage, Root) = 0

(* Ownership: an owned page is a live page (not freed with a charge), and *)
(* a path that committed still finds its page owned.                       *)
OwnedPagesLive == \A p \in Pages : owner[p] /= NoMemcg => refcount[p] > 0
CommittedIsOwned ==
    \A c \in CPUs : pc[c] \in {"anon_committed", "cache_committed", "cache_added"}
                        => owner[held[c]] /= NoMemcg

(* No counter below zero (the kernel's "page_counter underflow" warning). *)
NoUnderflow == \A m \in Memcgs : usage[m] >= 0

(* usage <= max on every level: try_charge never overshoots. *)
WithinLimit == \A m \in Memcgs : usage[m] <= Max[m]

(* Every reference is accounted for: mappings, the cache, CPUs. *)
RefcountBalance ==
    \A p \in Pages :
        refcount[p] = mapcount[p] + (IF InCache(p) THEN 1 ELSE 0) + Cardinality(Holders(p))

(* Charging happens under exclusion: while a CPU charges and commits, its  *)
(* page is unmapped and not in the cache, so no other path can find it to *)
(* map, charge or remove it; an anon page is private to its fault, a cache *)
(* page is also locked.  Other CPUs may hold only speculative references   *)
(* (folio_try_get from a PFN walker: GetPage), which they can only drop.   *)
(* This is why commit_charge needs no lock (seed 001).                     *)
ChargeUnderExclusion ==
    \A c \in CPUs :
        LET p == held[c] IN
        /\ pc[c] \in {"anon_alloc", "anon_charged", "anon_committed",
                      "cache_alloc", "cache_charged", "cache_committed"}
              => /\ mapcount[p] = 0
                 /\ ~InCache(p)
                 /\ \A d \in CPUs \ {c} : held[d] = p => pc[d] = "put"
        /\ pc[c] \in {"cache_alloc", "cache_charged", "cache_committed"} => locked[p]

(* No leaked charge: once every CPU is idle and every page is free, every  *)
(* counter is back to zero and no page has an owner.                       *)
Quiescent == (\A c \in CPUs : pc[c] = "idle") /\ (\A p \in Pages : refcount[p] = 0)
NoLeakAtQuiescence ==
    Quiescent => /\ \A m \in Memcgs : usage[m] = 0
                 /\ \A p \in Pages : owner[p] = NoMemcg

(***************************************************************************)
(* Refinement of the abstract accounting spec.                             *)
(***************************************************************************)

Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> Pending(m)]

Refinement == Abs!Spec

(* Symmetry: CPUs, pages and indexes are interchangeable.  Memcgs are not *)
(* (the hierarchy tells them apart).                                        *)
Symmetry == Permutations(CPUs) \cup Permutations(Pages) \cup Permutations(Indexes)
=============================================================================
