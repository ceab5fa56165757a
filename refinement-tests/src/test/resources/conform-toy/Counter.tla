---------------------------- MODULE Counter ----------------------------
(* The conformance engine's toy: CPUs increment a shared counter, either in two steps (Read then  *)
(* Write, which can lose an update) or atomically (Add); Reset brings a full counter back to 0.    *)
EXTENDS Naturals, TLC

CONSTANTS CPUs,   \* model values, one per CPU
          Max     \* the counter never exceeds Max

VARIABLES x,      \* the shared counter
          tmp,    \* tmp[c]: the value CPU c read
          pc      \* pc[c] \in {"idle", "read"}

vars == <<x, tmp, pc>>

Init == /\ x = 0
        /\ tmp = [c \in CPUs |-> 0]
        /\ pc = [c \in CPUs |-> "idle"]

Read(c) == /\ pc[c] = "idle"
           /\ x < Max
           /\ tmp' = [tmp EXCEPT ![c] = x]
           /\ pc' = [pc EXCEPT ![c] = "read"]
           /\ UNCHANGED x

Write(c) == /\ pc[c] = "read"
            /\ x' = tmp[c] + 1
            /\ pc' = [pc EXCEPT ![c] = "idle"]
            /\ UNCHANGED tmp

Add(c, n) == /\ pc[c] = "idle"
             /\ x + n <= Max
             /\ x' = x + n
             /\ UNCHANGED <<tmp, pc>>

Reset == /\ x = Max
         /\ \A c \in CPUs : pc[c] = "idle"
         /\ x' = 0
         /\ UNCHANGED <<tmp, pc>>

Next == \/ \E c \in CPUs : Read(c)
        \/ \E c \in CPUs : Write(c)
        \/ \E c \in CPUs, n \in 1..2 : Add(c, n)
        \/ Reset

Spec == Init /\ [][Next]_vars

TypeOK == /\ x \in 0..Max
          /\ tmp \in [CPUs -> 0..Max]
          /\ pc \in [CPUs -> {"idle", "read"}]

\* For the SYMMETRY variant of the model.
Symm == Permutations(CPUs)

\* Violated in the model: used to test invariant reporting.
NeverTwo == x # 2
=============================================================================
