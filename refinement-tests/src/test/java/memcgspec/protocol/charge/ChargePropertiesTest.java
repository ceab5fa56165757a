package memcgspec.protocol.charge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import memcgspec.impl.Mm;
import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import org.junit.jupiter.api.Test;

/**
 * The Charge invariants (spec/Charge.tla, evaluated by {@link ChargeInvariants}, on the workload of the registry) after every step
 * of random runs of the Java implementation, at sizes TLC cannot reach: 200+ folios, 3-level and
 * 9-level hierarchies, tight limits, 4 and 12 CPUs; then after draining each run to quiescence
 * (no leaked charge). Tries and depth: {@code -Dprops.tries=... -Dprops.depth=...} (CI default
 * 200 x 400); replay a failure with {@code -Dprops.seed=...}.
 */
class ChargePropertiesTest {

    private static PropertyEngine.Stats run(Protocol.Setup setup, int defaultTries, int defaultDepth) {
        PropertyEngine.Settings s = PropertyEngine.Settings.fromSystemProperties(defaultTries, defaultDepth);
        PropertyEngine.Stats st = PropertyEngine.run(setup.name(), new ProtocolWorkload(ChargeProtocol.PROTOCOL, setup), s);
        System.out.println(st.summary());
        // It really ran: every try, every step.
        assertEquals(st.tries(), s.tries());
        assertEquals((long) s.tries() * s.depth(), st.steps(), "steps run");
        // Most steps were enabled (the generator prefers enabled steps), yet some were refused.
        assertTrue(st.refused() > 0 || st.steps() < 1000, "no step was ever refused: the refusal check is not exercised");
        assertTrue(st.refused() < st.steps() / 2, "more than half the steps refused: the generator is off: " + st.summary());
        // The limits bite: charges fail (at some level), and charges succeed too.
        long failed = st.outcome("TryCharge=ENOMEM");
        System.out.println("props(" + setup.name() + "): TryCharge " + st.byName().getOrDefault("TryCharge", 0L)
                + " tried, " + failed + " failed (ENOMEM); " + st.refused() + " of " + st.steps() + " steps refused");
        if (st.steps() >= 1000) {
            assertTrue(failed > 0, "no TryCharge ever failed: the limits do not bite");
            assertTrue(st.byName().getOrDefault("Uncharge", 0L) > 0, "nothing was ever uncharged");
        }
        return st;
    }

    @Test
    void tightLimits3Levels200Folios4Cpus() {
        PropertyEngine.Stats st = run(ChargeProtocol.TIGHT, 200, 400);
        if (st.steps() >= 1000) {
            // Every action of Charge.tla is exercised at scale, not only the common ones.
            for (String action : ChargeProtocol.PROTOCOL.actions().actions().keySet()) {
                assertTrue(st.byName().getOrDefault(action, 0L) > 0, "the property run never tried " + action + ": " + st.summary());
            }
            assertTrue(st.outcome("AddToCache=EEXIST") > 0 || st.byName().getOrDefault("CancelCharge", 0L) > 0,
                    "the -EEXIST paths of filemap_add_folio never ran");
        }
    }

    @Test
    void deepChain9Levels() {
        run(ChargeProtocol.DEEP_CHAIN, 200, 400);
    }

    @Test
    void manyCpus12() {
        run(ChargeProtocol.MANY_CPUS, 200, 400);
    }

    @Test
    void defaultSetupMatchesTheBrief() {
        Mm mm = ChargeProtocol.TIGHT.create().mm();
        assertTrue(mm.folios().size() >= 200);
        assertEquals(4, mm.cpus().size());
        assertEquals(16, mm.cache().size());
        assertEquals(0, mm.memcg(3).parent().parent().id(), "3 levels: root -> 1 -> 3");
        assertEquals(2, mm.memcg(6).parent().id());
        assertTrue(mm.memcg(1).memory().max() * 4 < mm.folios().size(), "limits are tight");
    }
}
