package memcgspec.impl.charge;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCache;
import memcgspec.impl.Pc;
import memcgspec.impl.Rmap;
import memcgspec.impl.StepRefused;

/**
 * The charge protocol's steps on one CPU (spec/Charge.tla): the anonymous fault and the page-cache
 * insertion that charge a folio (try_charge, commit_charge, cancel_charge, after mm/memory.c,
 * mm/filemap.c and mm/memcontrol.c), the paths that use folios without charging them (map,
 * unmap, speculative get, truncation), and the puts, the final one uncharging.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements, so that the spec, the Java code, the traces and the docs
 * share one vocabulary. A step that the spec does not enable in the current state throws
 * {@link StepRefused} and changes nothing. Whole paths for threads are in {@link ChargePaths}.
 *
 * <p>This is the CPU's charge part: besides the core fields of {@link Cpu} (pc, held, chargeTo)
 * it keeps the page-cache index an insertion works on.
 */
public final class ChargeSteps implements CpuPart, ChargeCaller {
    private final Cpu cpu;
    private final Mm mm;
    /** The page-cache index this CPU inserts at, or -1. */
    private int index = -1;

    private ChargeSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The charge steps of CPU {@code cpu}. */
    public static ChargeSteps of(Cpu cpu) {
        return cpu.part(PART, ChargeSteps.class, ChargeSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(ChargeSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        ChargeSteps c = new ChargeSteps(target);
        c.index = index;
        return c;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** The page-cache index this CPU inserts at, or -1. */
    public int index() {
        return index;
    }

    /** For {@link ChargePaths#filemapAddFolio}, which allocates through the allocator. */
    void setIndex(int i) {
        index = i;
    }

    // ------------------------------------------------------------------------------------------
    // The anonymous fault and page-cache insertion: allocation
    // ------------------------------------------------------------------------------------------

    /**
     * alloc_zeroed_user_highpage_movable (today vma_alloc_folio) for an anonymous fault of a task in
     * memcg m: folio p, private to this CPU.
     */
    public void AllocAnon(Folio p, MemCgroup m) {
        cpu.requirePc("AllocAnon", Pc.IDLE);
        cpu.beginTask("AllocAnon", m);
        if (!p.allocate()) {
            cpu.endTask();
            throw cpu.refuse("AllocAnon", p + " is not free");
        }
        cpu.setHeld(p);
        cpu.setPc(ChargePc.ANON_ALLOC);
    }

    /**
     * page_cache_alloc + __SetPageLocked (add_to_page_cache_lru) for index i of the file, after a
     * lookup found nothing there: folio p, locked before anyone can find it.
     */
    public void AllocCache(Folio p, MemCgroup m, int i) {
        cpu.requirePc("AllocCache", Pc.IDLE);
        Cpu.requireTaskMemcg("AllocCache", m);
        if (!m.online()) throw cpu.refuse("AllocCache", m + " is not online");
        if (mm.cache().lookup(i) != null) throw cpu.refuse("AllocCache", "index " + i + " is already cached");
        cpu.beginTask("AllocCache", m);
        if (!p.allocate()) {
            cpu.endTask();
            throw cpu.refuse("AllocCache", p + " is not free");
        }
        p.setLockedNew();
        cpu.setHeld(p);
        index = i;
        cpu.setPc(ChargePc.CACHE_ALLOC);
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
        cpu.requirePc("TryCharge", ChargePc.ANON_ALLOC, ChargePc.CACHE_ALLOC);
        if (mm.config().stock()) throw cpu.refuse("TryCharge", "this machine charges through the per-CPU stock (StockSteps)");
        MemCgroup over = mm.accounting().tryCharge(cpu.chargeTo(), 1);
        if (over == null) chargeSucceeded(cpu.chargeTo());
        else chargeFailed();
        return over == null;
    }

    /**
     * The end of a successful try_charge of the task's memcg m (at the counters, or through the
     * per-CPU stock: {@link memcgspec.impl.stock.StockSteps}): the charge is pending.
     */
    @Override
    public void chargeSucceeded(MemCgroup m) {
        cpu.setPc(((ChargePc) cpu.pc()).chargeStart() == ChargePc.ANON_ALLOC ? ChargePc.ANON_CHARGED : ChargePc.CACHE_CHARGED);
    }

    @Override
    public boolean retrying() {
        return cpu.pc() == ChargePc.ANON_ALLOC_RETRY || cpu.pc() == ChargePc.CACHE_ALLOC_RETRY;
    }

    /** The task's memcg. */
    @Override
    public MemCgroup chargeTarget() {
        return cpu.chargeTo();
    }

    /** The fault or insertion retries its charge of the task's memcg through the stock (spec/Stock.tla). */
    @Override
    public void chargeRetries(MemCgroup m) {
        cpu.setPc(((ChargePc) cpu.pc()).chargeStart() == ChargePc.ANON_ALLOC ? ChargePc.ANON_ALLOC_RETRY : ChargePc.CACHE_ALLOC_RETRY);
    }

    /**
     * The end of a failed try_charge (-ENOMEM), nothing charged: a cache folio is unlocked, the
     * task's css reference dropped, and the CPU drops its reference to the unowned folio next.
     */
    @Override
    public void chargeFailed() {
        if (((ChargePc) cpu.pc()).chargeStart() == ChargePc.CACHE_ALLOC) cpu.held().unlock();
        cpu.endTask();
        index = -1;
        cpu.setPc(Pc.PUT);
    }

    /**
     * mem_cgroup_commit_charge -> commit_charge: the pending charge becomes the folio's
     * (folio->memcg_data). The anonymous fault commits once it knows its pte is still none, its
     * folio made anonymous just before (page_add_new_anon_rmap sets PageAnon); the insertion
     * commits once its locked folio is in the cache. mem_cgroup_charge_statistics then counts the
     * folio in its memcg's anon or file statistic (in {@link memcgspec.impl.Memcontrol#commitCharge}).
     * No other path can reach the folio meanwhile. The commit of a folio that already has an owner
     * is refused, changing nothing; the kernel treats it as a bug (VM_BUG_ON_PAGE(page->mem_cgroup,
     * page)) and the spec shows it cannot happen (invariant PendingPageUnowned).
     */
    public void CommitCharge() {
        cpu.requirePc("CommitCharge", ChargePc.ANON_CHARGED, ChargePc.CACHE_INSERTED);
        Folio f = cpu.held();
        boolean anon = cpu.pc() == ChargePc.ANON_CHARGED;
        // page_add_new_anon_rmap before mem_cgroup_commit_charge (v3.17-v5.7 do_anonymous_page);
        // the folio is private to this fault, so the flag and the commit need no lock.
        if (anon) f.setAnon();
        if (!mm.accounting().commitCharge(f, cpu.chargeTo())) {
            if (anon) f.clearAnon();
            throw cpu.refuse("CommitCharge", f + " is already charged (VM_BUG_ON in commit_charge)");
        }
        cpu.endTask();
        cpu.setPc(anon ? ChargePc.ANON_COMMITTED : ChargePc.CACHE_COMMITTED);
    }

    /**
     * mem_cgroup_cancel_charge: give back a pending charge that will not be committed: the
     * anonymous fault found its pte filled by another thread (release), or the insertion found its
     * index taken (err_insert). The folio is then freed unowned. Never after a commit, never
     * after a failed try_charge.
     */
    public void CancelCharge() {
        cpu.requirePc("CancelCharge", ChargePc.ANON_CHARGED, ChargePc.CACHE_EEXIST);
        if (cpu.pc() == ChargePc.CACHE_EEXIST) cpu.held().unlock();
        mm.accounting().cancelCharge(cpu.chargeTo(), 1);
        cpu.endTask();
        index = -1;
        cpu.setPc(Pc.PUT);
    }

    // ------------------------------------------------------------------------------------------
    // Finishing the charging paths
    // ------------------------------------------------------------------------------------------

    /**
     * set_pte_at (today set_ptes), with the first mapcount of page_add_new_anon_rmap (today
     * folio_add_new_anon_rmap), whose PageAnon {@link #CommitCharge} has set: the fault's
     * reference becomes the mapping's. No statistic changes: an anonymous folio counted in its
     * memcg's anon at its commit.
     */
    public void MapAnon() {
        cpu.requirePc("MapAnon", ChargePc.ANON_COMMITTED);
        if (!cpu.held().firstMapping()) throw new AssertionError("a private anon folio was mapped by someone else: " + cpu.held());
        cpu.setHeld(null);
        cpu.setPc(Pc.IDLE);
    }

    /**
     * __add_to_page_cache_locked: under xa_lock, store the locked folio at its index, the cache
     * taking a reference; the charge stays pending until CommitCharge. If the index was filled
     * meanwhile (-EEXIST), the charge is cancelled next.
     *
     * @return whether the folio entered the cache
     */
    public boolean AddToCache() {
        cpu.requirePc("AddToCache", ChargePc.CACHE_CHARGED);
        PageCache pcache = mm.cache();
        Folio f = cpu.held();
        boolean added = pcache.locked(() -> {
            if (pcache.slot(index) != null) return false;
            f.get();
            pcache.store(index, f);
            return true;
        });
        cpu.setPc(added ? ChargePc.CACHE_INSERTED : ChargePc.CACHE_EEXIST);
        index = -1;
        return added;
    }

    /** unlock_page when the read completes; the CPU then drops its allocation reference. */
    public void UnlockPage() {
        cpu.requirePc("UnlockPage", ChargePc.CACHE_COMMITTED);
        cpu.held().unlock();
        cpu.setPc(Pc.PUT);
    }

    // ------------------------------------------------------------------------------------------
    // Using pages without charging them
    // ------------------------------------------------------------------------------------------

    /**
     * Another mapping of folio p: fork's copy of a pte of a mapped folio, or a fault on a cached,
     * unlocked folio. Takes a reference (speculatively first, so that a folio being freed is never
     * mapped), then the mapping. No charge. The first mapping of a file folio counts it in its
     * memcg's file_mapped (page_add_file_rmap: {@link Rmap#pageAddFirstRmap}); which CPU makes
     * the first mapping is decided by the mapcount's CAS, so two CPUs mapping one folio count it
     * once.
     */
    public void Map(Folio p) {
        cpu.requirePc("Map", Pc.IDLE);
        if (!p.tryGet()) throw cpu.refuse("Map", p + " is free");
        int bound = mm.mapcountBound(p);
        if (p.dupMapping(bound)) return;
        PageCache pcache = mm.cache();
        // Under xa_lock the folio cannot leave the cache, and removal checks mapcount under it.
        boolean mapped = pcache.locked(() -> {
            if (!pcache.containsLocked(p) || p.locked()) return false;
            for (int m = p.mapcount(); m < bound; m = p.mapcount()) {
                if (m == 0 ? Rmap.pageAddFirstRmap(p) : p.dupMapping(bound)) return true;
            }
            return false;
        });
        if (mapped) return;
        Mm.putSpeculative(p);
        throw cpu.refuse("Map", p + " is neither mapped nor an unlocked cache folio, or is at the mapcount bound");
    }

    /**
     * zap_pte_range: one mapping of p goes (page_remove_rmap: {@link Rmap#pageRemoveRmap}; the
     * last mapping of a file folio takes it out of its memcg's file_mapped); its reference moves
     * to this CPU (the mmu_gather batch), to be dropped by the next step. Nothing is uncharged at
     * unmap.
     */
    public void Unmap(Folio p) {
        cpu.requirePc("Unmap", Pc.IDLE);
        if (Rmap.pageRemoveRmap(p) < 0) throw cpu.refuse("Unmap", p + " is not mapped");
        cpu.setHeld(p);
        cpu.setPc(Pc.PUT);
    }

    /** get_page_unless_zero (today folio_try_get): a speculative reference; fails on a free folio. */
    public void GetPage(Folio p) {
        cpu.requirePc("GetPage", Pc.IDLE);
        if (!p.tryGet()) throw cpu.refuse("GetPage", p + " is free");
        cpu.setHeld(p);
        cpu.setPc(Pc.PUT);
    }

    /**
     * delete_from_page_cache (today filemap_remove_folio) from truncation: under xa_lock, with the
     * folio locked (trylock: a folio whose read is in flight is skipped), an unmapped folio leaves
     * index i; the cache's reference is now this CPU's to drop. No uncharge here.
     */
    public void DeleteFromCache(int i) {
        cpu.requirePc("DeleteFromCache", Pc.IDLE);
        PageCache pcache = mm.cache();
        Folio f = pcache.locked(() -> {
            Folio g = pcache.slot(i);
            if (g == null) throw cpu.refuse("DeleteFromCache", "index " + i + " is empty");
            if (!g.trylock()) throw cpu.refuse("DeleteFromCache", g + " is locked");
            try {
                if (g.mapcount() != 0) throw cpu.refuse("DeleteFromCache", g + " is mapped");
                pcache.store(i, null);
            } finally {
                g.unlock();
            }
            return g;
        });
        cpu.setHeld(f);
        cpu.setPc(Pc.PUT);
    }

    /** folio_put of a reference that is not the last one. */
    public void PutPage() {
        cpu.requirePc("PutPage", Pc.PUT);
        if (!cpu.held().putNotLast()) throw cpu.refuse("PutPage", "this is the last reference of " + cpu.held() + ": Uncharge");
        cpu.setHeld(null);
        cpu.setPc(Pc.IDLE);
    }

    /**
     * The final folio_put: refcount 1 -> 0, then mem_cgroup_uncharge (nobody else can see the
     * folio, so no lock; the owner's charge and its anon or file statistic go, uncharge_batch) and
     * back to the allocator, which clears PageAnon.
     */
    public void Uncharge() {
        cpu.requirePc("Uncharge", Pc.PUT);
        if (!cpu.held().putLast()) throw cpu.refuse("Uncharge", cpu.held() + " has other references: PutPage");
        Memcontrol.uncharge(cpu.held());
        cpu.held().release();
        cpu.setHeld(null);
        cpu.setPc(Pc.IDLE);
    }


    @Override
    public String toString() {
        return cpu.toString();
    }
}
