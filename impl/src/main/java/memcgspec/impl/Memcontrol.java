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
        PageCounter failed = memcg.memory().tryCharge(n);
        if (failed == null) return null;
        for (MemCgroup m = memcg; m != null; m = m.parent()) {
            if (m.memory() == failed) return m;
        }
        throw new AssertionError("failing counter outside the hierarchy: " + failed);
    }

    /** cancel_charge / mem_cgroup_cancel_charge: give back a successful try_charge. */
    public static void cancelCharge(MemCgroup memcg, long n) {
        memcg.memory().uncharge(n);
    }

    /**
     * commit_charge: record the owner (page->mem_cgroup, today folio->memcg_data). The caller
     * guarantees exclusion (a private anon folio, or a locked folio the caller is inserting).
     *
     * @return false, changing nothing, when the folio already has an owner (the kernel asserts
     *     this never happens: VM_BUG_ON_PAGE(page->mem_cgroup, page))
     */
    public static boolean commitCharge(Folio folio, MemCgroup memcg) {
        return folio.setMemcg(memcg);
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
        if (m != null) m.memory().uncharge(1);
        return m;
    }
}
