----------------------------- MODULE MemcgTrees -----------------------------
(***************************************************************************)
(* The memcg hierarchies of the models, as constant tables.                *)
(*                                                                         *)
(* Every model's hierarchy is Charge.tla's: memcgs 0..n, 0 the root, and   *)
(* memcg m > 0 has parent (m-1) \div f (f = 1 is a chain).  Trees[n][f]    *)
(* holds the tables PageCounter reads in every step and every invariant:   *)
(* each memcg's path to the root, its ancestors (itself included), its     *)
(* subtree (itself included) and its children.                             *)
(*                                                                         *)
(* Why a module of its own, with no CONSTANT and no VARIABLE.  TLC         *)
(* evaluates a zero-arity constant-level definition once, before the       *)
(* search, only in the root module and in modules with no constants and    *)
(* no variables; a definition of a module reached through a parameterised  *)
(* INSTANCE is evaluated again at every use.  PageCounter is always        *)
(* reached that way (PC in Charge, Swap, Kmem and Migrate; in              *)
(* MemcgAccounting, itself INSTANCEd as Abs), and Charge.tla and Swap.tla  *)
(* are both the root of their own models and INSTANCEd by others (Swap     *)
(* INSTANCEs Charge; Kmem and Migrate INSTANCE both): tables defined in    *)
(* any of them would be rebuilt at every use in some model.  So the tables *)
(* of every hierarchy up to MaxMemcg memcgs below the root are built here, *)
(* once; Charge.tla EXTENDs this module (an EXTENDed definition stays the  *)
(* one TLC evaluated, also when Charge is INSTANCEd) and looks its         *)
(* hierarchy up, Tree == Trees[NMemcg][Fanout]: two applications of a      *)
(* precomputed function.  PageCounter takes that record as its constant    *)
(* Tree and says, in TreeOK, what it must be; each root module ASSUMEs it. *)
(***************************************************************************)
EXTENDS Integers, Sequences

(* The largest NMemcg and Fanout a model may use (Charge.tla ASSUMEs it).  *)
MaxMemcg == 8

(* The path from m up to the root 0, the parent of m > 0 being             *)
(* (m-1) \div f.                                                           *)
RECURSIVE PathOf(_, _)
PathOf(f, m) == IF m = 0 THEN <<0>> ELSE <<m>> \o PathOf(f, (m - 1) \div f)

(* The tables of the hierarchy 0..n with fan-out f (PageCounter's Tree).   *)
TreeOf(n, f) ==
    LET path == [m \in 0..n |-> PathOf(f, m)]
        ancestors == [m \in 0..n |-> {path[m][i] : i \in DOMAIN path[m]}]
    IN [path |-> path,
        ancestors |-> ancestors,
        subtree |-> [m \in 0..n |-> {d \in 0..n : m \in ancestors[d]}],
        children |-> [m \in 0..n |-> {d \in 1..n : (d - 1) \div f = m}]]

Trees == [n \in 1..MaxMemcg |-> [f \in 1..MaxMemcg |-> TreeOf(n, f)]]
=============================================================================
