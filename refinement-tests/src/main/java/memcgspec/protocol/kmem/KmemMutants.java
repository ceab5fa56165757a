package memcgspec.protocol.kmem;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Kmem.tla: eefbfa7fd678's race, seed 004's double put and v3.19-v5.12's per-page
 * css pinning re-introduced into today's protocol, and plausible objcg bugs, each with the exact
 * set of its model's checks that it violates, on Kmem.cfg's mutation twin Kmem_mutants.cfg
 * (memory.max 1). The properties Kmem.tla inherits and no kmem step can break (the swap device's,
 * the user pages') are bitten by the mutants of Swap.tla and Charge.tla on their own models.
 * docs/mutants.md is their table (SpecMutationTest pins both).
 */
final class KmemMutants {
    private KmemMutants() {}

    /** Kmem.cfg's mutation twin (memory.max 1). */
    private static final String KM = "Kmem_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Kmem", name);
    }

    /** Offline's reparenting of the objcgs, as written. */
    private static final String REPARENT =
            "    /\\ objcgMemcg' = [o \\in Objcgs |-> IF objcgMemcg[o] = m THEN Parent[m] ELSE objcgMemcg[o]]\n";

    static final List<Mutant> ALL = List.of(
            mutant("css-get-not-tryget")
                    .reintroduces("eefbfa7fd678 undone (v5.10): obj_cgroup_charge took css_get on the memcg read from the objcg")
                    .kernel("get_mem_cgroup_from_objcg")
                    .bug("css_get instead of css_tryget: a dying memcg whose last css reference is gone is brought back to 1")
                    .edit("           ok == m \\in Memcgs /\\ css[m] > 0\n", "           ok == m \\in Memcgs\n")
                    .on(KM, "NoCssResurrection")
                    .build(),
            mutant("uncharge-to-charged-memcg")
                    .kernel("obj_cgroup_uncharge_pages (get_mem_cgroup_from_objcg(objcg), at uncharge time)")
                    .bug("the uncharge goes to the memcg the page was charged to (as if the page remembered it, unpinned) instead of the objcg's memcg of the moment")
                    .edit("    /\\ kmemcg' = [kmemcg EXCEPT ![c] = objcgMemcg[kobj[c]]]\n",
                            "    /\\ kmemcg' = [kmemcg EXCEPT ![c] = IF pc[c] = \"kmem_uncharge\" THEN chargedAt[kpage[c]] ELSE objcgMemcg[kobj[c]]]\n")
                    .on(KM, "NothingFreedReferenced")
                    .build(),
            mutant("reparent-forgets-inherited")
                    .kernel("memcg_reparent_objcgs (list_for_each_entry(iter, &memcg->objcg_list, list) WRITE_ONCE(iter->memcg, parent))")
                    .bug("offline repoints the memcg's own objcg only: the objcgs it inherited from its dead children keep pointing at it")
                    .edit(REPARENT, "    /\\ objcgMemcg' = [objcgMemcg EXCEPT ![m] = Parent[m]]\n")
                    .on(KM, "ObjcgPointsOnline", "NothingFreedReferenced")
                    .build(),
            mutant("objcg-released-early")
                    .kernel("obj_cgroup_release (the percpu_ref's release callback, on the last put)")
                    .bug("the objcg is released by the put that leaves one reference: a charged page or an allocating task still holds it")
                    .edit("PutMemcg(o) == IF objcgRef[o] = 1 THEN", "PutMemcg(o) == IF objcgRef[o] <= 2 THEN")
                    .on(KM, "NoResidueOnline", "NoObjcgUseAfterFree", "Refinement")
                    .build(),
            mutant("seed004-double-put")
                    .reintroduces("seed 004 (7de37682bec3, v3.8) in today's terms: the one reference put by both sides that may drop it")
                    .kernel("memcg_reparent_objcgs (percpu_ref_kill) / __mem_cgroup_free (obj_cgroup_put(memcg->orig_objcg))")
                    .bug("offline puts orig_objcg's reference as well as the initial one, and __mem_cgroup_free puts it again")
                    .edit("    /\\ objcgRef' = [objcgRef EXCEPT ![m] = @ - 1]\n    /\\ UNCHANGED <<kpageVars, kcpuVars, kmem, ghostVars>>\n\n(* mem_cgroup_css_free",
                            "    /\\ objcgRef' = [objcgRef EXCEPT ![m] = @ - 2]\n    /\\ UNCHANGED <<kpageVars, kcpuVars, kmem, ghostVars>>\n\n(* mem_cgroup_css_free")
                    .on(KM, "TypeOK", "NoResidueOnline", "ObjcgRefBalance", "NoObjcgUseAfterFree", "NoObjcgLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("free-without-grace-period")
                    .kernel("css_free_rwork_fn (queue_rcu_work: css_free after an RCU grace period)")
                    .bug("the memcg is freed while a CPU still holds the pointer it read from an objcg under rcu_read_lock")
                    .edit("    /\\ \\A c \\in CPUs : kmemcg[c] /= m\n    /\\ objcgRef' = PutRef(m)\n", "    /\\ objcgRef' = PutRef(m)\n")
                    .on(KM, "NothingFreedReferenced")
                    .build(),
            mutant("kmem-page-pins-memcg")
                    .reintroduces("v3.19-v5.12's design (\"mm: memcontrol: take a css reference for each charged page\"; objcg pages since b4e0b68fbd9d): each kmem page pins its memcg")
                    .kernel("obj_cgroup_charge_pages / obj_cgroup_uncharge_pages (css_put)")
                    .bug("the charge keeps its css reference for the page and the uncharge puts one more, on the memcg it reads then")
                    .edit("       /\\ css' = [css EXCEPT ![m] = @ - 1]\n       /\\ kobjcg' = IF ok",
                            "       /\\ css' = IF ok THEN css ELSE [css EXCEPT ![m] = @ - 1]\n       /\\ kobjcg' = IF ok")
                    .edit("       /\\ css' = [css EXCEPT ![m] = @ - 1]\n       /\\ kobjcg' = [kobjcg",
                            "       /\\ css' = [css EXCEPT ![m] = @ - 2]\n       /\\ kobjcg' = [kobjcg")
                    .on(KM, "CssRefBalance", "NothingFreedReferenced", "NoZombieAtQuiescence")
                    .build(),
            mutant("kmem-counter-wrong-memcg")
                    .kernel("obj_cgroup_uncharge_pages -> memcg1_account_kmem")
                    .bug("the v1 kmem counter is uncharged on the memcg charged, the memory counter on the objcg's memcg of the moment")
                    .edit("       /\\ kmem' = IF version = 1 THEN PC!Uncharge(kmem, m, 1) ELSE kmem\n",
                            "       /\\ kmem' = IF version = 1 THEN PC!Uncharge(kmem, chargedAt[k], 1) ELSE kmem\n")
                    .on(KM, "KmemCounter", "NoLeakAtQuiescence")
                    .build(),
            mutant("charge-to-task-memcg")
                    .kernel("obj_cgroup_charge_pages (try_charge_memcg on the memcg read from the objcg)")
                    .bug("the counters of the memcg that allocated the objcg are charged, dead or not, instead of the objcg's memcg of the moment")
                    .edit("       /\\ usage' = IF ok THEN PC!TryCharge(usage, m, 1) ELSE usage\n"
                                    + "       /\\ memsw' = IF ok /\\ version = 1 THEN PC!TryCharge(memsw, m, 1) ELSE memsw\n"
                                    + "       /\\ kmem' = IF ok /\\ version = 1 THEN PC!ForceCharge(kmem, m, 1) ELSE kmem\n",
                            "       /\\ usage' = IF ok THEN PC!TryCharge(usage, o, 1) ELSE usage\n"
                                    + "       /\\ memsw' = IF ok /\\ version = 1 THEN PC!TryCharge(memsw, o, 1) ELSE memsw\n"
                                    + "       /\\ kmem' = IF ok /\\ version = 1 THEN PC!ForceCharge(kmem, o, 1) ELSE kmem\n")
                    .on(KM, "Conservation", "KmemCounter", "WithinLimit", "Hierarchy", "NoLeakAtQuiescence", "Refinement")
                    .build(),
            mutant("kmem-charge-ignores-max")
                    .kernel("obj_cgroup_charge_pages (try_charge_memcg)")
                    .bug("the kmem charge is forced (page_counter_charge): memory.max is not checked")
                    .edit("           ok == PC!CanCharge(usage, m, 1)\n", "           ok == TRUE\n")
                    .on(KM, "WithinLimit", "Refinement")
                    .build(),
            mutant("uncharge-keeps-memcg-data")
                    .kernel("__memcg_kmem_uncharge_page (folio->memcg_data = 0)")
                    .bug("the uncharged page keeps its objcg in memcg_data as it goes back to the allocator")
                    .edit("       /\\ kobjcg' = [kobjcg EXCEPT ![k] = NoObjcg]\n", "       /\\ kobjcg' = kobjcg\n")
                    .on(KM, "Conservation", "KmemCounter", "ObjcgRefBalance", "NoObjcgUseAfterFree", "KmemPagesCharged", "Hierarchy", "Refinement")
                    .build(),
            mutant("kmem-not-in-memsw")
                    .kernel("try_charge_memcg / obj_cgroup_uncharge_pages (memsw on cgroup v1)")
                    .bug("on v1 kmem charges and uncharges the memory counter but not memsw")
                    .edit("       /\\ memsw' = IF ok /\\ version = 1 THEN PC!TryCharge(memsw, m, 1) ELSE memsw\n", "       /\\ memsw' = memsw\n")
                    .edit("       /\\ memsw' = IF version = 1 THEN PC!Uncharge(memsw, m, 1) ELSE memsw\n", "       /\\ memsw' = memsw\n")
                    .on(KM, "MemswIsMemoryPlusSwap", "NoLeakAtQuiescence", "Refinement")
                    .build());
}
