package memcgspec.impl.charge;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.Pc;

/**
 * The program counters of the charge protocol's paths (spec/Charge.tla's PCs, less idle and put), and
 * the two retry points spec/Stock.tla adds to them.
 */
public enum ChargePc implements Pc {
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
    /**
     * try_charge_memcg through the per-CPU stock (spec/Stock.tla): an anonymous fault's charge failed,
     * ran drain_all_stock, and retries, still holding its css reference.
     */
    ANON_ALLOC_RETRY("anon_alloc_retry"),
    /** The same for a page-cache insertion's charge (spec/Stock.tla). */
    CACHE_ALLOC_RETRY("cache_alloc_retry");

    private final String spec;

    ChargePc(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** Where a charge of this folio starts, also when it retries through the stock (ANON_ALLOC or CACHE_ALLOC), or null. */
    public ChargePc chargeStart() {
        return switch (this) {
            case ANON_ALLOC, ANON_ALLOC_RETRY -> ANON_ALLOC;
            case CACHE_ALLOC, CACHE_ALLOC_RETRY -> CACHE_ALLOC;
            default -> null;
        };
    }

    @Override
    public ChargeCaller chargeCaller(Cpu cpu) {
        return chargeStart() == null ? null : ChargeSteps.of(cpu);
    }

    /** Charge.tla's PendingPCs. */
    @Override
    public boolean pending() {
        return this == ANON_CHARGED || this == CACHE_CHARGED || this == CACHE_INSERTED || this == CACHE_EEXIST;
    }
}
