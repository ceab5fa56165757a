package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import memcgspec.tla.Catalogue;
import memcgspec.tla.Model;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.trace.Counterexamples;
import memcgspec.trace.Trace;
import org.junit.jupiter.api.Test;

/**
 * The race museum reproduces each race exactly: TLC's shortest counterexample of the pre-fix
 * variant is the interleaving of the kernel mail, step for step and CPU for CPU; the fixed variant
 * holds.
 */
class HistoryTest {

    private static Counterexamples.Rendered show(String name) {
        Model m = Catalogue.load(SpecRoot.specDir()).byName(name);
        return Counterexamples.show(m, SpecRoot.specDir(), new TlcRunner(), TlcRunner.Options.defaults(), l -> {});
    }

    private static String labels(Trace t) {
        return t.steps().stream().filter(s -> !s.isInitial()).map(s -> s.label().toString())
                .collect(Collectors.joining(", "));
    }

    /** Seed 000 (7a81b88cb53e): CPU A (do_swap_page) and CPU B (zap_pte_range), as in the mail. */
    @Test
    void swapin2009PrefixIsTheSeedInterleaving() {
        Counterexamples.Rendered r = show("swapin-2009-prefix");
        assertEquals(new TlcResult.Outcome.Violates("Accounting", TlcResult.Kind.INVARIANT), r.result().outcome());
        assertNotNull(r.trace());
        // (1) A: charge if mapcount == 0 (it is 1: skip); (2) B: mapcount 1 -> 0; (3) B: uncharge;
        // (4) A: set the rmap, mapcount 0 -> 1.
        assertEquals("SwapinCheckMapcount(cpuA), ZapDecMapcount(cpuB), ZapUncharge(cpuB), SwapinAddRmap(cpuA)",
                labels(r.trace()));
        List<Trace.Step> steps = r.trace().steps();
        Trace.Step last = steps.get(steps.size() - 1);
        assertEquals(1, last.after().get("mapcount"), "the page ends up mapped");
        assertEquals(Boolean.FALSE, last.after().get("pcgUsed"), "and uncharged");
        assertEquals(0, last.after().get("usage"));
        assertTrue(r.text().contains("CPU A") && r.text().contains("CPU B"), r.text());
    }

    @Test
    void swapin2009FixedHolds() {
        Counterexamples.Rendered r = show("swapin-2009-fixed");
        assertEquals(new TlcResult.Outcome.Holds(), r.result().outcome());
        assertTrue(r.result().distinctStates() > 10, "the fixed model explores the same interleavings");
    }
}
