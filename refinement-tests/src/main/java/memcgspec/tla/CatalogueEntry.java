package memcgspec.tla;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the catalogue: one TLC model run.
 *
 * @param name        unique, lower-case model name used on the command line
 * @param spec        root module relative to spec/, without .tla (e.g. {@code history/SwapinCharge2009})
 * @param cfg         TLC configuration file relative to spec/
 * @param expect      expected outcome
 * @param states      TLC's distinct states for the run (one worker), or {@link #NOT_RECORDED} ({@code -})
 * @param depth       the depth TLC prints for the run (one worker), or {@link #NOT_RECORDED} ({@code -})
 * @param size        {@code ci} or {@code deep}
 * @param commit      kernel commit (12 hex digits) or {@code -}
 * @param description one line of free text
 */
public record CatalogueEntry(String name, String spec, String cfg, Expectation expect, long states, long depth,
                   String size, String commit, String description) {
    /** A figure the catalogue does not record ({@code -}): not compared. */
    public static final long NOT_RECORDED = -1;

    public CatalogueEntry {
        Objects.requireNonNull(name);
        Objects.requireNonNull(spec);
        Objects.requireNonNull(cfg);
        Objects.requireNonNull(expect);
        Objects.requireNonNull(size);
        Objects.requireNonNull(commit);
        Objects.requireNonNull(description);
    }

    /** The root module's file, {@code <specDir>/<spec>.tla}. */
    public Path moduleFile(Path specDir) {
        return specDir.resolve(spec + ".tla");
    }

    /** The configuration file, {@code <specDir>/<cfg>}. */
    public Path cfgFile(Path specDir) {
        return specDir.resolve(cfg);
    }

    /** The root module's name: the last path segment of {@link #spec}. */
    public String moduleName() {
        int slash = spec.lastIndexOf('/');
        return slash < 0 ? spec : spec.substring(slash + 1);
    }

    public boolean ci() {
        return size.equals("ci");
    }

    /**
     * How TLC's figures differ from the recorded ones, e.g. {@code "distinct states 3790 (catalogue: 3782)"}; empty
     * when they agree. A figure recorded as {@code -} is not compared. The catalogue records one worker's figures:
     * with more workers TLC explores in no fixed order, so then only the distinct states of a run that holds (the
     * whole state graph) are compared; where a violation stops depends on the order, and the depth TLC reports may.
     */
    public Optional<String> figuresDiffer(TlcResult r, int workers) {
        return figuresDiffer(r, workers == 1);
    }

    /**
     * {@link #figuresDiffer(TlcResult, int)} for a search in TLC's fixed breadth-first order ({@code fixedOrder}: one
     * worker thread) or not (several threads, or distributed TLC, whose depth can differ from TLC's by one even on a
     * whole graph: docs/distributed.md).
     */
    public Optional<String> figuresDiffer(TlcResult r, boolean fixedOrder) {
        List<String> diffs = new ArrayList<>();
        if (statesDiffer(r, fixedOrder)) diffs.add("distinct states " + r.distinctStates() + " (catalogue: " + states + ")");
        if (depthDiffers(r, fixedOrder)) diffs.add("depth " + r.depth() + " (catalogue: " + depth + ")");
        return diffs.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", diffs));
    }

    /** True when the distinct states are recorded, comparable (see {@link #figuresDiffer}) and not TLC's. */
    public boolean statesDiffer(TlcResult r, int workers) {
        return statesDiffer(r, workers == 1);
    }

    /** {@link #statesDiffer(TlcResult, int)} for a search in fixed order or not. */
    public boolean statesDiffer(TlcResult r, boolean fixedOrder) {
        boolean comparable = fixedOrder || r.outcome() instanceof TlcResult.Outcome.Holds;
        return states != NOT_RECORDED && comparable && r.distinctStates() != states;
    }

    /** True when the depth is recorded, comparable (one worker, see {@link #figuresDiffer}) and not TLC's. */
    public boolean depthDiffers(TlcResult r, int workers) {
        return depthDiffers(r, workers == 1);
    }

    /** {@link #depthDiffers(TlcResult, int)} for a search in fixed order or not. */
    public boolean depthDiffers(TlcResult r, boolean fixedOrder) {
        return depth != NOT_RECORDED && fixedOrder && r.depth() != depth;
    }
}
