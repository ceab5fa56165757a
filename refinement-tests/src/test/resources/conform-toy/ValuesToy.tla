---------------------------- MODULE ValuesToy ----------------------------
(* One initial state holding a value of each kind, to test the conversion to neutral values. *)
EXTENDS Naturals, Sequences
CONSTANTS M
VARIABLES tup, rec, intv, fcn, sub, fset, empty, seq, model, str, bool
Init == /\ tup = <<1, "s">>
        /\ rec = [f |-> 1, g |-> {2, 1}]
        /\ intv = 1..3
        /\ fcn = [n \in 1..2 |-> n * 2]
        /\ sub = SUBSET {1, 2}
        /\ fset = [{"a", "b"} -> {TRUE}]
        /\ empty = <<>>
        /\ seq = Append(<<M>>, M)
        /\ model = M
        /\ str = "hello"
        /\ bool = FALSE
Next == UNCHANGED <<tup, rec, intv, fcn, sub, fset, empty, seq, model, str, bool>>
=============================================================================
