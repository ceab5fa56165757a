package memcgspec.impl.kmem;

import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;

/**
 * The kmem protocol's whole paths, for threads: a kmem page's allocation with its charge
 * (__alloc_pages with __GFP_ACCOUNT) and its free with its uncharge (__free_pages), each the
 * sequence of {@link KmemSteps} it is made of, with get_mem_cgroup_from_objcg's retry loop. The
 * CPU always ends idle.
 */
public final class KmemPaths {
    private KmemPaths() {}

    /**
     * get_mem_cgroup_from_objcg: read objcg->memcg and css_tryget it until that succeeds; each
     * failed try (a dying memcg) is counted in {@code retries}, if given.
     */
    private static void getMemcgFromObjcg(KmemSteps steps, AtomicLong retries) {
        for (;;) {
            steps.GetMemcgFromObjcg();
            if (steps.CssTrygetMemcg()) return;
            if (retries != null) retries.incrementAndGet();
            Thread.onSpinWait(); // the memcg was dying: offline has repointed the objcg; read again
        }
    }

    /**
     * A kmem page allocated and charged for a task of memcg m: KmemAlloc (a free page, m's objcg),
     * GetMemcgFromObjcg and CssTrygetMemcg (retried), KmemCharge.
     *
     * @return the charged page, or null (no free kmem page, m not a memcg where tasks run, or the
     *     charge failed: the page was freed)
     */
    public static KmemPage allocKmemPage(Cpu cpu, MemCgroup m) {
        return allocKmemPage(cpu, m, null);
    }

    /** {@link #allocKmemPage(Cpu, MemCgroup)}, counting the css_tryget retries in {@code retries}. */
    public static KmemPage allocKmemPage(Cpu cpu, MemCgroup m, AtomicLong retries) {
        KmemPage page = allocAndGetMemcg(cpu, m, retries);
        return page != null && KmemSteps.of(cpu).KmemCharge() ? page : null;
    }

    /**
     * The charge path up to try_charge_memcg: KmemAlloc (a free kmem page, m's objcg), then
     * get_mem_cgroup_from_objcg (GetMemcgFromObjcg and CssTrygetMemcg, retried; each failed try
     * counted in {@code retries}, if given). For the paths that charge through the counters (here)
     * or through the per-CPU stock ({@code StockPaths}).
     *
     * @return the page, the CPU now holding a css reference on the memcg to charge; or null (no
     *     free kmem page, or m not a memcg where tasks run), the CPU idle
     */
    public static KmemPage allocAndGetMemcg(Cpu cpu, MemCgroup m, AtomicLong retries) {
        cpu.requirePc("allocKmemPage", Pc.IDLE);
        KmemSteps steps = KmemSteps.of(cpu);
        Mm mm = cpu.mm();
        KmemPage page = null;
        int n = mm.kpages().size();
        for (int k = 0; k < n && page == null; k++) {
            KmemPage cand = mm.kpage(Math.floorMod(cpu.id() * 7 + k, n));
            if (cand.allocated()) continue;
            try {
                steps.KmemAlloc(cand, m);
                page = cand;
            } catch (StepRefused takenOrOffline) {
                if (!m.online()) return null;
            }
        }
        if (page == null) return null;
        getMemcgFromObjcg(steps, retries);
        return page;
    }

    /** The uncharge path up to obj_cgroup_uncharge_pages: KmemFree, get_mem_cgroup_from_objcg (retried). False if k is not freed here. */
    public static boolean freeAndGetMemcg(Cpu cpu, KmemPage k, AtomicLong retries) {
        cpu.requirePc("freeKmemPage", Pc.IDLE);
        KmemSteps steps = KmemSteps.of(cpu);
        try {
            steps.KmemFree(k);
        } catch (StepRefused notCharged) {
            return false;
        }
        getMemcgFromObjcg(steps, retries);
        return true;
    }

    /**
     * Kmem page k freed and uncharged: KmemFree, GetMemcgFromObjcg and CssTrygetMemcg (retried),
     * KmemUncharge.
     *
     * @return false (nothing done) when k is not a charged kmem page or another CPU frees it
     */
    public static boolean freeKmemPage(Cpu cpu, KmemPage k) {
        return freeKmemPage(cpu, k, null);
    }

    /** {@link #freeKmemPage(Cpu, KmemPage)}, counting the css_tryget retries in {@code retries}. */
    public static boolean freeKmemPage(Cpu cpu, KmemPage k, AtomicLong retries) {
        if (!freeAndGetMemcg(cpu, k, retries)) return false;
        KmemSteps.of(cpu).KmemUncharge();
        return true;
    }
}
