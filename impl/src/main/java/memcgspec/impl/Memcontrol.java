package memcgspec.impl;

/**
 * The memcg charge hooks that both accounting modes share, after mm/memcontrol.c; the cgroup v1
 * parts are in {@link MemcontrolV1}, as the kernel keeps them in mm/memcontrol-v1.c, and
 * {@link Accounting} picks between them. Each method names the kernel function it models. They are
 * the building blocks of the protocols' steps; the protocol (who may call which, in which state)
 * is enforced there.
 */
public final class Memcontrol {
    private Memcontrol() {}

    /**
     * try_charge / try_charge_memcg on the memory counter: charge {@code n} pages to
     * {@code memcg} and its ancestors. Reclaim and OOM are not modelled: the result is the final
     * verdict.
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

    /** cancel_charge / mem_cgroup_cancel_charge on the memory counter: give back a successful try_charge. */
    public static void cancelCharge(MemCgroup memcg, long n) {
        memcg.memory().uncharge(n);
    }

    /**
     * commit_charge: record the owner (page->mem_cgroup, today folio->memcg_data), then
     * mem_cgroup_charge_statistics: the folio counts in its memcg's anon or file statistic, by
     * PageAnon (which the anonymous fault's page_add_new_anon_rmap has set just before). The
     * caller guarantees exclusion (a private anon folio, or a locked folio the caller is
     * inserting). The folio holds a css reference on its memcg from now until its uncharge.
     *
     * @return false, changing nothing, when the folio already has an owner (the kernel asserts
     *     this never happens: VM_BUG_ON_PAGE(page->mem_cgroup, page))
     */
    public static boolean commitCharge(Folio folio, MemCgroup memcg) {
        if (!folio.setMemcg(memcg)) return false;
        memcg.cssGet();
        chargeStatistics(memcg, folio, 1);
        return true;
    }

    /**
     * mem_cgroup_charge_statistics (v3.17-v5.7): a committed folio counts in {@code memcg}'s
     * statistics, anon (MEM_CGROUP_STAT_RSS, later MEMCG_RSS) or file (MEM_CGROUP_STAT_CACHE,
     * later MEMCG_CACHE) by PageAnon; {@code nr} -1 takes it out again (uncharge_batch).
     */
    private static void chargeStatistics(MemCgroup memcg, Folio folio, int nr) {
        memcg.modState(folio.anon() ? MemCgroup.Stat.ANON : MemCgroup.Stat.FILE, nr);
    }

    /**
     * mod_memcg_page_state (v4.14-v5.7; mem_cgroup_update_page_stat before, lock_page_memcg +
     * __mod_lruvec_page_state since): the statistic {@code item} of the folio's memcg at this
     * moment changes by {@code delta}; nothing happens for a folio with no memcg. The caller keeps
     * the folio's memcg stable (a mapped or referenced, committed folio keeps its owner).
     */
    public static void modMemcgPageState(Folio folio, MemCgroup.Stat item, long delta) {
        MemCgroup m = folio.memcg();
        if (m != null) m.modState(item, delta);
    }

    /**
     * mem_cgroup_uncharge, called from the final put (__put_page, today __folio_put) once the
     * refcount is zero, and mem_cgroup_uncharge_list for the folios reclaim froze and frees: clear
     * the owner and give its page back (memsw too, on v1), take the folio out of its memcg's anon
     * or file statistic (uncharge_batch) and put its css reference. An unowned folio changes
     * nothing. PageAnon is cleared after, as the folio is freed ({@link Folio#release}).
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
            if (m.memswAccount()) m.memsw().uncharge(1);
            chargeStatistics(m, folio, -1);
            m.cssPut();
        }
        return m;
    }

    /**
     * mem_cgroup_migrate (v6.7+, 85ce2c517ade "memcontrol: only transfer the memcg data for
     * migration"): commit_charge(new, memcg) and old->memcg_data = 0. The charge and the css
     * reference that memcg_data holds move to {@code dst}; no counter and no statistic changes.
     * Both folios are locked by the caller (the kernel's VM_BUG_ONs); an unowned {@code src}
     * (possible in the kernel for a folio compaction found before its charge) moves nothing.
     */
    public static void migrate(Folio src, Folio dst) {
        if (!src.locked() || !dst.locked()) throw new AssertionError("mem_cgroup_migrate of unlocked folios: " + src + ", " + dst);
        if (src.memcg() == null) return;
        src.transferMemcgTo(dst);
    }

