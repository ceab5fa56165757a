package memcgspec.impl;

/**
 * The cgroup v1 parts of the memcg hooks, after mm/memcontrol-v1.c (before v6.10 they were in
 * mm/memcontrol.c under do_memsw_account()): the memory+swap counter (memsw), which every charge
 * covers together with memory, and mem_cgroup_swapout, which as reclaim frees a folio uncharges
 * its memory and leaves its memsw charge to its swap slot ("mm: memcontrol: uncharge pages on
 * swapout", v3.19).
 */
public final class MemcontrolV1 {
    private MemcontrolV1() {}

    /**
     * try_charge on v1: memory, then memsw (memsw.max is unlimited here, so only memory can fail).
     *
     * @return null on success, else the memcg whose counter had no room (nothing was charged)
     */
    public static MemCgroup tryCharge(MemCgroup memcg, long n) {
        MemCgroup over = Memcontrol.tryCharge(memcg, n);
        if (over == null) memcg.memsw().charge(n);
        return over;
    }

    /** cancel_charge on v1: memory and memsw. */
    public static void cancelCharge(MemCgroup memcg, long n) {
        Memcontrol.cancelCharge(memcg, n);
        memcg.memsw().uncharge(n);
    }

    /**
     * memcg1_account_kmem (mm/memcontrol-v1.c): the kmem counter, usage only (page_counter_charge,
     * which no limit fails; memory.kmem.limit_in_bytes was removed in v6.1), charged with
     * {@code n} > 0 and uncharged with {@code n} < 0.
     */
    public static void accountKmem(MemCgroup memcg, long n) {
        if (n > 0) memcg.kmem().charge(n);
        else memcg.kmem().uncharge(-n);
    }

    /**
     * mem_cgroup_uncharge_swap on v1: the swap_cgroup record of a slot was cleared (the slot is
     * freed, or a swap-in now covers memsw): uncharge the recorded memcg's memsw counter (the
     * root's excepted) and drop the record's id reference (mem_cgroup_id_put_many).
     */
    public static void unchargeSwap(MemCgroup recorded) {
        if (recorded == null) return;
        if (!recorded.isRoot()) recorded.memsw().uncharge(1);
        recorded.idPut();
    }

    /**
     * mem_cgroup_swapout, in __remove_mapping with the folio's refcount frozen at 0: record the
     * slot to mem_cgroup_id_get_online(owner) (an id reference; recording nothing for an offline
     * memcg leaked the charge, 1f47b61fb407), uncharge the folio's memory, move its memsw charge
     * to the recorded memcg if that is not the owner, take the folio out of its memcg's anon
     * statistic (mem_cgroup_charge_statistics), clear its memcg and put its css reference.
     *
     * @return the memcg to record
     */
    public static MemCgroup swapout(Folio folio) {
        if (folio.refcount() != 0) throw new AssertionError("mem_cgroup_swapout of a folio that is not frozen: " + folio);
        MemCgroup o = folio.memcg();
        MemCgroup a = o.idGetOnline();
        Memcontrol.modMemcgPageState(folio, MemCgroup.Stat.ANON, -1);
        folio.clearMemcg();
        if (!o.isRoot()) o.memory().uncharge(1);
        if (a != o) {
            if (!a.isRoot()) a.memsw().charge(1);
            o.memsw().uncharge(1);
        }
        o.cssPut();
        return a;
    }
}
