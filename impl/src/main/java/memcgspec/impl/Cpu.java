package memcgspec.impl;

/**
 * One CPU running the mm paths that charge and free pages, step by step.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step of the protocol
 * and carries the name of the TLA+ action it implements (spec/Charge.tla), so that the spec, the
 * Java code, the traces and the docs share one vocabulary. A step that the spec does not enable
 * in the current state throws {@link StepRefused} and changes nothing. The lower-case methods run
 * whole paths (a fault, an insertion, an unmap) as sequences of steps, for real threads.
 *
 * <p>A CPU is driven by one thread at a time; its own fields (pc, held, chargeTo, index) are
 * private to that thread. Shared state is touched only through atomics, the page lock and the
 * page cache's xa_lock, in the kernel's order.
 */
public final class Cpu {
    private final Mm mm;
    private final int id;

    private Pc pc = Pc.IDLE;
    /** The folio this CPU holds a reference to (or works on), or null. */
    private Folio held;
    /** The memcg of the task this CPU faults for, while it charges; or null. */
    private MemCgroup chargeTo;
    /** The page-cache index this CPU inserts at, or -1. */
    private int index = -1;

    Cpu(Mm mm, int id) {
        this.mm = mm;
        this.id = id;
    }

    public int id() {
        return id;
    }

    public Pc pc() {
        return pc;
    }

    public Folio held() {
        return held;
    }

    public MemCgroup chargeTo() {
        return chargeTo;
    }

    public int index() {
        return index;
    }

    void copyFrom(Cpu o) {
        pc = o.pc;
        held = o.held == null ? null : mm.folio(o.held.id());
        chargeTo = o.chargeTo == null ? null : mm.memcg(o.chargeTo.id());
        index = o.index;
    }

    private StepRefused refuse(String step, String why) {
        return new StepRefused(step + " on cpu" + id + ": " + why);
    }

    private void requirePc(String step, Pc... allowed) {
        for (Pc a : allowed) if (pc == a) return;
        throw refuse(step, "pc is " + pc.spec());
    }

    private static MemCgroup requireTaskMemcg(String step, MemCgroup m) {
        if (m.isRoot()) throw new StepRefused(step + ": tasks of the root memcg are not charged");
        return m;
    }

    // ------------------------------------------------------------------------------------------
    // The anonymous fault and page-cache insertion: allocation
    // ------------------------------------------------------------------------------------------

    /**
     * alloc_zeroed_user_highpage_movable (today vma_alloc_folio) for an anonymous fault of a task in
     * memcg m: folio p, private to this CPU.
     */
    public void AllocAnon(Folio p, MemCgroup m) {
        requirePc("AllocAnon", Pc.IDLE);
        requireTaskMemcg("AllocAnon", m);
        if (!p.allocate()) throw refuse("AllocAnon", p + " is not free");
        held = p;
        chargeTo = m;
        pc = Pc.ANON_ALLOC;
    }

    /**
     * page_cache_alloc + __SetPageLocked (add_to_page_cache_lru) for index i of the file, after a
     * lookup found nothing there: folio p, locked before anyone can find it.
     */
    public void AllocCache(Folio p, MemCgroup m, int i) {
        requirePc("AllocCache", Pc.IDLE);
        requireTaskMemcg("AllocCache", m);
        PageCache pcache = mm.cache();
        pcache.xaLock.lock();
        try {
            if (pcache.slot(i) != null) throw refuse("AllocCache", "index " + i + " is already cached");
        } finally {
            pcache.xaLock.unlock();
        }
        if (!p.allocate()) throw refuse("AllocCache", p + " is not free");
        p.setLockedNew();
        held = p;
        chargeTo = m;
        index = i;
        pc = Pc.CACHE_ALLOC;
    }

    // ------------------------------------------------------------------------------------------
    // The charge
    // ------------------------------------------------------------------------------------------

