-------------------------- MODULE MemcgAccounting --------------------------
(***************************************************************************)
(* The abstract accounting spec: WHAT memcg charging guarantees, with no   *)
(* CPUs, no page references, no locks.                                     *)
(*                                                                         *)
(* Each page is either uncharged or owned by exactly one memcg.  A memcg's *)
(* usage counts, hierarchically, the pages owned in its subtree plus the   *)
(* charges reserved there and not yet turned into ownership.  Charging is  *)
(* two-phase, as in the kernel's try_charge / commit_charge /              *)
(* cancel_charge: a reservation (usage goes up, within every max on the   *)
(* path to the root) is later either committed to one page (usage stays)  *)
(* or cancelled (usage goes down).  A page's ownership ends with one       *)
(* uncharge, which gives its page back to the counters.                    *)
(*                                                                         *)
(* Swapped-out pages: a swap slot may be RECORDED to a memcg (swap_cgroup) *)
(* and then counts in that memcg's swap usage (cgroup v2's swap counter;    *)
(* on cgroup v1 the part of memsw that is not memory) until the record is  *)
(* cleared.  A record is charged unconditionally (swap.max is checked by   *)
(* the protocol before it records); a record to the root charges nothing, *)
(* as the root's counters see only its children's charges.                 *)
(*                                                                         *)
(* The protocol specs (Charge.tla, ...) REFINE this spec: their configs    *)
(* check `PROPERTY Refinement`, an INSTANCE of this module under a         *)
(* refinement mapping, so every step of the protocol is either one of the  *)
(* four steps below or leaves owner, pending and usage unchanged.          *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Pages,      \* the page frames
    Slots,      \* the swap slots (empty for a protocol without swap)
    Memcgs, Root, Parent, Max,   \* the hierarchy and its limits (see PageCounter)
    NoMemcg     \* "no owner": a model value outside Memcgs

VARIABLES
    owner,      \* owner[p]: the memcg page p is charged to, or NoMemcg
    pending,    \* pending[m]: charges reserved for m, not yet committed or cancelled
    usage,      \* usage[m]: the hierarchical page counter of m
    record,     \* record[s]: the memcg swap slot s is recorded to, or NoMemcg
    swapUsage   \* swapUsage[m]: the hierarchical count of slots recorded in m's subtree

vars == <<owner, pending, usage, record, swapUsage>>

PC == INSTANCE PageCounter

TypeOK ==
    /\ owner \in [Pages -> Memcgs \cup {NoMemcg}]
    /\ pending \in [Memcgs -> Nat]
    /\ usage \in [Memcgs -> Int]
    /\ record \in [Slots -> Memcgs \cup {NoMemcg}]
    /\ swapUsage \in [Memcgs -> Int]

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

memoryVars == <<owner, pending, usage>>
swapVars == <<record, swapUsage>>

(* try_charge succeeded: one page reserved for m, every level within max. *)
Reserve(m) ==
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ + 1]
    /\ UNCHANGED owner
    /\ UNCHANGED swapVars

(* cancel_charge: a reservation given back. *)
Release(m) ==
    /\ pending[m] > 0
    /\ usage' = PC!Uncharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED owner
    /\ UNCHANGED swapVars

(* commit_charge: a reservation becomes the ownership of an unowned page. *)
Own(p, m) ==
    /\ pending[m] > 0
    /\ owner[p] = NoMemcg
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED usage
    /\ UNCHANGED swapVars

(* uncharge: an owned page gives its charge back, once. *)
Disown(p) ==
    /\ owner[p] /= NoMemcg
    /\ usage' = PC!Uncharge(usage, owner[p], 1)
    /\ owner' = [owner EXCEPT ![p] = NoMemcg]
    /\ UNCHANGED pending
    /\ UNCHANGED swapVars

(* try_charge and commit_charge in one step (mem_cgroup_charge from v5.8, *)
(* and the swap-in charge of a page that no other CPU can see yet).        *)
Charge(p, m) ==
    /\ owner[p] = NoMemcg
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ UNCHANGED pending
    /\ UNCHANGED swapVars

(* A slot is recorded to m: swap-out (cgroup v1) or slot allocation (v2). *)
RecordSlot(s, m) ==
    /\ record[s] = NoMemcg
    /\ record' = [record EXCEPT ![s] = m]
    /\ swapUsage' = IF m = Root THEN swapUsage ELSE PC!ForceCharge(swapUsage, m, 1)
    /\ UNCHANGED memoryVars

(* A slot's record is cleared: the slot is freed, or (v1) a swap-in      *)
(* charged the page, whose charge covers memory+swap again.               *)
ClearRecord(s) ==
    /\ record[s] /= NoMemcg
    /\ record' = [record EXCEPT ![s] = NoMemcg]
    /\ swapUsage' = IF record[s] = Root THEN swapUsage ELSE PC!Uncharge(swapUsage, record[s], 1)
    /\ UNCHANGED memoryVars

Next ==
    \/ \E m \in Memcgs \ {Root} : Reserve(m) \/ Release(m)
    \/ \E p \in Pages, m \in Memcgs \ {Root} : Own(p, m) \/ Charge(p, m)
    \/ \E p \in Pages : Disown(p)
    \/ \E s \in Slots, m \in Memcgs : RecordSlot(s, m)
    \/ \E s \in Slots : ClearRecord(s)

(* That is Init /\ [][Next]_vars, with the stuttering case written first:  *)
(* [A]_v is A \/ UNCHANGED v, so the formula is the same, but TLC, which   *)
(* evaluates disjuncts left to right, then checks a refinement step that    *)
(* changes nothing abstract (most steps of a protocol) without trying       *)
(* every abstract action first.  It halves the cost of checking Refinement. *)
Spec == Init /\ [][UNCHANGED vars \/ Next]_vars

(* The abstract guarantees, which every refinement inherits. *)
Conservation == \A m \in Memcgs : usage[m] = Accounted(m)
SwapConservation ==
    \A m \in Memcgs : swapUsage[m] = Cardinality({s \in Slots : record[s] \in PC!Subtree(m) \ {Root}})
WithinLimit == \A m \in Memcgs : usage[m] <= Max[m]
=============================================================================
