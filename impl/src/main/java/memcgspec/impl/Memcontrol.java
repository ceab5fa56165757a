package memcgspec.impl;

/**
 * The memcg charge hooks, after mm/memcontrol.c. Each method names the kernel function it models.
 * They are the building blocks of the step methods in {@link Cpu}; the protocol (who may call
 * which, in which state) is enforced there.
 */
public final class Memcontrol {
    private Memcontrol() {}

    /**
     * try_charge / try_charge_memcg: charge {@code n} pages to {@code memcg} and its ancestors.
     * Reclaim and OOM are not modelled: the result is the final verdict.
     *
     * @return null on success, else the memcg whose counter had no room (nothing was charged)
     */
    public static MemCgroup tryCharge(MemCgroup memcg, long n) {
        return tryCharge(memcg, n, false);
    }

    /**
     * try_charge with cgroup v1 swap accounting: memory, and memsw too when {@code v1} (memsw.max
     * is unlimited here, so only memory can fail).
     *
     * @return null on success, else the memcg whose counter had no room (nothing was charged)
     */
    public static MemCgroup tryCharge(MemCgroup memcg, long n, boolean v1) {
        PageCounter failed = memcg.memory().tryCharge(n);
        if (failed == null) {
            if (v1) memcg.memsw().charge(n);
            return null;
        }
        for (MemCgroup m = memcg; m != null; m = m.parent()) {
            if (m.memory() == failed) return m;
        }
        throw new AssertionError("failing counter outside the hierarchy: " + failed);
    }

    /** cancel_charge / mem_cgroup_cancel_charge: give back a successful try_charge. */
    public static void cancelCharge(MemCgroup memcg, long n) {
        cancelCharge(memcg, n, false);
    }

    /** cancel_charge, memsw too on cgroup v1. */
    public static void cancelCharge(MemCgroup memcg, long n, boolean v1) {
        memcg.memory().uncharge(n);
        if (v1) memcg.memsw().uncharge(n);
    }

    /**
     * commit_charge: record the owner (page->mem_cgroup, today folio->memcg_data). The caller
     * guarantees exclusion (a private anon folio, or a locked folio the caller is inserting).
     *
     * @return false, changing nothing, when the folio already has an owner (the kernel asserts
     *     this never happens: VM_BUG_ON_PAGE(page->mem_cgroup, page))
     */
    public static boolean commitCharge(Folio folio, MemCgroup memcg) {
        return commitCharge(folio, memcg, false);
    }

    /**
     * commit_charge; on cgroup v1 the folio's charge includes memsw (PCG_MEMSW). The folio holds a
     * css reference on its memcg from now until its uncharge.
     */
    public static boolean commitCharge(Folio folio, MemCgroup memcg, boolean v1) {
        if (!folio.setMemcg(memcg)) return false;
        folio.setMemsw(v1);
        memcg.cssGet();
        return true;
    }

    /**
     * mem_cgroup_uncharge, called from the final put (__put_page, today __folio_put) once the
     * refcount is zero:
     * clear the owner and give its page back. An unowned folio changes nothing.
     *
     * @return the memcg that was uncharged, or null
     */
    public static MemCgroup uncharge(Folio folio) {
        if (folio.refcount() != 0) {
            throw new AssertionError("mem_cgroup_uncharge of a referenced folio: " + folio);
        }
        MemCgroup m = folio.clearMemcg();
        if (m != null) {
            m.memory().uncharge(1);
            if (folio.memswCharged()) m.memsw().uncharge(1);
            folio.setMemsw(false);
            m.cssPut();
        }
        return m;
    }

    /**
     * mem_cgroup_uncharge_swap: the swap_cgroup record of a slot was cleared (the slot is freed, or
     * on v1 a swap-in now covers memsw): uncharge the recorded memcg's swap (v2) or memsw (v1)
     * counter, the root's excepted, and drop the record's reference.
     */
    public static void unchargeSwap(MemCgroup recorded, boolean v1) {
        if (recorded == null) return;
        if (!recorded.isRoot()) (v1 ? recorded.memsw() : recorded.swap()).uncharge(1);
        recorded.cssPut();
    }

    /**
     * mem_cgroup_try_charge_swap (cgroup v2, at slot allocation): charge one slot to the folio's
     * memcg or its nearest online ancestor, against swap.max.
     *
     * @return the memcg to record, or null when swap.max forbids it (nothing charged)
     */
    public static MemCgroup tryChargeSwap(Folio folio) {
        MemCgroup m = folio.memcg().nearestOnline();
        if (!m.isRoot() && m.swap().tryCharge(1) != null) return null;
        m.cssGet();
        return m;
    }

    /**
     * mem_cgroup_swapout (cgroup v1, folio frozen and leaving the swap cache): record the folio's
     * memcg, or its nearest online ancestor (1f47b61fb407), and move the memsw part of the charge
     * to the slot; the folio keeps its memory charge until its final put.
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
