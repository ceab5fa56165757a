package memcgspec.conform;

import java.util.List;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;
import memcgspec.trace.SwimLanes;
import memcgspec.trace.Trace;

/**
 * One disagreement between the spec and the Java implementation.
 *
 * @param kind    what went wrong
 * @param state   index of the spec state where it happened
 * @param label   the action instance applied, or null for a state mismatch
 * @param message one line
 * @param diffs   the differing variables (expected = spec, actual = Java); empty when not a comparison
 * @param path    the path to the state (BFS-tree path: a shortest one)
 */
public record Mismatch(Kind kind, int state, ActionLabel label, String message, List<VarDiff> diffs, Trace path) {
    public enum Kind {
        /** The Java state reached along the path is not the spec state. */
        STATE_MISMATCH,
        /** The Java step gave another successor than the spec. */
        WRONG_SUCCESSOR,
        /** The Java code refused a step the spec allows. */
        REFUSED_ENABLED,
        /** The Java code accepted a step the spec forbids. */
        ACCEPTED_DISABLED,
        /** The Java code refused a disabled step but changed state doing so. */
        REFUSAL_CHANGED_STATE,
        /** Any other exception from the binding or the Java code. */
        EXCEPTION,
        /** The spec has several successors for one label: conformance needs deterministic labels. */
        NONDETERMINISTIC_SPEC,
        /** Applying steps to copies changed the original: {@link Binding#copy} is not a deep copy. */
        COPY_NOT_INDEPENDENT
    }

    /** One variable whose Java value differs from the spec's (null = absent). */
    public record VarDiff(String variable, Object expected, Object actual) {
        @Override
        public String toString() {
            return variable + ": spec " + (expected == null ? "(absent)" : V.show(expected))
                    + ", java " + (actual == null ? "(absent)" : V.show(actual));
        }
    }

    public Mismatch {
        diffs = List.copyOf(diffs);
    }

    /** One line: kind, label, message. */
    public String summary() {
        return kind + (label == null ? "" : " " + label) + " in state " + state + ": " + message;
    }

    /** The summary, the differing variables, and the path to the state as swim lanes. */
    public String describe() {
        StringBuilder b = new StringBuilder(summary()).append('\n');
        for (VarDiff d : diffs) b.append("  ").append(d).append('\n');
        b.append("path to the state (").append(path.length()).append(" steps):\n");
        b.append(SwimLanes.defaults().render(path));
        return b.toString();
    }
}
