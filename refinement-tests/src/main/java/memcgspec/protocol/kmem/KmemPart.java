package memcgspec.protocol.kmem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.IdSet;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.PageCounter;
import memcgspec.impl.kmem.KmemPc;
import memcgspec.impl.kmem.KmemSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Picks;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The kmem protocol's part (spec/Kmem.tla, on top of Charge's and Swap's parts, whose Offline and
 * Free now reparent and release objcgs): its 6 actions bound to the {@link KmemSteps} methods, its
 * ten variables (each kmem page's allocation and objcg, each objcg's memcg and references, each
 * CPU's kmem page, objcg and memcg, the v1 kmem counter, and the two history variables), its
 * invariants ({@link KmemInvariants}), and how random runs allocate and free kmem pages. The
 * machine gets the model's kmem page frames.
 */
public final class KmemPart implements ProtocolPart {
    /** Kmem.tla's six actions (first: the parts below are built from them). */
    private static final ActionTable ACTIONS = table(false);

    /** Kmem.tla's part: the charge and the uncharge go to the counters. */
    public static final KmemPart PART = new KmemPart(false);
    /**
     * The part under Stock.tla, which replaces Kmem.tla's KmemCharge (try_charge_memcg through the
     * stock: its own actions) and KmemUncharge (into the stock, with a victim): the other four
     * actions, and the paths up to the css reference.
     */
    public static final KmemPart UNDER_STOCK = new KmemPart(true);

    private static KmemSteps on(ActionTable.Args a) {
        return KmemSteps.of(a.cpu("c"));
    }

    private static ActionTable table(boolean stock) {
        ActionTable t = new ActionTable()
                .step("KmemAlloc", a -> on(a).KmemAlloc(a.kpage("k"), a.memcg("m")), "c:cpu", "k:kpage", "m:memcg")
                .step("GetMemcgFromObjcg", a -> on(a).GetMemcgFromObjcg(), "c:cpu")
                .action("CssTrygetMemcg", a -> on(a).CssTrygetMemcg() ? null : "retry", "c:cpu");
        if (!stock) t.action("KmemCharge", a -> on(a).KmemCharge() ? null : "ENOMEM", "c:cpu");
        t.step("KmemFree", a -> on(a).KmemFree(a.kpage("k")), "c:cpu", "k:kpage");
        if (!stock) t.step("KmemUncharge", a -> on(a).KmemUncharge(), "c:cpu");
        return t;
    }

    private final boolean stock;
    private final ActionTable actions;

    private KmemPart(boolean stock) {
        this.stock = stock;
        this.actions = stock ? table(true) : ACTIONS;
    }

    /** A call of one of Kmem.tla's own actions (Java ids: see {@link ActionTable#call}). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    @Override
    public ActionTable actions() {
        return actions;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(KmemSteps.class);
    }

    @Override
    public List<Invariant> invariants() {
        return KmemInvariants.ALL;
    }

    @Override
    public Mm.Config configure(Mm.Config base, Map<String, Object> k, Map<String, Object> init) {
        return base.withKmem(((java.util.Set<?>) k.get("KPages")).size());
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        V.Builder kalloc = V.fcnBuilder(8), kobjcg = V.fcnBuilder(8), chargedAt = V.fcnBuilder(8);
        for (KmemPage k : mm.kpages()) {
            Object name = m.kpageValue(k);
            kalloc.put(name, k.allocated());
            kobjcg.put(name, m.objcgValue(k.objcg()));
            chargedAt.put(name, m.memcgValue(k.chargedAt()));
        }
        V.Builder objcgMemcg = V.fcnBuilder(8), objcgRef = V.fcnBuilder(8);
        for (int o = 1; o < mm.memcgs().size(); o++) {
            ObjCgroup g = mm.objcg(o);
            objcgMemcg.put(o, m.memcgValue(g.memcg()));
            objcgRef.put(o, (int) g.refs());
        }
        V.Builder kpage = V.fcnBuilder(8), kobj = V.fcnBuilder(8), kmemcg = V.fcnBuilder(8);
        for (Cpu c : mm.cpus()) {
            V.Model name = m.names().cpus().get(c.id());
            KmemSteps s = KmemSteps.of(c);
            kpage.put(name, m.kpageValue(s.kpage()));
            kobj.put(name, m.objcgValue(s.kobj()));
            kmemcg.put(name, m.memcgValue(s.kmemcg()));
        }
        V.Builder kmem = V.fcnBuilder(8), residue = V.fcnBuilder(8);
        for (MemCgroup g : mm.memcgs()) {
            kmem.put(g.id(), (int) g.kmem().usage());
            residue.put(g.id(), (int) g.residue());
        }
        vars.put("kalloc", kalloc.build());
        vars.put("kobjcg", kobjcg.build());
        vars.put("objcgMemcg", objcgMemcg.build());
        vars.put("objcgRef", objcgRef.build());
        vars.put("kpage", kpage.build());
        vars.put("kobj", kobj.build());
        vars.put("kmemcg", kmemcg.build());
        vars.put("kmem", kmem.build());
        vars.put("chargedAt", chargedAt.build());
        vars.put("residue", residue.build());
    }

    // ---------------------------------------------------------------- random runs

    /**
     * The path's next step (one is always enabled: the kmem paths never wait). Under the stock,
     * the charge and the uncharge once the css reference is held are the stock part's.
     */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        if (!(cpu.pc() instanceof KmemPc pc)) return null;
        int c = cpu.id();
        return switch (pc) {
            case KMEM_CHARGE, KMEM_UNCHARGE -> call("GetMemcgFromObjcg", c);
            case KMEM_CHARGE_RCU, KMEM_UNCHARGE_RCU -> call("CssTrygetMemcg", c);
            case KMEM_CHARGE_CSS -> stock ? null : call("KmemCharge", c);
            case KMEM_UNCHARGE_CSS -> stock ? null : call("KmemUncharge", c);
            case KMEM_CHARGE_RETRY -> null;
        };
    }

    /** Now and then a step out of turn: a charge before the tryget, an uncharge before the read. */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        if (!(cpu.pc() instanceof KmemPc pc)) return null;
        int w = r.nextInt(100);
        if (w < 3 && !stock) return call(pc.charging() ? "KmemCharge" : "KmemUncharge", cpu.id());
        if (w < 5) return call("CssTrygetMemcg", cpu.id());
        return null;
    }

    private static boolean chargedIdle(KmemPage k) {
        return k.allocated() && k.objcg() != null && !k.freeing();
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("KmemAlloc", (m, c, r) -> {
            Mm mm = m.mm();
            return call("KmemAlloc", c, Picks.among(mm.kpages().size(), r, k -> !mm.kpage(k).allocated()), Picks.taskMemcg(mm, r));
        });
        mv.put("KmemFree", (m, c, r) -> {
            Mm mm = m.mm();
            return call("KmemFree", c, Picks.among(mm.kpages().size(), r, k -> chargedIdle(mm.kpage(k))));
        });
        return mv;
    }

    /** Frees every charged kmem page (on CPU 0; its path then runs to the end). */
    @Override
    public Call<Machine> cleanup(Machine m) {
        Mm mm = m.mm();
        for (KmemPage k : mm.kpages()) if (chargedIdle(k)) return call("KmemFree", 0, k.id());
        return null;
    }

    /** Every kmem page free; every objcg of a freed memcg released. */
    @Override
    public void atQuiescence(Machine m, List<String> v) {
        Mm mm = m.mm();
        for (KmemPage k : mm.kpages()) if (k.allocated() || k.objcg() != null) v.add("Quiescent: " + k + " not free after the drain");
        for (int o = 1; o < mm.memcgs().size(); o++) {
            if (mm.memcg(o).state() == MemCgroup.State.FREED && !mm.objcg(o).released()) {
                v.add("NoObjcgLeakAtQuiescence: " + mm.objcg(o) + " of freed " + mm.memcg(o) + " still holds " + mm.objcg(o).refs() + " references after the drain");
            }
        }
        for (Cpu c : mm.cpus()) if (c.rcuMemcg() != null) v.add("Quiescent: " + c + " still inside rcu_read_lock");
    }

    @Override
    public int memcgRowWidth() {
        return 7;
    }

    /** The kmem counter (usage, failcnt, underflows), the residue, the objcg pointer; the objcg of the same id: its references and memcg. */
    @Override
    public int memcgRow(Mm mm, int id, long[] a, int k) {
        MemCgroup g = mm.memcg(id);
        PageCounter pk = g.kmem();
        a[k++] = pk.usage();
        a[k++] = pk.failcnt();
        a[k++] = pk.underflows();
        a[k++] = g.residue();
        a[k++] = g.objcg() == null ? 0 : g.objcg().id() + 1;
        ObjCgroup o = mm.objcg(id);
        a[k++] = o == null ? 0 : o.refs();
        a[k++] = o == null || o.memcg() == null ? 0 : o.memcg().id() + 1;
        return k;
    }

    /** Each kmem page, each objcg, each memcg's kmem counter, residue, objcg pointer and objcg_list, each CPU's kmem fields. */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        Mm mm = m.mm();
        Mm.Config shape = mm.config(); // indexed loops, no list views: this runs before every step
        int nk = frames ? shape.kmemPages() : 0, nm = frames ? shape.nMemcg() + 1 : 0, nc = shape.cpus();
        long[] a = new long[nk * 4 + nm * memcgRowWidth() + nc * 4];
        // One taking of objcg_lock; the same arrays until a list is written (a write makes new
        // ones, so these keep the lists as they are now). Compared element by element: the objcgs
        // of a machine are one object per id, so equal objcgs are equal ids.
        ObjCgroup[][] objcgLists = mm.objcgLists();
        int k = 0;
        for (int i = 0; i < nk; i++) {
            KmemPage p = mm.kpage(i);
            a[k++] = p.allocated() ? 1 : 0;
            a[k++] = p.freeing() ? 1 : 0;
            a[k++] = p.objcg() == null ? 0 : p.objcg().id() + 1;
            a[k++] = p.chargedAt() == null ? 0 : p.chargedAt().id() + 1;
        }
        for (int i = 0; i < nm; i++) k = memcgRow(mm, i, a, k);
        for (int i = 0; i < nc; i++) {
            Cpu c = mm.cpu(i);
            KmemSteps s = KmemSteps.of(c);
            a[k++] = s.kpage() == null ? 0 : s.kpage().id() + 1;
            a[k++] = s.kobj() == null ? 0 : s.kobj().id() + 1;
            a[k++] = s.kmemcg() == null ? 0 : s.kmemcg().id() + 1;
            a[k++] = c.rcuMemcg() == null ? 0 : c.rcuMemcg().id() + 1;
        }
        out.add(a);
        out.add(objcgLists);
    }

    /** The kmem page each CPU works on. */
    @Override
    public void pinned(Machine m, IdSet folios, IdSet kpages) {
        for (int i = 0; i < m.mm().config().cpus(); i++) {
            KmemPage k = KmemSteps.of(m.mm().cpu(i)).kpage();
            if (k != null) kpages.add(k.id());
        }
    }

    /** The kmem counter (v1) and residue of every memcg where not zero; each kmem page's objcg; each objcg moved or released; each CPU's kmem fields. */
    @Override
    public void view(Machine m, Map<String, String> v) {
        Mm mm = m.mm();
        boolean v1 = mm.accounting() == Accounting.V1;
        for (MemCgroup g : mm.memcgs()) {
            if (v1 && g.kmem().usage() != 0) v.put("kmem[" + g.id() + "]", String.valueOf(g.kmem().usage()));
            if (g.residue() != 0) v.put("residue[" + g.id() + "]", String.valueOf(g.residue()));
        }
        for (KmemPage p : mm.kpages()) {
            String n = V.show(m.kpageValue(p));
            if (p.objcg() != null) v.put("kobjcg[" + n + "]", String.valueOf(p.objcg().id()));
            else if (p.allocated()) v.put("kalloc[" + n + "]", "T");
        }
        for (int o = 1; o < mm.memcgs().size(); o++) {
            ObjCgroup g = mm.objcg(o);
            if (g.memcg() == null) v.put("objcgMemcg[" + o + "]", "NoMemcg");
            else if (g.memcg().id() != o) v.put("objcgMemcg[" + o + "]", String.valueOf(g.memcg().id()));
        }
        for (Cpu c : mm.cpus()) {
            KmemSteps s = KmemSteps.of(c);
            String n = V.show(m.names().cpus().get(c.id()));
            if (s.kmemcg() != null) v.put("kmemcg[" + n + "]", String.valueOf(s.kmemcg().id()));
        }
    }
}
