package memcgspec.impl;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A page frame (struct folio of order 0): reference count, map count, the memcg it is charged to
 * (folio->memcg_data), the page lock (PG_locked) and PageAnon.
 *
 * <p>The fields are atomics; the protocol, not a folio-wide lock, makes their combinations
 * consistent, as in the kernel: the owner is set only while the folio is invisible to other paths
 * and cleared only after its refcount reached zero.
 */
public final class Folio {
    private final int id;
    private final AtomicInteger refcount = new AtomicInteger();
    private final AtomicInteger mapcount = new AtomicInteger();
    private final AtomicReference<MemCgroup> memcg = new AtomicReference<>();
    private final AtomicBoolean locked = new AtomicBoolean();
    /**
     * PageAnon (folio_test_anon): page->mapping points at an anon_vma. Set by the anonymous
     * fault's page_add_new_anon_rmap, before its commit_charge; cleared when the folio is freed
     * (page->mapping = NULL).
     */
    private final AtomicBoolean anon = new AtomicBoolean();
    /** True while the folio sits in the page allocator's free lists. */
    private final AtomicBoolean inAllocator = new AtomicBoolean(true);
    /**
     * Isolated from its LRU by reclaim or migration: the kernel's cleared PG_lru, which
     * folio_isolate_lru test-and-clears so that of two isolators exactly one wins.
     */
    private final AtomicBoolean isolated = new AtomicBoolean();
    /** Migration entries pointing at this folio: ptes that try_to_migrate replaced, not yet remapped or zapped. */
    private final AtomicInteger migrationEntries = new AtomicInteger();

    /** The machine's write log, when an engine installed one ({@link Mm#track}). */
    private Touches touches;

    Folio(int id) {
        this.id = id;
    }

    void track(Touches t) {
        touches = t;
    }

    /** Logs a write of this folio (every write method calls it first). */
    private void touched() {
        Touches t = touches;
        if (t != null) t.logFolio(id);
    }

    public int id() {
        return id;
    }

    public int refcount() {
        return refcount.get();
    }

    public int mapcount() {
        return mapcount.get();
    }

    /** folio_memcg: the memcg this folio is charged to, or null. */
    public MemCgroup memcg() {
        return memcg.get();
    }

    public boolean locked() {
        return locked.get();
    }

    /** PageAnon (folio_test_anon). */
    public boolean anon() {
        return anon.get();
    }

    public boolean isFree() {
        return inAllocator.get();
    }

    // --- page allocator ---

    /** Takes the folio out of the free lists (refcount 0 -> 1); false if it was not free. */
    public boolean allocate() {
        touched();
        if (!inAllocator.compareAndSet(true, false)) return false;
        refcount.set(1);
        return true;
    }

    /** Back to the free lists, after the final put (and its uncharge): PageAnon is cleared. */
    public void release() {
        touched();
        anon.set(false);
        inAllocator.set(true);
    }

    // --- references ---

    /** folio_try_get: +1 unless the count is zero (a freed folio is never resurrected). */
    public boolean tryGet() {
        touched();
        for (;;) {
            int r = refcount.get();
            if (r == 0) return false;
            if (refcount.compareAndSet(r, r + 1)) return true;
        }
    }

    public void get() {
        touched();
        refcount.incrementAndGet();
    }

    /** Drops a reference that is not the last one; false (and no change) if it is the last. */
    public boolean putNotLast() {
        touched();
        for (;;) {
            int r = refcount.get();
            if (r <= 1) return false;
            if (refcount.compareAndSet(r, r - 1)) return true;
        }
    }

    /** folio_put_testzero for the last reference: 1 -> 0; false (and no change) otherwise. */
    public boolean putLast() {
        touched();
        return refcount.compareAndSet(1, 0);
    }

    // --- mappings ---

    /** +1 mapping of an already mapped folio, if below {@code bound}. */
    public boolean dupMapping(int bound) {
        touched();
        for (;;) {
            int m = mapcount.get();
            if (m == 0 || m >= bound) return false;
            if (mapcount.compareAndSet(m, m + 1)) return true;
        }
    }

    /**
     * The first mapping (0 -> 1); false if already mapped. One CAS decides it (page_add_file_rmap's
     * atomic_inc_and_test(&page->_mapcount)): of two CPUs mapping a folio, exactly one makes the
     * first mapping.
     */
    public boolean firstMapping() {
        touched();
        return mapcount.compareAndSet(0, 1);
    }

    /** +1 mapping, mapped or not (a swap-in maps a folio whose only mappings are swap entries). */
    public void addMapping() {
        touched();
        mapcount.incrementAndGet();
    }

    /**
     * page_ref_freeze (folio_ref_freeze) for reclaim's __remove_mapping: succeeds only when the
     * folio has exactly {@code expected} references, and sets the count to 0. From then on
     * {@link #tryGet} fails; the folio is not back in the allocator until reclaim frees it
     * ({@link #release}).
     */
    public boolean freeze(int expected) {
        touched();
        Jitter.at(Jitter.Point.BEFORE_REF_FREEZE);
        return refcount.compareAndSet(expected, 0);
    }

    /** page_ref_unfreeze: a frozen folio's count becomes {@code count}. */
    public void unfreeze(int count) {
        touched();
        if (!refcount.compareAndSet(0, count)) throw new AssertionError("unfreeze of a folio that is not frozen: " + this);
    }

    /** -1 mapping; false (and no change) when not mapped. */
    public boolean dropMapping() {
        return removeMapping() >= 0;
    }

