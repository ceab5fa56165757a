package memcgspec.protocol.charge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.IdSet;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.Pc;
import memcgspec.impl.charge.ChargePc;
import memcgspec.impl.charge.ChargeSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Picks;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The charge protocol's part (spec/Charge.tla): its 14 actions bound to the {@link ChargeSteps}
 * methods of the same names, its twelve variables (pc, held, chargeTo, index, refcount, mapcount,
 * owner, locked, anon, cache, usage, stat: the core of every CPU, every folio, the page cache, the
 * memory counters and the memcg statistics, which the protocols built on it share), its invariants
 * ({@link ChargeInvariants}), and how random runs drive its paths.
 */
public final class ChargePart implements ProtocolPart {
    /** Charge.tla's StatItems: the fields of each memcg's record stat[m]. */
    public static final List<MemCgroup.Stat> STATS = List.of(MemCgroup.Stat.ANON, MemCgroup.Stat.FILE, MemCgroup.Stat.FILE_MAPPED);

    /** The charge protocol's part, with Charge.tla's statistics items. */
    public static final ChargePart PART = new ChargePart(STATS);

    /**
     * Charge's part for a spec built on Charge.tla whose StatItems has more items (Swap.tla's
     * swapcached): the abstraction's stat[m] records then have these fields.
     */
    public static ChargePart withStats(List<MemCgroup.Stat> items) {
        return new ChargePart(items);
    }

    /** The fields of the stat[m] records, in order. */
    private final List<MemCgroup.Stat> statItems;

    private static ChargeSteps on(ActionTable.Args a) {
        return ChargeSteps.of(a.cpu("c"));
    }

    private static final ActionTable ACTIONS = new ActionTable()
            .step("AllocAnon", a -> on(a).AllocAnon(a.folio("p"), a.memcg("m")), "c:cpu", "p:page", "m:memcg")
            .step("AllocCache", a -> on(a).AllocCache(a.folio("p"), a.memcg("m"), a.index("i")), "c:cpu", "p:page", "m:memcg", "i:index")
            .action("TryCharge", a -> on(a).TryCharge() ? null : "ENOMEM", "c:cpu")
            .step("CommitCharge", a -> on(a).CommitCharge(), "c:cpu")
            .step("CancelCharge", a -> on(a).CancelCharge(), "c:cpu")
            .step("MapAnon", a -> on(a).MapAnon(), "c:cpu")
            .action("AddToCache", a -> on(a).AddToCache() ? null : "EEXIST", "c:cpu")
            .step("UnlockPage", a -> on(a).UnlockPage(), "c:cpu")
            .step("Map", a -> on(a).Map(a.folio("p")), "c:cpu", "p:page")
            .step("Unmap", a -> on(a).Unmap(a.folio("p")), "c:cpu", "p:page")
            .step("GetPage", a -> on(a).GetPage(a.folio("p")), "c:cpu", "p:page")
            .step("DeleteFromCache", a -> on(a).DeleteFromCache(a.index("i")), "c:cpu", "i:index")
            .step("PutPage", a -> on(a).PutPage(), "c:cpu")
            .step("Uncharge", a -> on(a).Uncharge(), "c:cpu");

    /** Whether the charges go through the per-CPU stock (spec/Stock.tla): TryCharge is then not an action. */
    private final boolean underStock;
    /** The table without the charge the stock replaces (built on first use: PART is made before ACTIONS). */
    private static final class UnderStock {
        static final ActionTable ACTIONS = ChargePart.ACTIONS.without("TryCharge");
    }

    private ChargePart(List<MemCgroup.Stat> statItems, boolean underStock) {
        this.statItems = List.copyOf(statItems);
        this.underStock = underStock;
    }

    private ChargePart(List<MemCgroup.Stat> statItems) {
        this(statItems, false);
    }

    /**
     * This part under the per-CPU stock (spec/Stock.tla): the same variables and invariants, without
     * TryCharge, whose charge the stock's actions make ({@link memcgspec.protocol.stock.StockPart}).
     */
    public ChargePart underStock() {
        return new ChargePart(statItems, true);
    }

    /** The statistics items this part's abstraction shows (the spec's StatItems). */
    public List<MemCgroup.Stat> statItems() {
        return statItems;
    }

