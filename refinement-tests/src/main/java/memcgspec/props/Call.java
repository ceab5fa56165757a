package memcgspec.props;

import java.util.List;
import java.util.Objects;

/**
 * One named, parameterised action of a stateful property run, e.g. {@code TryCharge(c1)} or
 * {@code AllocAnon(c2, p17, 3)}: the spec's action name and arguments (for printing), the lane (the
 * CPU column of a trace, or -1) and what it does to a system.
 *
 * <p>A step refers to the parts of the system by identity (CPU number, page number, ...), resolved
 * when it is applied, so the same step can be replayed on a fresh system (shrinking does that). A
 * step that is not enabled throws {@link memcgspec.impl.StepRefused} and must change nothing.
 *
 * @param <S> the system
 * @param name the action's name
 * @param args the printed arguments, in the spec's naming
 * @param lane the trace column (CPU index) or -1
 * @param action what the step does; may return an outcome (printed, and counted by the engine)
 */
public record Call<S>(String name, List<String> args, int lane, Action<S> action) {

    /** What a step does to a system. */
    @FunctionalInterface
    public interface Action<S> {
        /**
         * @return an outcome worth counting and printing (e.g. a failed charge: {@code false}), or
         *     null
         */
        Object apply(S system);
    }

    public Call {
        Objects.requireNonNull(name);
        args = List.copyOf(args);
        Objects.requireNonNull(action);
    }

    public static <S> Call<S> of(String name, int lane, Action<S> action, Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) a[i] = String.valueOf(args[i]);
        return new Call<>(name, List.of(a), lane, action);
    }

    /** The same step doing something else (for test doubles that break an action). */
    public Call<S> withAction(Action<S> other) {
        return new Call<>(name, args, lane, other);
    }

    public Object apply(S system) {
        return action.apply(system);
    }

    /** {@code Name(arg1, arg2)}. */
    public String label() {
        return name + "(" + String.join(", ", args) + ")";
    }

    @Override
    public String toString() {
        return label();
    }
}
