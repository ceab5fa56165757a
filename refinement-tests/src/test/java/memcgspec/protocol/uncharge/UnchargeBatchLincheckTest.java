package memcgspec.protocol.uncharge;

import java.util.List;
import java.util.Map;
import memcgspec.impl.Cpu;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.uncharge.UnchargeBatchPaths;
import memcgspec.protocol.Machine;
import memcgspec.protocol.PathLincheck;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

/**
 * The batched uncharge's concurrency, model-checked by Lincheck on hand-written scenarios
 * ({@link PathLincheck}): a gather is its CPU's own; what CPUs share is each folio's memcg_data,
 * the counters and the css counts, and the memcgs' lifetime (offline, css_free). On root -> 1 -> 2
 * (2 removable), memory.max 4: CPU 0 releases a batch holding the last folio of memcg 2 and a
 * folio of memcg 1 (a gather switch) while CPU 1 takes memcg 2 offline and tries to free it: the
 * folio's css_put in uncharge_folio may drop the last reference but the gather's, and css_free
 * must wait for uncharge_batch. (Two gathers on one memcg, a third thread: 1.3 s an interleaving,
 * left to the stress and property runs.)
 * {@code UnchargeGather} and {@code UnchargeBatchSteps} are analysed (switch points between the
 * folio's css_put and the flush); {@code MemCgroup}, the counters and {@code Cpu} run atomically as
 * in {@link PathLincheck#ATOMIC}. Each interleaving ends with every CPU idle, every invariant of
 * {@link UnchargeBatchProtocol#PROTOCOL} (NoCounterWriteAfterFree, CssRefBalance, ...), and the
 * drain with its end checks.
 *
 * <p>Measured with a scratch edit: a gather that takes no css reference of its own (and puts none
 * in uncharge_batch) fails at interleaving 12: memcg 2 is freed between uncharge_folio's css_put
 * and uncharge_batch, which then writes its counters (NoCounterWriteAfterFree).
 */
class UnchargeBatchLincheckTest {
    /** Interleavings explored per scenario (deterministic exploration). */
    static final int INVOCATIONS = 20;

    /** The machine, and the batches filled before the threads start. */
    public abstract static class Batches {
        static final Protocol.Setup SETUP = new Protocol.Setup("uncharge-lincheck", new Mm.Config(2, 4, 0, 2, 1, 4), Map.of());
        final Mm mm = new Mm(SETUP.mm());
        final MemCgroup two = mm.memcg(2);

        /** Fills CPU {@code c}'s batch with one folio charged to each memcg of {@code memcgs}, in order. */
        void fill(int c, int... memcgs) {
            for (int m : memcgs) {
                if (UnchargeBatchPaths.addFolio(mm.cpu(c), mm.memcg(m), 0) != UnchargeBatchPaths.Added.CHARGED) {
                    throw new IllegalStateException("the setup charge to " + m + " failed");
                }
            }
        }

        void releaseOn(int c) {
            UnchargeBatchPaths.foliosPutRefs(mm.cpu(c));
        }

        /** rmdir of memcg 2, then one css_free attempt (refused while anything holds a css reference). */
        void offlineAndFreeTwo() {
            try {
                mm.Offline(two);
            } catch (StepRefused notNow) {
                return;
            }
            Stress.tryFree(mm, two);
        }

        void invariants() {
            for (Cpu c : mm.cpus()) PathLincheck.require(c.pc() == Pc.IDLE, "not idle: " + c);
            List<String> v = UnchargeBatchProtocol.PROTOCOL.check(Machine.of(mm));
            PathLincheck.require(v.isEmpty(), "invariants: " + v);
            try {
                Stress.drainAndCheck(UnchargeBatchProtocol.PROTOCOL, SETUP, mm, "the drain");
            } catch (AssertionError e) {
                throw new IllegalStateException(e.getMessage());
            }
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(this::invariants);
        }
    }

    /** CPU 0's batch: the only folio of memcg 2, then one of memcg 1; against offline and free of 2. */
    public static class SwitchVsFree extends Batches {
        public SwitchVsFree() {
            fill(0, 2, 1);
        }

        @Operation
        public void releaseOnCpu0() {
            releaseOn(0);
        }

        @Operation
        public void offlineAndFreeOnCpu1() {
            offlineAndFreeTwo();
        }
    }

    @Test
    void gatherSwitchAgainstOfflineAndFree() {
        ExecutionScenario s = PathLincheck.scenario(SwitchVsFree.class, List.of(),
                List.of(PathLincheck.actor(SwitchVsFree.class, "releaseOnCpu0")),
                List.of(PathLincheck.actor(SwitchVsFree.class, "offlineAndFreeOnCpu1")));
        PathLincheck.check("uncharge-batch: a gather switch against offline and css_free", SwitchVsFree.class,
                PathLincheck.scenarios(s), INVOCATIONS);
    }
}
