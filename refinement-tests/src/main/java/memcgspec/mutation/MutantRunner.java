package memcgspec.mutation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import memcgspec.protocol.Protocol;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.ExhaustiveCheck;

/**
 * Runs a spec mutant: a copy of spec/'s modules (the top level: the protocol specs and the modules they
 * use) with the mutant's edits applied to its module, and its configuration; then every check of that
 * configuration over the whole reachable graph ({@link ExhaustiveCheck}, in-process, one mutant at a
 * time per JVM).
 *
 * <p>A mutant can make its finite model infinite (a statistic or a counter that drifts by one at every
 * cycle of a page). Its graph is therefore explored within the integers of the unmutated model: each
 * variable from 0 to the greatest integer it takes in the {@linkplain #baseline baseline} run ({@link #bound}).
 * A state where some variable leaves its range is checked (every invariant, and the refinement on the step
 * into it) but not expanded. The unmutated model must hold every check.
 *
 * <p>The baseline also records the states and steps on which it found every check to hold; a mutant's run skips
 * a check there unless the check reaches the text the mutant changed ({@link ExhaustiveCheck.Known}, the verdicts
 * are the same; {@code -Dmemcgspec.mutants.reuse=false} turns it off).
 */
public final class MutantRunner {
    /** Safety bound on a mutant's distinct states. */
    public static final int MAX_STATES = 300_000;

    /** How far a variable's integers may leave its {@link #bound} range before a state is no longer expanded. */
    public static final int MARGIN = 0;

    /** A baseline run and what it established for the mutants ({@link ExhaustiveCheck.Known}; null with reuse off). */
    private record Baseline(ExhaustiveCheck.Report report, ExhaustiveCheck.Known known) {}

    private static final Map<Path, Baseline> BASELINES = new ConcurrentHashMap<>();

    /**
     * Whether a mutant's run skips the checks its unmutated model established and its change cannot affect
     * ({@link ExhaustiveCheck.Known}): {@code -Dmemcgspec.mutants.reuse=false} checks everything everywhere.
     */
    static boolean reuse() {
        return !"false".equals(System.getProperty("memcgspec.mutants.reuse"));
    }

    private MutantRunner() {}

    /**
     * Writes the mutated spec folder {@code dir}: every {@code *.tla} and {@code *.cfg} of {@code specDir}'s top
     * level, the mutant's module edited.
     *
     * @throws IllegalArgumentException when a from-text does not occur exactly once
     */
    public static Path write(Protocol.Mutant mu, Path specDir, Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(specDir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".tla") || p.toString().endsWith(".cfg")).toList())
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Path module = dir.resolve(mu.module() + ".tla");
            Files.writeString(module, mu.applyTo(Files.readString(specDir.resolve(mu.module() + ".tla"))));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The unmutated model {@code cfg} (relative to {@code specDir}) of {@code module}, every check over its whole
     * graph: the mutants' baseline. Computed once per JVM.
     */
    public static ExhaustiveCheck.Report baseline(String module, String cfg, Path specDir) {
        return baselineRun(module, cfg, specDir).report();
    }

    private static Baseline baselineRun(String module, String cfg, Path specDir) {
        Path key = specDir.toAbsolutePath().normalize().resolve(cfg);
        return BASELINES.computeIfAbsent(key, k -> {
            // with reuse off nothing reads what the baseline established: it is not collected
            if (!reuse()) return new Baseline(ExhaustiveCheck.run(specDir, module, k, MAX_STATES), null);
            ExhaustiveCheck.Known known = new ExhaustiveCheck.Known();
            return new Baseline(ExhaustiveCheck.baseline(specDir, module, k, MAX_STATES, known), known);
        });
    }

    /**
     * Checks the mutant, already {@link #write written} into {@code dir}, on configuration {@code cfg} (one of its
     * verdicts'), within the {@link #bound} of that configuration's baseline.
     */
    public static ExhaustiveCheck.Report run(Protocol.Mutant mu, String cfg, Path specDir, Path dir) {
        String root = rootModule(cfg, specDir, mu.module());
        Baseline base = baselineRun(root, cfg, specDir);
        if (!reuse()) return ExhaustiveCheck.run(dir, root, dir.resolve(cfg), MAX_STATES, bound(base.report()));
        String original;
        try {
            original = Files.readString(specDir.resolve(mu.module() + ".tla"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExhaustiveCheck.Change change = ExhaustiveCheck.Change.between(mu.module(), original, mu.applyTo(original));
        return ExhaustiveCheck.run(dir, root, dir.resolve(cfg), MAX_STATES, bound(base.report()), base.known(), change);
    }

    /**
     * The root module of mutation model {@code cfg}: its CI model's (the catalogue's, for
     * {@link MutantsTable#ciModelOf}), so that a mutant of a module that another one INSTANCEs (a
     * Swap.tla bug) can be checked on that other module's models (Migrate.cfg); {@code fallback}
     * (the mutant's module) when the catalogue has no such model.
     */
    public static String rootModule(String cfg, Path specDir, String fallback) {
        String ci = MutantsTable.ciModelOf(cfg);
        return Catalogue.load(specDir).all().stream().filter(e -> e.cfg().equals(ci)).map(CatalogueEntry::moduleName)
                .findFirst().orElse(fallback);
    }

    /**
     * The bound of a mutant of a model: per variable, from 0 (or the baseline's least value, if negative) to the
     * baseline's greatest value, widened by {@link #MARGIN}. Starting at 0 lets an identifier take a value the
     * model never gave it (the root's id 0) while a counter's underflow is cut.
     */
    public static Map<String, ExhaustiveCheck.IntRange> bound(ExhaustiveCheck.Report baseline) {
        Map<String, ExhaustiveCheck.IntRange> m = new java.util.LinkedHashMap<>();
        baseline.values().forEach((v, r) -> m.put(v, new ExhaustiveCheck.IntRange(Math.min(0, r.min()), r.max()).widen(MARGIN)));
        return m;
    }
}
