package memcgspec.protocol.stock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.stock.StockPaths;
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
        long[] total = new long[N];
        long t0 = System.nanoTime();
        for (long seed = 1; seed <= SEEDS; seed++) {
            Mm mm = new Mm(setup(version).mm());
            long[] n = round(mm, seed * 7919 + version);
            String when = "v" + version + " seed " + seed;
            Stress.assertIdleAndInvariants(StockProtocol.PROTOCOL, mm, when + " after the join");
            Stress.drainAndCheck(StockProtocol.PROTOCOL, setup(version), mm, when);
            for (int i = 0; i < N; i++) total[i] += n[i];
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < N; i++) b.append(i == 0 ? "" : ", ").append(total[i]).append(' ').append(NAMES[i]);
        System.out.printf("stock stress (v%d, %d seeds of %d x %d operations): %s; %.2f s%n", version, SEEDS, THREADS, OPS, b,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(total[HIT] > 1_000 && total[BATCH] > 1_000 && total[UNCHARGED] > 10_000, "the paths ran: " + b);
        assertTrue(total[ENOMEM] > 0 && total[WORK] > 0, "no charge failed, or no queued drain ran: " + b);
        assertTrue(total[OFFLINE] >= SEEDS * 8L && total[FREED] > 0, "subtrees went away during the traffic: " + b);
    }

    private static long[] round(Mm mm, long seed) throws Exception {
        AtomicLong[] n = new AtomicLong[N];
        for (int i = 0; i < N; i++) n[i] = new AtomicLong();
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            if (StockPaths.runQueuedWork(cpu)) n[WORK].incrementAndGet();
            int w = r.nextInt(1000);
            if (w < 12) {
                if (Stress.offlineRandom(mm, r)) n[OFFLINE].incrementAndGet();
            } else if (w < 30) {
                // css references left (a stock slot's among them), or a CPU may hold it under RCU: refused
                for (MemCgroup m : mm.memcgs()) if (m.state() == MemCgroup.State.OFFLINE && Stress.tryFree(mm, m)) n[FREED].incrementAndGet();
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
        long[] out = new long[N];
        for (int i = 0; i < N; i++) out[i] = n[i].get();
        return out;
    }
}
