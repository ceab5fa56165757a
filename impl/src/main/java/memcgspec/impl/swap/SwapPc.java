package memcgspec.impl.swap;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.Pc;

/** The program counters of the swap protocol's paths (spec/Swap.tla's SwapPCs). */
public enum SwapPc implements Pc {
    /** shrink_page_list: an anon folio isolated and locked for reclaim. */
    RECLAIM("reclaim"),
    /** shrink_page_list: the folio frozen at refcount 0 by SwapOut, on reclaim's free list. */
    RECLAIM_FREED("reclaim_freed"),
    /** shrink_page_list: the same, and the slot died with the swap-out: it is freed first. */
    SWAPOUT_SLOT_FREE("swapout_slot_free"),
    /** do_swap_page: a new folio allocated for the slot, SWAP_HAS_CACHE not yet taken. */
    SWAPIN_ALLOC("swapin_alloc"),
    /** do_swap_page: SWAP_HAS_CACHE taken, the new folio locked, not yet charged. */
    SWAPIN_PREPARED("swapin_prepared"),
    /** do_swap_page: the new folio charged, not yet in the swap cache. */
    SWAPIN_CHARGED("swapin_charged"),
    /** do_swap_page (v1): the folio in the swap cache, the slot's memsw charge not yet dropped. */
    SWAPIN_ADDED("swapin_added"),
    /** do_swap_page: the folio in the swap cache, locked, its read in flight. */
    SWAPIN_READ("swapin_read"),
    /** do_swap_page: a reference on a swap-cache folio (found by the lookup, or read), to relock and map. */
    SWAPIN_LOCK("swapin_lock"),
    /** do_swap_page: the charge failed; SWAP_HAS_CACHE is given back next. */
    SWAPIN_NOMEM("swapin_nomem"),
    /** The CPU dropped the last use of its slot and frees it next. */
    SLOT_FREE("slot_free"),
    /**
     * try_charge_memcg through the per-CPU stock (spec/Stock.tla): the swap-in's charge failed, ran
     * drain_all_stock, and retries on the memcg it charges, holding a css reference on it.
     */
    SWAPIN_RETRY("swapin_retry");

    private final String spec;

    SwapPc(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** A swap-in's charge (mem_cgroup_swapin_charge_folio), also when it retries through the stock. */
    @Override
    public ChargeCaller chargeCaller(Cpu cpu) {
        return this == SWAPIN_PREPARED || this == SWAPIN_RETRY ? SwapinSteps.of(cpu) : null;
    }
}
