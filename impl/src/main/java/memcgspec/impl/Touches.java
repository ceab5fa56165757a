package memcgspec.impl;

/**
 * A write log of a machine's page frames and memcgs: which folios, kmem pages and memcgs a step
 * wrote (any write method called on them, whether or not it changed a value), since the last
 * {@link #clear}. The single-threaded engines install one with {@link Mm#track} to check a step's
 * effects on what it touched only (the property engine's incremental invariants and its cheap
 * change detector around a refused step); without one, a write costs one null test.
 *
 * <p>Every write method of {@link Folio} and {@link KmemPage} logs its frame, and every write
 * method of {@link MemCgroup}, of its {@link PageCounter}s (each level a charge walks) and of its
 * {@link ObjCgroup} (the objcg of the same id) logs the memcg: their fields are private, so no
 * other code writes them (the objcg_lists are counted apart: {@link Mm#objcgLists}). Not
 * thread-safe: install it only on a machine driven by one thread at a time.
 */
public final class Touches {
    private final IdSet folios, kpages, memcgs;

    Touches(int folioCount, int kpageCount, int memcgCount) {
        folios = new IdSet(folioCount);
        kpages = new IdSet(kpageCount);
        memcgs = new IdSet(memcgCount);
    }

    void logMemcg(int id) {
        memcgs.add(id);
    }

    /** How many memcgs were written since the last clear. */
    public int memcgCount() {
        return memcgs.size();
    }

    /** The k-th memcg written (by id), in the order of their first writes. */
    public int memcg(int k) {
        return memcgs.get(k);
    }

    void logFolio(int id) {
        folios.add(id);
    }

    void logKpage(int id) {
        kpages.add(id);
    }

    /** How many folios were written since the last clear. */
    public int folioCount() {
        return folios.size();
    }

    /** The k-th folio written (by id), in the order of their first writes. */
    public int folio(int k) {
        return folios.get(k);
    }

    /** How many kmem pages were written since the last clear. */
    public int kpageCount() {
        return kpages.size();
    }

    /** The k-th kmem page written (by id), in the order of their first writes. */
    public int kpage(int k) {
        return kpages.get(k);
    }

    /** Forgets every write. */
    public void clear() {
        folios.clear();
        kpages.clear();
        memcgs.clear();
    }
}
