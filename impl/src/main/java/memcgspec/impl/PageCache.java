package memcgspec.impl;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The page cache of one file (struct address_space): index -> folio, guarded by the xarray lock.
 * The cache holds one reference on each folio it contains. {@link Jitter} points stand before the
 * xa_lock is taken and after it is released.
 */
public final class PageCache {
    private final Folio[] slots;
    /** xa_lock: every lookup-and-change of the slots happens under it. */
    private final ReentrantLock xaLock = new ReentrantLock();
    /**
     * How many times {@link #store} ran (every write of the slots), and the copy {@link #entries}
     * made at that count (null: none yet). Both under xa_lock.
     */
    private long writes;
    private Folio[] copy;
    private long copyAt = -1;

    PageCache(int indexes) {
        this.slots = new Folio[indexes];
    }

    public int size() {
        return slots.length;
    }

    /**
     * Runs {@code op} under xa_lock. {@link #slot}, {@link #store} and {@link #containsLocked} are
     * for such sections only.
     */
    public <T> T locked(java.util.function.Supplier<T> op) {
        Jitter.at(Jitter.Point.BEFORE_XA_LOCK);
        xaLock.lock();
        try {
            return op.get();
        } finally {
            xaLock.unlock();
            Jitter.at(Jitter.Point.AFTER_XA_UNLOCK);
        }
    }

    /**
     * Every index's folio (null for none), copied under ONE taking of xa_lock: for the checkers,
     * which read every index before and after each step. The copy is made again only after a
     * write ({@link #store} counts them): until then every caller gets the same array, which is
     * therefore read only.
     */
    public Folio[] entries() {
        return locked(this::entriesLocked);
    }

    private Folio[] entriesLocked() {
        if (copyAt != writes) {
            copy = slots.clone();
            copyAt = writes;
        }
        return copy;
    }

    /** The folio at {@code index}, or null. Takes xa_lock, for observers. */
    public Folio lookup(int index) {
        return locked(() -> slots[index]);
    }

    /** True when the folio is in this cache. Caller holds xaLock or the system is quiescent. */
    public boolean containsLocked(Folio f) {
        for (Folio s : slots) if (s == f) return true;
        return false;
    }

    public boolean contains(Folio f) {
        return locked(() -> containsLocked(f));
    }

    public Folio slot(int index) {
        return slots[index];
    }

    public void store(int index, Folio f) {
        writes++;
        slots[index] = f;
    }
}
