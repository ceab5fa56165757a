package memcgspec.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.DistributedTlc;
import memcgspec.tla.TlaTools;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.UserError;
import picocli.CommandLine;
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
                + "Without MODEL: every CI-size model (with --deep: every deep model).",
        footer = {"", "With --distributed, TLC 2.18's distributed mode (TLCServer and TLCWorkers over Java RMI) checks "
                + "the model: the invariants and the properties' initial predicates and steps (refinement included), "
                + "NOT liveness, so a model with a liveness property is refused; the verdict is judged as without it, "
                + "the distinct states of a model that holds are compared with the catalogue's, the depth is not; a "
                + "counterexample is not printed by distributed TLC 2.18: 'memcg-spec show MODEL' shows it. "
                + "See docs/distributed.md."})
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

    @Option(names = "--distributed", description = "Check with distributed TLC: a TLCServer in a forked JVM and TLCWorker "
            + "JVMs (see below and docs/distributed.md).")
    boolean distributed;

    @Option(names = "--local-workers", paramLabel = "N", defaultValue = "1",
            description = "With --distributed: TLCWorker JVMs forked here on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 with "
                    + "--remote-workers: only workers started elsewhere).")
    int localWorkers;

    @Option(names = "--worker-threads", paramLabel = "T", defaultValue = "1",
            description = "With --distributed: threads of each local worker (default: ${DEFAULT-VALUE}).")
    int workerThreads;

    @Option(names = "--port", paramLabel = "PORT",
            description = "With --distributed: the server's RMI registry port (default: a free port; with --remote-workers "
                    + DistributedTlc.DEFAULT_PORT + ", the default of TLC and of 'memcg-spec worker'). A port in use is bad input.")
    Integer port;

    @Option(names = "--remote-workers", description = "With --distributed: also wait for workers started elsewhere with "
            + "'memcg-spec worker HOST --port PORT' (the server says where, on stderr).")
    boolean remoteWorkers;

    @Option(names = "--host", paramLabel = "ADDR", description = "With --remote-workers: the address workers reach this "
            + "machine at (default: its name as Java resolves it).")
    String host;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "With --distributed: how long a local worker may take to connect to the server "
                    + "(default: ${DEFAULT-VALUE}); one that does not is bad input.")
    long connectTimeout;

    @Override
    public Integer call() {
        if (workers < 1) throw new UserError("--workers must be at least 1, not " + workers);
        if (timeout != null && timeout < 1) throw new UserError("--timeout must be at least 1 second");
        DistributedTlc.Options distOptions = distributedOptions();
        TlaTools tools = Common.tlaTools(tla2tools);
        List<CatalogueEntry> selected = Common.select(models, deep, config);
        TlcRunner runner = new TlcRunner();
        TlcRunner.Options options = TlcRunner.Options.defaults().withWorkers(workers).withTools(tools);
        if (timeout != null) options = options.withTimeout(Duration.ofSeconds(timeout));
        DistributedTlc dist = distOptions == null ? null : new DistributedTlc();
        if (distOptions != null) {
            distOptions = distOptions.withTools(tools);
            if (timeout != null) distOptions = distOptions.withTimeout(Duration.ofSeconds(timeout));
        }
        boolean fixedOrder = distOptions == null && workers == 1;

        Table table = new Table("model", "expected", "outcome", "ok", "distinct states", "depth", "seconds").rightAlign(4, 5, 6);
        List<Object> jsonModels = new ArrayList<>();
        boolean allOk = true;
        List<String> figureNotes = new ArrayList<>();
        List<String> counterexampleNotes = new ArrayList<>();
        String version = null;
        boolean figuresCounted = true;
        for (CatalogueEntry m : selected) {
            Common.progress("checking " + m.name() + " (" + m.cfg() + ")" + (dist == null ? "" : " with distributed TLC") + " ...");
            DistributedTlc.Run distRun = dist == null ? null : dist.run(m, distOptions, Common::progress, System.err::println);
            TlcResult r = distRun != null ? distRun.result() : runner.run(m, options, Common::progress);
            Common.requireStarted(tools, r);
            if (r.inputError()) {
                throw new UserError("model '" + m.name() + "': " + r.outcome());
            }
            if (version == null) version = r.tlcVersion();
            // The catalogue's figures are TLC 2.18's: a difference counts only when TLC 2.18 ran.
            boolean counted = TlaTools.isPinnedVersion(r.tlcVersion());
            figuresCounted &= counted;
            Optional<String> figures = m.figuresDiffer(r, fixedOrder);
            boolean ok = r.matches(m.expect()) && (figures.isEmpty() || !counted);
            allOk &= ok;
            figures.ifPresent(d -> figureNotes.add(m.name() + ": " + d));
            table.row(m.name(), m.expect(), r.outcome(), ok ? "yes" : "NO",
                    figure(r.distinctStates(), m.states(), m.statesDiffer(r, fixedOrder)),
                    figure(r.depth(), m.depth(), m.depthDiffers(r, fixedOrder)), Common.seconds(r.seconds()));
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
            if (distRun != null) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("host", distRun.host());
                d.put("port", distRun.port());
                d.put("workersRegistered", distRun.registered());
                j.put("distributed", d);
            }
            jsonModels.add(j);
            if (distRun != null && (r.outcome() instanceof TlcResult.Outcome.Violates || r.outcome() instanceof TlcResult.Outcome.Deadlock)) {
                counterexampleNotes.add(m.name());
            }
        }
        StringBuilder human = new StringBuilder("TLC: " + Common.tlcLine(tools, version) + "\n");
        if (distOptions != null) human.append(distributedLine(distOptions)).append('\n');
        human.append(table.render());
        for (String note : figureNotes) human.append("figures differ from spec/catalogue: ").append(note).append('\n');
        if (!figureNotes.isEmpty() && figuresCounted) {
            human.append("(if a model's state space changed on purpose, update its states and depth columns in spec/catalogue)\n");
        } else if (!figureNotes.isEmpty()) {
            human.append("(spec/catalogue records the figures of TLC 2.18, the pinned TLC; this TLC's differ: reported, "
                    + "not counted as a failure)\n");
        }
        List<CatalogueEntry> catalogued = Common.catalogue().all();
        for (String n : counterexampleNotes) {
            boolean inCatalogue = catalogued.stream().anyMatch(e -> e.name().equals(n));
            human.append("counterexample of ").append(n).append(": distributed TLC 2.18 prints none; ")
                    .append(inCatalogue ? "'memcg-spec show " + n + "' shows it (one JVM)" : "check it without --distributed")
                    .append('\n');
        }
        human.append(allOk ? "all " + selected.size() + " outcomes as expected\n" : "SOME OUTCOMES OR FIGURES NOT AS EXPECTED\n");
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("tlc", Common.tlcJson(tools, version));
        if (distOptions != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("localWorkers", distOptions.localWorkers());
            d.put("workerThreads", distOptions.workerThreads());
            d.put("remoteWorkers", distOptions.remoteWorkers());
            d.put("livenessChecked", false);
            more.put("distributed", d);
        }
        return finish(json, allOk, jsonModels, human.toString(), more);
    }

    /** The distributed options, checked; null without --distributed (then none of them may be given). */
    private DistributedTlc.Options distributedOptions() {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        if (!distributed) {
            for (String o : List.of("--local-workers", "--worker-threads", "--port", "--remote-workers", "--host", "--connect-timeout")) {
                if (pr.hasMatchedOption(o)) throw new UserError(o + " needs --distributed");
            }
            return null;
        }
        if (pr.hasMatchedOption("--workers"))
            throw new UserError("--workers sets TLC's threads in one JVM; with --distributed use --local-workers and --worker-threads");
        if (localWorkers < 0) throw new UserError("--local-workers must be at least 0, not " + localWorkers);
        if (localWorkers == 0 && !remoteWorkers) throw new UserError("--local-workers 0 needs --remote-workers: no worker would check the model");
        if (workerThreads < 1) throw new UserError("--worker-threads must be at least 1, not " + workerThreads);
        if (port != null && (port < 1 || port > 65535)) throw new UserError("--port must be between 1 and 65535, not " + port);
        if (host != null && !remoteWorkers) throw new UserError("--host needs --remote-workers (local workers reach the server on 127.0.0.1)");
        if (connectTimeout < 1) throw new UserError("--connect-timeout must be at least 1 second");
        DistributedTlc.Options o = DistributedTlc.Options.defaults().withLocalWorkers(localWorkers).withWorkerThreads(workerThreads)
                .withConnectTimeout(Duration.ofSeconds(connectTimeout));
        if (remoteWorkers) o = o.withRemoteWorkers(host != null ? host : localHostName()).withPort(port != null ? port : DistributedTlc.DEFAULT_PORT);
        else if (port != null) o = o.withPort(port);
        return o;
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.io.IOException e) {
            throw new UserError("cannot tell this machine's name (" + e.getMessage() + "): give --host ADDR");
        }
    }

    private static String distributedLine(DistributedTlc.Options o) {
        String local = o.localWorkers() + " local TLCWorker" + (o.localWorkers() == 1 ? "" : "s") + " (" + o.workerThreads()
                + " thread" + (o.workerThreads() == 1 ? "" : "s") + " each) on 127.0.0.1";
        String workers = o.localWorkers() == 0 ? "workers started elsewhere"
                : local + (o.remoteWorkers() ? ", and workers started elsewhere" : "");
        return "distributed TLC: a TLCServer and " + workers
                + "; invariants and action properties checked, liveness not (models with liveness are refused); depth not compared";
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
