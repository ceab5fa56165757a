package memcgspec.cli;

import java.util.concurrent.Callable;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.TlaTools;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.UserError;
import memcgspec.tla.Counterexamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * show: run a model and render TLC's counterexample as swim lanes. With {@code --tla2tools} the TLC run uses the
 * user's jar; the steps are labelled in this JVM by the pinned TLC's evaluator, which replays the states TLC
 * printed (when it cannot, show says so and exits 1).
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Run a model with TLC and render its (shortest) counterexample as swim lanes: a column per CPU, "
                + "a row per step naming the kernel step, the counters and owners that changed on the right.")
final class ShowCommand extends Base implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "1", description = "A catalogue model name (e.g. swapin-2009-prefix).")
    String model;

    @Option(names = "--tla2tools", paramLabel = "JAR",
            description = "Run TLC from this tla2tools.jar instead of the pinned TLC 2.18 (default: $"
                    + TlaTools.ENV + " if set).")
    String tla2tools;

    @Override
    public Integer call() {
        TlaTools tools = Common.tlaTools(tla2tools);
        CatalogueEntry m = Common.catalogue().byName(model);
        Common.progress("running " + m.name() + " (" + m.cfg() + ") ...");
        Counterexamples.Rendered r = Counterexamples.show(m, Common.specDir(), new TlcRunner(),
                TlcRunner.Options.defaults().withTools(tools), Common::progress);
        Common.requireStarted(tools, r.result());
        if (r.result().inputError()) throw new UserError("model '" + m.name() + "': " + r.result().outcome());
        boolean asExpected = r.result().matches(m.expect());
        out().println("model:    " + m.name() + "  (" + m.spec() + ".tla, " + m.cfg() + ")");
        out().println("about:    " + m.description());
        if (!m.commit().equals("-")) out().println("commit:   " + m.commit());
        out().println("tlc:      " + Common.tlcLine(tools, r.result().tlcVersion()));
        out().println("expected: " + m.expect() + "   outcome: " + r.result().outcome()
                + (asExpected ? "   (as expected)" : "   (NOT AS EXPECTED)"));
        if (r.replayError() != null) {
            out().println("counterexample: TLC printed one, but the pinned TLC 2.18 evaluator that labels its steps "
                    + "cannot replay it: " + r.replayError());
            return Main.NOT_AS_EXPECTED;
        }
        if (r.trace() == null) {
            boolean violation = r.result().outcome() instanceof TlcResult.Outcome.Violates
                    || r.result().outcome() instanceof TlcResult.Outcome.Deadlock;
            out().println(violation ? "no counterexample could be read from TLC's output."
                    : "no counterexample: TLC explored " + r.result().distinctStates() + " distinct states.");
            return asExpected && !violation ? Main.OK : Main.NOT_AS_EXPECTED;
        }
        out().println("counterexample: " + r.trace().length() + " steps after the initial state");
        out().println();
        out().print(r.text());
        return asExpected ? Main.OK : Main.NOT_AS_EXPECTED;
    }
}
