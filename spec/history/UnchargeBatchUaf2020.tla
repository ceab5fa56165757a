------------------------- MODULE UnchargeBatchUaf2020 -------------------------
(***************************************************************************)
(* The use after free in uncharge_batch of v5.9-rc1, and its fix           *)
(* f1796544a0ca ("memcg: fix use-after-free in uncharge_batch", Michal     *)
(* Hocko, v5.9-rc2).                                                        *)
(*                                                                         *)
(* Before v5.9 a charged page held no css reference of its own beyond its *)
(* charge: uncharge_batch ended with css_put_many(&ug->memcg->css,         *)
(* nr_pages), AFTER page_counter_uncharge, so the gathered pages' own      *)
(* references covered the counter writes.  1a3e1f40962c ("mm: memcontrol: *)
(* decouple reference counting from page accounting", v5.9-rc1) bound the *)
(* reference to page->mem_cgroup: uncharge_page puts it as it gathers the *)
(* page ("page->mem_cgroup = NULL; css_put(&ug->memcg->css)"), and         *)
(* uncharge_batch lost its css_put_many.  The gather then held nothing:    *)
(* "If the current page happens to be the last one holding the reference  *)
(* for its memcg then the memcg is OK to go and the next page to be freed *)
(* will trigger batched uncharge which needs to access the memcg which is *)
(* gone already" (the fix's changelog).  syzbot saw it as "KASAN: use-     *)
(* after-free Write in page_counter_uncharge", from uncharge_batch, from   *)
(* uncharge_page, from release_pages at exit.  The fix: uncharge_page      *)
(* takes a reference for the gather ("pairs with css_put in               *)
(* uncharge_batch") and uncharge_batch puts it ("drop reference from       *)
(* uncharge_page").  Today's code (spec/UnchargeBatch.tla) has it.          *)
(*                                                                         *)
(* The model: CPUs in release_pages -> mem_cgroup_uncharge_list ->         *)
(* uncharge_list, each holding the last reference of its pages (their     *)
(* refcounts are 0, the pages off every list); the Switcher's batch is a   *)
(* page of memcg A then a page of A's parent P, so that A's gather is      *)
(* flushed by uncharge_page's switch (the syzbot stack), the other         *)
(* releasers' batch one page of A, flushed after the loop.  The Admin     *)
(* removes A: css_offline (the base reference put; the id's is not         *)
(* modelled), and css_free once the count is 0 (css_release and the RCU    *)
(* grace period before it are one step: a reader of A here holds no RCU   *)
(* lock).  Counters: A's memory page_counter only (P's writes cannot go   *)
(* wrong: P stays online).                                                 *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    Releasers,  \* the CPUs freeing their batches (release_pages)
    Switcher,   \* the releaser whose batch is <<A, P>> (the others': <<A>>)
    Admin,      \* the CPU that removes memcg A (rmdir, then css_free)
    Fixed       \* FALSE: v5.9-rc1 (1a3e1f40962c); TRUE: v5.9-rc2 (f1796544a0ca)

ASSUME Switcher \in Releasers /\ Admin \notin Releasers /\ Fixed \in BOOLEAN

CPUs == Releasers \cup {Admin}
Batch(c) == IF c = Switcher THEN <<"A", "P">> ELSE <<"A">>

VARIABLES
    next,       \* next[c]: the index of the next page uncharge_list takes, Len + 1 after the loop
    owner,      \* owner[c][i]: page->mem_cgroup of c's i-th page: "A", "P" or "none"
    ugMemcg,    \* ugMemcg[c]: ug->memcg, or "none"
    ugNr,       \* ugNr[c]: ug->nr_pages
    done,       \* done[c]: uncharge_list has returned
    usage,      \* A's memory page_counter
    css,        \* A's css reference count
    state,      \* A: "online", "offline", "freed"
    uafWrites   \* page_counter writes to A after its css_free

vars == <<next, owner, ugMemcg, ugNr, done, usage, css, state, uafWrites>>

PagesOfA == Cardinality({<<c, i>> \in Releasers \X {1, 2} : i <= Len(Batch(c)) /\ Batch(c)[i] = "A"})

(* Every releaser holds its batch's pages, charged; A is online, its css    *)
(* held by its base reference and by one reference per charged page.       *)
Init ==
    /\ next = [c \in Releasers |-> 1]
    /\ owner = [c \in Releasers |-> Batch(c)]
    /\ ugMemcg = [c \in Releasers |-> "none"]
    /\ ugNr = [c \in Releasers |-> 0]
    /\ done = [c \in Releasers |-> FALSE]
    /\ usage = PagesOfA
    /\ css = 1 + PagesOfA
    /\ state = "online"
    /\ uafWrites = 0

(* uncharge_batch(ug) and uncharge_gather_clear: when the next page is of *)
(* another memcg than the gather's (uncharge_page's switch), or after the *)
(* loop ("if (ug.memcg) uncharge_batch(&ug)").  page_counter_uncharge of  *)
(* nr_pages (only A's counter is modelled); then, since the fix, the       *)
(* gather's css_put ("drop reference from uncharge_page").                 *)
UnchargeBatch(c) ==
    /\ c \in Releasers
    /\ ~done[c]
    /\ ugMemcg[c] /= "none"
    /\ IF next[c] > Len(Batch(c)) THEN TRUE ELSE owner[c][next[c]] /= ugMemcg[c]
    /\ IF ugMemcg[c] = "A"
          THEN /\ usage' = usage - ugNr[c]
               /\ uafWrites' = IF state = "freed" THEN uafWrites + 1 ELSE uafWrites
               /\ css' = IF Fixed THEN css - 1 ELSE css
          ELSE UNCHANGED <<usage, uafWrites, css>>
    /\ ugMemcg' = [ugMemcg EXCEPT ![c] = "none"]
    /\ ugNr' = [ugNr EXCEPT ![c] = 0]
    /\ done' = [done EXCEPT ![c] = next[c] > Len(Batch(c))]
    /\ UNCHANGED <<next, owner, state>>

(* uncharge_page(page, ug) on the next page: waits for UnchargeBatch when  *)
(* the gather holds another memcg.  A new gather takes the page's memcg    *)
(* and, since the fix, a css reference ("pairs with css_put in             *)
(* uncharge_batch").  Then nr_pages + 1, page->mem_cgroup = NULL and the  *)
(* page's own css_put (1a3e1f40962c).                                      *)
UnchargePage(c) ==
    /\ c \in Releasers
    /\ next[c] <= Len(Batch(c))
    /\ LET m == owner[c][next[c]] IN
          /\ ugMemcg[c] \in {"none", m}
          /\ ugMemcg' = [ugMemcg EXCEPT ![c] = m]
          /\ ugNr' = [ugNr EXCEPT ![c] = @ + 1]
          /\ owner' = [owner EXCEPT ![c][next[c]] = "none"]
          /\ css' = IF m = "A" THEN css + (IF Fixed /\ ugMemcg[c] = "none" THEN 1 ELSE 0) - 1 ELSE css
    /\ next' = [next EXCEPT ![c] = @ + 1]
    /\ UNCHANGED <<done, usage, state, uafWrites>>

(* rmdir -> css_offline: A has no tasks; kill_css puts the base reference. *)
Offline(c) ==
    /\ c = Admin
    /\ state = "online"
    /\ state' = "offline"
    /\ css' = css - 1
    /\ UNCHANGED <<next, owner, ugMemcg, ugNr, done, usage, uafWrites>>

(* css_release -> css_free (mem_cgroup_css_free) once the count is 0.      *)
CssFree(c) ==
    /\ c = Admin
    /\ state = "offline"
    /\ css = 0
    /\ state' = "freed"
    /\ UNCHANGED <<next, owner, ugMemcg, ugNr, done, usage, css, uafWrites>>

(* Every releaser done and A freed: nothing can happen any more. *)
Quiescent == (\A c \in Releasers : done[c]) /\ state = "freed"

Idle == Quiescent /\ UNCHANGED vars

Next ==
    \/ \E c \in CPUs : UnchargePage(c) \/ UnchargeBatch(c) \/ Offline(c) \/ CssFree(c)
    \/ Idle

Spec == Init /\ [][Next]_vars

TypeOK ==
    /\ next \in [Releasers -> 1..3]
    /\ ugMemcg \in [Releasers -> {"none", "A", "P"}]
    /\ ugNr \in [Releasers -> Nat]
    /\ done \in [Releasers -> BOOLEAN]
    /\ usage \in Nat
    /\ css \in Nat
    /\ state \in {"online", "offline", "freed"}

(* No page_counter write hits A after its css_free (KASAN's report).      *)
NoCounterWriteAfterFree == uafWrites = 0

(* A's counter = its charged pages + the pages gathered for it.            *)
Conservation ==
    usage = Cardinality({<<c, i>> \in Releasers \X {1, 2} : i <= Len(Batch(c)) /\ owner[c][i] = "A"})
            + LET S == {c \in Releasers : ugMemcg[c] = "A"}
                  RECURSIVE Sum(_)
                  Sum(T) == IF T = {} THEN 0 ELSE LET d == CHOOSE d \in T : TRUE IN ugNr[d] + Sum(T \ {d})
              IN Sum(S)

(* The css count is its holders: the base reference while online, one per *)
(* page charged to A, and, since the fix, one per gather on A.             *)
CssRefBalance ==
    css = (IF state = "online" THEN 1 ELSE 0)
          + Cardinality({<<c, i>> \in Releasers \X {1, 2} : i <= Len(Batch(c)) /\ owner[c][i] = "A"})
          + (IF Fixed THEN Cardinality({c \in Releasers : ugMemcg[c] = "A"}) ELSE 0)

(* At the end every page is uncharged and A's counter is 0. *)
NoLeakAtQuiescence == Quiescent => usage = 0
=============================================================================
