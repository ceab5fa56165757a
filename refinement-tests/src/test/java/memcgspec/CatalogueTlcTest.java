package memcgspec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcMemo;
import memcgspec.tla.TlcRunner;

/**
 * TLC on every {@code ci} model of spec/catalogue: each outcome must be the one the catalogue expects, and TLC's
 * distinct states and depth the figures it records (a change of the state space shows as a failure).
 */
class CatalogueTlcTest {

    @TestFactory
    Stream<DynamicTest> ciModels() {
        return runAll(Catalogue.load(SpecRoot.specDir()), new TlcRunner().withMemo(TlcMemo.forBuild()));
    }

    /** One dynamic test per {@code ci} model of the catalogue, run with the given runner. */
    static Stream<DynamicTest> runAll(Catalogue catalogue, TlcRunner runner) {
        return catalogue.ci().stream().map(m -> DynamicTest.dynamicTest(
                m.name() + " (" + m.spec() + ", " + m.cfg() + ": " + m.expect() + ")",
                () -> check(m, runner.run(m))));
    }

    static void check(CatalogueEntry m, TlcResult r) {
        assertTrue(r.matches(m.expect()), () -> explain(m, r));
        m.figuresDiffer(r, TlcRunner.Options.defaults().workers()).ifPresent(diff -> fail("model " + m.name()
                + ": TLC's figures differ from spec/catalogue: " + diff + ". If the state space changed on purpose,"
                + " update the states and depth columns of " + m.name() + " in spec/catalogue."));
    }

    /** The failure message: expectation, outcome, statistics, the first lines of TLC's output and the trace's actions. */
    static String explain(CatalogueEntry m, TlcResult r) {
        StringBuilder b = new StringBuilder();
        b.append("model ").append(m.name()).append(": expected ").append(m.expect()).append(", got ").append(r.outcome())
                .append(String.format(" (exit %d, %d distinct states, depth %d, %.1f s)", r.exitCode(), r.distinctStates(), r.depth(), r.seconds()));
        if (!r.trace().isEmpty()) {
            b.append("\ntrace: ").append(r.trace().stream().map(t -> t.index() + ":" + t.action()).collect(Collectors.joining(" -> ")));
        }
        b.append("\nTLC output (first lines):\n").append(r.head(25));
        return b.toString();
    }
}
