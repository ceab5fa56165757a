package memcgspec.cli;

import java.util.concurrent.Callable;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.UserError;
import memcgspec.tla.Counterexamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** show: run a model and render TLC's counterexample as swim lanes. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Run a model with TLC and render its (shortest) counterexample as swim lanes: a column per CPU, "
                + "a row per step naming the kernel step, the counters and owners that changed on the right.")
final class ShowCommand extends Base implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "1", description = "A catalogue model name (e.g. swapin-2009-prefix).")
    String model;

    @Override
    public Integer call() {
        CatalogueEntry m = Common.catalogue().byName(model);
        Common.progress("running " + m.name() + " (" + m.cfg() + ") ...");
        Counterexamples.Rendered r = Counterexamples.show(m, Common.specDir(), new TlcRunner(),
                TlcRunner.Options.defaults(), Common::progress);
        if (r.result().inputError()) throw new UserError("model '" + m.name() + "': " + r.result().outcome());
        boolean asExpected = r.result().matches(m.expect());
        out().println("model:    " + m.name() + "  (" + m.spec() + ".tla, " + m.cfg() + ")");
        out().println("about:    " + m.description());
        if (!m.commit().equals("-")) out().println("commit:   " + m.commit());
        out().println("expected: " + m.expect() + "   outcome: " + r.result().outcome()
                + (asExpected ? "   (as expected)" : "   (NOT AS EXPECTED)"));
        if (r.trace() == null) {
            out().println("no counterexample: TLC explored " + r.result().distinctStates() + " distinct states.");
        } else {
            out().println("counterexample: " + r.trace().length() + " steps after the initial state");
            out().println();
            out().print(r.text());
        }
        return asExpected ? Main.OK : Main.NOT_AS_EXPECTED;
    }
}
