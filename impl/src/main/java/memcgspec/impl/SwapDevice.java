package memcgspec.impl;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One swap device (struct swap_info_struct) with its swap cache and swap_cgroup records.
 *
 * <p>Per slot: whether it is in use (allocated by get_swap_page until swap_entry_free), the
 * swap_map count (page-table entries that hold the slot's swap entry), the SWAP_HAS_CACHE flag,
 * the swap-cache folio (the swap address space's xarray) and the swap_cgroup record (the memcg the
 * slot is charged to). The swap cache holds one reference on each folio in it.
 *
 * <p>Locking: one lock guards all of it. The kernel splits it (the swap device and cluster locks
 * for swap_map, the swap address space's xa_lock for the cache, swap_cgroup's lock or cmpxchg for
 * the records); every step here takes what it needs of those in one critical section, which is the
 * atomicity the spec gives it, so one coarser lock is a faithful (if less concurrent) refinement.
 * {@link Jitter} points stand before the lock is taken and after it is released.
 */
public final class SwapDevice {
    private final boolean[] allocated;
    private final int[] count;
    private final boolean[] hasCache;
    private final Folio[] cache;
    private final MemCgroup[] record;
    /** The device lock; see the class comment. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * How many times a slot was written (every setter and {@link #copyFrom} count), and the copy
     * {@link #slots} made at that count (null: none yet). Both under the lock.
     */
    private long writes;
    private Slots copy;
    private long copyAt = -1;

    SwapDevice(int slots) {
        allocated = new boolean[slots];
        count = new int[slots];
        hasCache = new boolean[slots];
        cache = new Folio[slots];
        record = new MemCgroup[slots];
    }

    public int size() {
        return count.length;
    }

    // --- observers (take the lock) ---

    public boolean allocated(int s) {
        return locked(() -> allocated[s]);
    }

    /** The swap_map count of slot s (without SWAP_HAS_CACHE). */
    public int count(int s) {
        return locked(() -> count[s]);
    }

    public boolean hasCache(int s) {
        return locked(() -> hasCache[s]);
    }

    /** The folio in the swap cache for slot s, or null. */
    public Folio cached(int s) {
        return locked(() -> cache[s]);
    }

    /** The swap_cgroup record of slot s, or null. */
    public MemCgroup record(int s) {
        return locked(() -> record[s]);
    }

    /** The slot whose swap-cache folio f is, or -1. */
    public int slotOf(Folio f) {
        return locked(() -> slotOfLocked(f));
    }

    /**
     * Every slot's fields read under ONE taking of the device lock (a consistent copy): for the
     * checkers, which read every slot after each step; per-slot observers take the lock each.
     */
    public Slots slots() {
        return locked(this::slotsLocked);
    }

    private Slots slotsLocked() {
        if (copyAt != writes) {
            copy = new Slots(allocated.clone(), count.clone(), hasCache.clone(), cache.clone(), record.clone());
            copyAt = writes;
        }
        return copy;
    }

    /**
     * A copy of every slot's fields (by slot), as {@link #slots()} read them under one lock. The
     * device hands the same copy to every caller until a slot is written: its arrays are read
     * only. Two copies are equal when their slots hold the same fields (the same folios and memcgs,
     * by identity).
     *
     * @param allocated in use (get_swap_page until swap_entry_free)
     * @param count the swap_map count (without SWAP_HAS_CACHE)
     * @param hasCache the SWAP_HAS_CACHE flag
     * @param cached the swap-cache folio, or null
     * @param record the swap_cgroup record, or null
     */
    public record Slots(boolean[] allocated, int[] count, boolean[] hasCache, Folio[] cached, MemCgroup[] record) {
        /** How many slots. */
        public int size() {
            return count.length;
        }

        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof Slots s && Arrays.equals(allocated, s.allocated) && Arrays.equals(count, s.count)
                    && Arrays.equals(hasCache, s.hasCache) && Arrays.equals(cached, s.cached) && Arrays.equals(record, s.record);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(count);
        }

        @Override
        public String toString() {
            return "Slots[allocated=" + Arrays.toString(allocated) + ", count=" + Arrays.toString(count) + ", hasCache="
                    + Arrays.toString(hasCache) + ", cached=" + Arrays.toString(cached) + ", record=" + Arrays.toString(record) + "]";
        }
    }

    /**
     * Runs {@code op} under the device lock: the one critical section of a step (see the class
     * comment). The {@code *Locked} reads and the setters below are for such sections only.
     */
    public <T> T locked(java.util.function.Supplier<T> op) {
        Jitter.at(Jitter.Point.BEFORE_SWAP_LOCK);
        lock.lock();
        try {
            return op.get();
        } finally {
            lock.unlock();
            Jitter.at(Jitter.Point.AFTER_SWAP_UNLOCK);
        }
    }

    /** {@link #locked(java.util.function.Supplier)} for a section with no result. */
    public void locked(Runnable op) {
        Jitter.at(Jitter.Point.BEFORE_SWAP_LOCK);
        lock.lock();
        try {
            op.run();
        } finally {
            lock.unlock();
            Jitter.at(Jitter.Point.AFTER_SWAP_UNLOCK);
        }
    }

    // --- under the lock ---

    public int slotOfLocked(Folio f) {
        for (int s = 0; s < cache.length; s++) if (cache[s] == f) return s;
        return -1;
    }

    /** get_swap_page: a free slot, or -1 when swap is full. */
    public int freeSlotLocked() {
        for (int s = 0; s < allocated.length; s++) if (!allocated[s]) return s;
        return -1;
    }

    public boolean allocatedLocked(int s) {
        return allocated[s];
    }

    public int countLocked(int s) {
        return count[s];
    }

    public boolean hasCacheLocked(int s) {
        return hasCache[s];
    }

    public Folio cachedLocked(int s) {
        return cache[s];
    }

    public MemCgroup recordLocked(int s) {
        return record[s];
    }

    /** The slot is dead: no pte, no SWAP_HAS_CACHE, not yet freed. */
    public boolean deadLocked(int s) {
        return allocated[s] && count[s] == 0 && !hasCache[s];
    }

    public void setAllocated(int s, boolean v) {
        writes++;
        allocated[s] = v;
    }

    public void setCount(int s, int c) {
        writes++;
        count[s] = c;
    }

    public void setHasCache(int s, boolean v) {
        writes++;
        hasCache[s] = v;
    }

    public void setCached(int s, Folio f) {
        writes++;
        cache[s] = f;
    }

    public void setRecord(int s, MemCgroup m) {
        writes++;
        record[s] = m;
    }

    /** Copies every slot from another device, folios and memcgs mapped into the copy's machine. */
    void copyFrom(SwapDevice o, Mm into) {
        writes++;
        for (int s = 0; s < count.length; s++) {
            allocated[s] = o.allocated[s];
            count[s] = o.count[s];
            hasCache[s] = o.hasCache[s];
            cache[s] = o.cache[s] == null ? null : into.folio(o.cache[s].id());
            record[s] = o.record[s] == null ? null : into.memcg(o.record[s].id());
        }
    }
}
