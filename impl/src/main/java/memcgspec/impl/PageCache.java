package memcgspec.impl;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The page cache of one file (struct address_space): index -> folio, guarded by the xarray lock.
 * The cache holds one reference on each folio it contains.
 */
public final class PageCache {
    private final Folio[] slots;
    /** xa_lock: every lookup-and-change of the slots happens under it. */
    final ReentrantLock xaLock = new ReentrantLock();

    PageCache(int indexes) {
        this.slots = new Folio[indexes];
    }

    public int size() {
        return slots.length;
    }

    /** The folio at {@code index}, or null. Unlocked read, for observers. */
    public Folio lookup(int index) {
        xaLock.lock();
        try {
            return slots[index];
        } finally {
            xaLock.unlock();
        }
    }

    /** True when the folio is in this cache. Caller holds xaLock or the system is quiescent. */
    boolean containsLocked(Folio f) {
        for (Folio s : slots) if (s == f) return true;
        return false;
    }

    public boolean contains(Folio f) {
        xaLock.lock();
        try {
            return containsLocked(f);
        } finally {
            xaLock.unlock();
        }
    }

    Folio slot(int index) {
        return slots[index];
    }

    void store(int index, Folio f) {
        slots[index] = f;
    }
}
