------------------------------ MODULE Lamp ------------------------------
(* The vacuity gate's toy: a lamp dimmed up and down between 0 and Max.   *)
(* Burst never fires (the level never passes Max) and Replace has no      *)
(* instance when Bulbs = {}.                                              *)
EXTENDS Naturals

CONSTANTS Max,    \* the brightest level
          Bulbs   \* spare bulbs, model values

VARIABLES level, on

vars == <<level, on>>

Init == level = 0 /\ on = FALSE

Up == /\ level < Max
      /\ level' = level + 1
      /\ on' = TRUE

Down == /\ level > 0
        /\ level' = level - 1
        /\ on' = (level > 1)

Burst == /\ level > Max
         /\ level' = 0
         /\ UNCHANGED on

Replace(b) == /\ level = 0
              /\ UNCHANGED vars

Next == \/ Up
        \/ Down
        \/ Burst
        \/ \E b \in Bulbs : Replace(b)

Spec == Init /\ [][Next]_vars

TypeOK == level \in 0..Max /\ on \in BOOLEAN

\* State predicates, antecedents of the properties below.
Dark == level = 0
Low == level <= 10

OffWhenDark == Dark => ~on
LowIsDim == Low => level < Max

\* Not state predicates: an argument, a number, an action, a temporal formula.
Dim(n) == level = n
Level == level
Moved == level' # level
Bright == <>(level = Max)
=============================================================================
