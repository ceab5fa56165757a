---- MODULE Refine ----
\* Does not refine Abstract: Reset takes usage back to 0 (violation after Inc, Inc, Reset).
EXTENDS Naturals
VARIABLE usage
Init == usage = 0
Inc == usage < 3 /\ usage' = usage + 1
Reset == usage = 2 /\ usage' = 0
Next == Inc \/ Reset
Spec == Init /\ [][Next]_usage

A == INSTANCE Abstract
Refinement == A!ASpec
====
