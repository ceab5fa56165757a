package memcgspec.impl;

/**
 * A set of ids below a fixed bound (frame ids: folios, kmem pages), for the single-threaded
 * engines' logs and marks: adding, testing and listing cost a constant per id, clearing costs the
 * ids present (not the bound). Not thread-safe.
 */
public final class IdSet {
    private final boolean[] present;
    private final int[] ids;
    private int n;

    /** An empty set of ids in [0, bound). */
    public IdSet(int bound) {
        present = new boolean[bound];
        ids = new int[bound];
    }

    /** Adds {@code id} (no change if present). */
    public void add(int id) {
        if (!present[id]) {
            present[id] = true;
            ids[n++] = id;
        }
    }

    public boolean contains(int id) {
        return present[id];
    }

    /** How many ids are present. */
    public int size() {
        return n;
    }

    /** The k-th id present, in the order of their additions. */
    public int get(int k) {
        return ids[k];
    }

    /** The ids are below this bound. */
    public int bound() {
        return present.length;
    }

    /** Removes every id. */
    public void clear() {
        for (int k = 0; k < n; k++) present[ids[k]] = false;
        n = 0;
    }
}
