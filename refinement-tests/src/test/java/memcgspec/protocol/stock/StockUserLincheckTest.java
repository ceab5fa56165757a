package memcgspec.protocol.stock;

import java.util.List;
import java.util.Map;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.StepRefused;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.stock.StockPaths;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.protocol.PathLincheck;
import memcgspec.protocol.Protocol;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

/**
 * The per-CPU stock under user pages, model-checked by Lincheck on hand-written scenarios
 * ({@link PathLincheck}): the whole paths of {@link ChargePaths} and {@link SwapPaths} whose
 * charges go through {@code try_charge_memcg} and the CPU's stock (Stock.tla's user models,
 * {@code stock-user}, {@code stock-user-offline}, {@code stock-swapin}), where
 * {@link StockLincheckTest} drives kernel-memory pages. The machines: 3 CPUs, root -> 1 -> 2, a
 * batch of 2, one stock slot per CPU, cgroup v1, two swap slots; memory.max 3, or 2 for the swap-in.
 * <ul>
 *   <li>{@link FaultVsOffline}: CPU 0's slot holds a page of memcg 2 (a fault batched and its page
 *       was unmapped); CPU 0 faults for a task of memcg 2 (a stock hit, unless memcg 2 went offline
 *       first) and unmaps the page, while CPU 1 takes memcg 2 offline (drain_all_stock queues CPU
 *       0's drain), runs its own queued work and tries to free memcg 2.</li>
 *   <li>{@link FaultsAtTheLimit}: CPU 2 faulted a page of memcg 2 with a batch (usage 2, one page
 *       in CPU 2's stock); CPU 0 and CPU 1 each fault for memcg 2, so one of them fails its batch
 *       and its single page and runs drain_all_stock, which queues CPU 2's drain, while CPU 2
 *       unmaps its page and runs its queued work.</li>
 *   <li>{@link SwapinAtTheLimitVsOffline}: memory.max 2 is full (a page swapped out from CPU 2,
 *       whose stock keeps the batch's other page, and a page faulted on CPU 1); CPU 0 swaps the page
 *       in for memcg 2, its record's memcg: the batch and the single page fail, drain_all_stock
 *       queues CPU 2's drain, the retry charges the recorded memcg (or fails), while CPU 1 takes
 *       memcg 2 offline and tries to free it and CPU 2 runs its queued work. This is the window
 *       Stock.tla leaves out (docs/stock.md: the recorded memcg cannot go offline between
 *       drain_all_stock and the retry in the model); here it can.</li>
 * </ul>
 * {@code MemcgStock} is analysed (switch points at every slot and flag access); {@code MemCgroup},
 * the counters and {@code Cpu} run atomically as in {@link PathLincheck#ATOMIC}. Each interleaving
 * ends with every CPU idle, every invariant of {@link StockProtocol#PROTOCOL}, and the drain with
 * its end checks (no page, slot or reference left behind).
 *
 * <p>It can fail (measured with scratch edits, never committed): a failed user charge that keeps
 * its css reference (ChargeSteps.chargeFailed without its css_put) fails {@link FaultsAtTheLimit}
 * at interleaving 1 (CssRefBalance); drain_all_stock draining the other CPUs' stocks from the
 * calling thread instead of queuing their work (two writers on one stock) fails
 * {@link FaultVsOffline} at interleaving 32 (CssRefBalance: memcg 2 has -1 css references, the
 * slot's reference put twice); the swap-in's failed charge keeping its css reference
 * (SwapinSteps.chargeFailed without its css_put) fails {@link SwapinAtTheLimitVsOffline} at
 * interleaving 1 (CssRefBalance of memcg 1: memcg 2 was offline when the swap-in read it, and the
 * task's memcg was charged instead).
 */
class StockUserLincheckTest {
    /** Interleavings explored per scenario (deterministic exploration). */
    static final int INVOCATIONS = 40;

    /** The machine the scenarios share. */
    public abstract static class UserMachine {
        static final Protocol.Setup ROOMY = setup("stock-user-lincheck", 3), TIGHT = setup("stock-user-lincheck-tight", 2);
        final Protocol.Setup setup;
        final Mm mm;
        final MemCgroup one, two;

        UserMachine(Protocol.Setup setup) {
            this.setup = setup;
            mm = new Mm(setup.mm());
            one = mm.memcg(1);
            two = mm.memcg(2);
        }

        private static Protocol.Setup setup(String name, long max) {
            return new Protocol.Setup(name, new Mm.Config(3, 6, 0, 2, 1, max).withSwap(2, 100, 1).withStock(2, 1), Map.of());
        }

        /** A page faulted on CPU c for a task of memcg 2, which must have charged a batch there. */
        Folio faultWithBatch(int c) {
            Cpu cpu = mm.cpu(c);
            Folio f = ChargePaths.doAnonymousPage(cpu, two, false);
            MemcgStock st = MemcgStock.of(cpu);
            if (f == null || st.slotMemcg(0) != two || st.slotPages(0) != 1) {
                throw new IllegalStateException("the setup fault did not batch: " + f + ", " + st);
            }
            return f;
        }

        /** The memcg a task of memcg 2 runs in now: 2, or its parent once 2 is offline. */
        MemCgroup task() {
            return two.online() ? two : one;
        }