    /** A call of one of Charge.tla's actions (Java ids: see {@link ActionTable#call}). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    @Override
    public ActionTable actions() {
        return underStock ? UnderStock.ACTIONS : ACTIONS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(ChargeSteps.class);
    }

    @Override
    public List<Invariant> invariants() {
        return ChargeInvariants.ALL;
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        V.Builder pc = V.fcnBuilder(8), held = V.fcnBuilder(8),
                chargeTo = V.fcnBuilder(8), index = V.fcnBuilder(8);
        for (Cpu c : mm.cpus()) {
            V.Model name = m.names().cpus().get(c.id());
            pc.put(name, c.pc().spec());
            held.put(name, m.page(c.held()));
            chargeTo.put(name, m.memcgValue(c.chargeTo()));
            int i = ChargeSteps.of(c).index();
            index.put(name, i < 0 ? m.names().noIndex() : m.names().indexes().get(i));
        }
        V.Builder refcount = V.fcnBuilder(8), mapcount = V.fcnBuilder(8),
                owner = V.fcnBuilder(8), locked = V.fcnBuilder(8), anon = V.fcnBuilder(8);
        for (Folio f : mm.folios()) {
            Object name = m.page(f);
            refcount.put(name, f.refcount());
            mapcount.put(name, f.mapcount());
            owner.put(name, m.memcgValue(f.memcg()));
            locked.put(name, f.locked());
            anon.put(name, f.anon());
        }
        V.Builder cache = V.fcnBuilder(8);
        for (int i = 0; i < mm.cache().size(); i++) cache.put(m.names().indexes().get(i), m.page(mm.cache().lookup(i)));
        V.Builder usage = V.fcnBuilder(8);
        V.Builder stat = V.fcnBuilder(8);
        for (MemCgroup g : mm.memcgs()) {
            usage.put(g.id(), (int) g.memory().usage());
            V.Builder items = V.fcnBuilder(8);
            for (MemCgroup.Stat item : statItems) items.put(item.spec(), (int) g.stat(item));
            stat.put(g.id(), items.build());
        }
        vars.put("pc", pc.build());
        vars.put("held", held.build());
        vars.put("chargeTo", chargeTo.build());
        vars.put("index", index.build());
        vars.put("refcount", refcount.build());
        vars.put("mapcount", mapcount.build());
        vars.put("owner", owner.build());
        vars.put("locked", locked.build());
        vars.put("anon", anon.build());
        vars.put("cache", cache.build());
        vars.put("usage", usage.build());
        vars.put("stat", stat.build());
    }

    // ---------------------------------------------------------------- random runs

    /**
     * The path's next step: the charge is committed (not cancelled) so that committed owners are
     * exercised too; the put is the final one when this CPU holds the last reference.
     */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        int c = cpu.id();
        if (cpu.pc() == Pc.PUT) return call(cpu.held().refcount() > 1 ? "PutPage" : "Uncharge", c);
        if (!(cpu.pc() instanceof ChargePc pc)) return null;
        return switch (pc) {
            case ANON_ALLOC, CACHE_ALLOC -> underStock ? null : call("TryCharge", c);
            case ANON_ALLOC_RETRY, CACHE_ALLOC_RETRY -> null; // the stock part's
            case ANON_CHARGED, CACHE_INSERTED -> call("CommitCharge", c);
            case CACHE_CHARGED -> call("AddToCache", c);
            case CACHE_EEXIST -> call("CancelCharge", c);
            case ANON_COMMITTED -> call("MapAnon", c);
            case CACHE_COMMITTED -> call("UnlockPage", c);
        };
    }

    /** 15% of anonymous faults abandon their charge; 3% of puts guess wrong whether they are the last. */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        int c = cpu.id();
        if (cpu.pc() == ChargePc.ANON_CHARGED && r.nextInt(100) < 15) return call("CancelCharge", c);
        if (cpu.pc() == Pc.PUT && r.nextInt(100) < 3) return call(cpu.held().refcount() > 1 ? "Uncharge" : "PutPage", c);
        return null;
    }

    /** Folios an idle CPU can map: mapped ones, and unlocked ones in the page cache. */
    static boolean mappable(Mm mm, Folio f) {
        return f.mapcount() > 0 || (!f.locked() && f.refcount() > 0 && mm.cache().contains(f));
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("AllocAnon", (m, c, r) -> call("AllocAnon", c, Picks.folio(m.mm(), r, Folio::isFree), Picks.taskMemcg(m.mm(), r)));
        mv.put("AllocCache", (m, c, r) -> {
            int idx = Picks.index(m.mm(), r, false);
            return call("AllocCache", c, Picks.folio(m.mm(), r, Folio::isFree), Picks.taskMemcg(m.mm(), r), idx);
        });
        mv.put("Map", (m, c, r) -> call("Map", c, Picks.folio(m.mm(), r, f -> mappable(m.mm(), f))));
        mv.put("Unmap", (m, c, r) -> call("Unmap", c, Picks.folio(m.mm(), r, f -> f.mapcount() > 0)));
        mv.put("GetPage", (m, c, r) -> call("GetPage", c, Picks.folio(m.mm(), r, f -> f.refcount() > 0)));
        mv.put("DeleteFromCache", (m, c, r) -> call("DeleteFromCache", c, Picks.index(m.mm(), r, true)));
        return mv;
    }

    /** Unmaps every mapping, then evicts every page-cache index, on cpu c1. */
    @Override
    public Call<Machine> cleanup(Machine m) {
        for (Folio f : m.mm().folios()) if (f.mapcount() > 0) return call("Unmap", 0, f.id());
        for (int i = 0; i < m.mm().cache().size(); i++) if (m.mm().cache().lookup(i) != null) return call("DeleteFromCache", 0, i);
        return null;
    }

    /** Quiescent (every CPU idle, every folio free) and no memory charge left. */
    @Override
    public void atQuiescence(Machine m, List<String> v) {
        for (Cpu c : m.mm().cpus()) if (c.pc() != Pc.IDLE) v.add("Quiescent: " + c + " not idle after the drain");
        for (Folio f : m.mm().folios()) {
            if (f.refcount() != 0 || !f.isFree()) v.add("Quiescent: " + f + " not free after the drain");
        }
        for (MemCgroup g : m.mm().memcgs()) {
            // residue: what kmem reparenting leaves on a dead memcg's own counter (Kmem.tla; 0 without kmem);
            // stocked: the pages per-CPU stocks hold for its subtree (Stock.tla; 0 without a stock).
            long want = g.residue() + MemcgStock.stockedBelow(m.mm(), g);
            if (g.memory().usage() != want) v.add("NoLeakAtQuiescence: " + g.memory() + " after the drain, residue and stocked " + want);
        }
    }

    /**
     * The memory counters (usage, max, failcnt, underflows) and statistics, every folio, the cache,
     * every CPU's core and index.
     */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        // Indexed loops, each folio read once: this runs before every step of a property run.
        Mm mm = m.mm();
        Mm.Config shape = mm.config();
        int nm = shape.nMemcg() + 1, nf = shape.folios(), ni = shape.indexes(), nc = shape.cpus();
        if (!frames) {
            nf = 0;
            nm = 0;
        }
        long[] a = new long[nm * memcgRowWidth() + nf * 6 + ni + nc * 3];
        int k = 0;
        for (int i = 0; i < nm; i++) k = memcgRow(mm, i, a, k);
        for (int i = 0; i < nf; i++) {
            Folio f = mm.folio(i);
            MemCgroup owner = f.memcg();
            a[k++] = f.refcount();
            a[k++] = f.mapcount();
            a[k++] = owner == null ? 0 : owner.id() + 1;
            a[k++] = f.locked() ? 1 : 0;
            a[k++] = f.anon() ? 1 : 0;
            a[k++] = f.isFree() ? 1 : 0;
        }
        Folio[] cache = mm.cache().entries(); // one taking of xa_lock
        for (int i = 0; i < ni; i++) {
            Folio f = cache[i];
            a[k++] = f == null ? 0 : f.id() + 1;
        }
        for (int i = 0; i < nc; i++) {
            Cpu cpu = mm.cpu(i);
            out.add(cpu.pc());
            a[k++] = cpu.held() == null ? 0 : cpu.held().id() + 1;
            a[k++] = cpu.chargeTo() == null ? 0 : cpu.chargeTo().id() + 1;
            a[k++] = ChargeSteps.of(cpu).index() + 1;
        }
        out.add(a);
    }

    private static final MemCgroup.Stat[] STAT_ITEMS = MemCgroup.Stat.values();

    @Override
    public int memcgRowWidth() {
        return 4 + STAT_ITEMS.length;
    }

    /** The memory counter (usage, max, failcnt, underflows) and the statistics. */
    @Override
    public int memcgRow(Mm mm, int id, long[] a, int k) {
        MemCgroup g = mm.memcg(id);
        PageCounter memory = g.memory();
        a[k++] = memory.usage();
        a[k++] = memory.max();
        a[k++] = memory.failcnt();
        a[k++] = memory.underflows();
        for (MemCgroup.Stat item : STAT_ITEMS) a[k++] = g.stat(item);
        return k;
    }

    /** The folios the CPUs hold and those in the page cache. */
    @Override
    public void pinned(Machine m, IdSet folios, IdSet kpages) {
        Mm mm = m.mm();
        for (int i = 0; i < mm.config().cpus(); i++) {
            Folio f = mm.cpu(i).held();
            if (f != null) folios.add(f.id());
        }
        for (Folio f : mm.cache().entries()) if (f != null) folios.add(f.id());
    }

    /**
     * usage[m] of every memcg; its statistics, owner, ref, map, locked, anon of each folio, and
     * cache[i], when not 0/none.
     */
    @Override
    public void view(Machine m, Map<String, String> v) {
        Mm mm = m.mm();
        for (MemCgroup g : mm.memcgs()) {
            v.put("usage[" + g.id() + "]", String.valueOf(g.memory().usage()));
            for (MemCgroup.Stat item : statItems) {
                long n = g.stat(item);
                if (n != 0) v.put("stat[" + g.id() + "]." + item.spec(), String.valueOf(n));
            }
        }
        for (Folio f : mm.folios()) {
            String p = V.show(m.page(f));
            if (f.memcg() != null) v.put("owner[" + p + "]", String.valueOf(f.memcg().id()));
            if (f.refcount() != 0) v.put("ref[" + p + "]", String.valueOf(f.refcount()));
            if (f.mapcount() != 0) v.put("map[" + p + "]", String.valueOf(f.mapcount()));
            if (f.locked()) v.put("locked[" + p + "]", "T");
            if (f.anon()) v.put("anon[" + p + "]", "T");
        }
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            if (f != null) v.put("cache[" + V.show(m.names().indexes().get(i)) + "]", V.show(m.page(f)));
        }
    }
}
