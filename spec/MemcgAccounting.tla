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
(* The protocol specs (Charge.tla, ...) REFINE this spec: their configs    *)
(* check `PROPERTY Refinement`, an INSTANCE of this module under a         *)
(* refinement mapping, so every step of the protocol is either one of the  *)
(* four steps below or leaves owner, pending and usage unchanged.          *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Pages,      \* the page frames
    Memcgs, Root, Parent, Max,   \* the hierarchy and its limits (see PageCounter)
    NoMemcg     \* "no owner": a model value outside Memcgs

VARIABLES
    owner,      \* owner[p]: the memcg page p is charged to, or NoMemcg
    pending,    \* pending[m]: charges reserved for m, not yet committed or cancelled
    usage       \* usage[m]: the hierarchical page counter of m

vars == <<owner, pending, usage>>

PC == INSTANCE PageCounter

TypeOK ==
    /\ owner \in [Pages -> Memcgs \cup {NoMemcg}]
    /\ pending \in [Memcgs -> Nat]
    /\ usage \in [Memcgs -> Int]

(* The pages owned in m's subtree plus the reservations pending there. *)
Accounted(m) ==
    Cardinality({p \in Pages : owner[p] \in PC!Subtree(m)})
    + PC!SumUsage(pending, PC!Subtree(m))

Init ==
    /\ owner = [p \in Pages |-> NoMemcg]
    /\ pending = [m \in Memcgs |-> 0]
    /\ usage = [m \in Memcgs |-> 0]

(* try_charge succeeded: one page reserved for m, every level within max. *)
Reserve(m) ==
    /\ PC!CanCharge(usage, m, 1)
    /\ usage' = PC!TryCharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ + 1]
    /\ UNCHANGED owner

(* cancel_charge: a reservation given back. *)
Release(m) ==
    /\ pending[m] > 0
    /\ usage' = PC!Uncharge(usage, m, 1)
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED owner

(* commit_charge: a reservation becomes the ownership of an unowned page. *)
Own(p, m) ==
    /\ pending[m] > 0
    /\ owner[p] = NoMemcg
    /\ owner' = [owner EXCEPT ![p] = m]
    /\ pending' = [pending EXCEPT ![m] = @ - 1]
    /\ UNCHANGED usage

(* uncharge: an owned page gives its charge back, once. *)
Disown(p) ==
    /\ owner[p] /= NoMemcg
    /\ usage' = PC!Uncharge(usage, owner[p], 1)
    /\ owner' = [owner EXCEPT ![p] = NoMemcg]
    /\ UNCHANGED pending

Next ==
    \/ \E m \in Memcgs \ {Root} : Reserve(m) \/ Release(m)
    \/ \E p \in Pages, m \in Memcgs \ {Root} : Own(p, m)
    \/ \E p \in Pages : Disown(p)

(* That is Init /\ [][Next]_vars, with the stuttering case written first:  *)
(* [A]_v is A \/ UNCHANGED v, so the formula is the same, but TLC, which   *)
(* evaluates disjuncts left to right, then checks a refinement step that    *)
(* changes nothing abstract (most steps of a protocol) without trying       *)
(* every abstract action first.  It halves the cost of checking Refinement. *)
Spec == Init /\ [][UNCHANGED vars \/ Next]_vars

(* The abstract guarantees, which every refinement inherits. *)
Conservation == \A m \in Memcgs : usage[m] = Accounted(m)
WithinLimit == \A m \in Memcgs : usage[m] <= Max[m]
=============================================================================
