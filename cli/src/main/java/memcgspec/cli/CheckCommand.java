package memcgspec.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** check: model-check catalogue models with TLC (forked JVMs) and compare with the expected outcome. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "CatalogueEntry-check catalogue models with TLC and compare each outcome with the expected one. "
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

    @Override
    public Integer call() {
        if (workers < 1) throw new UserError("--workers must be at least 1, not " + workers);
        if (timeout != null && timeout < 1) throw new UserError("--timeout must be at least 1 second");
        List<CatalogueEntry> selected = Common.select(models, deep, config);
        TlcRunner runner = new TlcRunner();
        TlcRunner.Options options = TlcRunner.Options.defaults().withWorkers(workers);
        if (timeout != null) options = options.withTimeout(Duration.ofSeconds(timeout));

        Table table = new Table("model", "expected", "outcome", "ok", "distinct states", "depth", "seconds").rightAlign(4, 5, 6);
        List<Object> jsonModels = new ArrayList<>();
        boolean allOk = true;
        for (CatalogueEntry m : selected) {
            Common.progress("checking " + m.name() + " (" + m.cfg() + ") ...");
            TlcResult r = runner.run(m, options, Common::progress);
            if (r.inputError()) {
                throw new UserError("model '" + m.name() + "': " + r.outcome());
            }
            boolean ok = r.matches(m.expect());
            allOk &= ok;
            table.row(m.name(), m.expect(), r.outcome(), ok ? "yes" : "NO", r.distinctStates(), r.depth(), Common.seconds(r.seconds()));
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", m.name());
            j.put("spec", m.spec());
            j.put("cfg", m.cfg());
            j.put("size", m.size());
            j.put("expected", m.expect().toString());
            j.put("outcome", r.outcome().toString());
            j.put("ok", ok);
            j.put("distinctStates", r.distinctStates());
            j.put("statesGenerated", r.statesGenerated());
            j.put("depth", r.depth());
            j.put("seconds", r.seconds());
            j.put("commit", m.commit());
            jsonModels.add(j);
        }
        String human = table.render() + (allOk ? "all " + selected.size() + " outcomes as expected\n" : "SOME OUTCOMES NOT AS EXPECTED\n");
        return finish(json, allOk, jsonModels, human);
    }
}
