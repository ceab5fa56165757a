--------------------------- MODULE KmemLifecycle2012 ---------------------------
(***************************************************************************)
(* The race museum: the lifecycle of a memcg's kernel-memory charges,      *)
(* Linux v3.8                                                              *)
(*                                                                         *)
(*   commit 7de37682bec3 "memcg: kmem accounting lifecycle management"     *)
(*   (Glauber Costa; seed 004 is its v4 posting, "[PATCH v4 09/14]",       *)
(*   8 October 2012; committed by Linus 18 December 2012 [V]; in v3.8 [I]: *)
(*   the v3.8 merge window). Facts and their status ([V] verified, [I]     *)
(*   inferred, [U] unverified): docs/sources/kmem-facts.md section 1.      *)
(*   ONE era is modelled: v3.8 (the 2013 move to css references, v3.11    *)
(*   [I], is discussed in README.md, not modelled).                        *)
(*                                                                         *)
(* "Because kmem charges can outlive the cgroup, we need to make sure that *)
(* we won't free the memcg structure while charges are still in flight."   *)
(* (the changelog [V]). The structure is kept by memcg->refcnt, memcg's    *)
(* private count (mem_cgroup_get/mem_cgroup_put, not the css refcount      *)
(* [I]): one base reference from creation, dropped by the cgroup's        *)
(* destroy callback after kmem_cgroup_destroy() [I: the 2013 patch shows   *)
(* mem_cgroup_css_free() doing mem_cgroup_sockets_destroy; mem_cgroup_put; *)
(* 3.8's callback read by inference]; the put that takes it to 0 frees the *)
(* memcg (atomic_sub_and_test -> __mem_cgroup_free) [I].                   *)
(*                                                                         *)
(* The 2012 protocol [V: the seed's + lines]:                              *)
(*   - memcg_update_kmem_limit(), first kmem limit write:                  *)
(*     memcg_kmem_set_active() (KMEM_ACCOUNTED_ACTIVE) and ONE             *)
(*     mem_cgroup_get(memcg), held for all kmem charges to come.           *)
(*   - A charge goes to three res_counters: kmem, res and memsw (with      *)
(*     do_swap_account; the model assumes it).                             *)
(*   - memcg_uncharge_kmem(): res, memsw, then kmem; res_counter_uncharge  *)
(*     returns the new usage: "Not down to 0" -> return; at 0:             *)
(*     if (memcg_kmem_dead(memcg)) mem_cgroup_put(memcg), where            *)
(*     memcg_kmem_dead() is test_and_clear_bit(KMEM_ACCOUNTED_DEAD).       *)
(*   - kmem_cgroup_destroy(): memcg_kmem_mark_dead() (set DEAD only if     *)
(*     ACTIVE); "if (res_counter_read_u64(&memcg->kmem, RES_USAGE) != 0)   *)
(*     return;" else "if (memcg_kmem_dead(memcg)) mem_cgroup_put(memcg);". *)
(* The limit's reference is put exactly once, by whoever wins the          *)
(* test_and_clear of DEAD among destroy (which tries only after reading    *)
(* usage 0) and the uncharge that takes usage to 0 (which may come between *)
(* mark_dead and the read: "being careful not to race with                 *)
(* memcg_uncharge_kmem", the patch's comment).                             *)
(*                                                                         *)
(* When charges can start: in 3.8 kmem_cgroup_destroy() runs from the css  *)
(* destroy callback (mem_cgroup_destroy), after rmdir: the cgroup has no   *)
(* task left and no charger can look it up any more [I, kmem-facts 1.3].   *)
(* So a charge may start only before destroy begins (KmemCharge's guard).  *)
(* Uncharges come at any time: a kmem page (a slab page, say) outlives the *)
(* cgroup and keeps a pointer to the memcg (pc->mem_cgroup), with no       *)
(* reference of its own: that is the point of the protocol.                *)
(*                                                                         *)
(* The constant Variant selects the protocol:                              *)
(*   "fixed"                      7de37682bec3 as merged (v3.8);           *)
(*   "destroy_no_test_and_clear"  destroy puts the limit's reference when  *)
(*                                it reads usage 0 (the memcg is active),  *)
(*                                without test_and_clear(DEAD): an         *)
(*                                uncharge to 0 between mark_dead and the  *)
(*                                read also puts: two puts, one get;       *)
(*   "uncharge_no_clear"          the uncharge tests DEAD with test_bit,   *)
(*                                not test_and_clear: destroy's            *)
(*                                test_and_clear then wins too: two puts;  *)
(*   "mark_dead_no_active"        mark_dead sets DEAD without testing      *)
(*                                ACTIVE: a memcg that never had a kmem    *)
(*                                limit (hence no get) gets a put;         *)
(*   "v3_get_per_charge"          the v3 posting the seed replaced [V: the *)
(*                                seed's - lines]: mem_cgroup_get at every *)
(*                                charge, mem_cgroup_put at every          *)
(*                                uncharge, no get at the limit write, no  *)
(*                                DEAD bit;                                *)
(*   "put_at_destroy"             a MUTANT (no kernel had it): destroy     *)
(*                                puts the limit's reference at once, no   *)
(*                                DEAD bit: what the changelog's first     *)
(*                                sentence guards against;                 *)
(*   "destroy_no_mark_dead"       a MUTANT (no kernel had it): destroy     *)
(*                                without memcg_kmem_mark_dead(), putting  *)
(*                                the limit's reference if it reads usage  *)
(*                                0: with charges left, nobody ever puts.  *)
(*                                                                         *)
(* What TLC finds in the 2012 code itself (model findings, [I]; no report *)
(* of either was found [U]): the uncharge that takes kmem usage to 0 holds *)
(* no reference and tests DEAD in a later atomic.                          *)
(*   - NoUseAfterFree (_fixed_bit_window.cfg, one charger): destroy reads  *)
(*     0 in that gap, wins DEAD, puts the limit's reference and then the   *)
(*     base one: the memcg is freed before the loser's test_and_clear_bit. *)
(*   - FreedOnlyWhenUncharged (_fixed_recharge_window.cfg, two chargers):  *)
(*     a second page is charged in that gap, destroy reads usage 1 and     *)
(*     returns, the stale test finds DEAD and puts: the memcg is freed     *)
(*     with a page still charged to it (kmem-facts 1.3 guessed this window *)
(*     needed a charge after destroy; the model shows a charge before      *)
(*     mark_dead suffices).                                                *)
(* Both need an uncharge stalled across an rmdir and the css teardown; 3.8 *)
(* freed the memcg after an RCU grace period [U, from memory], which does  *)
(* not cover an uncharger outside rcu_read_lock. PutOnce and               *)
(* NoLeakAtQuiescence hold at every size checked: the exactly-once put the *)
(* patch argues for is right.                                              *)
(*                                                                         *)
(* The model: one memcg (not the root: root kmem is not charged), CPU      *)
(* Admin writes its kmem limit (or not: rmdir without one is a choice)     *)
(* and later destroys it, after rmdir; every other CPU charges one kmem    *)
(* page (a slab page, say) while the cgroup lives and frees it whenever.   *)
(* Steps are cut at the atomics: the res_counter operations (each under    *)
(* its own spinlock), the bit operations (test_and_clear_bit is one        *)
(* atomic, and the mem_cgroup_put that follows a won test is taken in the  *)
(* same step: the put's atomic_sub_and_test is the next atomic on the      *)
(* winner's path, and nothing the model checks depends on the gap).        *)
(* Not modelled: the limit itself and failing charges (a charge that fails *)
(* leaves nothing behind), the commit_charge step and the page            *)
(* allocation failure (its revert is the same uncharge), slab caches,      *)
(* child memcgs (memcg_propagate_kmem takes one get per child that         *)
(* inherits ACTIVE: each memcg's own lifecycle is this one), swap-ins,     *)
(* memcg->refcnt's other holders (children, swap records: each holds and   *)
(* puts its own, they only delay the free), css references.                *)
(***************************************************************************)
EXTENDS Naturals, Integers, FiniteSets

CONSTANTS
    CPUs,       \* the CPUs (model values: cpuA, cpuB, ...)
    Admin,      \* the CPU that writes memory.kmem.limit_in_bytes, then destroys the memcg
    Variant     \* the protocol, see the header

Variants == {"fixed", "destroy_no_test_and_clear", "uncharge_no_clear",
             "mark_dead_no_active", "v3_get_per_charge",
             "put_at_destroy", "destroy_no_mark_dead"}

ASSUME /\ Admin \in CPUs
       /\ Variant \in Variants

\* The CPUs that charge a kmem page and later free it.
Chargers == CPUs \ {Admin}

V3 == Variant = "v3_get_per_charge"

VARIABLES
    pc,         \* pc[c]: where CPU c is in its kernel path
    kmem,       \* memcg->kmem usage, in pages (res_counter)
    res,        \* memcg->res usage (memory)
    memsw,      \* memcg->memsw usage (memory + swap; do_swap_account on)
    active,     \* KMEM_ACCOUNTED_ACTIVE in memcg->kmem_accounted
    dead,       \* KMEM_ACCOUNTED_DEAD in memcg->kmem_accounted
    refcnt,     \* memcg->refcnt (mem_cgroup_get/put)
    freed,      \* __mem_cgroup_free has run (a put took refcnt to 0)
    \* Ghost variables: who holds a reference (the code has none of these).
    baseRef,    \* the base reference from creation is held (the destroy callback puts it)
    kmemRef,    \* the reference memcg_update_kmem_limit took is held
    chargeRef   \* chargeRef[c]: v3: the reference charger c's charge took is held

vars == <<pc, kmem, res, memsw, active, dead, refcnt, freed, baseRef, kmemRef, chargeRef>>

\* Program counters. Admin: "limit" -> "destroy" -> "read_usage" ->
\* "test_dead" -> "base_put" -> "done" (a memcg with no kmem limit goes from
\* "limit" straight to destroying). Chargers: "charge" -> "uncharge" ->
\* "uncharge_kmem" -> "test_dead" (2012, at usage 0) or "put" (v3) -> "done".
AdminPCs   == {"limit", "destroy", "read_usage", "test_dead", "base_put", "done"}
ChargerPCs == {"charge", "uncharge", "uncharge_kmem", "test_dead", "put", "done"}

-----------------------------------------------------------------------------
(***************************************************************************)
(* Initial state: the memcg exists (refcnt 1, the base reference), no kmem *)
(* limit yet, nothing charged.                                             *)
(***************************************************************************)
Init ==
    /\ pc = [c \in CPUs |-> IF c = Admin THEN "limit" ELSE "charge"]
    /\ kmem = 0
    /\ res = 0
    /\ memsw = 0
    /\ active = FALSE
    /\ dead = FALSE
    /\ refcnt = 1
    /\ freed = FALSE
    /\ baseRef = TRUE
    /\ kmemRef = FALSE
    /\ chargeRef = [c \in Chargers |-> FALSE]

\* mem_cgroup_put(memcg): atomic_sub_and_test(1, &memcg->refcnt); the put
\* that reaches 0 frees the memcg (__mem_cgroup_free). A put on a count
\* already at 0 takes it below 0 and frees nothing: the memory was freed
\* by the put that reached 0, and this one writes to it (the model keeps
\* the count, so that TLC can show it).
Put ==
    /\ refcnt' = refcnt - 1
    /\ freed' = (freed \/ refcnt = 1)

Plain == <<kmem, res, memsw>>

-----------------------------------------------------------------------------
(******************************* CPU Admin *********************************)

\* memcg_update_kmem_limit(), the first write of memory.kmem.limit_in_bytes:
\* res_counter_set_limit, memcg_kmem_set_active(memcg) (ACTIVE), and 2012's
\* mem_cgroup_get(memcg): "kmem charges can outlive the cgroup ... We need to
\* reference count the memcg because of that." In 3.8 accounting can only be
\* activated while the cgroup has no task and no child [I: -EBUSY otherwise,
\* from memory of 3.8's code], so it precedes every charge (KmemCharge's
\* guard). v3: ACTIVE only, the references come with the charges.
KmemSetLimit(c) ==
    /\ c = Admin
    /\ pc[c] = "limit"
    /\ active' = TRUE
    /\ IF V3
         THEN UNCHANGED <<refcnt, kmemRef>>
         ELSE /\ refcnt' = refcnt + 1
              /\ kmemRef' = TRUE
    /\ pc' = [pc EXCEPT ![c] = "destroy"]
    /\ UNCHANGED <<kmem, res, memsw, dead, freed, baseRef, chargeRef>>

\* rmdir, then the css destroy callback mem_cgroup_destroy() ->
\* kmem_cgroup_destroy(): mem_cgroup_sockets_destroy (not modelled), then
\* memcg_kmem_mark_dead(): "if (test_bit(KMEM_ACCOUNTED_ACTIVE, ...))
\* set_bit(KMEM_ACCOUNTED_DEAD, ...)". The ACTIVE test is what keeps a
\* memcg that never took the limit's get from being marked (and put).
\* Enabled at "limit" too: a memcg whose kmem limit was never written.
\* Variants: mark_dead_no_active sets DEAD unconditionally; v3 has no DEAD
\* (kmem_cgroup_destroy is the sockets teardown only); put_at_destroy puts
\* the limit's reference here, charges or not; destroy_no_mark_dead skips
\* the marking and goes on to read the usage.
KmemDestroyMarkDead(c) ==
    /\ c = Admin
    /\ pc[c] \in {"limit", "destroy"}
    /\ CASE Variant = "v3_get_per_charge" ->
              /\ pc' = [pc EXCEPT ![c] = "base_put"]
              /\ UNCHANGED <<dead, refcnt, freed, kmemRef>>
         [] Variant = "put_at_destroy" ->
              /\ IF active
                   THEN /\ Put
                        /\ kmemRef' = FALSE
                   ELSE UNCHANGED <<refcnt, freed, kmemRef>>
              /\ pc' = [pc EXCEPT ![c] = "base_put"]
              /\ UNCHANGED dead
         [] Variant = "destroy_no_mark_dead" ->
              /\ pc' = [pc EXCEPT ![c] = "read_usage"]
              /\ UNCHANGED <<dead, refcnt, freed, kmemRef>>
         [] Variant = "mark_dead_no_active" ->
              /\ dead' = TRUE
              /\ pc' = [pc EXCEPT ![c] = "read_usage"]
              /\ UNCHANGED <<refcnt, freed, kmemRef>>
         [] OTHER ->
              /\ dead' = (dead \/ active)
              /\ pc' = [pc EXCEPT ![c] = "read_usage"]
              /\ UNCHANGED <<refcnt, freed, kmemRef>>
    /\ UNCHANGED <<kmem, res, memsw, active, baseRef, chargeRef>>

\* kmem_cgroup_destroy(): "if (res_counter_read_u64(&memcg->kmem, RES_USAGE)
\* != 0) return;": charges are left, the last uncharge will find DEAD and
\* put. At 0 go on to the test (the read and the test are two atomics: an
\* uncharge cannot take usage to 0 in between, since usage is already 0,
\* but it may have taken it to 0 since mark_dead and not yet tested DEAD).
KmemDestroyReadUsage(c) ==
    /\ c = Admin
    /\ pc[c] = "read_usage"
    /\ pc' = [pc EXCEPT ![c] = IF kmem # 0 THEN "base_put" ELSE "test_dead"]
    /\ UNCHANGED <<kmem, res, memsw, active, dead, refcnt, freed, baseRef, kmemRef, chargeRef>>

\* kmem_cgroup_destroy(), usage read 0: "if (memcg_kmem_dead(memcg))
\* mem_cgroup_put(memcg);": test_and_clear_bit(DEAD), and the put if it was
\* set. The put drops the limit's reference (kmemRef).
\* destroy_no_test_and_clear (and the destroy_no_mark_dead mutant, which
\* never set DEAD): "the usage is 0, so drop the limit's reference":
\* if (memcg_kmem_is_active(memcg)) mem_cgroup_put(memcg), DEAD untouched.
KmemDestroyDeadPut(c) ==
    /\ c = Admin
    /\ pc[c] = "test_dead"
    /\ IF Variant \in {"destroy_no_test_and_clear", "destroy_no_mark_dead"}
         THEN /\ IF active
                   THEN /\ Put
                        /\ kmemRef' = FALSE
                   ELSE UNCHANGED <<refcnt, freed, kmemRef>>
              /\ UNCHANGED dead
         ELSE /\ dead' = FALSE
              /\ IF dead
                   THEN /\ Put
                        /\ kmemRef' = FALSE
                   ELSE UNCHANGED <<refcnt, freed, kmemRef>>
    /\ pc' = [pc EXCEPT ![c] = "base_put"]
    /\ UNCHANGED <<kmem, res, memsw, active, baseRef, chargeRef>>

\* mem_cgroup_destroy(), after kmem_cgroup_destroy(): mem_cgroup_put(memcg),
\* the base reference [I: 3.8's callback, see the header].
MemcgDestroyPut(c) ==
    /\ c = Admin
    /\ pc[c] = "base_put"
    /\ Put
    /\ baseRef' = FALSE
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<kmem, res, memsw, active, dead, kmemRef, chargeRef>>

(******************************** Chargers *********************************)

\* __memcg_kmem_newpage_charge() -> memcg_charge_kmem(): the memcg is
\* current's (css_tryget'd for the call); only an ACTIVE memcg is charged
\* (memcg_can_account_kmem [I]); res_counter_charge of kmem, then res and
\* memsw (no limit modelled: the charge succeeds). Guard: the cgroup is not
\* being destroyed (Admin at "destroy": the limit written, destroy not
\* begun): in 3.8 destroy runs after rmdir, when no task is left to charge
\* [I]. v3: mem_cgroup_get(memcg) first, one reference per charge.
KmemCharge(c) ==
    /\ c \in Chargers
    /\ pc[c] = "charge"
    /\ active
    /\ pc[Admin] = "destroy"
    /\ kmem' = kmem + 1
    /\ res' = res + 1
    /\ memsw' = memsw + 1
    /\ IF V3
         THEN /\ refcnt' = refcnt + 1
              /\ chargeRef' = [chargeRef EXCEPT ![c] = TRUE]
         ELSE UNCHANGED <<refcnt, chargeRef>>
    /\ pc' = [pc EXCEPT ![c] = "uncharge"]
    /\ UNCHANGED <<active, dead, freed, baseRef, kmemRef>>

\* The page is freed: __memcg_kmem_uncharge_page() reads pc->mem_cgroup
\* (under lock_page_cgroup, no reference taken) -> memcg_uncharge_kmem():
\* "res_counter_uncharge(&memcg->res, size); if (do_swap_account)
\* res_counter_uncharge(&memcg->memsw, size);".
KmemUnchargeRes(c) ==
    /\ c \in Chargers
    /\ pc[c] = "uncharge"
    /\ res' = res - 1
    /\ memsw' = memsw - 1
    /\ pc' = [pc EXCEPT ![c] = "uncharge_kmem"]
    /\ UNCHANGED <<kmem, active, dead, refcnt, freed, baseRef, kmemRef, chargeRef>>

\* memcg_uncharge_kmem(): "/* Not down to 0 */ if (res_counter_uncharge(
\* &memcg->kmem, size)) return;": the uncharge returns the new usage, and
\* only the one that reaches 0 goes on to test DEAD. v3: no test, the
\* charge's reference is put next (__memcg_kmem_uncharge_page's
\* mem_cgroup_put after memcg_uncharge_kmem).
KmemUncharge(c) ==
    /\ c \in Chargers
    /\ pc[c] = "uncharge_kmem"
    /\ kmem' = kmem - 1
    /\ pc' = [pc EXCEPT ![c] = IF V3 THEN "put"
                                ELSE IF kmem - 1 # 0 THEN "done" ELSE "test_dead"]
    /\ UNCHANGED <<res, memsw, active, dead, refcnt, freed, baseRef, kmemRef, chargeRef>>

\* memcg_uncharge_kmem(), usage now 0: "if (memcg_kmem_dead(memcg))
\* mem_cgroup_put(memcg);": test_and_clear_bit(DEAD), the put if it was
\* set (the limit's reference). uncharge_no_clear: test_bit, DEAD stays.
KmemUnchargeDeadPut(c) ==
    /\ c \in Chargers
    /\ pc[c] = "test_dead"
    /\ dead' = IF Variant = "uncharge_no_clear" THEN dead ELSE FALSE
    /\ IF dead
         THEN /\ Put
              /\ kmemRef' = FALSE
         ELSE UNCHANGED <<refcnt, freed, kmemRef>>
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<kmem, res, memsw, active, baseRef, chargeRef>>

\* v3: __memcg_kmem_uncharge_page(): "memcg_uncharge_kmem(memcg, ...);
\* mem_cgroup_put(memcg);": the charge's own reference.
KmemUnchargePut(c) ==
    /\ c \in Chargers
    /\ pc[c] = "put"
    /\ Put
    /\ chargeRef' = [chargeRef EXCEPT ![c] = FALSE]
    /\ pc' = [pc EXCEPT ![c] = "done"]
    /\ UNCHANGED <<kmem, res, memsw, active, dead, baseRef, kmemRef>>

(********************************* all *************************************)

\* Every CPU is done (a charger that never charged holds nothing): a
\* stuttering step, so a finished run is not a deadlock.
Quiescent ==
    /\ pc[Admin] = "done"
    /\ \A c \in Chargers : pc[c] \in {"charge", "done"}

Idle(c) ==
    /\ Quiescent
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
Step(c) ==
    \/ KmemSetLimit(c)
    \/ KmemDestroyMarkDead(c)
    \/ KmemDestroyReadUsage(c)
    \/ KmemDestroyDeadPut(c)
    \/ MemcgDestroyPut(c)
    \/ KmemCharge(c)
    \/ KmemUnchargeRes(c)
    \/ KmemUncharge(c)
    \/ KmemUnchargeDeadPut(c)
    \/ KmemUnchargePut(c)

Next ==
    \/ \E c \in CPUs : KmemSetLimit(c)
    \/ \E c \in CPUs : KmemDestroyMarkDead(c)
    \/ \E c \in CPUs : KmemDestroyReadUsage(c)
    \/ \E c \in CPUs : KmemDestroyDeadPut(c)
    \/ \E c \in CPUs : MemcgDestroyPut(c)
    \/ \E c \in CPUs : KmemCharge(c)
    \/ \E c \in CPUs : KmemUnchargeRes(c)
    \/ \E c \in CPUs : KmemUncharge(c)
    \/ \E c \in CPUs : KmemUnchargeDeadPut(c)
    \/ \E c \in CPUs : KmemUnchargePut(c)
    \/ \E c \in CPUs : Idle(c)

Spec == Init /\ [][Next]_vars /\ \A c \in CPUs : WF_vars(Step(c))

-----------------------------------------------------------------------------
(******************************* Invariants ********************************)

N == Cardinality(Chargers)

TypeOK ==
    /\ pc \in [CPUs -> AdminPCs \cup ChargerPCs]
    /\ pc[Admin] \in AdminPCs
    /\ \A c \in Chargers : pc[c] \in ChargerPCs
    /\ kmem \in 0..N /\ res \in 0..N /\ memsw \in 0..N
    /\ active \in BOOLEAN /\ dead \in BOOLEAN
    /\ refcnt \in Int
    /\ freed \in BOOLEAN
    /\ baseRef \in BOOLEAN /\ kmemRef \in BOOLEAN
    /\ chargeRef \in [Chargers -> BOOLEAN]

\* The references held: the base one, the limit's, v3's one per charge.
Held == (IF baseRef THEN 1 ELSE 0) + (IF kmemRef THEN 1 ELSE 0)
        + Cardinality({c \in Chargers : chargeRef[c]})

\* Each reference is put once, by its holder: memcg->refcnt counts exactly
\* the references held. A put that drops a reference nobody holds (a second
\* put for the limit's get, or a put for a get never taken) leaves refcnt
\* below Held: the memcg is then freed while a reference is still held, and
\* a later put finds refcnt 0 (the count goes negative: a write to freed
\* memory). So no put on a zero count and one free, at the last put.
PutOnce == refcnt = Held

\* The memcg is freed only once every kmem charge (and with it res and
\* memsw's share) is gone: a kmem page keeps pc->mem_cgroup, and its free
\* uncharges that memcg's counters (a charger between KmemCharge and
\* KmemUncharge is counted in kmem).
FreedOnlyWhenUncharged == freed => kmem = 0 /\ res = 0 /\ memsw = 0

\* Once the memcg is destroyed and every charge is gone, the memcg has been
\* freed: no reference is left behind (a leak of the structure; in 3.8 a
\* dying memcg that is never freed).
NoLeakAtQuiescence == Quiescent => freed /\ refcnt = 0

\* Nobody touches the memcg after it is freed: once freed, no CPU is still
\* on a path that dereferences it (Admin done; every charger done or never
\* started). Stronger than PutOnce: it also asks that the loser of the DEAD
\* test_and_clear, which reached kmem usage 0 and holds no reference, is not
\* still to test the bit. See KmemLifecycle2012_fixed_bit_window.cfg.
NoUseAfterFree ==
    freed => /\ pc[Admin] = "done"
             /\ \A c \in Chargers : pc[c] \in {"charge", "done"}

(******************************* Liveness **********************************)

Termination == <>Quiescent

=============================================================================
