package memcgspec.impl;

/**
 * struct uncharge_gather and the batched uncharge of mm/memcontrol.c (v6.13-v6.19 mainline,
 * before the gather moved onto obj_cgroup; spec/UnchargeBatch.tla): the folios of one memcg in a
 * row are uncharged with ONE page_counter_uncharge and ONE css_put. A gather belongs to one
 * caller at a time (the kernel's lives on the stack of __mem_cgroup_uncharge_folios; here each CPU
 * has one): it is not shared, and what it writes is shared only through atomics (the counters,
 * the css reference counts, folio->memcg_data), so callers on different CPUs run concurrently.
 *
 * <p>The rule that keeps it safe, in the kernel's words: uncharge_folio takes a css reference for
 * the gather when it starts gathering a memcg ("pairs with css_put in uncharge_batch"), and puts
 * each folio's own reference at once ({@code css_put(&memcg->css)}); the gather's reference keeps
 * the memcg, whose counters uncharge_batch writes, from being freed in between.
 */
public final class UnchargeGather {
    /** ug->memcg: the memcg gathered, or null (uncharge_gather_clear). */
    private MemCgroup memcg;
    /** ug->nr_memory: the pages gathered, not yet uncharged. */
    private long nrMemory;
    /** Counter writes that hit a freed memcg: a use after free (NoCounterWriteAfterFree), never counted by a correct gather. */
    private long freedWrites;
    /** ug->memcg, or null. */
    public MemCgroup memcg() {
        return memcg;
    }

    /** ug->nr_memory. */
    public long nrMemory() {
        return nrMemory;
    }

    /** Counter writes to a freed memcg this gather made (0 for the kernel's gather). */
    public long freedWrites() {
        return freedWrites;
    }

    /** uncharge_gather_clear. */
    public void clear() {
        memcg = null;
        nrMemory = 0;
    }

    /**
     * Whether uncharge_folio would flush this gather first: it gathers a memcg and {@code folio}
     * is charged to another one.
     */
    public boolean switchesAt(Folio folio) {
        MemCgroup m = folio.memcg();
        return memcg != null && m != null && m != memcg;
    }

    /**
     * uncharge_folio(folio, &ug) on a folio whose count reached 0: an uncharged folio is skipped;
     * a gather of another memcg is flushed (uncharge_batch, uncharge_gather_clear); a new gather
     * takes the memcg and its css reference; then nr_memory + 1, folio->memcg_data = 0 and the
     * folio's own css_put.
     */
    public void unchargeFolio(Folio folio) {
        if (folio.refcount() != 0) throw new AssertionError("uncharge_folio of a referenced folio: " + folio);
        MemCgroup m = folio.memcg();
        if (m == null) return;
        if (memcg != m) {
            if (memcg != null) {
                unchargeBatch();
                clear();
            }
            memcg = m;
            // pairs with css_put in uncharge_batch
            m.cssGet();
        }
        // LRU pages aren't accounted at the root level (the root's tasks are not charged here).
        if (!m.isRoot()) nrMemory++;
        folio.clearMemcg();
        m.cssPut();
        Jitter.at(Jitter.Point.AFTER_FOLIO_CSS_PUT);
    }

    /**
     * uncharge_batch(&ug): memcg_uncharge(ug->memcg, ug->nr_memory) (the memory counter up the
     * hierarchy; memsw too on cgroup v1), then the gather's css_put ("drop reference from
     * uncharge_folio"). The caller clears the gather after.
     */
    public void unchargeBatch() {
        MemCgroup m = memcg;
        if (nrMemory > 0) {
            if (m.state() == MemCgroup.State.FREED) freedWrites++;
            memcgUncharge(m, nrMemory);
        }
        m.cssPut();
    }

    /** memcg_uncharge: page_counter_uncharge of the memory counter, and of memsw if do_memsw_account(). */
    static void memcgUncharge(MemCgroup m, long nr) {
        m.memory().uncharge(nr);
        if (m.memswAccount()) m.memsw().uncharge(nr);
    }

    /**
     * charge_memcg(folio, memcg) for a new folio nobody else sees: try_charge (every level within
     * memory.max), css_get(&memcg->css) for the folio, commit_charge (folio->memcg_data). No
     * statistic is counted (the v6 per-lruvec statistics are not modelled).
     *
     * @return false, changing nothing, when a level has no room (the kernel reclaims, then fails)
     */
    public static boolean chargeMemcg(Folio folio, MemCgroup memcg) {
        if (Memcontrol.tryCharge(memcg, 1) != null) return false;
        memcg.cssGet();
        if (!folio.setMemcg(memcg)) throw new AssertionError("commit_charge of a charged folio: " + folio);
        return true;
    }

    void copyFrom(UnchargeGather o, Mm mm) {
        memcg = o.memcg == null ? null : mm.memcg(o.memcg.id());
        nrMemory = o.nrMemory;
        freedWrites = o.freedWrites;
    }

    /** A copy of this gather on the same memcgs of machine {@code mm}. */
    public UnchargeGather copyFor(Mm mm) {
        UnchargeGather g = new UnchargeGather();
        g.copyFrom(this, mm);
        return g;
    }

    @Override
    public String toString() {
        return memcg == null ? "ug[]" : "ug[" + memcg + ", nr " + nrMemory + "]";
    }
}
