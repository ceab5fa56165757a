package memcgspec.protocol.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import org.junit.jupiter.api.Test;

/**
 * The Swap invariants (spec/Swap.tla, evaluated by {@link SwapInvariants} and the charge invariants it reuses) after every step of
 * random runs of the Java implementation with a swap device, at sizes TLC cannot reach (200+
 * folios, tens of slots, tight memory.max and swap.max, 3-level and 9-level hierarchies, 4 and 12
 * CPUs), for cgroup v1 (memsw) and v2 (swap counter); then after draining each run to quiescence
 * (no leaked charge, slot or memcg). Tries and depth: {@code -Dprops.tries=... -Dprops.depth=...};
 * the CI default (200 x 400) is shared with {@link ChargePropertiesTest}, and each setup here runs
 * half the tries (six setups), which keeps the class within a CI budget; replay a failure with
 * {@code -Dprops.seed=...}.
 */
class SwapPropertiesTest {

    /** Actions of Swap.tla that only one accounting mode has. */
    private static final Set<String> V1_ONLY = Set.of("SwapinUnchargeSwap");

    private static PropertyEngine.Stats run(Protocol.Setup setup) {
        PropertyEngine.Settings s = PropertyEngine.Settings.fromSystemProperties(200, 400);
        s = s.withTries(Math.max(1, s.tries() / 2));
        PropertyEngine.Stats st = PropertyEngine.run(setup.name(), new ProtocolWorkload(SwapProtocol.PROTOCOL, setup), s);
        System.out.println(st.summary());
        assertEquals((long) s.tries() * s.depth(), st.steps(), "steps run");
        assertTrue(st.refused() < st.steps() / 2, "more than half the steps refused: the generator is off: " + st.summary());
        long swapOuts = st.ran("SwapOut"), swapIns = st.outcome("SwapinMap=mapped"), addToSwap = st.ran("AddToSwap");
        System.out.printf("props(%s): %.0f steps/s; %d swap-outs (%d slots allocated, %d swap.max failures, %d swap-full aborts),"
                        + " %d swap-ins mapped (%d by hit), %d swap-in charges failed, %d EEXIST, %d offline with swapped pages,"
                        + " %d memcgs freed, %d recorded slots freed, %d TryCharge ENOMEM%n",
                setup.name(), st.stepsPerSecond(), swapOuts, addToSwap - st.outcome("AddToSwap=swap.max"),
                st.outcome("AddToSwap=swap.max"), st.outcome("ReclaimAbort=full"), swapIns, st.ran("SwapinHit"),
                st.outcome("SwapInCharge=ENOMEM"), st.outcome("SwapcachePrepare=EEXIST"), st.outcome("Offline=with-swap"),
                st.ran("Free"), st.outcome("SwapSlotFree=recorded"), st.outcome("TryCharge=ENOMEM"));
        if (st.steps() < 10_000) return st;
        // Coverage: every action of Swap.tla ran (was enabled) at this scale.
        for (String action : SwapProtocol.PROTOCOL.actions().actions().keySet()) {
            if (setup.mm().version() == 2 && V1_ONLY.contains(action)) continue;
            assertTrue(st.ran(action) > 0, "the property run never ran " + action + ": " + st.summary());
        }
        if (setup.mm().version() == 2) assertEquals(0, st.ran("SwapinUnchargeSwap"), "v2 has no memsw to drop at swap-in");
        // Swap really cycles: pages go out and come back, many times per run.
        assertTrue(swapOuts >= s.tries() * 5L, "too few swap-outs: " + swapOuts);
        assertTrue(swapIns >= s.tries() * 5L, "too few swap-ins: " + swapIns);
        assertTrue(st.ran("SwapinHit") > 0 && st.outcome("SwapinMap=raced") > 0, "swap-cache hits and lost races");
        // The limits bite: memory.max at fault and at swap-in, swap.max (v2) or a full device at swap-out.
        assertTrue(st.outcome("TryCharge=ENOMEM") > 0, "no fault charge failed");
        assertTrue(st.outcome("SwapInCharge=ENOMEM") > 0, "no swap-in charge failed");
        if (setup.mm().version() == 2) assertTrue(st.outcome("AddToSwap=swap.max") > 0, "swap.max never failed a swap-out");
        assertTrue(st.outcome("SwapcachePrepare=EEXIST") > 0, "swapcache_prepare never saw -EEXIST");
        // Memcgs go offline while they have swapped pages, and are freed once the last reference goes.
        assertTrue(st.outcome("Offline=with-swap") > 0, "no memcg went offline with swapped pages");
        assertTrue(st.ran("Free") > 0, "no memcg was ever freed");
        return st;
    }

    @Test
    void tightLimits3LevelsV1() {
        run(SwapProtocol.tight(1));
    }

    @Test
    void tightLimits3LevelsV2() {
        run(SwapProtocol.tight(2));
    }

    @Test
    void deepChain9LevelsV1() {
        run(SwapProtocol.deepChain(1));
    }

    @Test
    void deepChain9LevelsV2() {
        run(SwapProtocol.deepChain(2));
    }

    @Test
    void manyCpus12V1() {
        run(SwapProtocol.manyCpus(1));
    }

    @Test
    void manyCpus12V2() {
        run(SwapProtocol.manyCpus(2));
    }

    @Test
    void setupsMatchTheBrief() {
        for (Protocol.Setup setup : SwapProtocol.PROTOCOL.setups()) {
            Mm mm = setup.create().mm();
            assertTrue(mm.folios().size() >= 200, setup.name());
            assertTrue(mm.swap().size() >= 10, setup.name() + ": tens of slots");
            assertTrue(mm.memcg(1).memory().max() * 4 < mm.folios().size(), setup.name() + ": tight memory.max");
            // swap.max applies below the first level (Swap.tla's SwapMaxOf): check the deepest memcg.
            MemCgroup deepest = mm.memcg(mm.memcgs().size() - 1);
            assertTrue(deepest.swap().max() < mm.swap().size(), setup.name() + ": tight swap.max");
        }
        assertEquals(6, SwapProtocol.PROTOCOL.setups().size());
    }
}
