package memcgspec.conform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import memcgspec.impl.StepRefused;
import memcgspec.trace.ActionLabel;

/**
 * Ties a Java implementation to a spec for {@link Conformance}: how to build it, copy it, see it as spec
 * variables, and run the Java step bound to each action.
 *
 * @param <S> the implementation's state (whatever object holds it)
 */
public interface Binding<S> {

    /** A fresh implementation in the spec's initial state, sized by the model's CONSTANTs (neutral values). */
    S create(Map<String, Object> constants);

    /**
     * A fresh implementation in a given initial state. The default ignores the state and calls
     * {@link #create(Map)}; override it when the model has several initial states.
     */
    default S create(Map<String, Object> constants, Map<String, Object> initialState) {
        return create(constants);
    }

    /** An independent deep copy: steps applied to the copy must not change the original. */
    S copy(S s);

    /** The implementation's state as the spec's variables: variable name -> neutral value. */
    LinkedHashMap<String, Object> abstraction(S s);

    /**
     * Runs the Java step bound to {@code label.name()} with the label's parameters.
     *
     * @throws StepRefused when the Java code refuses the step (it must then change nothing)
     */
    void apply(S s, ActionLabel label);

    /**
     * A cheap fingerprint of the implementation's state, compared with
     * {@link java.util.Objects#deepEquals} before and after a refused step: it must change whenever
     * a step changes anything. {@link Conformance} then checks the refusals of a state one after
     * another on ONE copy (the fingerprint after each, the abstraction once at the end) instead of
     * on a copy per refusal with an abstraction each. Null (the default): no fingerprint, a copy
     * and an abstraction per refusal.
     */
    default Object fingerprint(S s) {
        return null;
    }

    /** The spec action names this binding can apply. */
    Set<String> boundActions();

    /**
     * The Java classes whose step methods the actions are bound to, each method named like its TLA+
     * action; empty when the binding calls no such class (toy bindings). The protocols' bindings
     * (memcgspec.protocol.ProtocolBinding, for each protocol of the registry) name theirs, and a
     * test checks that every spec action has a method there.
     */
    default java.util.List<Class<?>> stepClasses() {
        return java.util.List.of();
    }
}
