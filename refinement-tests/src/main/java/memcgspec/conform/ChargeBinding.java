package memcgspec.conform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.StepRefused;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;

/**
 * Binds spec/Charge.tla to the Java implementation: builds an {@link Mm} of the model's shape,
 * maps every action to the {@link Cpu} step method OF THE SAME NAME, and abstracts the Java state
 * into the spec's ten variables.
 *
 * <p>CatalogueEntry values are mapped by their sorted order: CPUs c1, c2, ... to cpu 0, 1, ...; pages p1,
 * p2, ... to folio 0, 1, ...; indexes i1, i2, ... to page-cache index 0, 1, ... Memcgs are numbers
 * in both.
 */
public class ChargeBinding implements Binding<ChargeBinding.State> {

    /** The Java machine with the model-value names it was built for. */
    public static final class State {
        final Mm mm;
        final Names names;

        State(Mm mm, Names names) {
            this.mm = mm;
            this.names = names;
        }

        public Mm mm() {
            return mm;
        }
    }

    /** CatalogueEntry-value names in the order of their Java ids. */
    record Names(List<V.Model> cpus, List<V.Model> pages, List<V.Model> indexes,
                 V.Model noMemcg, V.Model noPage, V.Model noIndex, List<V.Model> slots, V.Model noSlot) {
        int slot(Object mv) {
            return indexOf(slots, mv, "slot");
        }

        int cpu(Object mv) {
            return indexOf(cpus, mv, "CPU");
        }

        int page(Object mv) {
            return indexOf(pages, mv, "page");
        }

        int index(Object mv) {
            return indexOf(indexes, mv, "index");
        }

        private static int indexOf(List<V.Model> l, Object mv, String what) {
            int i = l.indexOf(mv);
            if (i < 0) throw new IllegalArgumentException("unknown " + what + " " + mv);
            return i;
        }
    }

    private static final Map<String, BiConsumer<State, List<Object>>> STEPS = new LinkedHashMap<>();

    private static void bind(String action, BiConsumer<State, List<Object>> step) {
        STEPS.put(action, step);
    }

    static Cpu cpu(State s, Object c) {
        return s.mm.cpu(s.names.cpu(c));
    }

    static Folio folio(State s, Object p) {
        return s.mm.folio(s.names.page(p));
    }

    static MemCgroup memcg(State s, Object m) {
        return s.mm.memcg((Integer) m);
    }

    /** The action -> Java step table of this binding. */
    Map<String, BiConsumer<State, List<Object>>> steps() {
        return STEPS;
    }

    // Every action of Charge.tla, bound to the Cpu method with the same name. The first argument
    // is always the CPU.
    static {
        bind("AllocAnon", (s, a) -> cpu(s, a.get(0)).AllocAnon(folio(s, a.get(1)), memcg(s, a.get(2))));
        bind("AllocCache", (s, a) -> cpu(s, a.get(0)).AllocCache(folio(s, a.get(1)), memcg(s, a.get(2)), s.names.index(a.get(3))));
        bind("TryCharge", (s, a) -> cpu(s, a.get(0)).TryCharge());
        bind("CommitCharge", (s, a) -> cpu(s, a.get(0)).CommitCharge());
        bind("CancelCharge", (s, a) -> cpu(s, a.get(0)).CancelCharge());
        bind("MapAnon", (s, a) -> cpu(s, a.get(0)).MapAnon());
        bind("AddToCache", (s, a) -> cpu(s, a.get(0)).AddToCache());
        bind("UnlockPage", (s, a) -> cpu(s, a.get(0)).UnlockPage());
        bind("Map", (s, a) -> cpu(s, a.get(0)).Map(folio(s, a.get(1))));
        bind("Unmap", (s, a) -> cpu(s, a.get(0)).Unmap(folio(s, a.get(1))));
        bind("GetPage", (s, a) -> cpu(s, a.get(0)).GetPage(folio(s, a.get(1))));
        bind("DeleteFromCache", (s, a) -> cpu(s, a.get(0)).DeleteFromCache(s.names.index(a.get(1))));
        bind("PutPage", (s, a) -> cpu(s, a.get(0)).PutPage());
        bind("Uncharge", (s, a) -> cpu(s, a.get(0)).Uncharge());
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(Cpu.class);
    }

