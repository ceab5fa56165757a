package memcgspec.tla;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The result of one TLC run.
 *
 * @param outcome         holds, violates a named invariant/property, deadlock, or error
 * @param distinctStates  distinct states found (-1 when TLC did not report it)
 * @param statesGenerated states generated (-1 when TLC did not report it)
 * @param depth           depth of the complete state graph search (-1 when TLC did not report it)
 * @param seconds         wall-clock seconds of the run, JVM start-up included
 * @param exitCode        TLC's exit code (0 ok, 11 deadlock, 12 invariant, 13 property, 150 parse, 151 config,
 *                        255 unexpected exception, 75 evaluation error; -1 when killed on timeout)
 * @param trace           the counterexample, empty when there is none
 * @param output          TLC's whole output (stdout and stderr), message markers included
 */
public record TlcResult(Outcome outcome, long distinctStates, long statesGenerated, int depth, double seconds,
                        int exitCode, List<TraceState> trace, String output) {

    public TlcResult {
        Objects.requireNonNull(outcome);
        trace = List.copyOf(trace);
        Objects.requireNonNull(output);
    }

    /** What TLC concluded. */
    public sealed interface Outcome {
        /** Every invariant and property holds on the whole state graph. */
        record Holds() implements Outcome {
            @Override
            public String toString() {
                return "holds";
            }
        }

        /**
         * An invariant or property is violated.
         *
         * @param name the invariant's or property's name as the cfg gives it (for a property TLC names only
         *             the violated formula's source location; see {@link TlcRunner} for how it is mapped back)
         * @param kind which kind of check failed
         */
        record Violates(String name, Kind kind) implements Outcome {
            @Override
            public String toString() {
                return "violates " + name;
            }
        }

        /** A reachable state without successors (and CHECK_DEADLOCK was not turned off). */
        record Deadlock() implements Outcome {
            @Override
            public String toString() {
                return "deadlock";
            }
        }

        /**
         * TLC could not decide: parse/semantic/config error, evaluation error, timeout.
         *
         * @param message    one line
         * @param inputError true for a parse, semantic or configuration error (bad input: CLI exit 2), false
         *                   for an error found while checking (e.g. an evaluation error) or a timeout
         */
        record Error(String message, boolean inputError) implements Outcome {
            @Override
            public String toString() {
                return "error: " + message;
            }
        }
    }

    public enum Kind { INVARIANT, ACTION_PROPERTY, TEMPORAL_PROPERTY }

    /**
     * One state of a counterexample.
     *
     * @param index  TLC's state number, from 1. In a lasso (liveness counterexample) the last entry has the
     *               index of the state the behaviour loops back to, and the action that leads back there.
     * @param action the action's name (no location), or {@code "Initial predicate"}, or {@code "Stuttering"}
     *               (then {@code vars} repeats the previous state)
     * @param vars   the variables' values as neutral values, in TLC's order
     */
    public record TraceState(int index, String action, LinkedHashMap<String, Object> vars) {
        public static final String INITIAL = "Initial predicate";
        public static final String STUTTERING = "Stuttering";
    }

    /** True when the outcome is what the catalogue expects: holds, or a violation of the named invariant/property. */
    public boolean matches(Expectation e) {
        if (e.holds()) return outcome instanceof Outcome.Holds;
        return outcome instanceof Outcome.Violates v && v.name().equals(e.invariant());
    }

    /** True for a parse, semantic or configuration error: bad input rather than a model result. */
    public boolean inputError() {
        return outcome instanceof Outcome.Error err && err.inputError();
    }

    /**
     * The version line of the TLC that ran, as it printed it (e.g. "TLC2 Version 2.18 of 20 March 2023"), or null
     * when the output has none (TLC did not start).
     */
    public String tlcVersion() {
        return TlcOutput.versionLine(output);
    }

    /** The first {@code n} lines of the output without TLC's message markers, for failure messages. */
    public String head(int n) {
        return output.lines().filter(l -> !l.startsWith("@!@!@")).limit(n)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
