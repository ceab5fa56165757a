package memcgspec.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.conform.Binding;
import memcgspec.impl.Mm;
import memcgspec.trace.ActionLabel;

/**
 * The conformance binding of a protocol, made of its parts: the machine is shaped by the model's
 * CONSTANTs (and the parts' hardware, e.g. the swap device), every action is applied through the
 * protocol's {@link ActionTable}, and the abstraction is the parts' variables together.
 */
public final class ProtocolBinding implements Binding<Machine> {
    private final Protocol protocol;
    /** The parts, scanned for every abstraction and fingerprint (millions in a replay). */
    private final ProtocolPart[] parts;
    /** The abstraction's size (its map is sized once). */
    private volatile int variables = 16;

    public ProtocolBinding(Protocol protocol) {
        this.protocol = protocol;
        this.parts = protocol.parts().toArray(new ProtocolPart[0]);
    }

    public Protocol protocol() {
        return protocol;
    }

    @Override
    public Machine create(Map<String, Object> constants) {
        return create(constants, Map.of());
    }

    @Override
    public Machine create(Map<String, Object> k, Map<String, Object> initialState) {
        Names names = Names.fromConstants(k);
        Mm.Config c = new Mm.Config(names.cpus().size(), names.pages().size(), names.indexes().size(),
                (Integer) k.get("NMemcg"), (Integer) k.get("Fanout"), (Integer) k.get("Limit"),
                // MaxMap is the model's finiteness bound on mapcount, not a kernel rule: the
                // machine is built with the same bound so that Map refuses where the spec does
                // (a spec that maps nothing, e.g. UnchargeBatch.tla, has no MaxMap).
                k.containsKey("MaxMap") ? (Integer) k.get("MaxMap") : Integer.MAX_VALUE);
        for (ProtocolPart p : protocol.parts()) c = p.configure(c, k, initialState);
        return new Machine(new Mm(c), names);
    }

    @Override
    public Machine copy(Machine m) {
        return m.copy();
    }

    @Override
    public LinkedHashMap<String, Object> abstraction(Machine m) {
        LinkedHashMap<String, Object> vars = new LinkedHashMap<>(variables * 4 / 3 + 1);
        for (ProtocolPart p : parts) p.abstraction(m, vars);
        variables = vars.size();
        return vars;
    }

    /** The parts' snapshots (those the property engine compares around a refused step). */
    @Override
    public Object fingerprint(Machine m) {
        List<Object> out = new java.util.ArrayList<>(16);
        for (ProtocolPart p : parts) p.snapshot(m, out);
        return out.toArray();
    }

    @Override
    public void apply(Machine m, ActionLabel label) {
        protocol.actions().apply(m, label);
    }

    @Override
    public Set<String> boundActions() {
        return protocol.actions().actions().keySet();
    }

    @Override
    public List<Class<?>> stepClasses() {
        return protocol.stepClasses();
    }
}
