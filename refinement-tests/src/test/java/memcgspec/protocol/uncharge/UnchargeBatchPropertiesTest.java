package memcgspec.protocol.uncharge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import org.junit.jupiter.api.Test;

/**
 * The batched uncharge's invariants (spec/UnchargeBatch.tla: {@link UnchargeBatchInvariants})
 * after every step of random runs of the Java implementation at sizes TLC cannot reach: 4 CPUs
 * filling batches of up to 31 folios over a tree of 8 memcgs, and 3 CPUs over a chain of 6, with
 * memcgs going offline and freed while their folios sit in batches and gathers; then after
 * draining each run to quiescence. Tries and depth: {@code -Dprops.tries=... -Dprops.depth=...}
 * (the CI default 200 x 400, half the tries per setup here); replay a failure with
 * {@code -Dprops.seed=...}.
 */
class UnchargeBatchPropertiesTest {

    private static void run(Protocol.Setup setup) {
        PropertyEngine.Settings s = PropertyEngine.Settings.fromSystemProperties(200, 400);
        s = s.withTries(Math.max(1, s.tries() / 2));
        PropertyEngine.Stats st = PropertyEngine.run(setup.name(), new ProtocolWorkload(UnchargeBatchProtocol.PROTOCOL, setup), s);
        System.out.println(st.summary());
        assertEquals((long) s.tries() * s.depth(), st.steps(), "steps run");
        assertTrue(st.refused() < st.steps() / 2, "more than half the steps refused: the generator is off: " + st.summary());
        System.out.printf("props(%s): %.0f steps/s; %d folios allocated, %d charged, %d puts, %d uncharge_folio, %d uncharge_batch (%d at a switch),"
                        + " %d batches freed, %d offline, %d freed%n",
                setup.name(), st.stepsPerSecond(), st.ran("AllocFolio"), st.ran("ChargeFolio"), st.ran("FoliosPutRefs"),
                st.ran("UnchargeFolio"), st.ran("UnchargeBatch"), st.outcome("UnchargeBatch=switch"), st.ran("FreeUnrefFolios"), st.ran("Offline"), st.ran("Free"));
        if (st.steps() < 10_000) return;
        for (String action : UnchargeBatchProtocol.PROTOCOL.actions().actions().keySet()) {
            assertTrue(st.ran(action) > 0, "the property run never ran " + action + ": " + st.summary());
        }
        // Batches mix memcgs: uncharge_folio flushes its gather at a memcg switch, many times.
        assertTrue(st.outcome("UnchargeBatch=switch") >= s.tries(), "too few gathers switched memcg: " + st.summary());
        assertTrue(st.ran("Free") >= s.tries(), "too few memcgs freed: " + st.ran("Free"));
    }

    @Test
    void wideTree() {
        run(UnchargeBatchProtocol.wide());
    }

    @Test
    void deepChain() {
        run(UnchargeBatchProtocol.deepChain());
    }
}
