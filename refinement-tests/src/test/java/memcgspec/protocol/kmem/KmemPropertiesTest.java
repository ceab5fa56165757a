package memcgspec.protocol.kmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import org.junit.jupiter.api.Test;

/**
 * The Kmem invariants (spec/Kmem.tla: {@link KmemInvariants} with the swap and charge invariants
 * it reuses) after every step of random runs of the Java implementation at sizes TLC cannot
 * reach: hundreds of kmem pages allocated and freed (two thirds of the idle moves) on 4 and 8
 * CPUs while whole subtrees of a 14-memcg tree, or the levels of a 10-memcg chain, go offline and
 * are freed under them, with user-page fault, reclaim and swap-in traffic, cgroup v1 and v2; then
 * after draining each run to quiescence. Tries and depth: {@code -Dprops.tries=... -Dprops.depth=...}
 * (the CI default 200 x 400, half the tries per setup here); replay a failure with
 * {@code -Dprops.seed=...}.
 */
class KmemPropertiesTest {

    /** Actions only cgroup v1 has. */
    private static final Set<String> V1_ONLY = Set.of("SwapinUnchargeSwap");

    private static void run(Protocol.Setup setup) {
        PropertyEngine.Settings s = PropertyEngine.Settings.fromSystemProperties(200, 400);
        s = s.withTries(Math.max(1, s.tries() / 2));
        PropertyEngine.Stats st = PropertyEngine.run(setup.name(), new ProtocolWorkload(KmemProtocol.PROTOCOL, setup), s);
        System.out.println(st.summary());
        assertEquals((long) s.tries() * s.depth(), st.steps(), "steps run");
        assertTrue(st.refused() < st.steps() / 2, "more than half the steps refused: the generator is off: " + st.summary());
        System.out.printf("props(%s): %.0f steps/s; %d kmem pages charged, %d charges failed (ENOMEM), %d uncharged, %d css_tryget"
                        + " retries, %d offline, %d freed%n",
                setup.name(), st.stepsPerSecond(), st.ran("KmemCharge") - st.outcome("KmemCharge=ENOMEM"), st.outcome("KmemCharge=ENOMEM"),
                st.ran("KmemUncharge"), st.outcome("CssTrygetMemcg=retry"), st.ran("Offline"), st.ran("Free"));
        if (st.steps() < 10_000) return;
        for (String action : KmemProtocol.PROTOCOL.actions().actions().keySet()) {
            if (setup.mm().version() == 2 && V1_ONLY.contains(action)) continue;
            // SwapcacheFree needs a failed swap-in charge, which these kmem-heavy mixes reach in some
            // seeds only (SwapPropertiesTest's setups require it).
            if (action.equals("SwapcacheFree")) continue;
            assertTrue(st.ran(action) > 0, "the property run never ran " + action + ": " + st.summary());
        }
        // Subtrees really go away under kmem: memcgs are freed while kmem charged through them is
        // live, and some charge or uncharge reads a dying memcg and retries.
        assertTrue(st.ran("Free") >= s.tries(), "too few memcgs freed: " + st.ran("Free"));
        assertTrue(st.outcome("CssTrygetMemcg=retry") > 0, "no css_tryget ever failed on a dying memcg");
    }

    @Test
    void subtreesV1() {
        run(KmemProtocol.subtrees(1));
    }

    @Test
    void subtreesV2() {
        run(KmemProtocol.subtrees(2));
    }

    @Test
    void deepChainV1() {
        run(KmemProtocol.deepChain(1));
    }

    @Test
    void deepChainV2() {
        run(KmemProtocol.deepChain(2));
    }
}
