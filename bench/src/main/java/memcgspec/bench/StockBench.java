package memcgspec.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.kmem.KmemPaths;
import memcgspec.impl.stock.StockPaths;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A charge and an uncharge of one page, three ways, on one machine (root -> {1, 2} -> {3..6}: a
 * 3-level hierarchy), each JMH thread playing one CPU:
 * <ul>
 *   <li>{@code atomicPair}: an AtomicLong add and sub, shared by the threads (the floor: one
 *       shared counter, no hierarchy);</li>
 *   <li>{@code pageCounterPair}: page_counter_try_charge and page_counter_uncharge on a leaf's
 *       memory counter (three levels of atomics, the parent's and the root's shared by
 *       siblings);</li>
 *   <li>{@code stockHitPair}: consume_stock and refill_stock of one page on the thread's own CPU
 *       stock ({@link MemcgStock}, batch 64, 7 slots), which holds pages of the memcg already: a
 *       stock hit and an uncharge into the stock, as a kmem charge and its free are when the
 *       stock serves them. No shared counter is touched.</li>
 *   <li>{@code stockMissPair}: the worst case of the stock, every charge a miss: consume_stock
 *       misses (the thread's stock holds nothing of the memcg), try_charge_memcg's batch of 64 is
 *       charged through the page counter and refill_stock puts the surplus of 63 in a slot
 *       (css_get), the page's uncharge goes into the stock too (refill_stock of 1), and the slot is
 *       drained (drain_stock: 64 pages uncharged, css_put), so that the next call misses again. In
 *       the kernel a miss is followed by up to 63 hits: per page, a miss costs about
 *       (stockMissPair + 63 x stockHitPair) / 64.</li>
 *   <li>{@code kmemStockPath}: a whole kmem page's life through the stock, as the stress runs and
 *       the CPU's tasks run it ({@link StockPaths}): KmemAlloc (a free kmem page, the memcg's
 *       objcg, its reference), get_mem_cgroup_from_objcg (rcu, css_tryget), try_charge_memcg
 *       (ConsumeStock, or a batch on a miss), then KmemFree, get_mem_cgroup_from_objcg again and
 *       KmemUncharge into the stock (refill_stock). Every step is a {@code StockSteps} or
 *       {@code KmemSteps} method with its guards, the CPU's program counter and its refusals.</li>
 *   <li>{@code kmemCounterPath}: the same life on a machine without a stock ({@link KmemPaths}):
 *       the charge and the uncharge through the page counters.</li>
 * </ul>
 * {@code memcgs}: {@code same} (every thread charges memcg 3) or {@code siblings} (thread i
 * charges memcg 3 + i, leaves under the same parent). Run with {@code -t 1} and {@code -t 2}
 * (README: "Benchmarks"); docs/performance.md records the ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StockBench {

    /** The machine the threads share. */
    @State(Scope.Benchmark)
    public static class Machine {
        @Param({"same", "siblings"})
        public String memcgs;

        Mm mm;
        /** The same machine without a stock, for {@code kmemCounterPath}. */
        Mm plain;
        final AtomicLong counter = new AtomicLong();
        final AtomicInteger nextCpu = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            // 4 CPUs (JMH threads take one each), memcgs 0..6 with fan-out 2, no limit in the way
            // and 16 kmem page frames: each CPU's path scans from 7 x its id, so two threads do not meet
            Mm.Config shape = new Mm.Config(4, 0, 0, 6, 2, 1L << 40).withKmem(16);
            mm = new Mm(shape.withStock(64, 7));
            plain = new Mm(shape);
        }

        /** The memcg a thread on CPU id charges: 3 for every thread ({@code same}), else leaf 3 + id. */
        MemCgroup memcgFor(int id) {
            return mm.memcg(memcgs.equals("same") ? 3 : 3 + id);
        }
    }

    /** One thread's CPU, its memcg and its stock, primed with half a batch of the memcg's pages. */
    @State(Scope.Thread)
    public static class OnCpu {
        Cpu cpu;
        MemCgroup memcg;
        PageCounter counter;
        MemcgStock stock;

        @Setup(Level.Trial)
        public void setUp(Machine m) {
            int id = m.nextCpu.getAndIncrement();
            cpu = m.mm.cpu(id);
            memcg = m.memcgFor(id);
            counter = memcg.memory();
            stock = MemcgStock.of(cpu);
            // a batch charged and stocked, as try_charge_memcg's refill leaves it
            if (m.mm.accounting().tryCharge(memcg, 32) != null) throw new IllegalStateException("setup charge failed");
            stock.refill(memcg, 32, null);
        }
    }

    /** One thread's CPU and its memcg, the stock holding nothing of it: every charge misses. */
    @State(Scope.Thread)
    public static class MissCpu {
        MemCgroup memcg;
        MemcgStock stock;
        Mm mm;

        @Setup(Level.Trial)
        public void setUp(Machine m) {
            int id = m.nextCpu.getAndIncrement();
            mm = m.mm;
            memcg = m.memcgFor(id);
            stock = MemcgStock.of(m.mm.cpu(id));
        }
    }

    /** One thread's CPU on each machine, and its memcg: the kmem paths. */
    @State(Scope.Thread)
    public static class KmemCpu {
        Cpu cpu, plainCpu;
        MemCgroup memcg, plainMemcg;
        final KmemPage[] page = new KmemPage[1];

        @Setup(Level.Trial)
        public void setUp(Machine m) {
            int id = m.nextCpu.getAndIncrement();
            cpu = m.mm.cpu(id);
            memcg = m.memcgFor(id);
            plainCpu = m.plain.cpu(id);
            plainMemcg = m.plain.memcg(memcg.id());
        }
    }

    /** try_charge_memcg's batch (MEMCG_CHARGE_BATCH). */
    static final int BATCH = 64;

    @Benchmark
    public long atomicPair(Machine m) {
        m.counter.incrementAndGet();
        return m.counter.decrementAndGet();
    }

    @Benchmark
    public PageCounter pageCounterPair(OnCpu t) {
        PageCounter failed = t.counter.tryCharge(1);
        if (failed == null) t.counter.uncharge(1);
        return failed;
    }

    @Benchmark
    public boolean stockHitPair(OnCpu t) {
        boolean hit = t.stock.consume(t.memcg);
        if (hit) t.stock.refill(t.memcg, 1, null);
        return hit;
    }

    @Benchmark
    public boolean stockMissPair(MissCpu t) {
        if (t.stock.consume(t.memcg)) throw new IllegalStateException("the stock holds a page of " + t.memcg);
        if (t.mm.accounting().tryCharge(t.memcg, BATCH) != null) return false;
        t.stock.refill(t.memcg, BATCH - 1, null);
        t.stock.refill(t.memcg, 1, null);
        t.stock.drainAll();
        return true;
    }

    @Benchmark
    public StockPaths.Charged kmemStockPath(KmemCpu t) {
        StockPaths.Charged c = StockPaths.allocKmemPage(t.cpu, t.memcg, null, t.page);
        if (t.page[0] == null) throw new IllegalStateException("no kmem page charged: " + c);
        if (!StockPaths.freeKmemPage(t.cpu, t.page[0], null)) throw new IllegalStateException("not freed: " + t.page[0]);
        t.page[0] = null;
        return c;
    }

    @Benchmark
    public KmemPage kmemCounterPath(KmemCpu t) {
        KmemPage k = KmemPaths.allocKmemPage(t.plainCpu, t.plainMemcg);
        if (k == null) throw new IllegalStateException("no kmem page charged");
        if (!KmemPaths.freeKmemPage(t.plainCpu, k)) throw new IllegalStateException("not freed: " + k);
        return k;
    }
}
