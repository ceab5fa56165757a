package memcgspec.impl;

import java.util.List;

/**
 * One CPU running the mm paths that charge and free pages, step by step.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step of the protocol
 * and carries the name of the TLA+ action it implements (spec/Charge.tla, spec/Swap.tla), so that the spec, the
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
    /** The swap slot this CPU works on, or -1. */
    private int slot = -1;

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

    public int slot() {
        return slot;
    }

    void copyFrom(Cpu o) {
        pc = o.pc;
        held = o.held == null ? null : mm.folio(o.held.id());
        chargeTo = o.chargeTo == null ? null : mm.memcg(o.chargeTo.id());
        index = o.index;
        slot = o.slot;
    }

    /**
     * The CPU starts charging for a task of memcg m: refused if m is not online (a removed memcg
     * has no tasks); the CPU holds a css reference on m and counts as one of its chargers (which
     * {@link Mm#Offline} waits for) until {@link #endTask}.
     */
    private void beginTask(String step, MemCgroup m) {
        requireTaskMemcg(step, m);
        if (!m.tryEnterTask()) throw refuse(step, m + " is not online");
        chargeTo = m;
    }

    /** The CPU is done charging for its task: chargeTo cleared, the css reference dropped. */
    private void endTask() {
        MemCgroup m = chargeTo;
        chargeTo = null;
        m.leaveTask();
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
        beginTask("AllocAnon", m);
        if (!p.allocate()) {
            endTask();
            throw refuse("AllocAnon", p + " is not free");
        }
        held = p;
        pc = Pc.ANON_ALLOC;
    }

    /**
     * page_cache_alloc + __SetPageLocked (add_to_page_cache_lru) for index i of the file, after a
     * lookup found nothing there: folio p, locked before anyone can find it.
     */
    public void AllocCache(Folio p, MemCgroup m, int i) {
        requirePc("AllocCache", Pc.IDLE);
        requireTaskMemcg("AllocCache", m);
        if (!m.online()) throw refuse("AllocCache", m + " is not online");
        PageCache pcache = mm.cache();
        pcache.xaLock.lock();
        try {
            if (pcache.slot(i) != null) throw refuse("AllocCache", "index " + i + " is already cached");
        } finally {
            pcache.xaLock.unlock();
        }
        beginTask("AllocCache", m);
        if (!p.allocate()) {
            endTask();
            throw refuse("AllocCache", p + " is not free");
        }
        p.setLockedNew();
        held = p;
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
        MemCgroup over = Memcontrol.tryCharge(chargeTo, 1, mm.v1());
        if (over == null) {
            pc = pc == Pc.ANON_ALLOC ? Pc.ANON_CHARGED : Pc.CACHE_CHARGED;
            return true;
        }
        if (pc == Pc.CACHE_ALLOC) held.unlock();
        endTask();
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
        if (!Memcontrol.commitCharge(held, chargeTo, mm.v1())) {
            throw refuse("CommitCharge", held + " is already charged (VM_BUG_ON in commit_charge)");
        }
        endTask();
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
        Memcontrol.cancelCharge(chargeTo, 1, mm.v1());
        endTask();
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
        if (bound != Integer.MAX_VALUE) {
            // The model's bound is on the ptes of the folio and of its slot together.
            int s = mm.swap().slotOf(p);
            if (s >= 0) bound -= mm.swap().count(s);
        }
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
        dropSpeculative(p);
        throw refuse("Map", p + " is neither mapped nor an unlocked cache folio, or is at the mapcount bound");
    }

    /**
     * Gives back a speculative reference. Under concurrency everybody else may have let go
     * meanwhile, making ours the final put; and a folio_try_get may take a new reference at any
     * moment until the count is 0, so "last" must be decided by the CAS itself
     * (folio_put_testzero), retrying when it fails.
     */
    private static void dropSpeculative(Folio p) {
        for (;;) {
            if (p.putNotLast()) return;
            if (p.putLast()) {
                Memcontrol.uncharge(p);
                p.release();
                return;
            }
        }
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
    // Swap (spec/Swap.tla)
    // ------------------------------------------------------------------------------------------

    /** Where a CPU goes after dropping a use of slot s: free it if it is dead, else put or idle. */
    private void afterDrop(int s, boolean dead) {
        if (dead) {
            slot = s;
            pc = Pc.SLOT_FREE;
        } else {
            slot = -1;
            pc = held != null ? Pc.PUT : Pc.IDLE;
        }
    }

    /**
     * isolate_lru_pages + trylock_page (shrink_page_list): reclaim takes a charged anon folio (mapped,
     * or in the swap cache; not a page-cache folio) with an isolation reference and its lock.
     */
    public void Reclaim(Folio p) {
        requirePc("Reclaim", Pc.IDLE);
        if (!p.tryGet()) throw refuse("Reclaim", p + " is free");
        // Only a folio on an LRU may be locked here: one that is charged (a folio joins an LRU
        // after its charge). A new folio (a swap-in's, a page-cache insertion's) is locked with a
        // plain store, __folio_set_locked, before it is charged: a trylock and unlock of ours in
        // between would take that lock away from its owner. So test first, lock next, test again.
        if (p.memcg() == null) {
            dropSpeculative(p);
            throw refuse("Reclaim", p + " is not a charged anon folio on an LRU");
        }
        if (!p.trylock()) {
            dropSpeculative(p);
            throw refuse("Reclaim", p + " is locked");
        }
        int s = mm.swap().slotOf(p);
        if (p.memcg() == null || mm.cache().contains(p) || (p.mapcount() == 0 && s < 0)) {
            p.unlock();
            dropSpeculative(p);
            throw refuse("Reclaim", p + " is not a charged anon folio on an LRU");
        }
        held = p;
        slot = s;
        pc = Pc.RECLAIM;
    }

    /**
     * add_to_swap: allocate free slot s (SWAP_HAS_CACHE, count 0) and add the locked folio to the
     * swap cache, which takes a reference. On cgroup v2 mem_cgroup_try_charge_swap records the
     * slot to the folio's memcg or its nearest online ancestor and charges its swap counter; when
     * swap.max forbids it, nothing changes on the device and reclaim puts the folio back, unlocked.
     *
     * @return whether the folio entered the swap cache
     */
    public boolean AddToSwap(int s) {
        requirePc("AddToSwap", Pc.RECLAIM);
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            if (dev.slotOfLocked(held) >= 0) throw refuse("AddToSwap", held + " is in the swap cache already");
            if (dev.allocatedLocked(s)) throw refuse("AddToSwap", "slot " + s + " is in use");
            MemCgroup rec = null;
            if (!mm.v1()) {
                rec = Memcontrol.tryChargeSwap(held);
                if (rec == null) {
                    held.unlock();
                    pc = Pc.PUT;
                    return false;
                }
            }
            dev.setAllocated(s, true);
            dev.setHasCache(s, true);
            dev.setCached(s, held);
            dev.setRecord(s, rec);
            held.get();
            slot = s;
            return true;
        } finally {
            dev.lock.unlock();
        }
    }

    /**
     * try_to_unmap_one: one pte of the folio becomes its swap entry (swap_duplicate), and the
     * mapping's reference is dropped (the swap cache holds one, so it is not the last).
     */
    public void TryToUnmap() {
        requirePc("TryToUnmap", Pc.RECLAIM);
        if (slot < 0) throw refuse("TryToUnmap", held + " has no slot");
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            if (!held.dropMapping()) throw refuse("TryToUnmap", held + " is not mapped");
            dev.setCount(slot, dev.countLocked(slot) + 1);
        } finally {
            dev.lock.unlock();
        }
        if (!held.putNotLast()) throw new AssertionError("the mapping's reference was the last of a swap-cache folio: " + held);
    }

    /**
     * __remove_mapping on a swap-cache folio: page_ref_freeze succeeds only with exactly the swap
     * cache's and the reclaimer's references and no mapping. Then __delete_from_swap_cache;
     * mem_cgroup_swapout (v1: record the memcg or its nearest online ancestor and move the memsw
     * part of the charge to the slot; v2 recorded at allocation); put_swap_page clears
     * SWAP_HAS_CACHE, which kills the slot when no pte holds it. The folio is unlocked; its last
     * reference, the reclaimer's, is dropped next.
     */
    public void SwapOut() {
        requirePc("SwapOut", Pc.RECLAIM);
        if (slot < 0) throw refuse("SwapOut", held + " has no slot");
        SwapDevice dev = mm.swap();
        boolean dead;
        dev.lock.lock();
        try {
            if (held.mapcount() != 0) throw refuse("SwapOut", held + " is mapped");
            if (!held.freezeDrop(2)) throw refuse("SwapOut", held + " has other references (freeze fails)");
            dev.setCached(slot, null);
            dev.setHasCache(slot, false);
            if (mm.v1()) {
                if (dev.recordLocked(slot) != null) throw new AssertionError("swap-out to a recorded slot " + slot);
                dev.setRecord(slot, Memcontrol.swapout(held));
            }
            dead = dev.countLocked(slot) == 0;
        } finally {
            dev.lock.unlock();
        }
        held.unlock();
        afterDrop(slot, dead);
    }

    /**
     * shrink_page_list gives up (keep_locked / activate_locked): swap is full for a folio not in
     * the swap cache, or the freeze of an unmapped swap-cache folio fails. The folio is unlocked;
     * the isolation reference is dropped next.
     */
    public void ReclaimAbort() {
        requirePc("ReclaimAbort", Pc.RECLAIM);
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            boolean inSwap = dev.slotOfLocked(held) >= 0;
            boolean full = !inSwap && dev.freeSlotLocked() < 0;
            boolean frozenOut = inSwap && held.mapcount() == 0 && held.refcount() != 2;
            if (!full && !frozenOut) throw refuse("ReclaimAbort", "reclaim of " + held + " can go on");
        } finally {
            dev.lock.unlock();
        }
        held.unlock();
        slot = -1;
        pc = Pc.PUT;
    }

    /**
     * lookup_swap_cache for a fault on a pte holding slot s: a folio in the swap cache, with a
     * reference (the cache's keeps it from being freed).
     */
    public void SwapinHit(int s) {
        requirePc("SwapinHit", Pc.IDLE);
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            if (dev.countLocked(s) == 0) throw refuse("SwapinHit", "no pte holds slot " + s);
            Folio f = dev.cachedLocked(s);
            if (f == null) throw refuse("SwapinHit", "slot " + s + " has no swap-cache folio");
            f.get();
            held = f;
        } finally {
            dev.lock.unlock();
        }
        slot = s;
        pc = Pc.SWAPIN_HIT;
    }

    /**
     * alloc_page_vma after a swap-cache miss on slot s, for a fault of a task in online memcg m:
     * folio p, private to this CPU.
     */
    public void SwapinAlloc(int s, Folio p, MemCgroup m) {
        requirePc("SwapinAlloc", Pc.IDLE);
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            if (dev.countLocked(s) == 0) throw refuse("SwapinAlloc", "no pte holds slot " + s);
            if (dev.cachedLocked(s) != null) throw refuse("SwapinAlloc", "slot " + s + " has a swap-cache folio");
        } finally {
            dev.lock.unlock();
        }
        beginTask("SwapinAlloc", m);
        if (!p.allocate()) {
            endTask();
            throw refuse("SwapinAlloc", p + " is not free");
        }
        held = p;
        slot = s;
        pc = Pc.SWAPIN_ALLOC;
    }

    /**
     * swapcache_prepare: take SWAP_HAS_CACHE of the slot; on -EEXIST (another CPU holds it) or
     * -ENOENT (no pte holds the slot any more) the new folio is freed, unowned (the kernel's retry
     * is a new fault). On success the folio is locked and only this CPU may add a folio for the
     * slot to the swap cache.
     *
     * @return whether SWAP_HAS_CACHE was taken
     */
    public boolean SwapcachePrepare() {
        requirePc("SwapcachePrepare", Pc.SWAPIN_ALLOC);
        SwapDevice dev = mm.swap();
        boolean ok;
        dev.lock.lock();
        try {
            ok = !dev.hasCacheLocked(slot) && dev.countLocked(slot) > 0;
            if (ok) dev.setHasCache(slot, true);
        } finally {
            dev.lock.unlock();
        }
        if (ok) {
            held.setLockedNew();
            pc = Pc.SWAPIN_PREPARED;
        } else {
            endTask();
            slot = -1;
            pc = Pc.PUT;
        }
        return ok;
    }

    /**
     * mem_cgroup_swapin_charge_folio: charge the new folio before it enters the swap cache, to the
     * memcg recorded for the slot if it is online (css_tryget_online), else to the faulting task's;
     * try_charge and commit_charge in one step (the folio is private and locked). On v1 the charge
     * covers memsw. On failure the fault gives SWAP_HAS_CACHE back next.
     *
     * @return whether the charge succeeded
     */
    public boolean SwapInCharge() {
        requirePc("SwapInCharge", Pc.SWAPIN_PREPARED);
        MemCgroup r = mm.swap().record(slot);
        MemCgroup t = r != null && r.online() ? r : chargeTo;
        boolean ok = Memcontrol.tryCharge(t, 1, mm.v1()) == null;
        if (ok && !Memcontrol.commitCharge(held, t, mm.v1())) {
            throw new AssertionError("a new swap-in folio was already charged: " + held);
        }
        endTask();
        pc = ok ? Pc.SWAPIN_CHARGED : Pc.SWAPIN_NOMEM;
        return ok;
    }

    /**
     * add_to_swap_cache: the charged, locked folio enters the swap cache for its slot (ours alone:
     * we hold SWAP_HAS_CACHE), which takes a reference.
     */
    public void AddToSwapCache() {
        requirePc("AddToSwapCache", Pc.SWAPIN_CHARGED);
        SwapDevice dev = mm.swap();
        dev.lock.lock();
        try {
            if (dev.cachedLocked(slot) != null) throw new AssertionError("slot " + slot + " has a swap-cache folio though we hold SWAP_HAS_CACHE");
            held.get();
            dev.setCached(slot, held);
        } finally {
            dev.lock.unlock();
        }
        pc = mm.v1() ? Pc.SWAPIN_ADDED : Pc.SWAPIN_READ;
    }

    /**
     * mem_cgroup_swapin_uncharge_swap (cgroup v1): the folio's charge covers memory+swap now, so
     * the slot's record is cleared and its memsw charge and reference dropped.
     */
    public void SwapinUnchargeSwap() {
        requirePc("SwapinUnchargeSwap", Pc.SWAPIN_ADDED);
        SwapDevice dev = mm.swap();
        MemCgroup r;
        dev.lock.lock();
        try {
            r = dev.recordLocked(slot);
            dev.setRecord(slot, null);
        } finally {
            dev.lock.unlock();
        }
        Memcontrol.unchargeSwap(r, true);
        pc = Pc.SWAPIN_READ;
    }

    /**
     * The rest of do_swap_page, under the folio lock (held already after a read; taken after a
     * swap-cache hit, refused while another CPU holds it) and the pte lock: if the pte still holds
     * the entry and the folio is still the slot's swap-cache folio, map it and swap_free the entry;
     * else drop the reference. No charge here.
     *
     * @return whether the folio was mapped
     */
    public boolean SwapinMap() {
        requirePc("SwapinMap", Pc.SWAPIN_READ, Pc.SWAPIN_HIT);
        if (pc == Pc.SWAPIN_HIT && !held.trylock()) throw refuse("SwapinMap", held + " is locked");
        SwapDevice dev = mm.swap();
        boolean mapped;
        dev.lock.lock();
        try {
            mapped = dev.cachedLocked(slot) == held && dev.countLocked(slot) > 0;
            if (mapped) {
                held.addMapping();
                dev.setCount(slot, dev.countLocked(slot) - 1);
            }
        } finally {
            dev.lock.unlock();
        }
        held.unlock();
        slot = -1;
        if (mapped) {
            held = null;
            pc = Pc.IDLE;
        } else {
            pc = Pc.PUT;
        }
        return mapped;
    }

    /**
     * put_swap_page (swapcache_free) after a failed swap-in charge: SWAP_HAS_CACHE given back and
     * the folio unlocked; the slot is freed first if no pte holds it any more.
     */
    public void SwapcacheFree() {
        requirePc("SwapcacheFree", Pc.SWAPIN_NOMEM);
        SwapDevice dev = mm.swap();
        boolean dead;
        dev.lock.lock();
        try {
            dev.setHasCache(slot, false);
            dead = dev.countLocked(slot) == 0;
        } finally {
            dev.lock.unlock();
        }
        held.unlock();
        afterDrop(slot, dead);
    }

    /**
     * free_swap_and_cache from zap_pte_range on a swap pte: one count of slot s dropped; if that was
     * the last use (no SWAP_HAS_CACHE), this CPU frees the slot next.
     */
    public void FreeSwapAndCache(int s) {
        requirePc("FreeSwapAndCache", Pc.IDLE);
        SwapDevice dev = mm.swap();
        boolean dead;
        dev.lock.lock();
        try {
            int c = dev.countLocked(s);
            if (c == 0) throw refuse("FreeSwapAndCache", "no pte holds slot " + s);
            dev.setCount(s, c - 1);
            dead = dev.deadLocked(s);
        } finally {
            dev.lock.unlock();
        }
        afterDrop(s, dead);
    }

    /**
     * try_to_free_swap / delete_from_swap_cache: a swap-cache folio whose slot no pte holds leaves
     * the swap cache, under its lock (trylock), and put_swap_page clears SWAP_HAS_CACHE, killing
     * the slot; the cache's reference is this CPU's to drop after it frees the slot. The folio keeps
     * its charge.
     */
    public void DeleteFromSwapCache(int s) {
        requirePc("DeleteFromSwapCache", Pc.IDLE);
        SwapDevice dev = mm.swap();
        Folio f;
        dev.lock.lock();
        try {
            f = dev.cachedLocked(s);
            if (f == null) throw refuse("DeleteFromSwapCache", "slot " + s + " has no swap-cache folio");
            if (dev.countLocked(s) != 0) throw refuse("DeleteFromSwapCache", "a pte holds slot " + s);
            if (!f.trylock()) throw refuse("DeleteFromSwapCache", f + " is locked");
            dev.setCached(s, null);
            dev.setHasCache(s, false);
            f.unlock();
        } finally {
            dev.lock.unlock();
        }
        held = f;
        slot = s;
        pc = Pc.SLOT_FREE;
    }

    /**
     * swap_entry_free: the dead slot is freed: mem_cgroup_uncharge_swap clears its record,
     * uncharges the recorded memcg (swap on v2, memsw on v1) and drops the record's reference.
     */
    public void SwapSlotFree() {
        requirePc("SwapSlotFree", Pc.SLOT_FREE);
        SwapDevice dev = mm.swap();
        MemCgroup r;
        dev.lock.lock();
        try {
            if (!dev.deadLocked(slot)) throw new AssertionError("freeing slot " + slot + " which is in use");
            r = dev.recordLocked(slot);
            dev.setRecord(slot, null);
            dev.setAllocated(slot, false);
        } finally {
            dev.lock.unlock();
        }
        Memcontrol.unchargeSwap(r, mm.v1());
        slot = -1;
        pc = held != null ? Pc.PUT : Pc.IDLE;
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
        if (!m.tryEnterTask()) return null;
        chargeTo = m;
        Folio f = mm.allocFolio(id * 7919 + (int) System.nanoTime());
        if (f == null) {
            endTask();
            return null;
        }
        held = f;
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
        if (!m.tryEnterTask()) return false;
        chargeTo = m;
        Folio f = mm.allocFolio(id * 104729 + i);
        if (f == null) {
            endTask();
            return false;
        }
        f.setLockedNew();
        held = f;
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

    // ------------------------------------------------------------------------------------------
    // Whole swap paths, for threads
    // ------------------------------------------------------------------------------------------

    /** What {@link #reclaimAnon} did with the folio. */
    public enum ReclaimResult {
        /** Not reclaimable now (free, locked, not a charged anon folio on an LRU): nothing done. */
        SKIPPED,
        /** Swapped out: the folio left the swap cache, its ptes are swap entries of its slot. */
        SWAPPED_OUT,
        /** cgroup v2: mem_cgroup_try_charge_swap failed against swap.max; the folio stays. */
        SWAP_MAX,
        /** No free slot (swap full); the folio stays. */
        SWAP_FULL,
        /** Kept (activate_locked): the freeze failed, someone else holds a reference. */
        KEPT
    }

    /**
     * shrink_page_list on one anon folio: Reclaim (isolate and lock), AddToSwap to a free slot
     * unless the folio is in the swap cache already (ReclaimAbort when swap is full), TryToUnmap
     * until no pte maps it, then SwapOut, or ReclaimAbort when the freeze fails; SwapSlotFree when
     * the swap-out killed the slot; finally the put of the isolation reference. Steps refused
     * because another thread changed the state meanwhile are retried from what the state is now;
     * the CPU always ends idle.
     */
    public ReclaimResult reclaimAnon(Folio f) {
        requirePc("reclaimAnon", Pc.IDLE);
        try {
            Reclaim(f);
        } catch (StepRefused notReclaimable) {
            return ReclaimResult.SKIPPED;
        }
        SwapDevice dev = mm.swap();
        if (slot < 0) {
            for (;;) {
                int s;
                dev.lock.lock();
                try {
                    s = dev.freeSlotLocked();
                } finally {
                    dev.lock.unlock();
                }
                if (s < 0) {
                    try {
                        ReclaimAbort();
                        put();
                        return ReclaimResult.SWAP_FULL;
                    } catch (StepRefused slotFreedMeanwhile) {
                        continue;
                    }
                }
                try {
                    if (!AddToSwap(s)) {
                        put();
                        return ReclaimResult.SWAP_MAX;
                    }
                    break;
                } catch (StepRefused slotTakenMeanwhile) {
                    // another CPU allocated s: look again
                }
            }
        }
        for (;;) {
            if (held.mapcount() > 0) {
                try {
                    TryToUnmap();
                } catch (StepRefused unmappedMeanwhile) {
                    // a zap took the last pte first
                }
                continue;
            }
            try {
                SwapOut();
                break;
            } catch (StepRefused frozenOut) {
                // mapped again (fork of a pte), or another reference: decide again
            }
            try {
                ReclaimAbort();
                put();
                return ReclaimResult.KEPT;
            } catch (StepRefused changedMeanwhile) {
                // the other reference went away: try the swap-out again
            }
        }
        if (pc == Pc.SLOT_FREE) SwapSlotFree();
        put();
        return ReclaimResult.SWAPPED_OUT;
    }

    /** What {@link #swapIn} did. */
    public enum SwapinResult {
        /** No pte holds the slot (any more): nothing to fault in. */
        NO_ENTRY,
        /** Mapped a folio found in the swap cache. */
        MAPPED_HIT,
        /** Read a new folio into the swap cache and mapped it. */
        MAPPED_READ,
        /** Faulted, but the entry was gone by the time the folio could be mapped (another thread mapped or zapped it). */
        LOST_RACE,
        /** The charge failed (-ENOMEM): the folio was freed, the entry stays. */
        NOMEM,
        /** No free page frame, or the task's memcg is not online. */
        NO_PAGE
    }

    /** A free folio, scanning from a hint (racy: the step that allocates it decides). */
    private Folio freeFolioFrom(int hint) {
        List<Folio> fs = mm.folios();
        for (int k = 0; k < fs.size(); k++) {
            Folio f = fs.get(Math.floorMod(hint + k, fs.size()));
            if (f.isFree()) return f;
        }
        return null;
    }

    /**
     * do_swap_page for a pte holding slot s, for a task of memcg m: SwapinHit and SwapinMap when
     * the slot has a swap-cache folio; else SwapinAlloc, SwapcachePrepare (on -EEXIST the fault
     * starts over, as the kernel's loop back to the swap-cache lookup does), SwapInCharge (on
     * failure SwapcacheFree, and SwapSlotFree if the slot died meanwhile), AddToSwapCache,
     * SwapinUnchargeSwap (v1), SwapinMap; the put of a folio that was not mapped. The CPU always
     * ends idle.
     */
    public SwapinResult swapIn(int s, MemCgroup m) {
        requirePc("swapIn", Pc.IDLE);
        requireTaskMemcg("swapIn", m);
        SwapDevice dev = mm.swap();
        int hint = id * 7919 + s * 31;
        for (;;) {
            if (dev.count(s) == 0) return SwapinResult.NO_ENTRY;
            boolean hit;
            try {
                SwapinHit(s);
                hit = true;
            } catch (StepRefused miss) {
                hit = false;
            }
            if (hit) {
                for (;;) {
                    try {
                        if (SwapinMap()) return SwapinResult.MAPPED_HIT;
                        put();
                        return SwapinResult.LOST_RACE;
                    } catch (StepRefused lockedByOther) {
                        Thread.onSpinWait(); // lock_page: wait for the reader or the reclaimer
                    }
                }
            }
            if (!m.online()) return SwapinResult.NO_PAGE;
            Folio p = freeFolioFrom(hint++);
            if (p == null) return SwapinResult.NO_PAGE;
            try {
                SwapinAlloc(s, p, m);
            } catch (StepRefused changed) {
                continue; // entry gone, a folio entered the swap cache, p was taken, or m went offline: look again
            }
            if (!SwapcachePrepare()) {
                put();
                Thread.onSpinWait(); // -EEXIST: another CPU adds or removes the slot's folio; -ENOENT: the entry is gone
                continue;
            }
            if (!SwapInCharge()) {
                SwapcacheFree();
                if (pc == Pc.SLOT_FREE) SwapSlotFree();
                put();
                return SwapinResult.NOMEM;
            }
            AddToSwapCache();
            if (pc == Pc.SWAPIN_ADDED) SwapinUnchargeSwap();
            if (SwapinMap()) return SwapinResult.MAPPED_READ;
            put();
            return SwapinResult.LOST_RACE;
        }
    }

    /**
     * zap_pte_range on a swap pte of slot s: free_swap_and_cache drops one count (FreeSwapAndCache),
     * SwapSlotFree if that killed the slot; if only the swap-cache folio is left, try to free it
     * (__try_to_reclaim_swap, a trylock that may fail).
     *
     * @return false when no pte holds slot s
     */
    public boolean zapSwap(int s) {
        requirePc("zapSwap", Pc.IDLE);
        try {
            FreeSwapAndCache(s);
        } catch (StepRefused noPte) {
            return false;
        }
        if (pc == Pc.SLOT_FREE) {
            SwapSlotFree();
        } else {
            freeSwapCache(s);
        }
        return true;
    }

    /**
     * try_to_free_swap of slot s: DeleteFromSwapCache of a swap-cache folio no pte needs any more,
     * SwapSlotFree of the slot that killed, and the put of the cache's reference.
     *
     * @return false when the step was not enabled (no such folio, a pte holds the slot, or the folio is locked)
     */
    public boolean freeSwapCache(int s) {
        requirePc("freeSwapCache", Pc.IDLE);
        try {
            DeleteFromSwapCache(s);
        } catch (StepRefused notNow) {
            return false;
        }
        SwapSlotFree();
        put();
        return true;
    }

    @Override
    public String toString() {
        return "cpu" + id + "[" + pc.spec() + (held != null ? ", " + held : "") + "]";
    }
}
