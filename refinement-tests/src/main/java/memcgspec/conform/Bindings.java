package memcgspec.conform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The conformance targets: which spec module is bound to which Java implementation. A catalogue
 * model is a conformance model when its module has a binding here and it is CI-size.
 */
public final class Bindings {
    private Bindings() {}

    private static final Map<String, Supplier<Binding<?>>> BY_MODULE = new LinkedHashMap<>();

    static {
        BY_MODULE.put("Charge", ChargeBinding::new);
        BY_MODULE.put("Swap", SwapBinding::new);
    }

    /** The binding of a spec module (by module name, e.g. "Charge"), if it is a conformance target. */
    public static Optional<Binding<?>> forModule(String module) {
        Supplier<Binding<?>> s = BY_MODULE.get(module);
        return s == null ? Optional.empty() : Optional.of(s.get());
    }

    public static Set<String> modules() {
        return BY_MODULE.keySet();
    }
}