    /**
     * mem_cgroup_try_charge -> try_charge: charge one page to the task's memcg and its ancestors.
     * On success the charge is pending; on failure nothing was charged, the path fails (-ENOMEM /
     * VM_FAULT_OOM) and the CPU goes on to drop its reference to the unowned folio (a cache folio
     * is unlocked first). A failed try_charge leaves nothing to commit or cancel.
     *
     * @return whether the charge succeeded
     */
    public boolean TryCharge() {
        requirePc("TryCharge", Pc.ANON_ALLOC, Pc.CACHE_ALLOC);
        MemCgroup over = Memcontrol.tryCharge(chargeTo, 1);
        if (over == null) {
            pc = pc == Pc.ANON_ALLOC ? Pc.ANON_CHARGED : Pc.CACHE_CHARGED;
            return true;
        }
        if (pc == Pc.CACHE_ALLOC) held.unlock();
        chargeTo = null;
        index = -1;
        pc = Pc.PUT;
        return false;
    }

    /**
     * mem_cgroup_commit_charge -> commit_charge: the pending charge becomes the folio's
     * (folio->memcg_data). The anonymous fault commits once it knows its pte is still none; the
     * insertion commits once its locked folio is in the cache. No other path can reach the folio
     * meanwhile. The commit of a folio that already has an owner is refused, changing nothing; the
     * kernel treats it as a bug (VM_BUG_ON_PAGE(page->mem_cgroup, page)) and the spec shows it
     * cannot happen (invariant PendingPageUnowned).
     */
    public void CommitCharge() {
        requirePc("CommitCharge", Pc.ANON_CHARGED, Pc.CACHE_INSERTED);
        if (!Memcontrol.commitCharge(held, chargeTo)) {
            throw refuse("CommitCharge", held + " is already charged (VM_BUG_ON in commit_charge)");
        }
        chargeTo = null;
        pc = pc == Pc.ANON_CHARGED ? Pc.ANON_COMMITTED : Pc.CACHE_COMMITTED;
    }

    /**
     * mem_cgroup_cancel_charge: give back a pending charge that will not be committed: the
     * anonymous fault found its pte filled by another thread (release), or the insertion found its
     * index taken (err_insert). The folio is then freed unowned. Never after a commit, never
     * after a failed try_charge.
     */
    public void CancelCharge() {
        requirePc("CancelCharge", Pc.ANON_CHARGED, Pc.CACHE_EEXIST);
        if (pc == Pc.CACHE_EEXIST) held.unlock();
        Memcontrol.cancelCharge(chargeTo, 1);
        chargeTo = null;
        index = -1;
        pc = Pc.PUT;
    }

    // ------------------------------------------------------------------------------------------
    // Finishing the charging paths
    // ------------------------------------------------------------------------------------------

    /**
     * page_add_new_anon_rmap + set_pte_at (today folio_add_new_anon_rmap, set_ptes): the fault's
     * reference becomes the mapping's.
     */
    public void MapAnon() {
        requirePc("MapAnon", Pc.ANON_COMMITTED);
        if (!held.firstMapping()) throw new AssertionError("a private anon folio was mapped by someone else: " + held);
        held = null;
        pc = Pc.IDLE;
    }

    /**
     * __add_to_page_cache_locked: under xa_lock, store the locked folio at its index, the cache
     * taking a reference; the charge stays pending until CommitCharge. If the index was filled
     * meanwhile (-EEXIST), the charge is cancelled next.
     *
     * @return whether the folio entered the cache
     */
    public boolean AddToCache() {
        requirePc("AddToCache", Pc.CACHE_CHARGED);
        PageCache pcache = mm.cache();
        boolean added;
        pcache.xaLock.lock();
        try {
            added = pcache.slot(index) == null;
            if (added) {
                held.get();
                pcache.store(index, held);
            }
        } finally {
            pcache.xaLock.unlock();
        }
        pc = added ? Pc.CACHE_INSERTED : Pc.CACHE_EEXIST;
        index = -1;
        return added;
    }

