---- MODULE Counter ----
\* A toy charge protocol: each process charges one page and uncharges it again.
EXTENDS Naturals
CONSTANTS Procs, Max
VARIABLES usage, pc, acct

vars == <<usage, pc, acct>>

Init == /\ usage = 0
        /\ pc = [p \in Procs |-> "idle"]
        /\ acct = [max |-> Max, owners |-> {}]

TryCharge(p) == /\ pc[p] = "idle"
                /\ usage < Max
                /\ usage' = usage + 1
                /\ pc' = [pc EXCEPT ![p] = "charged"]
                /\ acct' = [acct EXCEPT !.owners = @ \cup {p}]

Uncharge(p) == /\ pc[p] = "charged"
               /\ usage' = usage - 1
               /\ pc' = [pc EXCEPT ![p] = "idle"]
               /\ acct' = [acct EXCEPT !.owners = @ \ {p}]

Next == \E p \in Procs : TryCharge(p) \/ Uncharge(p)
Spec == Init /\ [][Next]_vars

TypeOK == usage \in 0..Max
\* Violated once two processes hold a charge: a three-state counterexample.
AtMostOne == usage < 2
====