    /**
     * -1 mapping: the mapcount left, so 0 for the last mapping (page_remove_rmap's
     * atomic_add_negative(-1, &page->_mapcount)); -1 (and no change) when not mapped. One CAS
     * decides it: of two CPUs unmapping a folio, exactly one sees its last mapping go.
     */
    public int removeMapping() {
        touched();
        for (;;) {
            int m = mapcount.get();
            if (m == 0) return -1;
            if (mapcount.compareAndSet(m, m - 1)) return m - 1;
        }
    }

    // --- memcg_data ---

    /** Sets the owner of an uncharged folio; false if it already has one. */
    public boolean setMemcg(MemCgroup m) {
        touched();
        return memcg.compareAndSet(null, m);
    }

    /** Clears and returns the owner. */
    public MemCgroup clearMemcg() {
        touched();
        return memcg.getAndSet(null);
    }

    // --- PageAnon ---

    /**
     * page_add_new_anon_rmap's __page_set_anon_rmap (today folio_add_new_anon_rmap): the folio
     * becomes anonymous. Called on a folio private to its fault.
     */
    public void setAnon() {
        touched();
        anon.set(true);
    }

    /** Undoes {@link #setAnon} on a folio still private to its fault (a refused commit). */
    public void clearAnon() {
        touched();
        anon.set(false);
    }

    // --- isolation (PG_lru) ---

    /** folio_isolate_lru's folio_test_clear_lru: true for the one isolator that wins. */
    public boolean isolate() {
        touched();
        return isolated.compareAndSet(false, true);
    }

    /** folio_putback_lru (or the end of migration): the folio is no longer isolated. */
    public void putback() {
        touched();
        isolated.set(false);
    }

    public boolean isolated() {
        return isolated.get();
    }

    // --- migration entries ---

    public int migrationEntries() {
        return migrationEntries.get();
    }

    /** try_to_migrate: every mapping becomes a migration entry; returns how many (the caller holds the folio lock). */
    public int mappingsToMigrationEntries() {
        touched();
        int n = mapcount.getAndSet(0);
        migrationEntries.addAndGet(n);
        return n;
    }

    /** zap_pte_range on a migration entry: one entry goes; false (and no change) when there is none. */
    public boolean zapMigrationEntry() {
        touched();
        for (;;) {
            int n = migrationEntries.get();
            if (n == 0) return false;
            if (migrationEntries.compareAndSet(n, n - 1)) return true;
        }
    }

    /** remove_migration_ptes: takes the migration entries left (none may be zapped after this). */
    public int takeMigrationEntries() {
        touched();
        return migrationEntries.getAndSet(0);
    }

    /** remove_migration_pte: {@code n} mappings (and their references) added to this folio; returns the mapcount before. */
    public int addMappings(int n) {
        touched();
        refcount.addAndGet(n);
        return mapcount.getAndAdd(n);
    }

    /** Drops {@code n} references that are not the last (the ptes' references in try_to_migrate). */
    public void put(int n) {
        touched();
        if (refcount.addAndGet(-n) < 1) throw new AssertionError("put(" + n + ") dropped the last reference of " + this);
    }

    /** Sets PageAnon as a migration copies it (folio_migrate_mapping / folio_migrate_flags). */
    public void setAnonFrom(Folio src) {
        touched();
        anon.set(src.anon());
    }

    /**
     * mem_cgroup_migrate's commit_charge(new, memcg) and old->memcg_data = 0: the owner moves to
     * {@code dst} (unowned). Both folios are locked by the caller.
     */
    public MemCgroup transferMemcgTo(Folio dst) {
        touched();
        dst.touched();
        MemCgroup m = memcg.get();
        if (!dst.memcg.compareAndSet(null, m)) throw new AssertionError("mem_cgroup_migrate to an owned folio: " + dst);
        memcg.set(null);
        return m;
    }

    // --- PG_locked ---

    // Jitter points: after the lock is taken, before it is released.

    /** folio_trylock. */
    public boolean trylock() {
        touched();
        if (!locked.compareAndSet(false, true)) return false;
        Jitter.at(Jitter.Point.AFTER_LOCK_PAGE);
        return true;
    }

    /** __folio_set_locked: locking a new folio that nobody else can see. */
    public void setLockedNew() {
        touched();
        locked.set(true);
        Jitter.at(Jitter.Point.AFTER_LOCK_PAGE);
    }

    /** folio_unlock. */
    public void unlock() {
        touched();
        Jitter.at(Jitter.Point.BEFORE_UNLOCK_PAGE);
        locked.set(false);
    }

    /** Copies every field from another folio: for snapshots. */
    void copyFrom(Folio o, MemCgroup owner) {
        touched();
        refcount.set(o.refcount.get());
        mapcount.set(o.mapcount.get());
        memcg.set(owner);
        locked.set(o.locked.get());
        anon.set(o.anon.get());
        inAllocator.set(o.inAllocator.get());
        isolated.set(o.isolated.get());
        migrationEntries.set(o.migrationEntries.get());
    }

    @Override
    public String toString() {
        return "folio" + id + "[ref=" + refcount.get() + ", map=" + mapcount.get() + ", memcg=" + memcg.get()
                + (anon.get() ? ", anon" : "") + (locked.get() ? ", locked" : "") + (isolated.get() ? ", isolated" : "")
                + (migrationEntries.get() > 0 ? ", migration entries " + migrationEntries.get() : "") + "]";
    }
}
