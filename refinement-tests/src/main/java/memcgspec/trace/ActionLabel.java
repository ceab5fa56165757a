package memcgspec.trace;

import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * One instance of a spec action: its name and the values of its parameters (neutral values, in the
 * order the operator declares them), such as {@code TryCharge(c1)} or {@code AllocAnon(c1, p2, 1)}.
 * Two labels are equal when their names and parameter values are equal.
 *
 * @param name   the action operator's name
 * @param params parameter name -> neutral value, in declaration order (copied; do not mutate)
 */
public record ActionLabel(String name, LinkedHashMap<String, Object> params) {
    public ActionLabel {
        Objects.requireNonNull(name);
        params = new LinkedHashMap<>(params);
    }

    /** A label from alternating parameter names and neutral values: {@code of("Add", "c", c1, "n", 1)}. */
    public static ActionLabel of(String name, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("odd parameter list");
        LinkedHashMap<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) p.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return new ActionLabel(name, p);
    }

    /** The value of a parameter, or null when the action has no parameter of that name. */
    public Object param(String paramName) {
        return params.get(paramName);
    }

    /** The label without the given parameters, e.g. {@code Add(1)} for {@code Add(c1, 1)} without c. */
    public String toString(Set<String> omitParams) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        j.setEmptyValue("");
        params.forEach((k, v) -> {
            if (!omitParams.contains(k)) j.add(V.show(v));
        });
        return name + j;
    }

    @Override
    public String toString() {
        return toString(Set.of());
    }
}
