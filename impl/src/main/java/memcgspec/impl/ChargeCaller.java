package memcgspec.impl;

/**
 * A caller of try_charge_memcg (spec/Stock.tla's ChargeStartPCs: a fault's or a page-cache
 * insertion's mem_cgroup_charge, a swap-in's mem_cgroup_swapin_charge_folio, a kmem page's
 * obj_cgroup_charge_pages): what the per-CPU stock's steps ({@code memcgspec.impl.stock.StockSteps})
 * need of the path whose charge they make. A CPU's is found from its program counter
 * ({@link Pc#chargeCaller}), so that the stock's package needs none of the callers' packages.
 */
public interface ChargeCaller {
    /** Whether the charge retries after drain_all_stock (Stock.tla's RetryPCs: the batch is then 1). */
    boolean retrying();

    /** The memcg the charge charges (Stock.tla's Target). */
    MemCgroup chargeTarget();

    /** The caller's rest once try_charge_memcg charged m (Stock.tla's Charged). */
    void chargeSucceeded(MemCgroup m);

    /**
     * The charge of m ({@link #chargeTarget}, read by the same step) ran drain_all_stock and retries, its
     * css reference held (Stock.tla's DrainAllStock).
     */
    void chargeRetries(MemCgroup m);

    /** The retry failed too: -ENOMEM, the caller's failure (Stock.tla's ChargeFail). */
    void chargeFailed();
}
