package memcgspec.impl.charge;

import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Pc;
import memcgspec.impl.stock.StockPaths;
import memcgspec.impl.StepRefused;

/**
 * The charge protocol's whole paths, for threads: each runs a kernel path (a fault, an
 * insertion, an unmap, a truncation, a put) as the sequence of {@link ChargeSteps} it is made of,
 * on one CPU, retrying where a step is refused because another thread changed the state
 * meanwhile, as the kernel's own loops do.
 */
public final class ChargePaths {
    private ChargePaths() {}

    /** folio_put: drop the reference this CPU holds, the final put if it is the last one. */
    public static void put(Cpu cpu) {
        cpu.requirePc("put", Pc.PUT);
        for (;;) {
            int r = cpu.held().refcount();
            if (r > 1) {
                if (cpu.held().putNotLast()) {
                    cpu.setHeld(null);
                    cpu.setPc(Pc.IDLE);
                    return;
                }
            } else {
                try {
                    ChargeSteps.of(cpu).Uncharge();
                    return;
                } catch (StepRefused raced) {
                    // A reference was taken meanwhile: it is no longer the last one; go around.
                }
            }
        }
    }

    /**
     * do_anonymous_page for a task in memcg m: allocate, charge, commit and map a folio.
     *
     * @param abandon abandon the fault after the charge (as when another thread filled the pte):
     *     cancel the charge and free the folio
     * @return the mapped folio, or null when no folio was free, the charge failed or the fault
     *     was abandoned
     */
    public static Folio doAnonymousPage(Cpu cpu, MemCgroup m, boolean abandon) {
        cpu.requirePc("doAnonymousPage", Pc.IDLE);
        Cpu.requireTaskMemcg("doAnonymousPage", m);
        if (!cpu.tryBeginTask(m)) return null;
        Folio f = cpu.mm().allocFolio(cpu.id() * 7919 + (int) System.nanoTime());
        if (f == null) {
            cpu.endTask();
            return null;
        }
        cpu.setHeld(f);
        cpu.setPc(ChargePc.ANON_ALLOC);
        if (!tryCharge(cpu)) {
            put(cpu);
            return null;
        }
        if (abandon) {
            ChargeSteps.of(cpu).CancelCharge();
            put(cpu);
            return null;
        }
        ChargeSteps.of(cpu).CommitCharge();
        ChargeSteps.of(cpu).MapAnon();
        return f;
    }

    /**
     * mem_cgroup_charge's try_charge: at the counters (TryCharge), or, on a machine with a per-CPU
     * stock, through it ({@link StockPaths#tryChargeMemcg}).
     *
     * @return whether the charge succeeded (on failure the CPU goes on to put its folio)
     */
    static boolean tryCharge(Cpu cpu) {
        if (cpu.mm().config().stock()) return StockPaths.tryChargeMemcg(cpu) != StockPaths.Charged.ENOMEM;
        return ChargeSteps.of(cpu).TryCharge();
    }

    /**
     * add_to_page_cache_lru (today filemap_add_folio) for index i, read by a task in memcg m:
     * allocate and lock a folio, charge, insert, commit, unlock, drop the allocation reference; or,
     * when the index was taken meanwhile, cancel the charge and free the folio.
     *
     * @return whether a folio of ours entered the cache
     */
    public static boolean filemapAddFolio(Cpu cpu, MemCgroup m, int i) {
        cpu.requirePc("filemapAddFolio", Pc.IDLE);
        Cpu.requireTaskMemcg("filemapAddFolio", m);
        if (cpu.mm().cache().lookup(i) != null) return false;
        if (!cpu.tryBeginTask(m)) return false;
        Folio f = cpu.mm().allocFolio(cpu.id() * 104729 + i);
        if (f == null) {
            cpu.endTask();
            return false;
        }
        f.setLockedNew();
        cpu.setHeld(f);
        ChargeSteps.of(cpu).setIndex(i);
        cpu.setPc(ChargePc.CACHE_ALLOC);
        if (!tryCharge(cpu)) {
            put(cpu);
            return false;
        }
        boolean added = ChargeSteps.of(cpu).AddToCache();
        if (added) {
            ChargeSteps.of(cpu).CommitCharge();
            ChargeSteps.of(cpu).UnlockPage();
        } else {
            ChargeSteps.of(cpu).CancelCharge();
        }
        put(cpu);
        return added;
    }

    /** zap_pte_range of one mapping of f, then the batch's put. */
    public static boolean zap(Cpu cpu, Folio f) {
        return thenPut(cpu, () -> ChargeSteps.of(cpu).Unmap(f));
    }

    /** Truncation of index i, then the put of the cache's reference. */
    public static boolean evict(Cpu cpu, int i) {
        return thenPut(cpu, () -> ChargeSteps.of(cpu).DeleteFromCache(i));
    }

    /** A speculative get and put of f (a PFN walker). */
    public static boolean touch(Cpu cpu, Folio f) {
        return thenPut(cpu, () -> ChargeSteps.of(cpu).GetPage(f));
    }

    /** Runs a step that leaves this CPU holding a reference, then drops it; false if refused. */
    private static boolean thenPut(Cpu cpu, Runnable step) {
        try {
            step.run();
        } catch (StepRefused refused) {
            return false;
        }
        put(cpu);
        return true;
    }

    /** Another mapping of f, if it can be mapped. */
    public static boolean map(Cpu cpu, Folio f) {
        try {
            ChargeSteps.of(cpu).Map(f);
            return true;
        } catch (StepRefused notMappable) {
            return false;
        }
    }
}
