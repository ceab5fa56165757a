package memcgspec.protocol.stock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.stock.StockPaths;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads, one per CPU, allocate and free kmem pages through the per-CPU stock
 * ({@link StockPaths}: consume_stock, a batch with its surplus stocked, one page, drain_all_stock
 * and the retry or -ENOMEM; the uncharge into the stock with its overflow drain and round-robin
 * eviction), run the drain work queued on their own CPU between operations (a kworker), and take
 * memcgs offline (which queues drains) and free them, on a 3-level hierarchy with memory.max
 * tight enough that charges fail on pages sitting in other CPUs' stocks; cgroup v1 and v2, jitter
 * on. A stock is changed only by its own CPU's thread, as the kernel's local lock has it; any
 * thread reads it (drain_all_stock).
 *
 * <p>After each join: every CPU idle and every invariant of {@link StockProtocol#PROTOCOL}
 * (Conservation with the stocked pages, CssRefBalance with the slots' references, SlotBound...).
 * Then the drain (free every kmem page, run the queued drains, free the offline memcgs nothing
 * pins) and its end checks: the counters hold exactly the residue and the stocked pages, and a
 * memcg still dying is pinned by a stock slot in its subtree.
 *
 * <p>The second scenario runs the user paths through the stock: anonymous faults and page-cache
 * insertions (mem_cgroup_charge -> try_charge_memcg) and swap-ins (mem_cgroup_swapin_charge_folio,
 * charging the slot's recorded memcg) charge through the CPU's stock, while other threads unmap,
 * evict, reclaim to swap, free swap, run their queued drains and take memcgs offline; user pages
 * uncharge straight to the counters. The same checks after each join and after the drain.
 */
class StockStressTest {
    static final int THREADS = 4, SEEDS = 12, OPS = 1_500;

    /** 4 CPUs, 14 memcgs (3..14 removable), memory.max 24, 120 kmem pages, batch 4, 2 slots per CPU. */
    static Protocol.Setup setup(int version) {
        return new Protocol.Setup("stock-stress-v" + version,
                new Mm.Config(THREADS, 4, 0, 14, 2, 24).withSwap(4, 4, version).withKmem(120).withStock(4, 2), Map.of());
    }

    static final int HIT = 0, BATCH = 1, ONE = 2, ENOMEM = 3, UNCHARGED = 4, WORK = 5, OFFLINE = 6, FREED = 7, N = 8;
    static final String[] NAMES = {"stock hits", "batches", "single pages", "ENOMEM", "uncharges into the stock", "queued drains run",
            "offline", "freed"};

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void chargesAndUnchargesThroughTheStockRaceDrainsOfflineAndFree(int version) throws Exception {
        long t0 = System.nanoTime();
        long[] total = seeds(setup(version), SEEDS, N, "v" + version + " seed ", seed -> seed * 7919 + version, StockStressTest::round);
        String b = summary(total, NAMES);
        System.out.printf("stock stress (v%d, %d seeds of %d x %d operations): %s; %.2f s%n", version, SEEDS, THREADS, OPS, b,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(total[HIT] > 1_000 && total[BATCH] > 1_000 && total[UNCHARGED] > 10_000, "the paths ran: " + b);
        assertTrue(total[ENOMEM] > 0 && total[WORK] > 0, "no charge failed, or no queued drain ran: " + b);
        assertTrue(total[OFFLINE] >= SEEDS * 8L && total[FREED] > 0, "subtrees went away during the traffic: " + b);
    }

    /** One round of a scenario on a fresh machine: its counts. */
    interface Round {
        long[] run(Mm mm, long seed) throws Exception;
    }

    /**
     * Rounds of a scenario for seeds 1..seeds, each on a fresh machine of the setup, each followed by
     * every invariant after the join and by the drain and its end checks: the counts summed.
     */
    private static long[] seeds(Protocol.Setup setup, int seeds, int counts, String when, LongUnaryOperator seedOf,
            Round round) throws Exception {
        long[] total = new long[counts];
        for (long seed = 1; seed <= seeds; seed++) {
            Mm mm = new Mm(setup.mm());
            long[] n = round.run(mm, seedOf.applyAsLong(seed));
            Stress.assertIdleAndInvariants(StockProtocol.PROTOCOL, mm, when + seed + " after the join");
            Stress.drainAndCheck(StockProtocol.PROTOCOL, setup, mm, when + seed);
            for (int i = 0; i < counts; i++) total[i] += n[i];
        }
        return total;
    }

    /** "12 stock hits, 3 batches, ...". */
    private static String summary(long[] total, String[] names) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < total.length; i++) b.append(i == 0 ? "" : ", ").append(total[i]).append(' ').append(names[i]);
        return b.toString();
    }

    /** Counters for a round's threads. */
    private static AtomicLong[] counters(int n) {
        AtomicLong[] c = new AtomicLong[n];
        for (int i = 0; i < n; i++) c[i] = new AtomicLong();
        return c;
    }

    /** The counters' values once the threads are joined. */
    private static long[] values(AtomicLong[] c) {
        long[] out = new long[c.length];
        for (int i = 0; i < c.length; i++) out[i] = c[i].get();
        return out;
    }

    private static long[] round(Mm mm, long seed) throws Exception {
        AtomicLong[] n = counters(N);
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            if (StockPaths.runQueuedWork(cpu)) n[WORK].incrementAndGet();
            int w = r.nextInt(1000);
            if (w < 12) {
                if (Stress.offlineRandom(mm, r)) n[OFFLINE].incrementAndGet();
            } else if (w < 30) {
                // css references left (a stock slot's among them), or a CPU may hold it under RCU: refused
                n[FREED].addAndGet(Stress.freeOffline(mm));
            } else if (w < 500) {
                MemCgroup m = Stress.taskMemcg(mm, r);
                switch (StockPaths.allocKmemPage(cpu, m, null, null)) {
                    case HIT -> n[HIT].incrementAndGet();
                    case BATCH -> n[BATCH].incrementAndGet();
                    case ONE -> n[ONE].incrementAndGet();
                    case ENOMEM -> n[ENOMEM].incrementAndGet();
                    case NO_PAGE -> { }
                }
            } else {
                KmemPage k = Stress.chargedKmemPage(mm, r);
                if (StockPaths.freeKmemPage(cpu, k, null)) n[UNCHARGED].incrementAndGet();
            }
        });
        return values(n);
    }

    // ------------------------------------------------------------------------------------------
    // User pages through the stock
    // ------------------------------------------------------------------------------------------

    /** 4 CPUs, 96 folios, 8 page-cache indexes, 14 memcgs (3..14 removable), memory.max 40, 24 swap slots, batch 4, 2 slots per CPU. */
    static Protocol.Setup userSetup(int version) {
        return new Protocol.Setup("stock-user-stress-v" + version,
                new Mm.Config(THREADS, 96, 8, 14, 2, 40).withSwap(24, 12, version).withStock(4, 2), Map.of());
    }

    static final int U_FAULT = 0, U_FAULT_FAILED = 1, U_CACHE = 2, U_SWAPIN = 3, U_HITS = 4, U_REFILLS = 5, U_SWAPOUT = 6, U_ZAP = 7,
            U_WORK = 8, U_OFFLINE = 9, U_FREED = 10, U_N = 11;
    static final String[] U_NAMES = {"faults", "failed faults", "page-cache insertions", "swap-ins", "charges served by the stock",
            "charges that refilled it", "swapped out", "zaps", "queued drains run", "offline", "freed"};

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void userPagesChargeThroughTheStockAgainstReclaimSwapinDrainsOfflineAndFree(int version) throws Exception {
        long t0 = System.nanoTime();
        long[] total = seeds(userSetup(version), SEEDS / 2, U_N, "v" + version + " user seed ", seed -> seed * 104729 + version,
                StockStressTest::userRound);
        String b = summary(total, U_NAMES);
        System.out.printf("stock stress, user pages (v%d, %d seeds of %d x %d operations): %s; %.2f s%n", version, SEEDS / 2, THREADS, OPS,
                b, (System.nanoTime() - t0) / 1e9);
        assertTrue(total[U_FAULT] > 1_000 && total[U_CACHE] > 100 && total[U_SWAPIN] > 100 && total[U_SWAPOUT] > 100,
                "the user paths ran: " + b);
        assertTrue(total[U_HITS] > 1_000 && total[U_REFILLS] > 300, "the user charges went through the stock: " + b);
        assertTrue(total[U_FAULT_FAILED] > 0 && total[U_WORK] > 0, "no fault failed at memory.max, or no queued drain ran: " + b);
        assertTrue(total[U_OFFLINE] > 0 && total[U_FREED] > 0, "subtrees went away during the traffic: " + b);
    }

    /**
     * The memcg of the task running on CPU c: mostly its home memcg (one leaf per CPU, or the
     * nearest online ancestor once it went offline), as a task runs in one memcg, so that the
     * CPU's stock serves its charges; now and then another task's.
     */
    private static MemCgroup task(Mm mm, Cpu c, Random r) {
        if (r.nextInt(5) == 0) return Stress.taskMemcg(mm, r);
        MemCgroup m = mm.memcg(7 + c.id() * 2);
        while (!m.online()) m = m.parent();
        return m;
    }

    /** The pages in CPU c's stock: only c's thread changes them (its charges, its queued drain). */
    private static long stocked(Cpu c) {
        MemcgStock st = MemcgStock.of(c);
        long n = 0;
        for (int i = 0; i < st.slots(); i++) n += st.slotPages(i);
        return n;
    }

    /** Counts a charge by what it did to this CPU's own stock: one page less (a hit) or more (a batch's surplus). */
    private static void countStock(AtomicLong[] n, long before, long after, boolean charged) {
        if (!charged) return;
        if (after == before - 1) n[U_HITS].incrementAndGet();
        else if (after > before) n[U_REFILLS].incrementAndGet();
    }

    private static long[] userRound(Mm mm, long seed) throws Exception {
        AtomicLong[] n = counters(U_N);
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            if (StockPaths.runQueuedWork(cpu)) n[U_WORK].incrementAndGet();
            int w = r.nextInt(1000);
            if (w < 10) {
                if (Stress.offlineRandom(mm, r)) n[U_OFFLINE].incrementAndGet();
            } else if (w < 25) {
                n[U_FREED].addAndGet(Stress.freeOffline(mm));
            } else if (w < 325) {
                long before = stocked(cpu);
                boolean charged = ChargePaths.doAnonymousPage(cpu, task(mm, cpu, r), false) != null;
                n[charged ? U_FAULT : U_FAULT_FAILED].incrementAndGet();
                countStock(n, before, stocked(cpu), charged);
            } else if (w < 425) {
                long before = stocked(cpu);
                boolean charged = ChargePaths.filemapAddFolio(cpu, task(mm, cpu, r), r.nextInt(mm.cache().size()));
                if (charged) n[U_CACHE].incrementAndGet();
                countStock(n, before, stocked(cpu), charged);
            } else if (w < 575) {
                long before = stocked(cpu);
                SwapPaths.SwapinResult x = SwapPaths.swapIn(cpu, Stress.usedSlot(mm, r), task(mm, cpu, r));
                boolean charged = x == SwapPaths.SwapinResult.MAPPED_READ;
                if (x == SwapPaths.SwapinResult.MAPPED_HIT || charged) n[U_SWAPIN].incrementAndGet();
                countStock(n, before, stocked(cpu), charged);
            } else if (w < 700) {
                if (SwapPaths.reclaimAnon(cpu, Stress.mappedFolio(mm, r)) == SwapPaths.ReclaimResult.SWAPPED_OUT) n[U_SWAPOUT].incrementAndGet();
            } else if (w < 880) {
                if (ChargePaths.zap(cpu, Stress.mappedFolio(mm, r))) n[U_ZAP].incrementAndGet();
            } else if (w < 940) {
                SwapPaths.zapSwap(cpu, Stress.usedSlot(mm, r));
            } else {
                ChargePaths.evict(cpu, r.nextInt(mm.cache().size()));
            }
        });
        return values(n);
    }
}
