package memcgspec.impl;

/**
 * The cgroup v1 parts of the memcg hooks, after mm/memcontrol-v1.c (before v6.10 they were in
 * mm/memcontrol.c under do_memsw_account()): the memory+swap counter (memsw), which a charge
 * covers together with memory, and mem_cgroup_swapout, which moves the memsw part of a folio's
 * charge to its swap slot.
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

    /** commit_charge on v1: the folio's charge includes memsw (PCG_MEMSW). */
    public static boolean commitCharge(Folio folio, MemCgroup memcg) {
        if (!Memcontrol.commitCharge(folio, memcg)) return false;
        folio.setMemsw(true);
        return true;
    }

    /**
     * mem_cgroup_uncharge_swap on v1: the swap_cgroup record of a slot was cleared (the slot is
     * freed, or a swap-in now covers memsw): uncharge the recorded memcg's memsw counter (the
     * root's excepted) and drop the record's reference.
     */
    public static void unchargeSwap(MemCgroup recorded) {
        if (recorded == null) return;
        if (!recorded.isRoot()) recorded.memsw().uncharge(1);
        recorded.cssPut();
    }

    /**
     * mem_cgroup_swapout (folio frozen and leaving the swap cache): record the folio's memcg, or
     * its nearest online ancestor (1f47b61fb407), and move the memsw part of the charge to the
     * slot; the folio keeps its memory charge until its final put.
     *
     * @return the memcg to record
     */
    public static MemCgroup swapout(Folio folio) {
        MemCgroup o = folio.memcg();
        MemCgroup a = o.nearestOnline();
        a.cssGet();
        folio.setMemsw(false);
        if (a != o) {
            if (!a.isRoot()) a.memsw().charge(1);
            o.memsw().uncharge(1);
        }
        return a;
    }
}