    /** unlock_page when the read completes; the CPU then drops its allocation reference. */
    public void UnlockPage() {
        requirePc("UnlockPage", Pc.CACHE_COMMITTED);
        held.unlock();
        pc = Pc.PUT;
    }

    // ------------------------------------------------------------------------------------------
    // Using pages without charging them
    // ------------------------------------------------------------------------------------------

    /**
     * Another mapping of folio p: fork's copy of a pte of a mapped folio, or a fault on a cached,
     * unlocked folio. Takes a reference (speculatively first, so that a folio being freed is never
     * mapped), then the mapping. No charge.
     */
    public void Map(Folio p) {
        requirePc("Map", Pc.IDLE);
        int bound = mm.config().maxMapcount();
        if (!p.tryGet()) throw refuse("Map", p + " is free");
        if (p.dupMapping(bound)) return;
        PageCache pcache = mm.cache();
        boolean mapped = false;
        pcache.xaLock.lock();
        try {
            // Under xa_lock the folio cannot leave the cache, and removal checks mapcount under it.
            if (pcache.containsLocked(p) && !p.locked()) {
                int m = p.mapcount();
                while (m < bound && !mapped) {
                    if (m == 0 ? p.firstMapping() : p.dupMapping(bound)) mapped = true;
                    else m = p.mapcount();
                }
            }
        } finally {
            pcache.xaLock.unlock();
        }
        if (mapped) return;
        // Not mappable: give back the speculative reference. Under concurrency everybody else may
        // have let go meanwhile, making ours the final put; and a folio_try_get may take a new
        // reference at any moment until the count is 0, so "last" must be decided by the CAS
        // itself (folio_put_testzero), retrying when it fails.
        for (;;) {
            if (p.putNotLast()) break;
            if (p.putLast()) {
                Memcontrol.uncharge(p);
                p.release();
                break;
            }
        }
        throw refuse("Map", p + " is neither mapped nor an unlocked cache folio, or is at the mapcount bound");
    }

    /**
     * zap_pte_range: one mapping of p goes; its reference moves to this CPU (the mmu_gather
     * batch), to be dropped by the next step. Nothing is uncharged at unmap.
     */
    public void Unmap(Folio p) {
        requirePc("Unmap", Pc.IDLE);
        if (!p.dropMapping()) throw refuse("Unmap", p + " is not mapped");
        held = p;
        pc = Pc.PUT;
    }

    /** get_page_unless_zero (today folio_try_get): a speculative reference; fails on a free folio. */
    public void GetPage(Folio p) {
        requirePc("GetPage", Pc.IDLE);
        if (!p.tryGet()) throw refuse("GetPage", p + " is free");
        held = p;
        pc = Pc.PUT;
    }

    /**
     * delete_from_page_cache (today filemap_remove_folio) from truncation: under xa_lock, with the
     * folio locked (trylock: a folio whose read is in flight is skipped), an unmapped folio leaves
     * index i; the cache's reference is now this CPU's to drop. No uncharge here.
     */
    public void DeleteFromCache(int i) {
        requirePc("DeleteFromCache", Pc.IDLE);
        PageCache pcache = mm.cache();
        Folio f;
        pcache.xaLock.lock();
        try {
            f = pcache.slot(i);
            if (f == null) throw refuse("DeleteFromCache", "index " + i + " is empty");
            if (!f.trylock()) throw refuse("DeleteFromCache", f + " is locked");
            try {
                if (f.mapcount() != 0) throw refuse("DeleteFromCache", f + " is mapped");
                pcache.store(i, null);
            } finally {
                f.unlock();
            }
        } finally {
            pcache.xaLock.unlock();
        }
        held = f;
        pc = Pc.PUT;
    }

    /** folio_put of a reference that is not the last one. */
    public void PutPage() {
        requirePc("PutPage", Pc.PUT);
        if (!held.putNotLast()) throw refuse("PutPage", "this is the last reference of " + held + ": Uncharge");
        held = null;
        pc = Pc.IDLE;
    }

