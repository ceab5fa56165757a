package memcgspec.protocol.uncharge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.IdSet;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.UnchargeGather;
import memcgspec.impl.uncharge.UnchargeBatchPc;
import memcgspec.impl.uncharge.UnchargeBatchSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The batched uncharge's part (spec/UnchargeBatch.tla, a protocol of its own: it builds on no
 * other part): its 8 actions bound to the {@link UnchargeBatchSteps} methods and to
 * {@link Mm#Offline} and {@link Mm#Free}, its 11 variables (each CPU's program counter, batch,
 * dead folios, uncharged folios and gather; each page's memcg_data; each memcg's counter, state
 * and css count; the history count of counter writes to freed memcgs), its invariants
 * ({@link UnchargeBatchInvariants}), and how random runs go: idle CPUs fill batches (allocate,
 * charge) and release them, memcgs go offline and are freed.
 */
public final class UnchargeBatchPart implements ProtocolPart {
    public static final UnchargeBatchPart PART = new UnchargeBatchPart();

    private static UnchargeBatchSteps on(ActionTable.Args a) {
        return UnchargeBatchSteps.of(a.cpu("c"));
    }

    private static final ActionTable ACTIONS = new ActionTable()
            .step("AllocFolio", a -> on(a).AllocFolio(a.folio("p")), "c:cpu", "p:page")
            .step("ChargeFolio", a -> on(a).ChargeFolio(a.memcg("m")), "c:cpu", "m:memcg")
            .step("FoliosPutRefs", a -> on(a).FoliosPutRefs(), "c:cpu")
            .step("UnchargeFolio", a -> on(a).UnchargeFolio(), "c:cpu")
            .action("UnchargeBatch", a -> {
                UnchargeBatchSteps s = on(a);
                boolean atSwitch = !s.dead().isEmpty();
                s.UnchargeBatch();
                return atSwitch ? "switch" : null; // uncharge_folio's flush at a memcg switch (else the last flush)
            }, "c:cpu")
            .step("FreeUnrefFolios", a -> on(a).FreeUnrefFolios(), "c:cpu")
            .step("Offline", a -> a.machine().mm().Offline(a.memcg("m")), "m:memcg")
            .step("Free", a -> a.machine().mm().Free(a.memcg("m")), "m:memcg");

    private UnchargeBatchPart() {}

