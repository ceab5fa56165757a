package memcgspec.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.StepRefused;
import memcgspec.props.Call;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;

/**
 * A protocol's action table: for every action of its spec, the action's name, its parameters by
 * name (as the spec declares them) and the Java call. It is the ONE place in Java that names an
 * action: the conformance binding applies spec labels through it ({@link #apply}), and the
 * property engine builds its calls from it ({@link #call}).
 */
public final class ActionTable {
    /** What a parameter names: a CPU, a page, a memcg (by number), a page-cache index, a swap slot, a kmem page. */
    public enum Kind { CPU, PAGE, MEMCG, INDEX, SLOT, KPAGE }

    /** A parameter of an action: its name in the spec and what it names. */
    public record Param(String name, Kind kind) {}

    /** The Java call of an action. @return an outcome worth counting (e.g. "ENOMEM"), or null */
    @FunctionalInterface
    public interface Body {
        Object apply(Args a);
    }

    /** The Java call of an action that has no outcome worth counting. */
    @FunctionalInterface
    public interface Step {
        void run(Args a);
    }

    /** One action: name, parameters in the spec's order, Java call. */
    public record Action(String name, List<Param> params, Body body) {
        public Action {
            Objects.requireNonNull(name);
            params = List.copyOf(params);
            Objects.requireNonNull(body);
        }

        /** The position of the CPU parameter (the trace lane), or -1. */
        int laneParam() {
            for (int i = 0; i < params.size(); i++) if (params.get(i).kind() == Kind.CPU) return i;
            return -1;
        }
    }

    /**
     * An action instance's parameter values (neutral values, by parameter name) resolved on a
     * machine: {@code a.cpu("c")} is the CPU the spec's {@code c} names.
     *
     * <p>A property run's call ({@link #call}) gives its arguments as Java ids; on a machine with
     * generated names ({@link Names#of}: CPU id i is named c(i+1), and so on) an id in its kind's
     * range is the id its name resolves to, so it is used as it is instead of looking its name up.
     * Any other argument (an id out of range, a machine with a model's names, a parameter asked as
     * another kind, NoMemcg) goes through its name as before, with the same result or exception.
     */
    public static final class Args {
        private final Machine machine;
        private Map<String, Object> values;
        /** For a property run's call: the action and its arguments as Java ids (else null). */
        private final Action action;
        private final int[] ids;

        public Args(Machine machine, Map<String, Object> values) {
            this.machine = machine;
            this.values = values;
            this.action = null;
            this.ids = null;
        }

        private Args(Machine machine, Action action, int[] ids) {
            this.machine = machine;
            this.action = action;
            this.ids = ids;
        }

        public Machine machine() {
            return machine;
        }

        /** The parameter values by name (for a property run's call: made from its ids on first use). */
        public Map<String, Object> values() {
            if (values == null) values = ActionTable.values(action, ids);
            return values;
        }

        private Object value(String param) {
            Object v = values().get(param);
            if (v == null) throw new IllegalArgumentException("no parameter " + param + " in " + values);
            return v;
        }

        /**
         * The id given for {@code param} when it is of {@code kind} and, unless a memcg, the
         * machine's names are generated and the id is below {@code bound}; else -1 (resolve the name).
         */
        private int id(String param, Kind kind, int bound) {
            if (ids == null) return -1;
            List<Param> ps = action.params();
            for (int i = 0; i < ps.size(); i++) {
                Param p = ps.get(i);
                if (!p.name().equals(param)) continue;
                if (p.kind() != kind) return -1;
                int id = ids[i];
                if (kind == Kind.MEMCG) return id; // a number on both sides (-1: NoMemcg)
                return machine.names().generated() && id >= 0 && id < bound ? id : -1;
            }
            return -1;
        }

        public Cpu cpu(String param) {
            int id = id(param, Kind.CPU, machine.names().cpus().size());
            return id >= 0 ? machine.mm().cpu(id) : machine.cpu(value(param));
        }

        public Folio folio(String param) {
            int id = id(param, Kind.PAGE, machine.names().pages().size());
            return id >= 0 ? machine.mm().folio(id) : machine.folio(value(param));
        }

        public MemCgroup memcg(String param) {
            int id = id(param, Kind.MEMCG, 0);
            return id >= 0 ? machine.mm().memcg(id) : machine.memcg(value(param));
        }

        /** A memcg parameter whose domain includes NoMemcg (e.g. Stock.tla's victim): null for NoMemcg. */
        public MemCgroup memcgOrNone(String param) {
            int id = id(param, Kind.MEMCG, 0);
            if (id >= 0) return machine.mm().memcg(id);
            Object v = value(param);
            return v instanceof Integer ? machine.memcg(v) : null;
        }

        public int index(String param) {
            int id = id(param, Kind.INDEX, machine.names().indexes().size());
            return id >= 0 ? id : machine.index(value(param));
        }

        public int slot(String param) {
            int id = id(param, Kind.SLOT, machine.names().slots().size());
            return id >= 0 ? id : machine.slot(value(param));
        }

        public KmemPage kpage(String param) {
            int id = id(param, Kind.KPAGE, machine.names().kpages().size());
            return id >= 0 ? machine.mm().kpage(id) : machine.kpage(value(param));
        }
    }

