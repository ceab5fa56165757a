package memcgspec.conform;

import java.util.List;

/**
 * The outcome of {@link Conformance#run}.
 *
 * @param model           the model's name (its .cfg without extension; the catalogue's name when run from it)
 * @param states          spec states
 * @param statesChecked   states the implementation was brought to (the others sit below a failed path)
 * @param edges           spec edges
 * @param coveredEdges    edges the Java step reproduced exactly
 * @param disabledChecked (state, disabled action instance) pairs the Java code correctly refused
 * @param mismatchCount   all mismatches found
 * @param mismatches      the first {@link Conformance#KEPT_MISMATCHES} of them, shallowest states first
 * @param unboundActions  spec actions without a Java binding (each a failure)
 * @param seconds         wall time of the run (exploration not included)
 */
public record ConformanceReport(String model, int states, int statesChecked, long edges, long coveredEdges,
                                long disabledChecked, long mismatchCount, List<Mismatch> mismatches,
                                List<String> unboundActions, double seconds) {
    public ConformanceReport {
        mismatches = List.copyOf(mismatches);
        unboundActions = List.copyOf(unboundActions);
    }

    /** The same report under another name (the catalogue's model name, as the CLI says it). */
    public ConformanceReport named(String name) {
        return new ConformanceReport(name, states, statesChecked, edges, coveredEdges, disabledChecked, mismatchCount,
                mismatches, unboundActions, seconds);
    }

    /** Every edge covered, no mismatch, every action bound. */
    public boolean ok() {
        return coveredEdges == edges && mismatchCount == 0 && unboundActions.isEmpty();
    }

    public double edgesPerSecond() {
        return seconds > 0 ? edges / seconds : 0;
    }

    /** One line, e.g. {@code Counter: OK, 41 states, 96/96 edges covered, 130 disabled checked, 0 mismatches}. */
    public String summary() {
        return String.format("%s: %s, %d states, %d/%d edges covered, %d disabled checked, %d mismatches%s, %.2f s (%.0f edges/s)",
                model, ok() ? "OK" : "FAILED", states, coveredEdges, edges, disabledChecked, mismatchCount,
                unboundActions.isEmpty() ? "" : ", unbound actions " + unboundActions, seconds, edgesPerSecond());
    }

    /** The summary and every kept mismatch described in full. */
    public String describe() {
        StringBuilder b = new StringBuilder(summary()).append('\n');
        if (statesChecked < states)
            b.append(states - statesChecked).append(" states not reached (below a failed step)\n");
        for (Mismatch m : mismatches) b.append('\n').append(m.describe());
        if (mismatchCount > mismatches.size()) b.append("\n... and ").append(mismatchCount - mismatches.size()).append(" more mismatches\n");
        return b.toString();
    }
}
