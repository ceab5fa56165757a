package memcgspec.props;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the {@link PropertyEngine} needs to know about a system under test.
 *
 * @param <S> the system (mutable; one fresh instance per run and per replay)
 */
public interface Workload<S> {

    /** A fresh system, from a fixed configuration (never from the run's random seed). */
    S create();

    /**
     * A random candidate step in state {@code s}. It need not be enabled (a refused step is
     * skipped), but a model should prefer steps likely to be enabled.
     */
    Call<S> randomStep(S s, Random random);

    /** Every violated invariant, as "Name: detail"; empty when all hold. */
    List<String> invariants(S s);

    /**
     * An abstraction of the state, compared with {@link java.util.Objects#deepEquals} before and
     * after a refused step: a refusal must change nothing. Should be cheap (taken before every step).
     */
    Object snapshot(S s);

    /**
     * How a run checks {@code s}: {@link #invariants} and {@link #snapshot} as they are (the
     * default, and what {@code incremental = false} must give), or, when the workload can and
     * {@code incremental} is true, checks that look only at what each step touched. The engine
     * uses one per run, from the run's first check to its last, and applies every step between.
     */
    default Checks checks(S s, boolean incremental) {
        return new Checks() {
            @Override
            public Object before() {
                return snapshot(s);
            }

            @Override
            public boolean unchanged(Object before) {
                return java.util.Objects.deepEquals(before, snapshot(s));
            }

            @Override
            public List<String> afterStep() {
                return invariants(s);
            }

            @Override
            public List<String> full() {
                return invariants(s);
            }
        };
    }

    /**
     * A run's checks of one system: around each step, {@link #before} then {@link #unchanged} (if
     * the step was refused) and {@link #afterStep}; {@link #full} whenever every element must be
     * checked (the initial state, the end of the random steps). An incremental implementation
     * must be exact: {@link #afterStep} reports what {@link #full} would, provided every earlier
     * check of the run held; {@link #unchanged} says what comparing whole snapshots would.
     */
    interface Checks {
        /** A mark of the state, taken before every step. */
        Object before();

        /** Whether the state is what it was at {@code before} (asked after a refused step). */
        boolean unchanged(Object before);

        /** Every violated invariant after a step, as "Name: detail"; empty when all hold. */
        List<String> afterStep();

        /** Every violated invariant, every element checked. */
        List<String> full();
    }

    /**
     * The next step that brings {@code s} towards quiescence (finish each CPU's path, then unmap,
     * evict, put everything), or null when quiescent or when the model has no drain. Drain steps
     * must be enabled: a refused drain step is a failure.
     */
    default Call<S> nextDrainStep(S s) {
        return null;
    }

    /** Extra checks once the drain is over (quiescence reached, nothing leaked); empty if fine. */
    default List<String> atQuiescence(S s) {
        return List.of();
    }

    /** Number of trace lanes (CPU columns). */
    default int lanes(S s) {
        return 1;
    }

    /** The header of lane i: the spec's name of CPU i. */
    default String laneName(int i) {
        return "c" + (i + 1);
    }

    /**
     * The state as named values, for the "changes" column of a trace: a row shows the entries
     * that differ between the states before and after its step. Absent entries read as "_".
     */
    default Map<String, String> view(S s) {
        Map<String, String> m = new LinkedHashMap<>();
        String v = Arrays.deepToString(new Object[] {snapshot(s)});
        m.put("state", v.substring(1, v.length() - 1));
        return m;
    }
}
