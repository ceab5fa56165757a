package memcgspec.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import memcgspec.impl.Folio;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import memcgspec.registry.Protocols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The property engine's incremental checks ({@link PropertyEngine.Checking#INCREMENTAL}) say what
 * the full checks say: on every setup of every protocol of the registry, both run after every
 * step ({@link PropertyEngine.Checking#BOTH}), which fails at the first step where the invariants
 * they report, or their verdicts on a refusal, differ. And the broken implementations of
 * {@link ShrinkerTest} are caught in incremental mode by the same invariant, at the same step, with
 * the same report as in full mode.
 */
class IncrementalChecksTest {

    static Stream<Arguments> setups() {
        return Protocols.ALL.stream().flatMap(p -> p.setups().stream().map(s -> Arguments.of(p, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void incrementalChecksAgreeWithFullChecksAfterEveryStep(Protocol p, Protocol.Setup setup) {
        PropertyEngine.Settings s = new PropertyEngine.Settings(12, 400, 2026L + setup.name().hashCode(), true, PropertyEngine.Checking.BOTH);
        PropertyEngine.Stats st = PropertyEngine.run(p.name() + "/" + setup.name(), new ProtocolWorkload(p, setup), s);
        assertEquals(12L * 400, st.steps());
        assertTrue(st.refused() > 0, "no refusal compared: " + st.summary());
        assertTrue(st.drainSteps() > 0, "no drain step compared: " + st.summary());
    }

    @Test
    void bothModeFailsWhenTheIncrementalChecksMissAWrite() {
        // GetPage that also takes a reference on a free folio (no CPU, cache or slot refers to it:
        // only the write log brings it to the incremental checks), on a machine whose write log is
        // replaced behind the checks' back: the incremental checks miss the write, the full ones
        // report RefcountBalance and FreeMeansUnreferenced, and BOTH stops at once.
        ShrinkerTest.Broken broken = new ShrinkerTest.Broken("GetPage", s -> mm -> {
            Object r = s.apply(mm);
            Folio f = mm.mm().findFree(0);
            if (f != null) f.get();
            return r;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PropertyEngine.run("blind",
                new BlindLog(broken), new PropertyEngine.Settings(20, 400, 5L, true, PropertyEngine.Checking.BOTH)));
        assertTrue(e.getMessage().contains("incremental checks disagree after a step"), e.getMessage());
        assertTrue(e.getMessage().contains("RefcountBalance"), e.getMessage());
        // With its write log intact, the same workload fails in BOTH mode on the invariants, agreeing.
        AssertionError caught = assertThrows(AssertionError.class, () -> PropertyEngine.run("seen",
                broken, new PropertyEngine.Settings(20, 400, 5L, true, PropertyEngine.Checking.BOTH)));
        assertTrue(caught.getMessage().contains("RefcountBalance"), caught.getMessage());
    }

    @Test
    void bothModeFailsWhenTheKmemRowSumsMissAWrite() {
        // The kmem protocol's parts with kmem moves only (allocate, free, offline, free a memcg):
        // no folio is written, so with the write log lost only the census' sums over the kmem
        // page rows go stale. The incremental Conservation misses the pages charged since; the full
        // checks, summing every page, do not: BOTH stops at the first such step.
        Protocol kmem = Protocols.byName("kmem").orElseThrow();
        Protocol kmemOnly = new Protocol("kmem-only", "Kmem", kmem.parts(),
                new Protocol.Mix(0, Protocol.Mix.weights("Offline", 10, "Free", 15), Protocol.Mix.weights("KmemAlloc", 2, "KmemFree", 1)),
                kmem.setups(), List.of(), "kmem.md");
        ProtocolWorkload w = new ProtocolWorkload(kmemOnly, kmem.setups().get(0));
        PropertyEngine.Stats ok = PropertyEngine.run("kmem-only", w, new PropertyEngine.Settings(4, 400, 9L, true, PropertyEngine.Checking.BOTH));
        assertTrue(ok.ran("KmemCharge") > 0 || ok.ran("KmemAlloc") > 0, ok.summary());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PropertyEngine.run("blind-kmem",
                new BlindLog(w), new PropertyEngine.Settings(4, 400, 9L, true, PropertyEngine.Checking.BOTH)));
        assertTrue(e.getMessage().contains("incremental checks disagree after a step"), e.getMessage());
        assertTrue(e.getMessage().contains("Conservation") && e.getMessage().contains("kmem pages"), e.getMessage());
    }

    /** A workload whose incremental checks lose the write log (a machine re-tracked by someone else after the checks started). */
    private static final class BlindLog implements Workload<Machine> {
        private final ProtocolWorkload w;

        BlindLog(ProtocolWorkload w) {
            this.w = w;
        }

        @Override
        public Machine create() {
            return w.create();
        }

        @Override
        public Call<Machine> randomStep(Machine m, java.util.Random r) {
            return w.randomStep(m, r);
        }

        @Override
        public List<String> invariants(Machine m) {
            return w.invariants(m);
        }

        @Override
        public Object snapshot(Machine m) {
            return w.snapshot(m);
        }

        @Override
        public Call<Machine> nextDrainStep(Machine m) {
            return w.nextDrainStep(m);
        }

        @Override
        public List<String> atQuiescence(Machine m) {
            return w.atQuiescence(m);
        }

        @Override
        public Workload.Checks checks(Machine m, boolean incremental) {
            Workload.Checks c = w.checks(m, incremental);
            if (incremental) m.mm().track(); // replaces the log the checks read: they see no write from now on
            return c;
        }
    }

    private static String failure(ProtocolWorkload model, PropertyEngine.Checking checking) {
        PropertyEngine.Settings s = new PropertyEngine.Settings(50, 400, 4242L, true, checking);
        AssertionError e = assertThrows(AssertionError.class, () -> PropertyEngine.run("broken", model, s));
        return e.getMessage();
    }

    @Test
    void brokenImplementationsAreCaughtTheSameWayInBothModes() {
        for (ProtocolWorkload broken : List.of(ShrinkerTest.forgetsNonLeafUncharge(), ShrinkerTest.leakyCancel())) {
            String full = failure(broken, PropertyEngine.Checking.FULL);
            String inc = failure(broken, PropertyEngine.Checking.INCREMENTAL);
            assertTrue(full.contains("Conservation"), full);
            assertEquals(full, inc);
        }
    }

    @Test
    void aRefusalThatChangesOnlyAMemcgIsCaughtTheSameWayInBothModes() {
        // GetPage of a referenced folio raises memcg1's memory.max and claims a refusal: no frame
        // or CPU changes, only a memcg (which the incremental checks see through the write log).
        ProtocolWorkload lying = new ShrinkerTest.Broken("GetPage", s -> mm -> {
            if (mm.mm().folio(Integer.parseInt(s.args().get(1).substring(1)) - 1).refcount() > 0) {
                mm.mm().memcg(1).memory().setMax(mm.mm().memcg(1).memory().max() + 1);
                throw new memcgspec.impl.StepRefused("lying refusal");
            }
            return s.apply(mm);
        });
        String full = failure(lying, PropertyEngine.Checking.FULL);
        String inc = failure(lying, PropertyEngine.Checking.INCREMENTAL);
        assertTrue(full.contains("RefusalChangesNothing"), full);
        assertEquals(full, inc);
    }

    @Test
    void aLyingRefusalIsCaughtTheSameWayInBothModes() {
        ProtocolWorkload lying = ShrinkerTest.lyingGetPage();
        String full = failure(lying, PropertyEngine.Checking.FULL);
        String inc = failure(lying, PropertyEngine.Checking.INCREMENTAL);
        assertTrue(full.contains("RefusalChangesNothing"), full);
        assertEquals(full, inc);
    }
}
