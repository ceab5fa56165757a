-------------------------- MODULE MemcgAccounting --------------------------
(***************************************************************************)
(* The abstract accounting spec: WHAT memcg charging guarantees, with no   *)
(* CPUs, no page references, no locks.                                     *)
(*                                                                         *)
(* Pages have an abstract life: free, or allocated (live).  A live page is *)
(* either uncharged or owned by exactly one memcg.  A memcg's usage        *)
(* counts, hierarchically, the pages owned in its subtree plus the charges *)
(* reserved there and not yet turned into ownership.  Charging is two-     *)
(* phase, as in the kernel's try_charge / commit_charge / cancel_charge: a *)
(* reservation (usage goes up, within every max on the path to the root)   *)
(* is later either committed to one live, unowned page (usage stays) or    *)
(* cancelled (usage goes down).                                            *)
(*                                                                         *)
(* The guarantee of the "uncharge at the final put" design (0a31bc97c80c,  *)
(* seed 001): a charge leaves its page only when the page dies, that is    *)
(* when nobody can reach it any more (its refcount reaches zero, at the    *)
(* final put or frozen by reclaim), or later (a dead page on reclaim's     *)
(* free list is uncharged in a batch).  An uncharge of a page that is      *)
(* still alive (the 2009 protocol's uncharge at unmap) is no step of this  *)
(* spec, so a protocol that does it does not refine it.  The one way a     *)
(* charge moves between live pages is a transfer to a new, unowned page    *)
(* (migration, v3.17 and v6.7+: no counter changes).                       *)
(*                                                                         *)
(* Swapped-out pages: a swap slot may be RECORDED to a memcg (swap_cgroup) *)
(* and then counts in that memcg's swap usage (cgroup v2's swap counter;    *)
(* on cgroup v1 the part of memsw that is not memory) until the record is  *)
(* cleared.  A record is charged unconditionally (swap.max is checked by   *)
(* the protocol before it records); a record to the root charges nothing, *)
(* as the root's counters see only its children's charges.  On cgroup v1  *)
(* a page's charge becomes its slot's as the page dies (mem_cgroup_swapout: *)
(* SwapOutCharge).                                                         *)
(*                                                                         *)
(* The protocol specs (Charge.tla, ...) REFINE this spec: their configs    *)
(* check `PROPERTY Refinement`, an INSTANCE of this module under a         *)
(* refinement mapping, so every step of the protocol is either one of the  *)
(* steps below or leaves every variable here unchanged.                    *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Pages,      \* the page frames
    Slots,      \* the swap slots (empty for a protocol without swap)
    Memcgs, Root, Parent, Max,   \* the hierarchy and its limits (see PageCounter)
    Tree,       \* the hierarchy's tables, passed on to PageCounter (see Charge.tla's Tree)
    NoMemcg     \* "no owner": a model value outside Memcgs

VARIABLES
    owner,      \* owner[p]: the memcg page p is charged to, or NoMemcg
    pending,    \* pending[m]: charges reserved for m, not yet committed or cancelled
    usage,      \* usage[m]: the hierarchical page counter of m
    record,     \* record[s]: the memcg swap slot s is recorded to, or NoMemcg
    swapUsage,  \* swapUsage[m]: the hierarchical count of slots recorded in m's subtree
    live        \* live[p]: page p is allocated (its refcount is above zero)

vars == <<owner, pending, usage, record, swapUsage, live>>

PC == INSTANCE PageCounter

TypeOK ==
    /\ owner \in [Pages -> Memcgs \cup {NoMemcg}]
    /\ pending \in [Memcgs -> Nat]
    /\ usage \in [Memcgs -> Int]
    /\ record \in [Slots -> Memcgs \cup {NoMemcg}]
    /\ swapUsage \in [Memcgs -> Int]
    /\ live \in [Pages -> BOOLEAN]

(* The pages owned in m's subtree plus the reservations pending there. *)
Accounted(m) ==
    Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)})
    + PC!SumUsage(pending, PC!Subtree(m))

Init ==
    /\ owner = [p \in Pages |-> NoMemcg]
    /\ pending = [m \in Memcgs |-> 0]
    /\ usage = [m \in Memcgs |-> 0]
    /\ record = [s \in Slots |-> NoMemcg]
    /\ swapUsage = [m \in Memcgs |-> 0]
    /\ live = [p \in Pages |-> FALSE]

memoryVars == <<owner, pending, usage>>
swapVars == <<record, swapUsage>>

(* A free page is allocated.  A page still charged is not free: it must  *)
(* be uncharged before it can be allocated again.                          *)
Alloc(p) ==
    /\ ~live[p]
    /\ owner[p] = NoMemcg
    /\ live' = [live EXCEPT ![p] = TRUE]
    /\ UNCHANGED memoryVars
    /\ UNCHANGED swapVars

(* try_charge succeeded: one page reserved for m, every level within max. *)
Reserve(m) ==
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ + 1]
    /\ UNCHANGED <<owner, live>>
    /\ UNCHANGED swapVars

(* cancel_charge: a reservation given back. *)
Release(m) ==
    /\ pending[m] > 0
    /\ usage' = PC!Uncharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED <<owner, live>>
    /\ UNCHANGED swapVars

(* commit_charge: a reservation becomes the ownership of a live, unowned  *)
(* page.                                                                   *)
Own(p, m) ==
    /\ live[p]
    /\ pending[m] > 0
    /\ owner[p] = NoMemcg
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED <<usage, live>>
    /\ UNCHANGED swapVars

(* try_charge and commit_charge in one step (mem_cgroup_charge from v5.8, *)
(* and the swap-in charge of a page that no other CPU can see yet).        *)
Charge(p, m) ==
    /\ live[p]
    /\ owner[p] = NoMemcg
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ UNCHANGED <<pending, live>>
    /\ UNCHANGED swapVars

(* The page dies (its refcount reaches zero).  Its charge, if any, goes   *)
(* with it (the final put's uncharge), or stays until Disown (reclaim      *)
(* frees the page it froze and uncharges its free list in a batch).        *)
Free(p) ==
    /\ live[p]
    /\ live' = [live EXCEPT ![p] = FALSE]
    /\ \/ UNCHANGED <<owner, usage>>
       \/ /\ owner[p] /= NoMemcg
          /\ usage' = PC!Uncharge(usage, owner[p], 1)
          /\ owner' = [owner EXCEPT ![p] = NoMemcg]
    /\ UNCHANGED pending
    /\ UNCHANGED swapVars

(* A dead page's charge is given back (mem_cgroup_uncharge_list).  Never  *)
(* a live page's: that is the guarantee of seed 001.                       *)
Disown(p) ==
    /\ ~live[p]
    /\ owner[p] /= NoMemcg
    /\ usage' = PC!Uncharge(usage, owner[p], 1)
    /\ owner' = [owner EXCEPT ![p] = NoMemcg]
    /\ UNCHANGED <<pending, live>>
    /\ UNCHANGED swapVars

(* A forced charge: a live, unowned page is charged to m whatever the    *)
(* limits say (page_counter_charge, which has no max to fail at).  The     *)
(* kernel forces a charge where failing is not an option and the excess   *)
(* is known to be short-lived: mem_cgroup_replace_folio charges the page-  *)
(* cache replacement of a folio that is uncharged at its final put (and   *)
(* mem_cgroup_migrate did so for migration from v4.6 to v6.6).  Only       *)
(* NextForced has it: Charge.tla and Swap.tla refine Spec, where every     *)
(* charge is within max on every level.                                    *)
ForceCharge(p, m) ==
    /\ live[p]
    /\ owner[p] = NoMemcg
    /\ usage' = PC!ForceCharge(usage, m, 1)
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ UNCHANGED <<pending, live>>
    /\ UNCHANGED swapVars

(* A charge moves from page p to a live, unowned page q, no counter       *)
(* changing (mem_cgroup_migrate as a transfer: v3.17 to v4.4, v6.7+).      *)
Transfer(p, q) ==
    /\ p /= q
    /\ owner[p] /= NoMemcg
    /\ live[q]
    /\ owner[q] = NoMemcg
    /\ owner' = [owner EXCEPT ![q] = owner[p], ![p] = NoMemcg]
    /\ UNCHANGED <<pending, usage, live>>
    /\ UNCHANGED swapVars

(* A slot is recorded to m (cgroup v2: the slot's allocation for a page    *)
(* that reclaim adds to the swap cache, mem_cgroup_try_charge_swap).       *)
RecordSlot(s, m) ==
    /\ record[s] = NoMemcg
    /\ record' = [record EXCEPT ![s] = m]
    /\ swapUsage' = IF m = Root THEN swapUsage ELSE PC!ForceCharge(swapUsage, m, 1)
    /\ UNCHANGED memoryVars
    /\ UNCHANGED live

(* A slot's record is cleared: the slot is freed, or (v1) a swap-in      *)
(* charged the page, whose charge covers memory+swap again.               *)
ClearRecord(s) ==
    /\ record[s] /= NoMemcg
    /\ record' = [record EXCEPT ![s] = NoMemcg]
    /\ swapUsage' = IF record[s] = Root THEN swapUsage ELSE PC!Uncharge(swapUsage, record[s], 1)
    /\ UNCHANGED memoryVars
    /\ UNCHANGED live

(* cgroup v1 swap-out (mem_cgroup_swapout, since "mm: memcontrol: uncharge *)
(* pages on swapout"): as page p dies, its memory charge is given back and *)
(* its slot s is recorded to m (its owner, or the nearest ancestor whose   *)
(* id is alive), which takes the swap part of the charge.                  *)
SwapOutCharge(p, s, m) ==
    /\ live[p]
    /\ owner[p] /= NoMemcg
    /\ record[s] = NoMemcg
    /\ live' = [live EXCEPT ![p] = FALSE]
    /\ usage' = PC!Uncharge(usage, owner[p], 1)
    /\ owner' = [owner EXCEPT ![p] = NoMemcg]
    /\ record' = [record EXCEPT ![s] = m]
    /\ swapUsage' = IF m = Root THEN swapUsage ELSE PC!ForceCharge(swapUsage, m, 1)
    /\ UNCHANGED pending

Next ==
    \/ \E m \in Memcgs \ {Root} : Reserve(m) \/ Release(m)
    \/ \E p \in Pages, m \in Memcgs \ {Root} : Own(p, m) \/ Charge(p, m)
    \/ \E p \in Pages : Alloc(p) \/ Free(p) \/ Disown(p)
    \/ \E p, q \in Pages : Transfer(p, q)
    \/ \E s \in Slots, m \in Memcgs : RecordSlot(s, m)
    \/ \E s \in Slots : ClearRecord(s)
    \/ \E p \in Pages, s \in Slots, m \in Memcgs : SwapOutCharge(p, s, m)

(* That is Init /\ [][Next]_vars, with the stuttering case written first:  *)
(* [A]_v is A \/ UNCHANGED v, so the formula is the same, but TLC, which   *)
(* evaluates disjuncts left to right, then checks a refinement step that    *)
(* changes nothing abstract (most steps of a protocol) without trying       *)
(* every abstract action first.  It halves the cost of checking Refinement. *)
Spec == Init /\ [][UNCHANGED vars \/ Next]_vars

(* The accounting of a protocol that also forces charges (Migrate.tla,    *)
(* whose page-cache replacement force-charges the new folio).              *)
NextForced == Next \/ \E p \in Pages, m \in Memcgs \ {Root} : ForceCharge(p, m)
SpecForced == Init /\ [][UNCHANGED vars \/ NextForced]_vars

(* Kernel memory (Kmem.tla): some of m's pages, the kmem pages charged    *)
(* through its object cgroups, pass to its parent as m goes offline        *)
(* (memcg_reparent_objcgs).  Their charges stay on every counter above m;  *)
(* m's own usage no longer counts them (what m's counter still holds is a *)
(* residue of a dead memcg, no usage of anything it owns).  User pages     *)
(* keep their owner.  Only NextReparent has it.                            *)
Reparent(m, S) ==
    /\ m /= Root
    /\ S /= {}
    /\ \A p \in S : owner[p] = m
    /\ owner' = [p \in Pages |-> IF p \in S THEN Parent[m] ELSE owner[p]]
    /\ usage' = [usage EXCEPT ![m] = @ - Cardinality(S)]
    /\ UNCHANGED <<pending, live>>
    /\ UNCHANGED swapVars

(* The accounting of a protocol with kernel memory (Kmem.tla). *)
NextReparent ==
    \/ Next
    \/ \E m \in Memcgs \ {Root} : \E S \in SUBSET {p \in Pages : owner[p] = m} : Reparent(m, S)
SpecReparent == Init /\ [][UNCHANGED vars \/ NextReparent]_vars

(* The abstract guarantees, which every refinement inherits. *)
Conservation == \A m \in Memcgs : usage[m] = Accounted(m)
SwapConservation ==
    \A m \in Memcgs : swapUsage[m] = Cardinality({s \in Slots : record[s] \in PC!Subtree(m) \ {Root}})
WithinLimit == \A m \in Memcgs : usage[m] <= Max[m]
=============================================================================
