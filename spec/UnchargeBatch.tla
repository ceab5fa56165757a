---------------------------- MODULE UnchargeBatch ----------------------------
(***************************************************************************)
(* Batched uncharge: the folios whose last reference a CPU drops together  *)
(* are uncharged together, one page_counter_uncharge and one css_put per   *)
(* run of folios of the same memcg.                                        *)
(*                                                                         *)
(* Which kernel.  ONE era: today's mainline path (v6.9+, where             *)
(* folios_put_refs replaced release_pages' own loop; the text read is      *)
(* mm/memcontrol.c and mm/swap.c as of v6.13-v6.19, as quoted in the 2025- *)
(* 2026 patches that changed them, before Qi Zheng's series moved the      *)
(* gather onto obj_cgroup).  Seed 001 (2014) asked for                      *)
(* mem_cgroup_uncharge_start/end around release_pages; 747db954cab6        *)
(* (v3.17) made it uncharge_list, and today it is:                          *)
(*                                                                         *)
(*   folios_put_refs(folios, refs):  (mm/swap.c)                           *)
(*     for each folio:  if (!folio_ref_sub_and_test(folio, nr_refs))       *)
(*                          continue;                                      *)
(*                      ... __page_cache_release; folios->folios[j++] = f; *)
(*     folios->nr = j;                                                     *)
(*     mem_cgroup_uncharge_folios(folios);                                 *)
(*     free_unref_folios(folios);                                          *)
(*                                                                         *)
(*   __mem_cgroup_uncharge_folios(folios):  (mm/memcontrol.c)              *)
(*     uncharge_gather_clear(&ug);                                         *)
(*     for each folio: uncharge_folio(folio, &ug);                         *)
(*     if (ug.memcg) uncharge_batch(&ug);                                  *)
(*                                                                         *)
(*   uncharge_folio(folio, ug):                                            *)
(*     memcg = __folio_memcg(folio); if (!memcg) return;                   *)
(*     if (ug->memcg != memcg) {                                           *)
(*         if (ug->memcg) { uncharge_batch(ug); uncharge_gather_clear(ug); }*)
(*         ug->memcg = memcg;                                              *)
(*         /* pairs with css_put in uncharge_batch */                      *)
(*         css_get(&memcg->css);                                           *)
(*     }                                                                   *)
(*     if (!mem_cgroup_is_root(memcg)) ug->nr_memory += nr_pages;          *)
(*     folio->memcg_data = 0;                                              *)
(*     css_put(&memcg->css);                                               *)
(*                                                                         *)
(*   uncharge_batch(ug):                                                   *)
(*     if (ug->nr_memory) memcg_uncharge(ug->memcg, ug->nr_memory);        *)
(*     ... /* drop reference from uncharge_folio */                         *)
(*     css_put(&ug->memcg->css);                                           *)
(*                                                                         *)
(* Why the gather takes its own css reference.  Every charged folio holds *)
(* one css reference on its memcg (charge_memcg's css_get, put by          *)
(* uncharge_folio).  The folio's reference goes as soon as the folio is    *)
(* gathered, but its page is still on the memcg's counters until          *)
(* uncharge_batch.  Without the gather's reference, the last folio of an   *)
(* offline memcg drops the last css reference, css_free may run, and       *)
(* uncharge_batch then writes the counters of a freed memcg.  That was     *)
(* v5.9-rc1: 1a3e1f40962c ("mm: memcontrol: decouple reference counting    *)
(* from page accounting") put each page's reference in uncharge_page and   *)
(* dropped uncharge_batch's css_put_many (until then the pages' own        *)
(* references, put after the counters, covered the writes); syzbot found  *)
(* the use after free in page_counter_uncharge, and f1796544a0ca ("memcg:  *)
(* fix use-after-free in uncharge_batch", v5.9-rc2) added the gather's     *)
(* css_get and css_put.  The mutant gather-without-css-get re-introduces   *)
(* it (docs/mutants.md).                                                   *)
(*                                                                         *)
(* The model.  CPUs allocate pages, charge them to memcgs of a small       *)
(* hierarchy (charge_memcg: within memory.max on every level, css_get,     *)
(* commit), and each keeps its folios in a folio_batch of which it holds  *)
(* the last reference (a page may stay uncharged: uncharge_folio skips     *)
(* it).  Then it releases the batch: the references one folio at a time    *)
(* (FoliosPutRefs), then uncharge_folio per dead folio into its per-CPU    *)
(* gather (memcg, nr_memory, the gather's css reference), uncharge_batch   *)
(* when the memcg changes and at the end, then free_unref_folios.          *)
(* Meanwhile memcgs go offline and are freed once their css count is 0.   *)
(*                                                                         *)
(* What the model leaves out (docs/uncharge-batch.md): cgroup v1's memsw   *)
(* counter (memcg_uncharge's second page_counter_uncharge: the same        *)
(* reasoning, one more counter), kmem folios in the batch (nr_kmem), the   *)
(* statistics (pgpgout, the event counters), large folios (nr_pages 1),   *)
(* the root memcg's folios (tasks of the root are not charged here), the  *)
(* other callers (shrink_folio_list's free_folios, __folio_put's single-   *)
(* folio __mem_cgroup_uncharge: the same gather with one folio), and the   *)
(* RCU grace period before css_free (css_free here runs at once when the  *)
(* count is 0, which only widens the window the gather's reference        *)
(* closes).                                                                *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets, TLC, MemcgTrees

CONSTANTS
    CPUs,       \* the CPUs, model values
    Pages,      \* the page frames, model values
    NMemcg,     \* number of non-root memcgs
    Fanout,     \* shape of the hierarchy: parent of m is (m-1) \div Fanout
    Limit,      \* memory.max of every non-root memcg, in pages
    NoMemcg,    \* model value: "no memcg"
    NoPage      \* model value: "no page"

ASSUME NMemcg \in 1..MaxMemcg /\ Fanout \in 1..MaxMemcg /\ Limit \in Nat

Memcgs == 0..NMemcg
Root == 0
TaskMemcgs == Memcgs \ {Root}
Parent == [m \in TaskMemcgs |-> (m - 1) \div Fanout]
NoLimit == 1000000
Max == [m \in Memcgs |-> IF m = Root THEN NoLimit ELSE Limit]
Tree == Trees[NMemcg][Fanout]

PC == INSTANCE PageCounter
ASSUME PC!TreeOK

VARIABLES
    \* --- per CPU: its folio_batch and its struct uncharge_gather ---
    pc,         \* pc[c]: "idle" (filling its batch), "put" (folios_put_refs' loop), "uncharge"
    held,       \* held[c]: the folio_batch, a sequence of pages whose last reference c holds
    dead,       \* dead[c]: the folios whose count reached 0 (folios->folios[0..j)), not yet uncharged
    gone,       \* gone[c]: the folios uncharge_folio has been through, for free_unref_folios
    ugMemcg,    \* ugMemcg[c]: ug->memcg, or NoMemcg (uncharge_gather_clear)
    ugNr,       \* ugNr[c]: ug->nr_memory, pages gathered and not yet uncharged
    \* --- per page ---
    owner,      \* owner[p]: folio->memcg_data, or NoMemcg
    \* --- per memcg ---
    usage,      \* usage[m]: memcg m's memory page_counter (hierarchical)
    state,      \* state[m]: "online", "offline" (rmdir), "freed" (css_free)
    css,        \* css[m]: the css reference count (CssRefBalance names its holders)
    \* --- history ---
    uafWrites   \* page_counter writes to a freed memcg (NoCounterWriteAfterFree)

cpuVars == <<pc, held, dead, gone>>          \* per CPU: its batch
gatherVars == <<ugMemcg, ugNr>>              \* per CPU: its uncharge_gather
memcgVars == <<usage, state, css>>           \* per memcg: counter and lifetime
vars == <<cpuVars, gatherVars, owner, memcgVars, uafWrites>>

Range(s) == {s[i] : i \in DOMAIN s}

(* A page is in use while some CPU's batch, dead list or gone set has it;  *)
(* otherwise it is in the page allocator's free lists.                      *)
InUse(p) == \E c \in CPUs : p \in Range(held[c]) \cup Range(dead[c]) \cup gone[c]
(* A page is live (its refcount is above zero) while it is in a batch.     *)
Live(p) == \E c \in CPUs : p \in Range(held[c])

Get(f, m) == [f EXCEPT ![m] = @ + 1]
Put(f, m) == [f EXCEPT ![m] = @ - 1]

TypeOK ==
    /\ pc \in [CPUs -> {"idle", "put", "uncharge"}]
    /\ \A c \in CPUs : held[c] \in Seq(Pages) /\ dead[c] \in Seq(Pages)
    /\ gone \in [CPUs -> SUBSET Pages]
    /\ ugMemcg \in [CPUs -> TaskMemcgs \cup {NoMemcg}]
    /\ ugNr \in [CPUs -> Nat]
    /\ owner \in [Pages -> TaskMemcgs \cup {NoMemcg}]
    /\ usage \in [Memcgs -> Int]
    /\ state \in [Memcgs -> {"online", "offline", "freed"}]
    /\ css \in [Memcgs -> Nat]
    /\ uafWrites \in Nat

(* Every memcg online, its css held by its base reference, its id's (the  *)
(* id is alive while online; no swap record here keeps it longer) and one  *)
(* per child (a child css pins its parent until css_free).                 *)
Init ==
    /\ pc = [c \in CPUs |-> "idle"]
    /\ held = [c \in CPUs |-> <<>>]
    /\ dead = [c \in CPUs |-> <<>>]
    /\ gone = [c \in CPUs |-> {}]
    /\ ugMemcg = [c \in CPUs |-> NoMemcg]
    /\ ugNr = [c \in CPUs |-> 0]
    /\ owner = [p \in Pages |-> NoMemcg]
    /\ usage = [m \in Memcgs |-> 0]
    /\ state = [m \in Memcgs |-> "online"]
    /\ css = [m \in Memcgs |-> 2 + Cardinality(PC!Children(m))]
    /\ uafWrites = 0

(* The page allocator gives CPU c a free page, which joins its batch      *)
(* uncharged (the folio_batch_add of a folio c holds the only reference   *)
(* to), only while c fills its batch.  The folio_batch's capacity          *)
(* (PAGEVEC_SIZE, 31) is above any model's page count: not modelled.       *)
AllocFolio(c, p) ==
    /\ pc[c] = "idle"
    /\ ~InUse(p)
    /\ held' = [held EXCEPT ![c] = Append(@, p)]
    /\ UNCHANGED <<pc, dead, gone>>
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<owner, memcgVars, uafWrites>>

(* charge_memcg(folio, memcg) for the page c allocated last: try_charge    *)
(* (every level within memory.max; a charge that does not fit fails and    *)
(* the folio stays uncharged, no step here), css_get(&memcg->css), then   *)
(* commit_charge (folio->memcg_data = memcg).  The memcg is one a task of  *)
(* c runs in: online, not the root.  Charging happens under exclusion      *)
(* (a new folio nobody else sees), so one step.                            *)
ChargeFolio(c, m) ==
    /\ pc[c] = "idle"
    /\ held[c] /= <<>>
    /\ owner[held[c][Len(held[c])]] = NoMemcg
    /\ m \in TaskMemcgs
    /\ state[m] = "online"
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ css' = Get(css, m)
    /\ owner' = [owner EXCEPT ![held[c][Len(held[c])]] = m]
    /\ UNCHANGED cpuVars
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<state, uafWrites>>

(* One turn of folios_put_refs' loop: folio_ref_sub_and_test drops c's     *)
(* reference on the next folio of its batch, the last one (no other        *)
(* holder in this model), so the folio is dead and kept for the uncharge  *)
(* (folios->folios[j++] = folio).  The first turn ends the filling; after *)
(* the last, mem_cgroup_uncharge_folios starts with a clear gather.        *)
FoliosPutRefs(c) ==
    /\ pc[c] \in {"idle", "put"}
    /\ held[c] /= <<>>
    /\ held' = [held EXCEPT ![c] = Tail(@)]
    /\ dead' = [dead EXCEPT ![c] = Append(@, Head(held[c]))]
    /\ pc' = [pc EXCEPT ![c] = IF Len(held[c]) = 1 THEN "uncharge" ELSE "put"]
    /\ UNCHANGED gone
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<owner, memcgVars, uafWrites>>

(* uncharge_folio(folio, &ug) on the next dead folio.  An uncharged folio *)
(* is skipped ("if (!memcg) return").  A charged one joins the gather; if *)
(* the gather is empty, it takes the folio's memcg and its own css        *)
(* reference ("pairs with css_put in uncharge_batch"), which keeps the     *)
(* memcg and its counters alive until uncharge_batch, whoever else puts    *)
(* theirs.  A gather of another memcg is flushed first: that is            *)
(* UnchargeBatch, enabled then, and this step waits for it (the guard).    *)
(* Then nr_memory + 1, folio->memcg_data = 0 and the folio's own           *)
(* css_put(&memcg->css): its reference goes now, its page stays on the     *)
(* counters until the flush (Conservation counts it as gathered).          *)
UnchargeFolio(c) ==
    /\ pc[c] = "uncharge"
    /\ dead[c] /= <<>>
    /\ LET p == Head(dead[c])
           m == owner[p]
       IN /\ ugMemcg[c] \in {NoMemcg, m} \/ m = NoMemcg
          /\ dead' = [dead EXCEPT ![c] = Tail(@)]
          /\ gone' = [gone EXCEPT ![c] = @ \cup {p}]
          /\ IF m = NoMemcg
                THEN UNCHANGED <<gatherVars, owner, css>>
                ELSE /\ ugMemcg' = [ugMemcg EXCEPT ![c] = m]
                     /\ ugNr' = [ugNr EXCEPT ![c] = @ + 1]
                     /\ owner' = [owner EXCEPT ![p] = NoMemcg]
                     /\ css' = Put(IF ugMemcg[c] = NoMemcg THEN Get(css, m) ELSE css, m)
    /\ UNCHANGED <<pc, held>>
    /\ UNCHANGED <<usage, state, uafWrites>>

(* uncharge_batch(&ug), then uncharge_gather_clear: when the next dead    *)
(* folio is of another memcg (uncharge_folio's switch), or when none is   *)
(* left (__mem_cgroup_uncharge_folios' "if (ug.memcg) uncharge_batch").   *)
(* memcg_uncharge(ug->memcg, ug->nr_memory): page_counter_uncharge of    *)
(* nr_memory pages up the hierarchy (v1's memsw: not modelled); then the   *)
(* gather's css_put.  The counters are written BEFORE that css_put, so    *)
(* the gather's reference is what keeps them alive: uafWrites counts a     *)
(* write to a freed memcg (none, while the reference is taken).            *)
UnchargeBatch(c) ==
    /\ pc[c] = "uncharge"
    /\ ugMemcg[c] /= NoMemcg
    /\ IF dead[c] = <<>> THEN TRUE ELSE owner[Head(dead[c])] \notin {NoMemcg, ugMemcg[c]}
    /\ LET m == ugMemcg[c] IN
          /\ usage' = IF ugNr[c] > 0 THEN PC!Uncharge(usage, m, ugNr[c]) ELSE usage
          /\ uafWrites' = IF ugNr[c] > 0 /\ state[m] = "freed" THEN uafWrites + 1 ELSE uafWrites
          /\ css' = Put(css, m)
    /\ ugMemcg' = [ugMemcg EXCEPT ![c] = NoMemcg]
    /\ ugNr' = [ugNr EXCEPT ![c] = 0]
    /\ UNCHANGED cpuVars
    /\ UNCHANGED <<owner, state>>

(* free_unref_folios: every folio uncharge_folio went through returns to  *)
(* the allocator, once the gather is flushed (mem_cgroup_uncharge_folios   *)
(* has returned); c can fill a new batch.                                   *)
FreeUnrefFolios(c) ==
    /\ pc[c] = "uncharge"
    /\ dead[c] = <<>>
    /\ ugMemcg[c] = NoMemcg
    /\ pc' = [pc EXCEPT ![c] = "idle"]
    /\ gone' = [gone EXCEPT ![c] = {}]
    /\ UNCHANGED <<held, dead>>
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<owner, memcgVars, uafWrites>>

(* cgroup_rmdir -> mem_cgroup_css_offline: a memcg with no online child    *)
(* (-EBUSY otherwise).  kill_css drops the base css reference and          *)
(* mem_cgroup_id_put the id's (its last: no swap record here).  Its        *)
(* folios keep their charges and references.  The first level stays       *)
(* online, so that a task always has a memcg to charge.                    *)
Offline(m) ==
    /\ m \in TaskMemcgs
    /\ Parent[m] /= Root
    /\ state[m] = "online"
    /\ \A d \in PC!Children(m) : state[d] /= "online"
    /\ state' = [state EXCEPT ![m] = "offline"]
    /\ css' = [css EXCEPT ![m] = @ - 2]
    /\ UNCHANGED cpuVars
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<owner, usage, uafWrites>>

(* mem_cgroup_css_free, once the last css reference is put: the structure *)
(* goes, and with it its reference on the parent's css.                    *)
Free(m) ==
    /\ m \in TaskMemcgs
    /\ state[m] = "offline"
    /\ css[m] = 0
    /\ state' = [state EXCEPT ![m] = "freed"]
    /\ css' = Put(css, Parent[m])
    /\ UNCHANGED cpuVars
    /\ UNCHANGED gatherVars
    /\ UNCHANGED <<owner, usage, uafWrites>>

Next ==
    \/ \E c \in CPUs, p \in Pages : AllocFolio(c, p)
    \/ \E c \in CPUs, m \in TaskMemcgs : ChargeFolio(c, m)
    \/ \E c \in CPUs : FoliosPutRefs(c)
    \/ \E c \in CPUs : UnchargeFolio(c)
    \/ \E c \in CPUs : UnchargeBatch(c)
    \/ \E c \in CPUs : FreeUnrefFolios(c)
    \/ \E m \in TaskMemcgs : Offline(m)
    \/ \E m \in TaskMemcgs : Free(m)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Properties (each caught by a mutant: docs/mutants.md), then lemmas.     *)
(***************************************************************************)

(* Pages gathered for m's subtree and not yet uncharged. *)
Gathered(m) == LET cs == {c \in CPUs : ugMemcg[c] \in PC!Subtree(m)}
                   RECURSIVE Sum(_)
                   Sum(S) == IF S = {} THEN 0
                             ELSE LET c == CHOOSE c \in S : TRUE IN ugNr[c] + Sum(S \ {c})
               IN Sum(cs)

(* Conservation: a counter is the pages owned in its subtree plus the      *)
(* pages gathered for its subtree.  Catches a flush that forgets or        *)
(* repeats its nr_memory, a gather that switches memcg without flushing   *)
(* (its pages then uncharged from the wrong subtree), a folio uncharged    *)
(* twice or never.                                                          *)
Conservation ==
    \A m \in Memcgs : usage[m] = Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)}) + Gathered(m)

(* No page_counter is written after its memcg is freed.  Catches a gather *)
(* without its own css reference: the last folio's css_put frees an       *)
(* offline memcg while its pages are still gathered.                        *)
NoCounterWriteAfterFree == uafWrites = 0

(* The css count is its holders: the base and id references while online, *)
(* one per folio charged to the memcg, one per gather naming it, one per   *)
(* child not yet freed.  Catches a css_get or css_put missed or repeated   *)
(* (the per-folio put skipped: the memcg is never freed).                  *)
CssHolders(m) ==
    (IF state[m] = "online" THEN 2 ELSE 0)
    + Cardinality({p \in Pages : owner[p] = m})
    + Cardinality({c \in CPUs : ugMemcg[c] = m})
    + Cardinality({d \in PC!Children(m) : state[d] /= "freed"})
CssRefBalance == \A m \in Memcgs : css[m] = CssHolders(m)

(* No freed memcg is named by a folio, a gather or a live child.  Catches *)
(* a css_put too many (css_free while still referenced).                   *)
NothingFreedReferenced ==
    \A m \in TaskMemcgs : state[m] = "freed" =>
        /\ \A p \in Pages : owner[p] /= m
        /\ \A c \in CPUs : ugMemcg[c] /= m
        /\ \A d \in PC!Children(m) : state[d] = "freed"

(* Quiescence: every CPU between batches. *)
Quiescent == \A c \in CPUs : pc[c] = "idle"

(* Nothing is left gathered at quiescence: every gather was flushed before *)
(* its CPU freed its folios.  Catches a missing final uncharge_batch (the  *)
(* "if (ug.memcg)" after the loop), which Conservation does not see: the   *)
(* pages are counted as gathered, but no one will uncharge them until the  *)
(* CPU's next batch, and a memcg stays pinned by the gather's reference.   *)
NothingGatheredAtQuiescence ==
    Quiescent => \A c \in CPUs : ugMemcg[c] = NoMemcg /\ ugNr[c] = 0

(* Lemmas.                                                                 *)

(* Within memory.max on every level: ChargeFolio's guard; the uncharges    *)
(* only lower counters.                                                     *)
WithinLimit == \A m \in Memcgs : usage[m] <= Max[m]
(* Implied by Conservation (the right side is never negative). *)
NoUnderflow == \A m \in Memcgs : usage[m] >= 0
(* Implied by Conservation (ownership and gathers partition by subtree). *)
Hierarchy ==
    \A m \in Memcgs : usage[m] >= PC!SumUsage(usage, PC!Children(m))
(* A gather on a dying memcg pins it (its reference is counted): implied   *)
(* by CssRefBalance.  Its antecedent is the window the gather's reference *)
(* exists for.                                                              *)
GatherOnDying == \E c \in CPUs : ugMemcg[c] /= NoMemcg /\ state[ugMemcg[c]] = "offline"
GatherPinsDying ==
    GatherOnDying => \A c \in CPUs : ugMemcg[c] /= NoMemcg => css[ugMemcg[c]] > 0
(***************************************************************************)
(* Refinement of the abstract accounting spec.                             *)
(*                                                                         *)
(* A page is live while it is in a batch (its refcount is above zero).    *)
(* A gathered page maps to ALREADY uncharged: the abstract usage is the   *)
(* counter less the pages gathered for the subtree, so uncharge_folio is  *)
(* the abstract Disown of one dead page, and uncharge_batch, which moves  *)
(* nr_memory pages from "gathered" to "off the counter" in one step, is a *)
(* stutter.  The other way round (a gathered page still owned, the flush  *)
(* its Disown) would make one flush nr_memory abstract steps: no          *)
(* refinement for a gather of two pages.  The abstract usage is never    *)
(* above the counter, so a charge the counter allows is one the abstract   *)
(* spec allows.                                                             *)
(***************************************************************************)
AbsUsage == [m \in Memcgs |-> usage[m] - Gathered(m)]

Abs == INSTANCE MemcgAccounting
         WITH pending <- [m \in Memcgs |-> 0],
              usage <- AbsUsage,
              live <- [p \in Pages |-> Live(p)],
              Slots <- {},
              record <- [s \in {} |-> NoMemcg],
              swapUsage <- [m \in Memcgs |-> 0]

(* Refinement: every step is a step of the abstract accounting spec.      *)
(* Catches what no state invariant can: a folio uncharged while still     *)
(* referenced (its charge leaves a live page), a page allocated while     *)
(* still charged, a flush that changes what the abstract counters say.    *)
Refinement == Abs!Spec

(* CPUs and pages are interchangeable; memcgs are not. *)
Symmetry == Permutations(CPUs) \cup Permutations(Pages)
=============================================================================