    private final Map<String, Action> actions = new LinkedHashMap<>();

    /** Adds an action; parameters as {@code "c:cpu", "p:page", "m:memcg", "i:index", "s:slot", "k:kpage"}. */
    public ActionTable action(String name, Body body, String... params) {
        List<Param> ps = new ArrayList<>();
        for (String p : params) {
            int colon = p.indexOf(':');
            ps.add(new Param(p.substring(0, colon), Kind.valueOf(p.substring(colon + 1).toUpperCase())));
        }
        if (actions.putIfAbsent(name, new Action(name, ps, body)) != null) throw new IllegalArgumentException("action " + name + " twice");
        return this;
    }

    /** Adds an action whose call has no outcome (see {@link #action}). */
    public ActionTable step(String name, Step step, String... params) {
        return action(name, a -> {
            step.run(a);
            return null;
        }, params);
    }

    /** Adds every action of another table (a protocol built on another one reuses its actions). */
    public ActionTable addAll(ActionTable other) {
        other.actions.values().forEach(a -> {
            if (actions.putIfAbsent(a.name(), a) != null) throw new IllegalArgumentException("action " + a.name() + " twice");
        });
        return this;
    }

    /**
     * A copy of this table without the named actions (a spec built on another that replaces some of
     * its actions, e.g. Stock.tla's charges through the stock for Charge.tla's TryCharge).
     */
    public ActionTable without(String... names) {
        ActionTable t = new ActionTable();
        for (String n : names) if (!actions.containsKey(n)) throw new IllegalArgumentException("no action " + n);
        java.util.Set<String> drop = java.util.Set.of(names);
        actions.values().forEach(a -> {
            if (!drop.contains(a.name())) t.actions.put(a.name(), a);
        });
        return t;
    }

    public Map<String, Action> actions() {
        return Collections.unmodifiableMap(actions);
    }

    public Action get(String name) {
        Action a = actions.get(name);
        if (a == null) throw new IllegalArgumentException("no action " + name);
        return a;
    }

    /**
     * Applies a spec label (conformance).
     *
     * @throws StepRefused when the Java step refuses (it then changed nothing)
     */
    public Object apply(Machine m, ActionLabel label) {
        Action a = actions.get(label.name());
        if (a == null) throw new IllegalArgumentException("no binding for action " + label.name());
        return a.body().apply(new Args(m, label.params()));
    }

    /**
     * A call of action {@code name} for the property engine, its arguments given as Java ids in
     * the parameters' order (CPU, folio, index and slot numbers from 0; memcgs by number, -1 for
     * NoMemcg): printed,
     * and applied, under the spec's names ({@link Names#of}).
     */
    private static final V.Model NO_MEMCG = V.model("NoMemcg");
    /** By kind, then by id: the spec's names c1, p1, i1, s1, k1, ... (MEMCG's row unused), made once each. */
    private static volatile V.Model[][] names = new V.Model[Kind.values().length][0];

    /** The spec's name of a CPU, page, index, slot or kmem page id: "c" + (id + 1) and so on. */
    private static V.Model name(Kind kind, int id) {
        V.Model[] row = names[kind.ordinal()];
        if (id >= 0 && id < row.length) return row[id];
        synchronized (ActionTable.class) {
            V.Model[][] all = names.clone();
            int k = kind.ordinal();
            if (id < 0) return V.model(prefix(kind) + (id + 1));
            if (id >= all[k].length) {
                V.Model[] more = java.util.Arrays.copyOf(all[k], Math.max(id + 1, 2 * all[k].length));
                for (int j = all[k].length; j < more.length; j++) more[j] = V.model(prefix(kind) + (j + 1));
                all[k] = more;
                names = all; // the rows are complete before they are published
            }
            return all[k][id];
        }
    }

    private static String prefix(Kind kind) {
        return switch (kind) {
            case CPU -> "c";
            case PAGE -> "p";
            case INDEX -> "i";
            case SLOT -> "s";
            case KPAGE -> "k";
            case MEMCG -> throw new IllegalArgumentException("memcgs are named by number");
        };
    }

    public Call<Machine> call(String name, int... ids) {
        Action a = get(name);
        if (ids.length != a.params().size()) throw new IllegalArgumentException(name + " takes " + a.params() + ": " + ids.length + " given");
        String[] printed = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            Object v = value(a.params().get(i).kind(), ids[i]);
            printed[i] = v instanceof V.Model model ? model.name() : V.show(v);
        }
        int lane = a.laneParam() < 0 ? -1 : ids[a.laneParam()];
        int[] fixed = ids.clone();
        return new Call<>(name, List.of(printed), lane, m -> a.body().apply(new Args(m, a, fixed)));
    }

    /** A parameter's neutral value: a memcg's number (NoMemcg for -1), else the spec's name of the id. */
    private static Object value(Kind kind, int id) {
        return kind == Kind.MEMCG ? id < 0 ? NO_MEMCG : (Object) id : name(kind, id);
    }

    /** The parameter values of a call by name, in the parameters' order. */
    private static Map<String, Object> values(Action a, int[] ids) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) values.put(a.params().get(i).name(), value(a.params().get(i).kind(), ids[i]));
        return Collections.unmodifiableMap(values);
    }
}
