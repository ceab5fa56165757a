package memcgspec.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.PageCounter;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * What {@link PageCounter} (mm/page_counter.c) guarantees under concurrency, and what it does not.
 *
 * <ul>
 *   <li>(a) {@link Unlimited}: forced charge, uncharge, tryCharge that cannot fail (unlimited max)
 *       and the read of the hierarchical usage are linearizable: each operation changes the parent
 *       counter by one atomic add, which is its linearization point.</li>
 *   <li>(b) {@link NearTheLimit}: page_counter_try_charge near the limit is NOT linearizable, and
 *       Lincheck finds it. A charge that will fail first adds its pages (speculatively) and takes
 *       them back only after seeing the overshoot; a concurrent charger that runs in between sees
 *       the inflated usage and fails too, although, in every sequential order, one of them fits.
 *       This is a real property of the kernel's lock-free counter, which is why try_charge's callers
 *       reclaim and retry instead of treating one failure as final.</li>
 *   <li>(c) {@link #concurrentTryChargeKeepsTheBooks()}: what does hold: the committed charges never
 *       exceed max at any level, failures are each counted at exactly one level, and after the
 *       threads join every level's usage is exactly what was charged and not uncharged.</li>
 * </ul>
 *
 * <p>Also observed, and not tested here: reading two levels of the hierarchy is not an atomic
 * snapshot either (a reader can see a charge in the child and not yet in the parent), so (a)
 * reads only the parent.
 */
class PageCounterLincheckTest {

    /** Enough headroom that no uncharge in a Lincheck scenario can underflow (no clamping). */
    static final long BASE = 100;

    /** (a) Two children under one parent, no limits; usage read at the parent. */
    public static class Unlimited {
        private final PageCounter parent = new PageCounter("parent", null, PageCounter.UNLIMITED);
        private final PageCounter a = new PageCounter("a", parent, PageCounter.UNLIMITED);
        private final PageCounter b = new PageCounter("b", parent, PageCounter.UNLIMITED);

        public Unlimited() {
            a.charge(BASE);
            b.charge(BASE);
        }

        @Operation
        public void chargeA() {
            a.charge(1);
        }

        @Operation
        public void unchargeA() {
            a.uncharge(1);
        }

        @Operation
        public boolean tryChargeA() {
            return a.tryCharge(1) == null;
        }

        @Operation
        public boolean tryChargeB() {
            return b.tryCharge(1) == null;
        }

        @Operation
        public void unchargeB() {
            b.uncharge(1);
        }

        @Operation
        public long usage() {
            return parent.usage();
        }
    }

    /**
     * (b) One counter at its limit (usage = max = BASE): tryCharge fails unless an uncharge made
     * room; uncharge never underflows within a scenario.
     */
    public static class NearTheLimit {
        private final PageCounter c = new PageCounter("c", null, BASE);

        public NearTheLimit() {
            c.charge(BASE);
        }

        @Operation
        public boolean tryCharge() {
            return c.tryCharge(1) == null;
        }

        @Operation
        public void uncharge() {
            c.uncharge(1);
        }
    }

    private static ModelCheckingOptions bounded() {
        return new ModelCheckingOptions().iterations(10).invocationsPerIteration(300).threads(2).actorsPerThread(3)
                .actorsBefore(0).actorsAfter(1);
    }

    @Test
    void forcedChargeUnchargeAndUnlimitedTryChargeAreLinearizable() {
        bounded().check(Unlimited.class);
    }

    @Test
    void tryChargeNearTheLimitIsNotLinearizable() throws Exception {
        // The witness, always explored first (then random scenarios): [uncharge; tryCharge] | [tryCharge].
        Actor uncharge = new Actor(NearTheLimit.class.getMethod("uncharge"), List.of());
        Actor tryCharge = new Actor(NearTheLimit.class.getMethod("tryCharge"), List.of());
        ExecutionScenario witness = new ExecutionScenario(List.of(), List.of(List.of(uncharge, tryCharge), List.of(tryCharge)),
                List.of(), null);
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> new ModelCheckingOptions().addCustomScenario(witness).iterations(30).invocationsPerIteration(500).threads(2)
                        .actorsPerThread(2).actorsBefore(0).actorsAfter(0).check(NearTheLimit.class));
        String msg = e.getMessage();
        System.out.println("Lincheck found, as expected:\n" + msg);
        assertTrue(msg.contains("tryCharge"), msg);
    }

    /**
     * (c) N threads charge a 3-level hierarchy with tight limits (each thread its own leaf, two
     * leaves per middle level), each uncharging only what it charged.
     */
    @Test
    void concurrentTryChargeKeepsTheBooks() throws Exception {
        for (long seed = 1; seed <= 3; seed++) keepsTheBooks(seed, 4, 20_000);
    }

    private static void keepsTheBooks(long seed, int nThreads, int opsPerThread) throws Exception {
        PageCounter root = new PageCounter("root", null, 10);
        PageCounter[] mid = {new PageCounter("mid0", root, 6), new PageCounter("mid1", root, 6)};
        PageCounter[] leaf = new PageCounter[nThreads];
        for (int t = 0; t < nThreads; t++) leaf[t] = new PageCounter("leaf" + t, mid[t % 2], 4);
        // Committed charges as the threads see them: + after a successful tryCharge, - before the
        // uncharge. Never above what the counters hold, which a successful charge bounded by max.
        AtomicLong committedRoot = new AtomicLong();
        AtomicLong[] committedMid = {new AtomicLong(), new AtomicLong()};
        AtomicLong failures = new AtomicLong();
        AtomicBoolean overMax = new AtomicBoolean();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] held = new long[nThreads];
        CyclicBarrier start = new CyclicBarrier(nThreads);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < nThreads; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                Random r = new Random(seed * 31 + id);
                AtomicLong cm = committedMid[id % 2];
                try {
                    start.await();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                for (int k = 0; k < opsPerThread; k++) {
                    if (held[id] > 0 && r.nextInt(100) < 45) {
                        cm.decrementAndGet();
                        committedRoot.decrementAndGet();
                        held[id]--;
                        leaf[id].uncharge(1);
                    } else if (leaf[id].tryCharge(1) == null) {
                        held[id]++;
                        long m = cm.incrementAndGet(), g = committedRoot.incrementAndGet();
                        if (held[id] > leaf[id].max() || m > mid[id % 2].max() || g > root.max()) {
                            overMax.set(true);
                            problems.add("thread " + id + ": committed leaf " + held[id] + ", mid " + m + ", root " + g);
                        }
                    } else {
                        failures.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertTrue(!overMax.get(), "successful charges exceeded a max: " + problems);
        long total = 0;
        long[] midSum = new long[2];
        for (int t = 0; t < nThreads; t++) {
            assertEquals(held[t], leaf[t].usage(), "leaf" + t + " usage = its charges minus its uncharges");
            midSum[t % 2] += held[t];
            total += held[t];
        }
        for (int i = 0; i < 2; i++) assertEquals(midSum[i], mid[i].usage(), "mid" + i + " usage = the sum of its leaves");
        assertEquals(total, root.usage(), "root usage = the sum of all charges held");
        long failcnt = root.failcnt() + mid[0].failcnt() + mid[1].failcnt();
        for (PageCounter l : leaf) failcnt += l.failcnt();
        assertEquals(failures.get(), failcnt, "each failed tryCharge is counted at exactly one level");
        long underflows = root.underflows() + mid[0].underflows() + mid[1].underflows();
        for (PageCounter l : leaf) underflows += l.underflows();
        assertEquals(0, underflows, "no counter ever went below zero");
        assertTrue(failures.get() > 0, "the limits never bit");
        // Give everything back: every level at zero.
        for (int t = 0; t < nThreads; t++) leaf[t].uncharge(held[t]);
        assertEquals(0, root.usage());
        assertEquals(0, mid[0].usage() + mid[1].usage());
    }

    /** With room for everything every thread can hold, no tryCharge fails, even concurrently. */
    @Test
    void noSpuriousFailureWhenEverythingFits() throws Exception {
        PageCounter root = new PageCounter("root", null, 4 * 3);
        PageCounter[] leaf = new PageCounter[4];
        for (int t = 0; t < 4; t++) leaf[t] = new PageCounter("leaf" + t, root, 3);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                Random r = new Random(id);
                long held = 0;
                for (int k = 0; k < 20_000; k++) {
                    if (held == 3 || (held > 0 && r.nextBoolean())) {
                        leaf[id].uncharge(1);
                        held--;
                    } else if (leaf[id].tryCharge(1) == null) {
                        held++;
                    } else {
                        failures.incrementAndGet();
                    }
                }
                leaf[id].uncharge(held);
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertEquals(0, failures.get());
        assertEquals(0, root.usage());
    }
}
