package memcgspec.protocol.stock;

import java.util.List;
import java.util.Map;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.stock.StockPaths;
import memcgspec.protocol.Machine;
import memcgspec.protocol.PathLincheck;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

/**
 * The per-CPU stock's concurrency, model-checked by Lincheck on hand-written scenarios
 * ({@link PathLincheck}): a stock is changed only by its own CPU (the task's consume and refill,
 * and the drain work queued on that CPU), read by any (drain_all_stock's is_memcg_drain_needed)
 * and flagged by any (FLUSHING_CACHED_CHARGE). The scenarios, on root -> 1 -> 2 with memory.max 3
 * and a batch of 2 (one slot per CPU):
 * <ul>
 *   <li>CPU 0, whose slot holds a page of memcg 2, charges a kmem page for a task of memcg 2 and
 *       frees it (through its stock), twice, while CPU 1 takes memcg 2 offline (drain_all_stock
 *       queues CPU 0's drain), runs its own queued drain and tries to free memcg 2;</li>
 *   <li>CPU 0 and CPU 1 each charge a page for a task of memcg 2: with memory.max 3 and a page
 *       already charged from CPU 2's stock, one of them may fail its batch and its single page
 *       and run drain_all_stock, queuing CPU 2's drain while CPU 2 frees its page into its stock.</li>
 * </ul>
 * {@code MemcgStock} is analysed (switch points at every slot and flag access); {@code MemCgroup},
 * the counters and {@code Cpu} run atomically as in {@link PathLincheck#ATOMIC}. Each interleaving
 * ends with every CPU idle, every invariant of {@link StockProtocol#PROTOCOL}, and the drain with
 * its end checks.
 *
 * <p>Measured with a scratch edit: a drain_all_stock that drains the other CPUs' stocks itself,
 * from the calling thread, instead of queuing their work (two writers on one stock), fails the
 * first scenario at interleaving 7 (Conservation: a page consumed from a slot the remote drain
 * had just uncharged).
 */
class StockLincheckTest {
    /** Interleavings explored per scenario (deterministic exploration). */
    static final int INVOCATIONS = 40;

    /** The machine and the page charged from CPU 2's stock both scenarios share. */
    public abstract static class Machine3 {
        static final Protocol.Setup SETUP = new Protocol.Setup("stock-lincheck",
                new Mm.Config(3, 0, 0, 2, 1, 3).withSwap(0, 100, 1).withKmem(4).withStock(2, 1), Map.of());
        final Mm mm = new Mm(SETUP.mm());
        final MemCgroup two = mm.memcg(2);
        /** Charged on CPU {@code setupCpu} with a batch: that CPU's slot caches memcg 2 with one page. */
        final KmemPage setupPage;

        Machine3(int setupCpu) {
            KmemPage[] got = new KmemPage[1];
            if (StockPaths.allocKmemPage(mm.cpu(setupCpu), two, null, got) != StockPaths.Charged.BATCH) {
                throw new IllegalStateException("the setup charge did not batch");
            }
            setupPage = got[0];
        }

        /** A kmem page charged and freed by CPU 0, through its stock. */
        @Operation
        public void chargeAndFreeOnCpu0() {
            Cpu c = mm.cpu(0);
            KmemPage[] got = new KmemPage[1];
            StockPaths.Charged r = StockPaths.allocKmemPage(c, two.online() ? two : mm.memcg(1), null, got);
            if (got[0] != null && r != StockPaths.Charged.ENOMEM) StockPaths.freeKmemPage(c, got[0], null);
            StockPaths.runQueuedWork(c);
        }

        void invariants() {
            endChecks(SETUP, mm);
        }
    }

    /**
     * The checks after each interleaving (StockUserLincheckTest's too): every CPU idle, every
     * invariant of {@link StockProtocol#PROTOCOL}, then the drain with its end checks.
     */
    static void endChecks(Protocol.Setup setup, Mm mm) {
        for (Cpu c : mm.cpus()) PathLincheck.require(c.pc() == Pc.IDLE, "not idle: " + c);
        List<String> v = StockProtocol.PROTOCOL.check(Machine.of(mm));
        PathLincheck.require(v.isEmpty(), "invariants: " + v);
        try {
            Stress.drainAndCheck(StockProtocol.PROTOCOL, setup, mm, "the drain");
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /**
     * A charge and a free through CPU 0's stock (whose slot holds a page of memcg 2: the charge
     * hits it, unless memcg 2 is offline by then) against offline (CPU 0's drain queued) and free
     * of the memcg.
     */
    public static class ChargeVsOffline extends Machine3 {
        public ChargeVsOffline() {
            super(0);
        }

        @Operation
        public void offlineDrainAndFreeOnCpu1() {
            try {
                mm.Offline(two);
            } catch (StepRefused allocating) {
                return;
            }
            StockPaths.runQueuedWork(mm.cpu(1));
            try {
                mm.Free(two);
            } catch (StepRefused pinned) {
                // a slot or a charging CPU holds a css reference: the drain frees it if it can
            }
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(this::invariants);
        }
    }

    /** Two charges competing for memory.max 3 while CPU 2 frees its page into its stock. */
    public static class ChargesVsRefill extends Machine3 {
        public ChargesVsRefill() {
            super(2);
        }

        @Operation
        public void chargeOnCpu1() {
            Cpu c = mm.cpu(1);
            KmemPage[] got = new KmemPage[1];
            StockPaths.allocKmemPage(c, two, null, got);
            StockPaths.runQueuedWork(c);
        }

        @Operation
        public void freeOnCpu2() {
            Cpu c = mm.cpu(2);
            StockPaths.freeKmemPage(c, setupPage, null);
            StockPaths.runQueuedWork(c);
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(this::invariants);
        }
    }

    @Test
    void chargeAgainstOfflineAndItsDrains() {
        ExecutionScenario s = PathLincheck.scenario(ChargeVsOffline.class, List.of(),
                List.of(PathLincheck.actor(ChargeVsOffline.class, "chargeAndFreeOnCpu0"),
                        PathLincheck.actor(ChargeVsOffline.class, "chargeAndFreeOnCpu0")),
                List.of(PathLincheck.actor(ChargeVsOffline.class, "offlineDrainAndFreeOnCpu1")));
        PathLincheck.check("stock: a charge and a free against offline's drain_all_stock and free", ChargeVsOffline.class,
                PathLincheck.scenarios(s), INVOCATIONS);
    }

    @Test
    void chargesAgainstARefill() {
        ExecutionScenario s = PathLincheck.scenario(ChargesVsRefill.class, List.of(),
                List.of(PathLincheck.actor(ChargesVsRefill.class, "chargeAndFreeOnCpu0")),
                List.of(PathLincheck.actor(ChargesVsRefill.class, "chargeOnCpu1")),
                List.of(PathLincheck.actor(ChargesVsRefill.class, "freeOnCpu2")));
        PathLincheck.check("stock: two charges at the limit (drain_all_stock) against a refill", ChargesVsRefill.class,
                PathLincheck.scenarios(s), INVOCATIONS);
    }
}
