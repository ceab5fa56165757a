package memcgspec.protocol.swap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.IdSet;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.swap.SwapPc;
import memcgspec.impl.swap.SwapSteps;
import memcgspec.impl.swap.SwapinSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Picks;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The swap protocol's part (spec/Swap.tla, on top of Charge's part): its 20 actions bound to the
 * {@link SwapSteps} and {@link SwapinSteps} methods and to {@link Mm#Offline} and {@link Mm#Free}, its twelve variables
 * (the accounting mode, each CPU's slot, the swap device, the memsw and swap counters, the memcgs'
 * lifetime, id and css references), its invariants ({@link SwapInvariants}), and how random runs
 * drive reclaim, swap-in, the freeing of slots, and memcg offline and free. The machine gets a
 * swap device of the model's slots, swap.max, the accounting mode ({@code version}) of the initial
 * state (so that one model may cover cgroup v1 and v2), and the model's LeafTasks rule.
 */
public final class SwapPart implements ProtocolPart {
    public static final SwapPart PART = new SwapPart();

    private static SwapSteps on(ActionTable.Args a) {
        return SwapSteps.of(a.cpu("c"));
    }

    private static SwapinSteps in(ActionTable.Args a) {
        return SwapinSteps.of(a.cpu("c"));
    }

    private static final ActionTable ACTIONS = new ActionTable()
            .step("Reclaim", a -> on(a).Reclaim(a.folio("p")), "c:cpu", "p:page")
            .action("AddToSwap", a -> on(a).AddToSwap(a.slot("s")) ? null : "swap.max", "c:cpu", "s:slot")
            .step("TryToUnmap", a -> on(a).TryToUnmap(), "c:cpu")
            .action("SwapOut", a -> {
                on(a).SwapOut();
                return a.cpu("c").pc() == SwapPc.SWAPOUT_SLOT_FREE ? "dead" : null;
            }, "c:cpu")
            .step("UnchargeList", a -> on(a).UnchargeList(), "c:cpu")
            .action("ReclaimAbort", a -> {
                boolean inSwap = on(a).slot() >= 0;
                on(a).ReclaimAbort();
                return inSwap ? "busy" : "full";
            }, "c:cpu")
            .step("SwapinHit", a -> in(a).SwapinHit(a.slot("s")), "c:cpu", "s:slot")
            .step("SwapinAlloc", a -> in(a).SwapinAlloc(a.slot("s"), a.folio("p"), a.memcg("m")), "c:cpu", "s:slot", "p:page", "m:memcg")
            .action("SwapcachePrepare", a -> {
                int s = on(a).slot();
                if (in(a).SwapcachePrepare()) return null;
                return a.machine().mm().swap().count(s) == 0 ? "ENOENT" : "EEXIST";
            }, "c:cpu")
            .action("SwapInCharge", a -> in(a).SwapInCharge() ? null : "ENOMEM", "c:cpu")
            .step("AddToSwapCache", a -> in(a).AddToSwapCache(), "c:cpu")
            .step("SwapinUnchargeSwap", a -> in(a).SwapinUnchargeSwap(), "c:cpu")
            .step("EndSwapRead", a -> in(a).EndSwapRead(), "c:cpu")
            .action("SwapinMap", a -> in(a).SwapinMap() ? "mapped" : "raced", "c:cpu")
            .step("SwapcacheFree", a -> in(a).SwapcacheFree(), "c:cpu")
            .action("FreeSwapAndCache", a -> {
                on(a).FreeSwapAndCache(a.slot("s"));
                return a.cpu("c").pc() == SwapPc.SLOT_FREE ? "dead" : null;
            }, "c:cpu", "s:slot")
            .step("DeleteFromSwapCache", a -> on(a).DeleteFromSwapCache(a.slot("s")), "c:cpu", "s:slot")
            .action("SwapSlotFree", a -> {
                int s = on(a).slot();
                boolean rec = s >= 0 && a.machine().mm().swap().record(s) != null;
                on(a).SwapSlotFree();
                return rec ? "recorded" : null;
            }, "c:cpu")
            .action("Offline", a -> {
                MemCgroup g = a.memcg("m");
                boolean swapped = recordedUnder(a.machine().mm(), g) > 0;
                a.machine().mm().Offline(g);
                return swapped ? "with-swap" : null;
            }, "m:memcg")
            .step("Free", a -> a.machine().mm().Free(a.memcg("m")), "m:memcg");

    /**
     * Swap's part under the per-CPU stock (spec/Stock.tla): the same variables and invariants,
     * without SwapInCharge, whose charge the stock's actions make
     * ({@link memcgspec.protocol.stock.StockPart}).
     */
    public static final SwapPart UNDER_STOCK = new SwapPart(true);

    private final boolean underStock;
    /** The table without the charge the stock replaces (built on first use: PART is made before ACTIONS). */
    private static final class UnderStock {
        static final ActionTable ACTIONS = SwapPart.ACTIONS.without("SwapInCharge");
    }

    private SwapPart(boolean underStock) {
        this.underStock = underStock;
    }

    private SwapPart() {
        this(false);
    }

    /** A call of one of Swap.tla's own actions (Java ids: see {@link ActionTable#call}). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    /** Slots recorded to g or below it. */
    static int recordedUnder(Mm mm, MemCgroup g) {
        int n = 0;
        for (int s = 0; s < mm.swap().size(); s++) {
            MemCgroup r = mm.swap().record(s);
            if (r != null && g.isAncestorOf(r)) n++;
        }
        return n;
    }

    @Override
    public ActionTable actions() {
        return underStock ? UnderStock.ACTIONS : ACTIONS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(SwapSteps.class, SwapinSteps.class, Mm.class);
    }

    @Override
    public List<Invariant> invariants() {
        return SwapInvariants.ALL;
    }

    @Override
    public Mm.Config configure(Mm.Config base, Map<String, Object> k, Map<String, Object> init) {
        Object version = init.get("version");
        if (version == null) throw new IllegalStateException("Swap has one initial state per accounting mode: create(constants, initialState)");
        @SuppressWarnings("unchecked")
        int slots = ((java.util.Set<Object>) k.get("Slots")).size();
        return base.withSwap(slots, (Integer) k.get("SwapMax"), (Integer) version).withLeafTasks((Boolean) k.get("LeafTasks"));
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        SwapDevice dev = mm.swap();
        V.Builder slot = V.fcnBuilder(8);
        for (Cpu c : mm.cpus()) {
            int s = SwapSteps.of(c).slot();
            slot.put(m.names().cpus().get(c.id()), s < 0 ? m.names().noSlot() : m.names().slots().get(s));
        }
        V.Builder allocated = V.fcnBuilder(8), swapMap = V.fcnBuilder(8),
                hasCache = V.fcnBuilder(8), swapCache = V.fcnBuilder(8), record = V.fcnBuilder(8);
        for (int i = 0; i < dev.size(); i++) {
            V.Model name = m.names().slots().get(i);
            allocated.put(name, dev.allocated(i));
            swapMap.put(name, dev.count(i));
            hasCache.put(name, dev.hasCache(i));
            swapCache.put(name, m.page(dev.cached(i)));
            record.put(name, m.memcgValue(dev.record(i)));
        }
        V.Builder memsw = V.fcnBuilder(8), swap = V.fcnBuilder(8), state = V.fcnBuilder(8),
                idRef = V.fcnBuilder(8), css = V.fcnBuilder(8);
        for (MemCgroup g : mm.memcgs()) {
            memsw.put(g.id(), (int) g.memsw().usage());
            swap.put(g.id(), (int) g.swap().usage());
            state.put(g.id(), g.state().spec());
            idRef.put(g.id(), (int) g.idRefs());
            css.put(g.id(), (int) g.cssRefs());
        }
        vars.put("version", mm.accounting().version());
        vars.put("slot", slot.build());
        vars.put("allocated", allocated.build());
        vars.put("swapMap", swapMap.build());
        vars.put("hasCache", hasCache.build());
        vars.put("swapCache", swapCache.build());
        vars.put("record", record.build());
        vars.put("memsw", memsw.build());
        vars.put("swap", swap.build());
        vars.put("state", state.build());
        vars.put("idRef", idRef.build());
        vars.put("css", css.build());
    }

    // ---------------------------------------------------------------- random runs

    /** The next reclaim step the state calls for (one is always enabled). */
    private static Call<Machine> reclaimNext(Machine m, Cpu cpu) {
        int c = cpu.id();
        Folio f = cpu.held();
        if (SwapSteps.of(cpu).slot() < 0) {
            int s = freeSlot(m.mm());
            return s < 0 ? call("ReclaimAbort", c) : call("AddToSwap", c, s);
        }
        if (f.mapcount() > 0) return call("TryToUnmap", c);
        return f.refcount() == 2 ? call("SwapOut", c) : call("ReclaimAbort", c);
    }

    private static int freeSlot(Mm mm) {
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) if (!d.allocated(s)) return s;
        return -1;
    }

    /** The path's next step; a swap-in that waits for a folio lock another CPU holds waits (unless forced). */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        if (!(cpu.pc() instanceof SwapPc pc)) return null;
        int c = cpu.id();
        return switch (pc) {
            case RECLAIM -> reclaimNext(m, cpu);
            case SWAPIN_ALLOC -> call("SwapcachePrepare", c);
            case SWAPIN_PREPARED -> underStock ? null : call("SwapInCharge", c);
            case SWAPIN_RETRY -> null; // the stock part's
            case SWAPIN_CHARGED -> call("AddToSwapCache", c);
            case SWAPIN_ADDED -> call("SwapinUnchargeSwap", c);
            case SWAPIN_READ -> call("EndSwapRead", c);
            case SWAPIN_LOCK -> cpu.held().locked() && !force ? null : call("SwapinMap", c);
            case SWAPIN_NOMEM -> call("SwapcacheFree", c);
            case SLOT_FREE, SWAPOUT_SLOT_FREE -> call("SwapSlotFree", c);
            case RECLAIM_FREED -> call("UnchargeList", c);
        };
    }

    /** Now and then a reclaim step that may not be enabled: an abort while mapped, a swap-out too early. */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        if (cpu.pc() != SwapPc.RECLAIM) return null;
        int w = r.nextInt(100);
        if (w < 3) return call("ReclaimAbort", cpu.id());
        if (w < 6) return call("SwapOut", cpu.id());
        if (w < 8) return call("AddToSwap", cpu.id(), r.nextInt(m.mm().swap().size()));
        return null;
    }

    /** An unlocked folio of the swap cache (found by its slot), or any folio when there is none. */
    private static int swapCacheFolio(Mm mm, Random r) {
        SwapDevice d = mm.swap();
        List<Integer> ok = new java.util.ArrayList<>();
        for (int s = 0; s < d.size(); s++) {
            Folio f = d.cached(s);
            if (f != null && !f.locked()) ok.add(f.id());
        }
        return ok.isEmpty() ? r.nextInt(mm.folios().size()) : ok.get(r.nextInt(ok.size()));
    }

    /** A mapped, charged, unlocked anon folio: what reclaim of anon memory takes. */
    private static boolean anon(Mm mm, Folio f) {
        return f.mapcount() > 0 && f.memcg() != null && !f.locked() && f.anon();
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("Reclaim", (m, c, r) -> {
            Mm mm = m.mm();
            // A quarter of the time a swap-cache folio (whose slot ptes may hold), else a mapped anon folio.
            return call("Reclaim", c, r.nextInt(4) == 0 ? swapCacheFolio(mm, r) : Picks.folio(mm, r, f -> anon(mm, f)));
        });
        mv.put("Swapin", (m, c, r) -> {
            Mm mm = m.mm();
            int s = Picks.among(mm.swap().size(), r, x -> mm.swap().count(x) > 0);
            if (mm.swap().cached(s) != null && r.nextInt(8) != 0) return call("SwapinHit", c, s);
            return call("SwapinAlloc", c, s, Picks.folio(mm, r, Folio::isFree), Picks.taskMemcg(mm, r));
        });
        mv.put("FreeSwapAndCache", (m, c, r) ->
                call("FreeSwapAndCache", c, Picks.among(m.mm().swap().size(), r, s -> m.mm().swap().count(s) > 0)));
        mv.put("DeleteFromSwapCache", (m, c, r) -> call("DeleteFromSwapCache", c,
                Picks.among(m.mm().swap().size(), r, s -> m.mm().swap().count(s) == 0 && m.mm().swap().cached(s) != null)));
        mv.put("Offline", (m, c, r) -> offline(m.mm(), r));
        mv.put("Free", (m, c, r) -> free(m.mm(), r));
        return mv;
    }

    /** Offline of a removable online memcg with no online child, preferring one with swapped pages. */
    private static Call<Machine> offline(Mm mm, Random r) {
        List<Integer> ok = new java.util.ArrayList<>(), swapped = new java.util.ArrayList<>();
        for (MemCgroup g : mm.memcgs()) {
            if (!g.online() || !mm.removable(g)) continue;
            boolean kids = false;
            for (MemCgroup d : g.children()) kids |= d.online();
            if (kids) continue;
            ok.add(g.id());
            if (recordedUnder(mm, g) > 0) swapped.add(g.id());
        }
        List<Integer> from = !swapped.isEmpty() && r.nextInt(4) != 0 ? swapped : ok;
        return call("Offline", from.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : from.get(r.nextInt(from.size())));
    }

    /** Free of an offline memcg (may be refused while referenced). */
    private static Call<Machine> free(Mm mm, Random r) {
        List<Integer> off = new java.util.ArrayList<>(), ready = new java.util.ArrayList<>();
        for (MemCgroup g : mm.memcgs()) {
            if (g.state() != MemCgroup.State.OFFLINE) continue;
            off.add(g.id());
            if (g.cssRefs() == 0) ready.add(g.id());
        }
        List<Integer> from = !ready.isEmpty() && r.nextInt(3) != 0 ? ready : off;
        return call("Free", from.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : from.get(r.nextInt(from.size())));
    }

    /** Drops every swap pte, deletes every cache-only swap folio, then frees every offline memcg nothing refers to. */
    @Override
    public Call<Machine> cleanup(Machine m) {
        SwapDevice d = m.mm().swap();
        for (int s = 0; s < d.size(); s++) if (d.count(s) > 0) return call("FreeSwapAndCache", 0, s);
        for (int s = 0; s < d.size(); s++) if (d.cached(s) != null) return call("DeleteFromSwapCache", 0, s);
        for (MemCgroup g : m.mm().memcgs()) {
            if (g.state() == MemCgroup.State.OFFLINE && g.cssRefs() == 0) return call("Free", g.id());
        }
        return null;
    }

    /** No slot used or recorded, no memsw or swap charge, every offline memcg freed, css references balanced. */
    @Override
    public void atQuiescence(Machine m, List<String> v) {
        Mm mm = m.mm();
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) {
            if (d.count(s) != 0 || d.hasCache(s) || d.cached(s) != null) v.add("Quiescent: slot " + s + " still used after the drain");
        }
        if (!SwapInvariants.quiescent(new Census(m))) v.add("Quiescent: not quiescent after the drain");
        for (MemCgroup g : mm.memcgs()) {
            // kmem's residue on v1 (Kmem.tla; 0 without kmem), and the pages stocks hold (Stock.tla; 0 without a stock)
            long stocked = MemcgStock.stockedBelow(mm, g), slots = MemcgStock.slotRefs(mm, g);
            long memsw = mm.accounting() == Accounting.V1 ? g.residue() + stocked : 0;
            if (g.memsw().usage() != memsw || g.swap().usage() != 0) v.add("NoLeakAtQuiescence: " + g.memsw() + " " + g.swap() + " after the drain, residue " + g.residue());
            // Only a stock slot may keep an offline memcg, its own or a descendant's (Stock.tla's
            // StockPinsDying; none without a stock).
            if (g.state() == MemCgroup.State.OFFLINE && MemcgStock.slotsBelow(mm, g) == 0) v.add("NoZombieAtQuiescence: " + g + " offline but never freed: " + g.cssRefs() + " css references left");
            long kids = 0;
            for (MemCgroup ch : g.children()) if (ch.state() != MemCgroup.State.FREED) kids++;
            long base = g.online() ? 2 : 0; // the base reference and the live id's
            if (g.state() != MemCgroup.State.FREED && g.cssRefs() != base + kids + slots) {
                v.add("NoZombieAtQuiescence: " + g + " holds " + g.cssRefs() + " css references, " + kids + " live children, " + slots + " stock slots");
            }
            if (g.idRefs() != (g.online() ? 1 : 0)) v.add("IdRefBalance: " + g + " id.ref " + g.idRefs() + " after the drain");
        }
        for (int s = 0; s < d.size(); s++) {
            if (d.allocated(s) || d.record(s) != null) v.add("NoLeakAtQuiescence: slot " + s + " allocated or recorded after the drain");
        }
    }

    /**
     * The memsw and swap counters, lifetime and css references of every memcg; each CPU's slot;
     * the slots, as the device's copy ({@link SwapDevice#slots}: equal copies hold equal fields,
     * and the copy is made again only after a write, so that a step that writes no slot finds the
     * same copy).
     */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        Mm mm = m.mm();
        Mm.Config shape = mm.config();
        int nm = frames ? shape.nMemcg() + 1 : 0, nc = shape.cpus();
        long[] a = new long[nm * memcgRowWidth() + nc];
        int k = 0;
        for (int i = 0; i < nm; i++) k = memcgRow(mm, i, a, k);
        for (int i = 0; i < nc; i++) a[k++] = SwapSteps.of(mm.cpu(i)).slot() + 1;
        out.add(a);
        out.add(mm.swap().slots()); // one taking of the swap lock
    }

    /** The swap-cache folios. */
    @Override
    public void pinned(Machine m, IdSet folios, IdSet kpages) {
        for (Folio f : m.mm().swap().slots().cached()) if (f != null) folios.add(f.id());
    }

    @Override
    public int memcgRowWidth() {
        return 11;
    }

    /** The memsw and swap counters (usage, max, failcnt, underflows), the state, the css and id references. */
    @Override
    public int memcgRow(Mm mm, int id, long[] a, int k) {
        MemCgroup g = mm.memcg(id);
        k = counter(a, k, g.memsw());
        k = counter(a, k, g.swap());
        a[k++] = g.state().ordinal();
        a[k++] = g.cssRefs();
        a[k++] = g.idRefs();
        return k;
    }

    private static int counter(long[] a, int k, PageCounter pcnt) {
        a[k++] = pcnt.usage();
        a[k++] = pcnt.max();
        a[k++] = pcnt.failcnt();
        a[k++] = pcnt.underflows();
        return k;
    }

    /** The memsw (v1) or swap (v2) counter and the state of every memcg; memsw parts; each slot's fields. */
    @Override
    public void view(Machine m, Map<String, String> v) {
        Mm mm = m.mm();
        boolean v1 = mm.accounting() == Accounting.V1;
        for (MemCgroup g : mm.memcgs()) {
            if (v1) v.put("memsw[" + g.id() + "]", String.valueOf(g.memsw().usage()));
            else v.put("swap[" + g.id() + "]", String.valueOf(g.swap().usage()));
            if (!g.online()) v.put("state[" + g.id() + "]", g.state().spec());
        }
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) {
            String n = V.show(m.names().slots().get(s));
            if (d.allocated(s)) v.put("allocated[" + n + "]", "T");
            if (d.count(s) != 0) v.put("swapMap[" + n + "]", String.valueOf(d.count(s)));
            if (d.hasCache(s)) v.put("hasCache[" + n + "]", "T");
            if (d.cached(s) != null) v.put("swapCache[" + n + "]", V.show(m.page(d.cached(s))));
            if (d.record(s) != null) v.put("record[" + n + "]", String.valueOf(d.record(s).id()));
        }
    }
}
