---------------------------- MODULE PageCounter ----------------------------
(***************************************************************************)
(* Hierarchical page counters, after mm/page_counter.c.                    *)
(*                                                                         *)
(* A memcg's counters form a tree: charging a memcg charges it and every   *)
(* ancestor up to the root, so usage[m] counts the pages charged to m and  *)
(* to every memcg below it.  This module holds no state: its operators map *)
(* a usage function (memcg -> number of pages) to the usage function after *)
(* the operation, so that a protocol spec can apply one of them in a       *)
(* single atomic step.                                                     *)
(*                                                                         *)
(* Atomicity.  In the kernel, page_counter_try_charge walks leaf to root   *)
(* doing one atomic add per level; when a level overshoots its max, it     *)
(* takes back its own add and those of the levels below, counts the        *)
(* failure (failcnt) and reports the level.  The specs take the whole walk *)
(* as one step.  The intermediate, speculative sums are visible to readers *)
(* of the counter as a transient overshoot, and to a concurrent charger as *)
(* a *spurious failure* (both chargers can fail where one of them would    *)
(* have fitted: "it might falsely lock out a racing smaller charge", says  *)
(* the kernel).  A spurious failure is one the spec also allows in a state *)
(* with less room, and the kernel answers every failure the same way       *)
(* (reclaim, retry, OOM), so the charge protocols' correctness does not    *)
(* depend on it.  The Java PageCounter                                     *)
(* implements the per-level algorithm; refinement-tests shows with         *)
(* Lincheck that it is NOT linearizable for exactly this reason, while     *)
(* never leaving a counter changed by a failed charge.                     *)
(***************************************************************************)
EXTENDS Integers, Sequences

CONSTANTS
    Memcgs,     \* the memcgs, a finite set
    Root,       \* the root memcg, an element of Memcgs
    Parent,     \* [Memcgs \ {Root} -> Memcgs]: the hierarchy, a tree rooted at Root
    Max,        \* [Memcgs -> Nat]: each counter's max (memory.max / limit_in_bytes)
    Tree        \* the hierarchy's tables, a record of four functions on Memcgs (path,
                \*   ancestors, subtree, children): TreeOK says what they must be

(* The path from m up to the root: <<m, Parent[m], ..., Root>>.  Charges   *)
(* walk it in this order, so "the first ancestor over its max" is the      *)
(* first element of it that has no room.                                   *)
RECURSIVE Walk(_)
Walk(m) == IF m = Root THEN <<m>> ELSE <<m>> \o Walk(Parent[m])

(* The hierarchy as constant tables: for each memcg m, the path from m to  *)
(* the root, m and all of its ancestors, the memcgs below m (m included),  *)
(* m's children.  They are passed in (Tree) rather than defined here:      *)
(* TLC evaluates a constant definition once, before the search, only in    *)
(* the root module (or in a module with no constants), and this module is  *)
(* always INSTANCEd, so tables defined here were rebuilt at every use, in  *)
(* every step and every invariant.  MemcgTrees.tla builds them once; each  *)
(* root module ASSUMEs TreeOK, which checks them against Parent.           *)
TreeOK ==
    /\ DOMAIN Tree.path = Memcgs /\ DOMAIN Tree.ancestors = Memcgs
    /\ DOMAIN Tree.subtree = Memcgs /\ DOMAIN Tree.children = Memcgs
    /\ \A m \in Memcgs :
          /\ Tree.path[m] = Walk(m)
          /\ Tree.ancestors[m] = {Walk(m)[i] : i \in DOMAIN Walk(m)}
          /\ Tree.subtree[m] = {d \in Memcgs : m \in Tree.ancestors[d]}
          /\ Tree.children[m] = {d \in Memcgs \ {Root} : Parent[d] = m}

PathToRoot(m) == Tree.path[m]
Ancestors(m) == Tree.ancestors[m]
Subtree(m) == Tree.subtree[m]
Children(m) == Tree.children[m]

(* Adds n pages to every counter on the path of m (n < 0 subtracts). *)
Add(usage, m, n) ==
    [a \in DOMAIN usage |-> IF a \in Ancestors(m) THEN usage[a] + n ELSE usage[a]]

(* page_counter_try_charge(m, n) succeeds iff every level has room. *)
CanCharge(usage, m, n) == \A a \in Ancestors(m) : usage[a] + n <= Max[a]

(* The level at which page_counter_try_charge fails: the first counter on  *)
(* the path from m to the root that would exceed its max.  The kernel     *)
(* reports it (the memcg "over limit") so that reclaim targets it.         *)
(* Defined only when ~CanCharge(usage, m, n).                              *)
FailingLevel(usage, m, n) ==
    LET path == PathToRoot(m)
        i == CHOOSE i \in DOMAIN path :
                /\ usage[path[i]] + n > Max[path[i]]
                /\ \A j \in 1..(i-1) : usage[path[j]] + n <= Max[path[j]]
    IN path[i]

(* page_counter_try_charge: on success every counter on the path is       *)
(* charged; on failure NOTHING changes (the levels already charged were    *)
(* backed out).  Callers test CanCharge first and use this value only on  *)
(* success.                                                                *)
TryCharge(usage, m, n) == Add(usage, m, n)

(* page_counter_charge: the forced charge, ignoring max (used where a      *)
(* charge must not fail, e.g. __GFP_NOFAIL or replace_page_cache).         *)
ForceCharge(usage, m, n) == Add(usage, m, n)

(* page_counter_uncharge: subtract along the path.  Going below zero is a  *)
(* kernel bug ("page_counter underflow"); the specs check NoUnderflow.     *)
Uncharge(usage, m, n) == Add(usage, m, -n)

(* Sum of usage over a finite set of memcgs. *)
RECURSIVE SumUsage(_, _)
SumUsage(usage, S) ==
    IF S = {} THEN 0
    ELSE LET a == CHOOSE a \in S : TRUE IN usage[a] + SumUsage(usage, S \ {a})

(* What m was charged for itself, its children's usage taken out. *)
OwnUsage(usage, m) == usage[m] - SumUsage(usage, Children(m))
=============================================================================
