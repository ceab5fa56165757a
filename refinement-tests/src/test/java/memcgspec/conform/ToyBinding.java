package memcgspec.conform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;

/** The correct binding of {@link ToyCounter} to Counter.tla; tests break it by overriding methods. */
class ToyBinding implements Binding<ToyCounter> {
    @Override
    public ToyCounter create(Map<String, Object> constants) {
        List<V.Model> cpus = new ArrayList<>();
        for (Object c : (Set<?>) constants.get("CPUs")) cpus.add((V.Model) c);
        return new ToyCounter(cpus, (Integer) constants.get("Max"));
    }

    @Override
    public ToyCounter copy(ToyCounter s) {
        return s.copy();
    }

    @Override
    public LinkedHashMap<String, Object> abstraction(ToyCounter s) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("x", s.x);
        m.put("tmp", V.fcn(s.tmp));
        m.put("pc", V.fcn(s.pc));
        return m;
    }

    @Override
    public void apply(ToyCounter s, ActionLabel l) {
        V.Model c = (V.Model) l.param("c");
        switch (l.name()) {
            case "Read" -> s.read(c);
            case "Write" -> s.write(c);
            case "Add" -> s.add(c, (Integer) l.param("n"));
            case "Reset" -> s.reset();
            default -> throw new IllegalArgumentException("unbound action " + l);
        }
    }

    @Override
    public Set<String> boundActions() {
        return Set.of("Read", "Write", "Add", "Reset");
    }
}
