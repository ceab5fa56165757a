package memcgspec.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.TlaTools;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * check: model-check catalogue models with TLC (forked JVMs) and compare each outcome, and TLC's distinct states
 * and depth, with the catalogue's. The figures are TLC 2.18's: when another TLC ran ({@code --tla2tools}), a
 * figure that differs is reported in the table, the note below it and the JSON ({@code figuresAsExpected}), but
 * only the outcome decides {@code ok} and the exit code.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Model-check catalogue models with TLC and compare each outcome, distinct states and depth "
                + "with the catalogue's. "
                + "Without MODEL: every CI-size model (with --deep: every deep model).")
final class CheckCommand extends Base implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "0..*",
            description = "Catalogue model names (see 'memcg-spec list'), or a .tla file (its .cfg beside it, or --config).")
    List<String> models;

    @Option(names = "--deep", description = "Run the deep models instead of the CI-size ones.")
    boolean deep;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "TLC worker threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--config", paramLabel = "FILE", description = "The .cfg for a MODEL given as a .tla file.")
    String config;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop a TLC run after this many seconds (default: none).")
    Long timeout;

    @Option(names = "--json", description = "One JSON object on stdout instead of the table.")
    boolean json;

    @Option(names = "--tla2tools", paramLabel = "JAR",
            description = "Run TLC from this tla2tools.jar instead of the pinned TLC 2.18 (default: $"
                    + TlaTools.ENV + " if set). The catalogue's figures are TLC 2.18's: with another TLC a "
                    + "figure that differs is reported, not counted as a failure.")
    String tla2tools;

    @Override
    public Integer call() {
        if (workers < 1) throw new UserError("--workers must be at least 1, not " + workers);
        if (timeout != null && timeout < 1) throw new UserError("--timeout must be at least 1 second");
        TlaTools tools = Common.tlaTools(tla2tools);
        List<CatalogueEntry> selected = Common.select(models, deep, config);
        TlcRunner runner = new TlcRunner();
        TlcRunner.Options options = TlcRunner.Options.defaults().withWorkers(workers).withTools(tools);
        if (timeout != null) options = options.withTimeout(Duration.ofSeconds(timeout));

        Table table = new Table("model", "expected", "outcome", "ok", "distinct states", "depth", "seconds").rightAlign(4, 5, 6);
        List<Object> jsonModels = new ArrayList<>();
        boolean allOk = true;
        List<String> figureNotes = new ArrayList<>();
        String version = null;
        boolean figuresCounted = true;
        for (CatalogueEntry m : selected) {
            Common.progress("checking " + m.name() + " (" + m.cfg() + ") ...");
            TlcResult r = runner.run(m, options, Common::progress);
            Common.requireStarted(tools, r);
            if (r.inputError()) {
                throw new UserError("model '" + m.name() + "': " + r.outcome());
            }
            if (version == null) version = r.tlcVersion();
            // The catalogue's figures are TLC 2.18's: a difference counts only when TLC 2.18 ran.
            boolean counted = TlaTools.isPinnedVersion(r.tlcVersion());
            figuresCounted &= counted;
            Optional<String> figures = m.figuresDiffer(r, workers);
            boolean ok = r.matches(m.expect()) && (figures.isEmpty() || !counted);
            allOk &= ok;
            figures.ifPresent(d -> figureNotes.add(m.name() + ": " + d));
            table.row(m.name(), m.expect(), r.outcome(), ok ? "yes" : "NO",
                    figure(r.distinctStates(), m.states(), m.statesDiffer(r, workers)),
                    figure(r.depth(), m.depth(), m.depthDiffers(r, workers)), Common.seconds(r.seconds()));
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", m.name());
            j.put("spec", m.spec());
            j.put("cfg", m.cfg());
            j.put("size", m.size());
            j.put("expected", m.expect().toString());
            j.put("outcome", r.outcome().toString());
            j.put("ok", ok);
            j.put("distinctStates", r.distinctStates());
            j.put("expectedDistinctStates", recorded(m.states()));
            j.put("statesGenerated", r.statesGenerated());
            j.put("depth", r.depth());
            j.put("expectedDepth", recorded(m.depth()));
            j.put("figuresAsExpected", figures.isEmpty());
            j.put("seconds", r.seconds());
            j.put("commit", m.commit());
            jsonModels.add(j);
        }
        StringBuilder human = new StringBuilder("TLC: " + Common.tlcLine(tools, version) + "\n");
        human.append(table.render());
        for (String note : figureNotes) human.append("figures differ from spec/catalogue: ").append(note).append('\n');
        if (!figureNotes.isEmpty() && figuresCounted) {
            human.append("(if a model's state space changed on purpose, update its states and depth columns in spec/catalogue)\n");
        } else if (!figureNotes.isEmpty()) {
            human.append("(spec/catalogue records the figures of TLC 2.18, the pinned TLC; this TLC's differ: reported, "
                    + "not counted as a failure)\n");
        }
        human.append(allOk ? "all " + selected.size() + " outcomes as expected\n" : "SOME OUTCOMES OR FIGURES NOT AS EXPECTED\n");
        return finish(json, allOk, jsonModels, human.toString(), Map.of("tlc", Common.tlcJson(tools, version)));
    }

    /** TLC's figure, followed by the catalogue's when they differ. */
    private static String figure(long found, long recorded, boolean differ) {
        return differ ? found + " (expected " + recorded + ")" : Long.toString(found);
    }

    /** A recorded figure, or null for '-'. */
    private static Long recorded(long figure) {
        return figure == CatalogueEntry.NOT_RECORDED ? null : figure;
    }
}
