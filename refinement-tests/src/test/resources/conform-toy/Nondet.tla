---------------------------- MODULE Nondet ----------------------------
(* A spec unfit for conformance: Set(c) may set x to 0 or to 1, so the label Set(c) has two      *)
(* successors in some states.                                                                      *)
EXTENDS Naturals
CONSTANTS CPUs
VARIABLES x
Init == x = 0
Set(c) == x' \in {0, 1}
Next == \E c \in CPUs : Set(c)
Spec == Init /\ [][Next]_x
=============================================================================