    /**
     * The final folio_put: refcount 1 -> 0, then mem_cgroup_uncharge (nobody else can see the
     * folio, so no lock) and back to the allocator.
     */
    public void Uncharge() {
        requirePc("Uncharge", Pc.PUT);
        if (!held.putLast()) throw refuse("Uncharge", held + " has other references: PutPage");
        Memcontrol.uncharge(held);
        held.release();
        held = null;
        pc = Pc.IDLE;
    }

    // ------------------------------------------------------------------------------------------
    // Whole paths, for threads
    // ------------------------------------------------------------------------------------------

    /** folio_put: drop the reference this CPU holds, the final put if it is the last one. */
    public void put() {
        requirePc("put", Pc.PUT);
        for (;;) {
            int r = held.refcount();
            if (r > 1) {
                if (held.putNotLast()) {
                    held = null;
                    pc = Pc.IDLE;
                    return;
                }
            } else {
                try {
                    Uncharge();
                    return;
                } catch (StepRefused raced) {
                    // A reference was taken meanwhile: it is no longer the last one; go around.
                }
            }
        }
    }

    /**
     * do_anonymous_page for a task in memcg m: allocate, charge, commit and map a folio.
     *
     * @param abandon abandon the fault after the charge (as when another thread filled the pte):
     *     cancel the charge and free the folio
     * @return the mapped folio, or null when no folio was free, the charge failed or the fault
     *     was abandoned
     */
    public Folio doAnonymousPage(MemCgroup m, boolean abandon) {
        requirePc("doAnonymousPage", Pc.IDLE);
        requireTaskMemcg("doAnonymousPage", m);
        Folio f = mm.allocFolio(id * 7919 + (int) System.nanoTime());
        if (f == null) return null;
        held = f;
        chargeTo = m;
        pc = Pc.ANON_ALLOC;
        if (!TryCharge()) {
            put();
            return null;
        }
        if (abandon) {
            CancelCharge();
            put();
            return null;
        }
        CommitCharge();
        MapAnon();
        return f;
    }

    /**
     * add_to_page_cache_lru (today filemap_add_folio) for index i, read by a task in memcg m:
     * allocate and lock a folio, charge, insert, commit, unlock, drop the allocation reference; or,
     * when the index was taken meanwhile, cancel the charge and free the folio.
     *
     * @return whether a folio of ours entered the cache
     */
    public boolean filemapAddFolio(MemCgroup m, int i) {
        requirePc("filemapAddFolio", Pc.IDLE);
        requireTaskMemcg("filemapAddFolio", m);
        if (mm.cache().lookup(i) != null) return false;
        Folio f = mm.allocFolio(id * 104729 + i);
        if (f == null) return false;
        f.setLockedNew();
        held = f;
        chargeTo = m;
        index = i;
        pc = Pc.CACHE_ALLOC;
        if (!TryCharge()) {
            put();
            return false;
        }
        boolean added = AddToCache();
        if (added) {
            CommitCharge();
            UnlockPage();
        } else {
            CancelCharge();
        }
        put();
        return added;
    }

    /** zap_pte_range of one mapping of f, then the batch's put. */
    public boolean zap(Folio f) {
        return thenPut(() -> Unmap(f));
    }

    /** Truncation of index i, then the put of the cache's reference. */
    public boolean evict(int i) {
        return thenPut(() -> DeleteFromCache(i));
    }

    /** A speculative get and put of f (a PFN walker). */
    public boolean touch(Folio f) {
        return thenPut(() -> GetPage(f));
    }

    /** Runs a step that leaves this CPU holding a reference, then drops it; false if refused. */
    private boolean thenPut(Runnable step) {
        try {
            step.run();
        } catch (StepRefused refused) {
            return false;
        }
        put();
        return true;
    }

    /** Another mapping of f, if it can be mapped. */
    public boolean map(Folio f) {
        try {
            Map(f);
            return true;
        } catch (StepRefused notMappable) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "cpu" + id + "[" + pc.spec() + (held != null ? ", " + held : "") + "]";
    }
}