        /** Offline of memcg 2 (drain_all_stock queues the drains of the CPUs caching it), the queued work, a free. */
        void offlineDrainAndFree(Cpu c) {
            try {
                mm.Offline(two);
            } catch (StepRefused allocating) {
                return;
            }
            StockPaths.runQueuedWork(c);
            try {
                mm.Free(two);
            } catch (StepRefused pinned) {
                // a page, a record, a slot or a charging CPU still holds a reference
            }
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> StockLincheckTest.endChecks(setup, mm));
        }
    }

    /** A fault that hits CPU 0's stock, and its unmap, against offline's drain and free. */
    public static class FaultVsOffline extends UserMachine {
        public FaultVsOffline() {
            super(ROOMY);
            Folio f = faultWithBatch(0);
            if (!ChargePaths.zap(mm.cpu(0), f)) throw new IllegalStateException("the setup unmap failed");
        }

        @Operation
        public void faultAndUnmapOnCpu0() {
            Cpu c = mm.cpu(0);
            Folio f = ChargePaths.doAnonymousPage(c, task(), false);
            if (f != null) ChargePaths.zap(c, f);
            StockPaths.runQueuedWork(c);
        }

        @Operation
        public void offlineDrainAndFreeOnCpu1() {
            offlineDrainAndFree(mm.cpu(1));
        }
    }

    /** Two faults at memory.max (one runs drain_all_stock) against CPU 2's unmap and queued drain. */
    public static class FaultsAtTheLimit extends UserMachine {
        final Folio setupPage;

        public FaultsAtTheLimit() {
            super(ROOMY);
            setupPage = faultWithBatch(2);
        }

        @Operation
        public void faultOnCpu0() {
            fault(mm.cpu(0));
        }

        @Operation
        public void faultOnCpu1() {
            fault(mm.cpu(1));
        }

        private void fault(Cpu c) {
            ChargePaths.doAnonymousPage(c, two, false);
            StockPaths.runQueuedWork(c);
        }

        @Operation
        public void unmapOnCpu2() {
            Cpu c = mm.cpu(2);
            ChargePaths.zap(c, setupPage);
            StockPaths.runQueuedWork(c);
        }
    }

    /**
     * A swap-in at memory.max charging the recorded memcg through CPU 0's stock (its batch and its
     * single page fail, drain_all_stock queues CPU 2's drain, the retry keeps the recorded memcg)
     * against offline's drain and free and CPU 2's queued work.
     */
    public static class SwapinAtTheLimitVsOffline extends UserMachine {
        final int slot;

        public SwapinAtTheLimitVsOffline() {
            super(TIGHT);
            Folio a = faultWithBatch(2);
            if (SwapPaths.reclaimAnon(mm.cpu(2), a) != SwapPaths.ReclaimResult.SWAPPED_OUT) {
                throw new IllegalStateException("the setup swap-out failed");
            }
            if (ChargePaths.doAnonymousPage(mm.cpu(1), two, false) == null || two.memory().usage() != 2) {
                throw new IllegalStateException("the setup did not fill memory.max: " + two);
            }
            int s = 0;
            while (mm.swap().count(s) == 0) s++;
            slot = s;
        }

        @Operation
        public void swapinOnCpu0() {
            Cpu c = mm.cpu(0);
            SwapPaths.swapIn(c, slot, task());
            StockPaths.runQueuedWork(c);
        }

        @Operation
        public void offlineDrainAndFreeOnCpu1() {
            offlineDrainAndFree(mm.cpu(1));
        }

        @Operation
        public void queuedWorkOnCpu2() {
            StockPaths.runQueuedWork(mm.cpu(2));
        }
    }

    @Test
    void faultThroughTheStockAgainstOfflineAndItsDrains() {
        Class<?> t = FaultVsOffline.class;
        ExecutionScenario s = PathLincheck.scenario(t, List.of(),
                List.of(PathLincheck.actor(t, "faultAndUnmapOnCpu0")),
                List.of(PathLincheck.actor(t, "offlineDrainAndFreeOnCpu1")));
        PathLincheck.check("stock, user pages: a fault and an unmap against offline's drain_all_stock and free", t,
                PathLincheck.scenarios(s), INVOCATIONS);
    }

    @Test
    void twoFaultsAtTheLimitAgainstAnUnmapAndADrain() {
        Class<?> t = FaultsAtTheLimit.class;
        ExecutionScenario s = PathLincheck.scenario(t, List.of(),
                List.of(PathLincheck.actor(t, "faultOnCpu0")),
                List.of(PathLincheck.actor(t, "faultOnCpu1")),
                List.of(PathLincheck.actor(t, "unmapOnCpu2")));
        PathLincheck.check("stock, user pages: two faults at memory.max (drain_all_stock) against an unmap and a queued drain", t,
                PathLincheck.scenarios(s), INVOCATIONS);
    }

    @Test
    void swapinAtTheLimitAgainstOfflineAndTheDrains() {
        Class<?> t = SwapinAtTheLimitVsOffline.class;
        ExecutionScenario s = PathLincheck.scenario(t, List.of(),
                List.of(PathLincheck.actor(t, "swapinOnCpu0")),
                List.of(PathLincheck.actor(t, "offlineDrainAndFreeOnCpu1")),
                List.of(PathLincheck.actor(t, "queuedWorkOnCpu2"), PathLincheck.actor(t, "queuedWorkOnCpu2")));
        PathLincheck.check("stock, user pages: a swap-in at memory.max (drain_all_stock, the retry on the recorded memcg) "
                + "against offline's drain_all_stock and free", t, PathLincheck.scenarios(s), INVOCATIONS);
    }
}