    /** A call of one of UnchargeBatch.tla's actions (Java ids: see {@link ActionTable#call}). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    @Override
    public ActionTable actions() {
        return ACTIONS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(UnchargeBatchSteps.class, Mm.class);
    }

    @Override
    public List<Invariant> invariants() {
        return UnchargeBatchInvariants.ALL;
    }

    private static List<Object> pages(Machine m, List<Folio> folios) {
        List<Object> l = new ArrayList<>(folios.size());
        for (Folio f : folios) l.add(m.page(f));
        return l;
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        V.Builder pc = V.fcnBuilder(4), held = V.fcnBuilder(4), dead = V.fcnBuilder(4), gone = V.fcnBuilder(4),
                ugMemcg = V.fcnBuilder(4), ugNr = V.fcnBuilder(4);
        long uaf = 0;
        for (Cpu c : mm.cpus()) {
            V.Model name = m.names().cpus().get(c.id());
            UnchargeBatchSteps s = UnchargeBatchSteps.of(c);
            UnchargeGather ug = s.gather();
            pc.put(name, c.pc().spec());
            held.put(name, V.tuple(pages(m, s.held())));
            dead.put(name, V.tuple(pages(m, s.dead())));
            gone.put(name, V.set(pages(m, s.gone())));
            ugMemcg.put(name, m.memcgValue(ug.memcg()));
            ugNr.put(name, (int) ug.nrMemory());
            uaf += ug.freedWrites();
        }
        V.Builder owner = V.fcnBuilder(8);
        for (Folio f : mm.folios()) owner.put(m.page(f), m.memcgValue(f.memcg()));
        V.Builder usage = V.fcnBuilder(8), state = V.fcnBuilder(8), css = V.fcnBuilder(8);
        for (MemCgroup g : mm.memcgs()) {
            usage.put(g.id(), (int) g.memory().usage());
            state.put(g.id(), g.state().spec());
            css.put(g.id(), (int) g.cssRefs());
        }
        vars.put("pc", pc.build());
        vars.put("held", held.build());
        vars.put("dead", dead.build());
        vars.put("gone", gone.build());
        vars.put("ugMemcg", ugMemcg.build());
        vars.put("ugNr", ugNr.build());
        vars.put("owner", owner.build());
        vars.put("usage", usage.build());
        vars.put("state", state.build());
        vars.put("css", css.build());
        vars.put("uafWrites", (int) uaf);
    }

    // ---------------------------------------------------------------- random runs

    /**
     * The release's next step: the next put, the flush when the next dead folio switches memcg or
     * none is left, the next uncharge_folio, free_unref_folios; an idle CPU with a batch releases
     * it when {@code force} (the drain).
     */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        int c = cpu.id();
        UnchargeBatchSteps s = UnchargeBatchSteps.of(cpu);
        if (cpu.pc() == Pc.IDLE) return !s.held().isEmpty() ? call("FoliosPutRefs", c) : null;
        if (cpu.pc() == UnchargeBatchPc.PUT_REFS) return call("FoliosPutRefs", c);
        if (cpu.pc() != UnchargeBatchPc.UNCHARGE) return null;
        UnchargeGather ug = s.gather();
        if (s.dead().isEmpty()) return call(ug.memcg() != null ? "UnchargeBatch" : "FreeUnrefFolios", c);
        return call(ug.switchesAt(s.dead().get(0)) ? "UnchargeBatch" : "UnchargeFolio", c);
    }

    /** Now and then a release step out of turn (mostly refused: a flush too early, an uncharge before the flush, a free too early). */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        if (cpu.pc() != UnchargeBatchPc.UNCHARGE || r.nextInt(100) >= 8) return null;
        String[] any = {"UnchargeFolio", "UnchargeBatch", "FreeUnrefFolios"};
        return call(any[r.nextInt(any.length)], cpu.id());
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("AllocFolio", (m, c, r) -> {
            Folio f = m.mm().findFree(r.nextInt(Math.max(1, m.mm().folios().size())));
            return call("AllocFolio", c, f == null ? r.nextInt(m.mm().folios().size()) : f.id());
        });
        mv.put("ChargeFolio", (m, c, r) -> call("ChargeFolio", c, onlineMemcg(m.mm(), r)));
        mv.put("Release", (m, c, r) -> call("FoliosPutRefs", c));
        mv.put("Offline", (m, c, r) -> call("Offline", offlineCandidate(m.mm(), r)));
        mv.put("Free", (m, c, r) -> call("Free", freeCandidate(m.mm(), r)));
        return mv;
    }

    /** A random online non-root memcg (the first level is always online). */
    private static int onlineMemcg(Mm mm, Random r) {
        List<Integer> ok = new ArrayList<>();
        for (MemCgroup g : mm.memcgs()) if (!g.isRoot() && g.online()) ok.add(g.id());
        return ok.get(r.nextInt(ok.size()));
    }

    /** A removable online memcg with no online child, if any (else any non-root one: refused). */
    private static int offlineCandidate(Mm mm, Random r) {
        List<Integer> ok = new ArrayList<>();
        for (MemCgroup g : mm.memcgs()) {
            if (!g.online() || !mm.removable(g)) continue;
            boolean kids = false;
            for (MemCgroup d : g.children()) kids |= d.online();
            if (!kids) ok.add(g.id());
        }
        return ok.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : ok.get(r.nextInt(ok.size()));
    }

    /** An offline memcg, preferring one with no css reference left (else any non-root one: refused). */
    private static int freeCandidate(Mm mm, Random r) {
        List<Integer> off = new ArrayList<>(), ready = new ArrayList<>();
        for (MemCgroup g : mm.memcgs()) {
            if (g.state() != MemCgroup.State.OFFLINE) continue;
            off.add(g.id());
            if (g.cssRefs() == 0) ready.add(g.id());
        }
        List<Integer> from = !ready.isEmpty() && r.nextInt(3) != 0 ? ready : off;
        return from.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : from.get(r.nextInt(from.size()));
    }

    /** Frees every offline memcg nothing refers to any more. */
    @Override
    public Call<Machine> cleanup(Machine m) {
        for (MemCgroup g : m.mm().memcgs()) {
            if (g.state() == MemCgroup.State.OFFLINE && g.cssRefs() == 0) return call("Free", g.id());
        }
        return null;
    }

    /** No batch, no page charged, every counter at 0, every offline memcg freed. */
    @Override
    public void atQuiescence(Machine m, List<String> v) {
        for (Cpu c : m.mm().cpus()) {
            UnchargeBatchSteps s = UnchargeBatchSteps.of(c);
            if (!s.held().isEmpty() || !s.dead().isEmpty() || !s.gone().isEmpty() || s.gather().memcg() != null)
                v.add("Quiescent: " + c + " still has " + s);
        }
        for (MemCgroup g : m.mm().memcgs()) {
            if (g.memory().usage() != 0) v.add("NoLeakAtQuiescence: " + g.memory() + " after the drain");
            if (g.state() == MemCgroup.State.OFFLINE) v.add("NoZombieAtQuiescence: " + g + " offline but never freed: " + g.cssRefs() + " css references left");
        }
    }

    /**
     * Each CPU's batch (held, dead, gone folios and gather); with the frames, each memcg's row ({@link #memcgRow})
     * and each folio's memcg.
     */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        Mm mm = m.mm();
        List<Object> l = new ArrayList<>();
        for (Cpu c : mm.cpus()) {
            UnchargeBatchSteps s = UnchargeBatchSteps.of(c);
            l.add(c.pc().spec());
            l.add(ids(s.held()));
            l.add(ids(s.dead()));
            l.add(ids(s.gone()));
            l.add(s.gather().memcg() == null ? -1 : s.gather().memcg().id());
            l.add(s.gather().nrMemory());
        }
        if (frames) {
            long[] rows = new long[mm.memcgs().size() * memcgRowWidth()];
            int k = 0;
            for (MemCgroup g : mm.memcgs()) k = memcgRow(mm, g.id(), rows, k);
            l.add(rows);
            for (Folio f : mm.folios()) l.add(f.memcg() == null ? -1 : f.memcg().id());
        }
        out.add(l.toArray());
    }

    @Override
    public int memcgRowWidth() {
        return 3;
    }

    /** The memory counter's usage, the memcg's state and its css count. */
    @Override
    public int memcgRow(Mm mm, int id, long[] a, int k) {
        MemCgroup g = mm.memcg(id);
        a[k++] = g.memory().usage();
        a[k++] = g.state().ordinal();
        a[k++] = g.cssRefs();
        return k;
    }

    private static String ids(List<Folio> folios) {
        StringBuilder b = new StringBuilder();
        for (Folio f : folios) b.append(f.id()).append(',');
        return b.toString();
    }

    /** Marks the folios of every CPU's batch (their frames' invariants read the batch). */
    @Override
    public void pinned(Machine m, IdSet folios, IdSet kpages) {
        for (Cpu c : m.mm().cpus()) {
            UnchargeBatchSteps s = UnchargeBatchSteps.of(c);
            for (Folio f : s.held()) folios.add(f.id());
            for (Folio f : s.dead()) folios.add(f.id());
            for (Folio f : s.gone()) folios.add(f.id());
        }
    }

    /** Each CPU's batch where not empty, each memcg's counter and state. */
    @Override
    public void view(Machine m, Map<String, String> v) {
        for (Cpu c : m.mm().cpus()) {
            UnchargeBatchSteps s = UnchargeBatchSteps.of(c);
            if (!s.held().isEmpty() || !s.dead().isEmpty() || !s.gone().isEmpty() || s.gather().memcg() != null)
                v.put("batch[" + V.show(m.names().cpus().get(c.id())) + "]", s.toString());
        }
        for (MemCgroup g : m.mm().memcgs()) {
            v.put("usage[" + g.id() + "]", String.valueOf(g.memory().usage()));
            if (!g.online()) v.put("state[" + g.id() + "]", g.state().spec() + " css " + g.cssRefs());
        }
    }
}
