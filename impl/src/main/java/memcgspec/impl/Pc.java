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
    PUT("put"),
    /** shrink_page_list: an anon folio isolated and locked for reclaim. */
    RECLAIM("reclaim"),
    /** do_swap_page: a new folio allocated for the slot, SWAP_HAS_CACHE not yet taken. */
    SWAPIN_ALLOC("swapin_alloc"),
    /** do_swap_page: SWAP_HAS_CACHE taken, the new folio locked, not yet charged. */
    SWAPIN_PREPARED("swapin_prepared"),
    /** do_swap_page: the new folio charged, not yet in the swap cache. */
    SWAPIN_CHARGED("swapin_charged"),
    /** do_swap_page (v1): the folio in the swap cache, the slot's memsw charge not yet dropped. */
    SWAPIN_ADDED("swapin_added"),
    /** do_swap_page: the folio read into the swap cache, locked, ready to map. */
    SWAPIN_READ("swapin_read"),
    /** do_swap_page: a reference on a folio found in the swap cache. */
    SWAPIN_HIT("swapin_hit"),
    /** do_swap_page: the charge failed; SWAP_HAS_CACHE is given back next. */
    SWAPIN_NOMEM("swapin_nomem"),
    /** The CPU dropped the last use of its slot and frees it next. */
    SLOT_FREE("slot_free");

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