    /**
     * mem_cgroup_replace_folio (replace_page_cache_folio only): force-charge {@code dst} to the
     * memcg of {@code old} (page_counter_charge: no max is checked; memsw too on v1; the root's
     * counters are not charged), take a css reference for it and commit it, counting it in the
     * file statistic as mem_cgroup_charge_statistics did. {@code old} keeps its charge until its
     * final put. A {@code dst} that is charged already is left alone.
     */
    public static void replaceFolio(Folio old, Folio dst) {
        if (dst.memcg() != null) return;
        MemCgroup m = old.memcg();
        if (m == null) return;
        if (!m.isRoot()) {
            m.memory().charge(1);
            if (m.memswAccount()) m.memsw().charge(1);
        }
        if (!dst.setMemcg(m)) throw new AssertionError("replacement folio charged meanwhile: " + dst);
        m.cssGet();
        chargeStatistics(m, dst, 1);
    }

    /**
     * mem_cgroup_try_charge_swap (cgroup v2, at slot allocation): take an id reference with
     * mem_cgroup_id_get_online on the folio's memcg (the first memcg up the tree whose id is
     * alive) and charge its swap counter against swap.max; when that fails the id reference is
     * put back (mem_cgroup_id_put).
     *
     * @return the memcg to record, or null when swap.max forbids it (nothing charged)
     */
    public static MemCgroup tryChargeSwap(Folio folio) {
        MemCgroup m = folio.memcg().idGetOnline();
        if (!m.isRoot() && m.swap().tryCharge(1) != null) {
            m.idPut();
            return null;
        }
        return m;
    }

    /**
     * mem_cgroup_uncharge_swap (cgroup v2): the swap_cgroup record of a slot was cleared: uncharge
     * the recorded memcg's swap counter (the root's excepted) and drop the record's id reference
     * (mem_cgroup_id_put_many).
     */
    public static void unchargeSwap(MemCgroup recorded) {
        if (recorded == null) return;
        if (!recorded.isRoot()) recorded.swap().uncharge(1);
        recorded.idPut();
    }

    // ------------------------------------------------------------------------------------------
    // Kernel memory (obj_cgroup): spec/Kmem.tla
    // ------------------------------------------------------------------------------------------

    /**
     * obj_cgroup_charge_pages, after get_mem_cgroup_from_objcg gave {@code memcg} with a css
     * reference: try_charge_memcg (memory, and memsw on v1; no per-CPU stock), then
     * memcg1_account_kmem. The caller puts the css reference. The memcg is the one read from the
     * objcg, wherever the objcg points now.
     *
     * @return whether the charge succeeded (on failure nothing was charged)
     */
    public static boolean objCgroupChargePages(Mm mm, MemCgroup memcg, long n) {
        boolean ok = mm.accounting().tryCharge(memcg, n) == null;
        if (ok) mm.accounting().accountKmem(memcg, n);
        return ok;
    }

    /**
     * __memcg_kmem_charge_page, after a successful charge to {@code memcg} through {@code objcg}:
     * obj_cgroup_get for the page and page->memcg_data = objcg | MEMCG_DATA_KMEM. The task's hold
     * on the objcg (its current->objcg reference, held here for one allocation) ends: the count
     * stays.
     */
    public static void kmemCommitPage(KmemPage page, ObjCgroup objcg, MemCgroup memcg) {
        page.setCharged(objcg, memcg);
    }

    /**
     * obj_cgroup_uncharge_pages' refill_stock, where no per-CPU stock is modelled (Kmem.tla):
     * drained at once, the counters of {@code memcg} (memory, and memsw on v1) uncharged.
     */
    public static void kmemUnchargeCounters(Mm mm, MemCgroup memcg) {
        mm.accounting().cancelCharge(memcg, 1);
    }

    /**
     * The rest of obj_cgroup_uncharge_pages after the counters or the stock took the page
     * (memcg1_account_kmem, css_put), then of __memcg_kmem_uncharge_page: memcg_data = 0 and
     * obj_cgroup_put (the page's reference, maybe the objcg's last). The counters below
     * {@code memcg} that the charge went up through keep it: each counts one more in its residue
     * (a history count, for the invariants).
     */
    public static void kmemUnchargeRest(Mm mm, KmemPage page, MemCgroup memcg) {
        ObjCgroup o = page.objcg();
        mm.accounting().accountKmem(memcg, -1);
        memcg.cssPut();
        for (MemCgroup x = page.chargedAt(); x != null && !x.isAncestorOf(memcg); x = x.parent()) x.addResidue();
        page.clearCharged();
        o.put();
    }
}
