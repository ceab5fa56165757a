package memcgspec.impl.stock;

import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.StepRefused;
import memcgspec.impl.kmem.KmemPaths;
import memcgspec.impl.kmem.KmemSteps;

/**
 * The stock protocol's whole paths, for threads: try_charge_memcg through the per-CPU stock, which
 * the user paths ({@link memcgspec.impl.charge.ChargePaths}, {@link memcgspec.impl.swap.SwapPaths})
 * call on a machine with a stock; a kmem page allocated and charged through the stock
 * (__alloc_pages with __GFP_ACCOUNT -> obj_cgroup_charge_pages -> try_charge_memcg),
 * its free with the uncharge into the stock, and the drain work a CPU runs between its tasks'
 * paths; each the sequence of {@link KmemSteps} and {@link StockSteps} it is made of. The victim of
 * a refill is the kernel's round-robin one. The CPU always ends idle.
 */
public final class StockPaths {
    private StockPaths() {}

    /** What a charge through the stock did, for counts. */
    public enum Charged { HIT, BATCH, ONE, ENOMEM, NO_PAGE }

    /**
     * A kmem page allocated and charged for a task of memcg m: KmemAlloc (a free page, m's objcg),
     * get_mem_cgroup_from_objcg, then try_charge_memcg: ConsumeStock, else ChargeBatch, else
     * ChargeOne, else DrainAllStock and the retry (ConsumeStock or ChargeOne), else ChargeFail.
     *
     * @param page out: the charged page, when the result is HIT, BATCH or ONE
     */
    public static Charged allocKmemPage(Cpu cpu, MemCgroup m, AtomicLong retries, KmemPage[] page) {
        KmemPage got = KmemPaths.allocAndGetMemcg(cpu, m, retries);
        if (got == null) return Charged.NO_PAGE;
        if (page != null) page[0] = got;
        Charged c = tryChargeMemcg(cpu);
        if (c == Charged.ENOMEM && page != null) page[0] = null;
        return c;
    }

    /**
     * try_charge_memcg(memcg, 1) of the charge this CPU is at (a kmem page's, a fault's, a page-cache
     * insertion's or a swap-in's): ConsumeStock, else ChargeBatch, else ChargeOne, else
     * DrainAllStock and the retry (ConsumeStock or ChargeOne), else ChargeFail. On ENOMEM the
     * caller's failure has run ({@link StockSteps#ChargeFail}).
     */
    public static Charged tryChargeMemcg(Cpu cpu) {
        StockSteps s = StockSteps.of(cpu);
        boolean drained = false;
        for (;;) {
            try {
                s.ConsumeStock();
                return Charged.HIT;
            } catch (StepRefused miss) {
                // the counters, then
            }
            if (!drained) {
                try {
                    s.ChargeBatch(MemcgStock.of(cpu).victimFor(s.chargeTarget()));
                    return Charged.BATCH;
                } catch (StepRefused batchTooBig) {
                    // "batch = nr_pages; goto retry"
                }
            }
            try {
                s.ChargeOne();
                return Charged.ONE;
            } catch (StepRefused noRoom) {
                // reclaim (none here), then drain_all_stock once
            }
            if (!drained) {
                try {
                    s.DrainAllStock();
                    drained = true;
                    continue;
                } catch (StepRefused roomMeanwhile) {
                    continue; // another CPU uncharged: charge again
                }
            }
            try {
                s.ChargeFail();
                return Charged.ENOMEM;
            } catch (StepRefused roomMeanwhile) {
                // room appeared (a queued drain ran, or a free): retry the charge
            }
        }
    }

    /**
     * Kmem page k freed and uncharged into this CPU's stock: KmemFree, get_mem_cgroup_from_objcg,
     * KmemUncharge (refill_stock, evicting the round-robin victim if needed).
     *
     * @return false (nothing done) when k is not a charged kmem page or another CPU frees it
     */
    public static boolean freeKmemPage(Cpu cpu, KmemPage page, AtomicLong retries) {
        if (!KmemPaths.freeAndGetMemcg(cpu, page, retries)) return false;
        StockSteps.of(cpu).KmemUncharge(MemcgStock.of(cpu).victimFor(KmemSteps.of(cpu).kmemcg()));
        return true;
    }

    /**
     * The drain work queued on this CPU (drain_local_memcg_stock), if any: a kworker runs it
     * between the tasks' paths.
     *
     * @return whether a drain ran
     */
    public static boolean runQueuedWork(Cpu cpu) {
        if (!MemcgStock.of(cpu).flushing()) return false;
        StockSteps.of(cpu).DrainStockWork();
        return true;
    }
}