    @Override
    public Set<String> boundActions() {
        return steps().keySet();
    }

    @SuppressWarnings("unchecked")
    static List<V.Model> models(Object set) {
        List<V.Model> l = new ArrayList<>();
        for (Object o : (Set<Object>) set) l.add((V.Model) o);
        return l; // already sorted: neutral sets are sorted
    }

    @Override
    public State create(Map<String, Object> k) {
        return new State(new Mm(config(k)), names(k));
    }

    static Names names(Map<String, Object> k) {
        return new Names(models(k.get("CPUs")), models(k.get("Pages")), models(k.get("Indexes")),
                (V.Model) k.get("NoMemcg"), (V.Model) k.get("NoPage"), (V.Model) k.get("NoIndex"),
                k.containsKey("Slots") ? models(k.get("Slots")) : List.of(), (V.Model) k.get("NoSlot"));
    }

    static Mm.Config config(Map<String, Object> k) {
        Names names = names(k);
        return new Mm.Config(names.cpus().size(), names.pages().size(), names.indexes().size(),
                (Integer) k.get("NMemcg"), (Integer) k.get("Fanout"), (Integer) k.get("Limit"),
                // MaxMap is the model's finiteness bound on mapcount, not a kernel rule: the
                // machine is built with the same bound so that Map refuses where the spec does.
                (Integer) k.get("MaxMap"));
    }

    @Override
    public State copy(State s) {
        return new State(s.mm.copy(), s.names);
    }

    @Override
    public void apply(State s, ActionLabel label) {
        BiConsumer<State, List<Object>> step = steps().get(label.name());
        if (step == null) throw new IllegalArgumentException("no binding for action " + label.name());
        step.accept(s, new ArrayList<>(label.params().values()));
    }

    @Override
    public LinkedHashMap<String, Object> abstraction(State s) {
        Mm mm = s.mm;
        Names n = s.names;
        Map<Object, Object> pc = new LinkedHashMap<>(), held = new LinkedHashMap<>(),
                chargeTo = new LinkedHashMap<>(), index = new LinkedHashMap<>();
        for (Cpu c : mm.cpus()) {
            V.Model name = n.cpus().get(c.id());
            pc.put(name, c.pc().spec());
            held.put(name, c.held() == null ? n.noPage() : n.pages().get(c.held().id()));
            chargeTo.put(name, c.chargeTo() == null ? n.noMemcg() : (Object) c.chargeTo().id());
            index.put(name, c.index() < 0 ? n.noIndex() : n.indexes().get(c.index()));
        }
        Map<Object, Object> refcount = new LinkedHashMap<>(), mapcount = new LinkedHashMap<>(),
                owner = new LinkedHashMap<>(), locked = new LinkedHashMap<>();
        for (Folio f : mm.folios()) {
            V.Model name = n.pages().get(f.id());
            refcount.put(name, f.refcount());
            mapcount.put(name, f.mapcount());
            owner.put(name, f.memcg() == null ? n.noMemcg() : (Object) f.memcg().id());
            locked.put(name, f.locked());
        }
        Map<Object, Object> cache = new LinkedHashMap<>();
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            cache.put(n.indexes().get(i), f == null ? n.noPage() : n.pages().get(f.id()));
        }
        Map<Object, Object> usage = new LinkedHashMap<>();
        for (MemCgroup m : mm.memcgs()) usage.put(m.id(), (int) m.memory().usage());
        LinkedHashMap<String, Object> vars = new LinkedHashMap<>();
        vars.put("pc", V.fcn(pc));
        vars.put("held", V.fcn(held));
        vars.put("chargeTo", V.fcn(chargeTo));
        vars.put("index", V.fcn(index));
        vars.put("refcount", V.fcn(refcount));
        vars.put("mapcount", V.fcn(mapcount));
        vars.put("owner", V.fcn(owner));
        vars.put("locked", V.fcn(locked));
        vars.put("cache", V.fcn(cache));
        vars.put("usage", V.fcn(usage));
        return vars;
    }

}
