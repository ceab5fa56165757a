package memcgspec.conform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.SwapDevice;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;

/**
 * Binds spec/Swap.tla to the Java implementation: Charge.tla's actions as in {@link ChargeBinding},
 * the swap actions to the {@link memcgspec.impl.Cpu} step methods of the same names, and Offline and
 * Free to {@link Mm#Offline} and {@link Mm#Free}. The machine gets a swap device of the model's
 * slots, swap.max, and the accounting mode ({@code version}) of the initial state, so that one
 * model covers cgroup v1 and v2.
 *
 * <p>Slots s1, s2, ... map to slot 0, 1, ... by their sorted order.
 */
public final class SwapBinding extends ChargeBinding {

    private static final Map<String, BiConsumer<State, List<Object>>> STEPS = new LinkedHashMap<>();

    private static void bind(String action, BiConsumer<State, List<Object>> step) {
        STEPS.put(action, step);
    }

    private static int slot(State s, Object mv) {
        return s.names.slot(mv);
    }

    static {
        STEPS.putAll(new ChargeBinding().steps());
        bind("Reclaim", (s, a) -> cpu(s, a.get(0)).Reclaim(folio(s, a.get(1))));
        bind("AddToSwap", (s, a) -> cpu(s, a.get(0)).AddToSwap(slot(s, a.get(1))));
        bind("TryToUnmap", (s, a) -> cpu(s, a.get(0)).TryToUnmap());
        bind("SwapOut", (s, a) -> cpu(s, a.get(0)).SwapOut());
        bind("ReclaimAbort", (s, a) -> cpu(s, a.get(0)).ReclaimAbort());
        bind("SwapinHit", (s, a) -> cpu(s, a.get(0)).SwapinHit(slot(s, a.get(1))));
        bind("SwapinAlloc", (s, a) -> cpu(s, a.get(0)).SwapinAlloc(slot(s, a.get(1)), folio(s, a.get(2)), memcg(s, a.get(3))));
        bind("SwapcachePrepare", (s, a) -> cpu(s, a.get(0)).SwapcachePrepare());
        bind("SwapInCharge", (s, a) -> cpu(s, a.get(0)).SwapInCharge());
        bind("AddToSwapCache", (s, a) -> cpu(s, a.get(0)).AddToSwapCache());
        bind("SwapinUnchargeSwap", (s, a) -> cpu(s, a.get(0)).SwapinUnchargeSwap());
        bind("SwapinMap", (s, a) -> cpu(s, a.get(0)).SwapinMap());
        bind("SwapcacheFree", (s, a) -> cpu(s, a.get(0)).SwapcacheFree());
        bind("FreeSwapAndCache", (s, a) -> cpu(s, a.get(0)).FreeSwapAndCache(slot(s, a.get(1))));
        bind("DeleteFromSwapCache", (s, a) -> cpu(s, a.get(0)).DeleteFromSwapCache(slot(s, a.get(1))));
        bind("SwapSlotFree", (s, a) -> cpu(s, a.get(0)).SwapSlotFree());
        bind("Offline", (s, a) -> s.mm.Offline(memcg(s, a.get(0))));
        bind("Free", (s, a) -> s.mm.Free(memcg(s, a.get(0))));
    }

    @Override
    Map<String, BiConsumer<State, List<Object>>> steps() {
        return STEPS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(memcgspec.impl.Cpu.class, Mm.class);
    }

    @Override
    public State create(Map<String, Object> k) {
        throw new IllegalStateException("Swap has one initial state per accounting mode: create(constants, initialState)");
    }

    @Override
    public State create(Map<String, Object> k, Map<String, Object> init) {
        Names names = names(k);
        Mm.Config cfg = config(k).withSwap(names.slots().size(), (Integer) k.get("SwapMax"), (Integer) init.get("version"));
        return new State(new Mm(cfg), names);
    }

    @Override
    public LinkedHashMap<String, Object> abstraction(State s) {
        LinkedHashMap<String, Object> vars = super.abstraction(s);
        Mm mm = s.mm;
        Names n = s.names;
        SwapDevice dev = mm.swap();
        Map<Object, Object> slot = new LinkedHashMap<>();
        for (var c : mm.cpus()) slot.put(n.cpus().get(c.id()), c.slot() < 0 ? n.noSlot() : n.slots().get(c.slot()));
        Map<Object, Object> allocated = new LinkedHashMap<>(), swapMap = new LinkedHashMap<>(),
                hasCache = new LinkedHashMap<>(), swapCache = new LinkedHashMap<>(), record = new LinkedHashMap<>();
        for (int i = 0; i < dev.size(); i++) {
            V.Model name = n.slots().get(i);
            allocated.put(name, dev.allocated(i));
            swapMap.put(name, dev.count(i));
            hasCache.put(name, dev.hasCache(i));
            Folio f = dev.cached(i);
            swapCache.put(name, f == null ? n.noPage() : n.pages().get(f.id()));
            MemCgroup r = dev.record(i);
            record.put(name, r == null ? n.noMemcg() : (Object) r.id());
        }
        Map<Object, Object> memswPart = new LinkedHashMap<>();
        for (Folio f : mm.folios()) memswPart.put(n.pages().get(f.id()), f.memswCharged());
        Map<Object, Object> memsw = new LinkedHashMap<>(), swap = new LinkedHashMap<>(), state = new LinkedHashMap<>();
        for (MemCgroup m : mm.memcgs()) {
            memsw.put(m.id(), (int) m.memsw().usage());
            swap.put(m.id(), (int) m.swap().usage());
            state.put(m.id(), m.state().spec());
        }
        vars.put("version", mm.config().version());
        vars.put("slot", V.fcn(slot));
        vars.put("allocated", V.fcn(allocated));
        vars.put("swapMap", V.fcn(swapMap));
        vars.put("hasCache", V.fcn(hasCache));
        vars.put("swapCache", V.fcn(swapCache));
        vars.put("record", V.fcn(record));
        vars.put("memswPart", V.fcn(memswPart));
        vars.put("memsw", V.fcn(memsw));
        vars.put("swap", V.fcn(swap));
        vars.put("state", V.fcn(state));
        return vars;
    }
}
