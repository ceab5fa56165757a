package memcgspec.trace;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A behaviour: an initial state followed by steps. Step 0 is the initial state (no label, no
 * before-state); every later step has the label of the action taken and the states before and after
 * it, as neutral variable maps (variable name -> neutral value).
 */
public record Trace(List<Step> steps) {
    /** One step; for step 0 (the initial state) {@code label} and {@code before} are null. */
    public record Step(ActionLabel label, Map<String, Object> before, Map<String, Object> after) {
        public Step {
            Objects.requireNonNull(after, "after");
            if ((label == null) != (before == null))
                throw new IllegalArgumentException("a step has both a label and a before-state, or neither (initial state)");
        }

        public static Step initial(Map<String, Object> state) {
            return new Step(null, null, state);
        }

        public boolean isInitial() {
            return label == null;
        }
    }

    public Trace {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !steps.get(0).isInitial())
            throw new IllegalArgumentException("a trace starts with its initial state");
        for (int i = 1; i < steps.size(); i++)
            if (steps.get(i).isInitial()) throw new IllegalArgumentException("step " + i + " has no label");
    }

    /** The initial state. */
    public Map<String, Object> initial() {
        return steps.get(0).after();
    }

    /** The last state. */
    public Map<String, Object> last() {
        return steps.get(steps.size() - 1).after();
    }

    /** Number of actions taken (steps after the initial state). */
    public int length() {
        return steps.size() - 1;
    }
}
