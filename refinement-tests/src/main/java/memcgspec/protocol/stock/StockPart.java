package memcgspec.protocol.stock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.kmem.KmemPc;
import memcgspec.impl.kmem.KmemSteps;
import memcgspec.impl.stock.StockSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The stock protocol's part (spec/Stock.tla, on top of Charge's, Swap's and Kmem's parts, Kmem's
 * without its KmemCharge and KmemUncharge, which the stock replaces): its 7 actions bound to the
 * {@link StockSteps} methods, its three variables (each CPU's cached memcgs, their stocked pages,
 * its FLUSHING_CACHED_CHARGE bit), its invariants ({@link StockInvariants}), and how random runs go
 * through the stock. The machine gets the model's batch and slots.
 */
public final class StockPart implements ProtocolPart {
    public static final StockPart PART = new StockPart();

    private static StockSteps on(ActionTable.Args a) {
        return StockSteps.of(a.cpu("c"));
    }

    private static final ActionTable ACTIONS = new ActionTable()
            .step("ConsumeStock", a -> on(a).ConsumeStock(), "c:cpu")
            .step("ChargeBatch", a -> on(a).ChargeBatch(a.memcgOrNone("victim")), "c:cpu", "victim:memcg")
            .step("ChargeOne", a -> on(a).ChargeOne(), "c:cpu")
            .step("DrainAllStock", a -> on(a).DrainAllStock(), "c:cpu")
            .step("ChargeFail", a -> on(a).ChargeFail(), "c:cpu")
            .step("KmemUncharge", a -> on(a).KmemUncharge(a.memcgOrNone("victim")), "c:cpu", "victim:memcg")
            .step("DrainStockWork", a -> on(a).DrainStockWork(), "c:cpu");

    private StockPart() {}

    /** A call of one of Stock.tla's own actions (Java ids: see {@link ActionTable#call}; a victim -1 for NoMemcg). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    @Override
    public ActionTable actions() {
        return ACTIONS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(StockSteps.class);
    }

    @Override
    public List<Invariant> invariants() {
        return StockInvariants.ALL;
    }

    @Override
    public Mm.Config configure(Mm.Config base, Map<String, Object> k, Map<String, Object> init) {
        return base.withStock((Integer) k.get("Batch"), (Integer) k.get("NSlots"));
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        V.Builder cached = V.fcnBuilder(8), nrPages = V.fcnBuilder(8), flushing = V.fcnBuilder(8);
        for (Cpu c : mm.cpus()) {
            V.Model name = m.names().cpus().get(c.id());
            MemcgStock st = MemcgStock.of(c);
            Set<Object> ids = new TreeSet<>(V.ORDER);
            V.Builder nr = V.fcnBuilder(8);
            for (MemCgroup g : mm.memcgs()) {
                if (g.isRoot()) continue;
                if (st.caches(g)) ids.add(g.id());
                nr.put(g.id(), st.nrPages(g));
            }
            cached.put(name, V.set(ids));
            nrPages.put(name, nr.build());
            flushing.put(name, st.flushing());
        }
        vars.put("cached", cached.build());
        vars.put("nrPages", nrPages.build());
        vars.put("flushing", flushing.build());
    }

    // ---------------------------------------------------------------- random runs

    private static boolean fits(MemCgroup m, long n) {
        return m.memory().firstWithoutRoom(n) == null;
    }

    /** The victim a refill of m evicts on CPU c (the kernel's round-robin one), -1 for none. */
    private static int victim(Cpu c, MemCgroup m) {
        MemCgroup v = MemcgStock.of(c).victimFor(m);
        return v == null ? -1 : v.id();
    }

    /** try_charge_memcg's next step, in the kernel's order, for every caller ({@link Pc#chargeCaller}); kmem_uncharge_css's refill. */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        int c = cpu.id();
        if (cpu.pc() == KmemPc.KMEM_UNCHARGE_CSS) return call("KmemUncharge", c, victim(cpu, KmemSteps.of(cpu).kmemcg()));
        ChargeCaller k = cpu.pc().chargeCaller(cpu);
        if (k == null) return null;
        MemCgroup g = k.chargeTarget();
        boolean hit = MemcgStock.of(cpu).nrPages(g) > 0;
        if (hit) return call("ConsumeStock", c);
        if (k.retrying()) return fits(g, 1) ? call("ChargeOne", c) : call("ChargeFail", c);
        return fits(g, m.mm().config().stockBatch()) ? call("ChargeBatch", c, victim(cpu, g))
                : fits(g, 1) ? call("ChargeOne", c) : call("DrainAllStock", c);
    }

    /** Now and then a step out of turn: a queued drain, or a charge step the spec does not enable, or another victim. */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        int w = r.nextInt(100), c = cpu.id();
        if (w < 10 && MemcgStock.of(cpu).flushing()) return call("DrainStockWork", c);
        Pc pc = cpu.pc();
        if (pc != KmemPc.KMEM_UNCHARGE_CSS && pc.chargeCaller(cpu) == null) return null;
        if (w < 13) {
            String[] any = {"ConsumeStock", "ChargeOne", "DrainAllStock", "ChargeFail"};
            return call(any[r.nextInt(any.length)], c);
        }
        if (w < 16) {
            int v = r.nextInt(m.mm().memcgs().size()) - 1; // -1: NoMemcg, 0 (the root) never cached
            return call(pc == KmemPc.KMEM_UNCHARGE_CSS ? "KmemUncharge" : "ChargeBatch", c, v);
        }
        return null;
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("DrainStockWork", (m, c, r) -> call("DrainStockWork", c));
        return mv;
    }

    /** Runs every queued drain. */
    @Override
    public Call<Machine> cleanup(Machine m) {
        for (Cpu c : m.mm().cpus()) if (MemcgStock.of(c).flushing()) return call("DrainStockWork", c.id());
        return null;
    }

    /** Each CPU's slots (memcg and pages) and bit. */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        Mm mm = m.mm();
        int n = mm.config().stockSlots();
        int nc = mm.config().cpus();
        long[] a = new long[nc * (2 * n + 1)];
        int k = 0;
        for (int ci = 0; ci < nc; ci++) {
            MemcgStock st = MemcgStock.of(mm.cpu(ci));
            for (int i = 0; i < n; i++) {
                a[k++] = st.slotMemcg(i) == null ? 0 : st.slotMemcg(i).id() + 1;
                a[k++] = st.slotPages(i);
            }
            a[k++] = st.flushing() ? 1 : 0;
        }
        out.add(a);
    }

    /** Each CPU's stock where not empty. */
    @Override
    public void view(Machine m, Map<String, String> v) {
        for (Cpu c : m.mm().cpus()) {
            MemcgStock st = MemcgStock.of(c);
            if (!st.cachedMemcgs().isEmpty() || st.flushing()) v.put("stock[" + V.show(m.names().cpus().get(c.id())) + "]", st.toString());
        }
    }
}
