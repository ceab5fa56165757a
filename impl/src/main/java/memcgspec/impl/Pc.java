package memcgspec.impl;

/**
 * Where a CPU is in its mm path: the program counter of the specs' per-CPU processes. The
 * {@link #spec()} name is the string the TLA+ spec uses.
 */
public enum Pc {
    /** Between paths. */
    IDLE("idle"),
    /** do_anonymous_page: folio allocated, not yet charged. */
    ANON_ALLOC("anon_alloc"),
    /** do_anonymous_page: charge pending (try_charge succeeded). */
    ANON_CHARGED("anon_charged"),
    /** do_anonymous_page: charge committed, folio not yet mapped. */
    ANON_COMMITTED("anon_committed"),
    /** add_to_page_cache_lru: folio allocated and locked, not yet charged. */
    CACHE_ALLOC("cache_alloc"),
    /** add_to_page_cache_lru: charge pending, folio not yet in the cache. */
    CACHE_CHARGED("cache_charged"),
    /** add_to_page_cache_lru: folio in the cache (locked), charge still pending. */
    CACHE_INSERTED("cache_inserted"),
    /** add_to_page_cache_lru: the index was taken (-EEXIST), charge pending until cancelled. */
    CACHE_EEXIST("cache_eexist"),
    /** add_to_page_cache_lru: charge committed, folio in the cache, locked until its read completes. */
    CACHE_COMMITTED("cache_committed"),
    /** Holding one reference, about to drop it. */
    PUT("put");

    private final String spec;

    Pc(String spec) {
        this.spec = spec;
    }

    /** The spec's name for this program counter. */
    public String spec() {
        return spec;
    }

    /** A charge is pending: counted in usage, owned by no folio. */
    public boolean pending() {
        return this == ANON_CHARGED || this == CACHE_CHARGED || this == CACHE_INSERTED || this == CACHE_EEXIST;
    }
}
