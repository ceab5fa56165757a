package memcgspec.protocol.migrate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.IdSet;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.Mm;
import memcgspec.impl.migrate.MigratePc;
import memcgspec.impl.migrate.MigrateSteps;
import memcgspec.props.Call;
import memcgspec.protocol.ActionTable;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Picks;
import memcgspec.protocol.ProtocolPart;
import memcgspec.trace.V;

/**
 * The migration protocol's part (spec/Migrate.tla, on top of Charge's and Swap's parts): its 11
 * actions bound to the {@link MigrateSteps} methods, its two variables (each CPU's second folio,
 * each folio's migration entries), its invariants ({@link MigrateInvariants}), and how random
 * runs migrate folios (compaction-like sweeps), zap migration entries and replace page-cache
 * folios.
 */
public final class MigratePart implements ProtocolPart {
    public static final MigratePart PART = new MigratePart();

    private static MigrateSteps on(ActionTable.Args a) {
        return MigrateSteps.of(a.cpu("c"));
    }

    private static final ActionTable ACTIONS = new ActionTable()
            .step("MigrateIsolate", a -> on(a).MigrateIsolate(a.folio("p")), "c:cpu", "p:page")
            .step("MigrateSrcFreed", a -> on(a).MigrateSrcFreed(), "c:cpu")
            .step("MigrateUnmap", a -> on(a).MigrateUnmap(a.folio("q")), "c:cpu", "q:page")
            .step("MigrateAllocFail", a -> on(a).MigrateAllocFail(), "c:cpu")
            .action("MigrateMove", a -> on(a).MigrateMove() ? null : "EAGAIN", "c:cpu")
            .step("RemoveMigrationPtes", a -> on(a).RemoveMigrationPtes(), "c:cpu")
            .step("MigrateUndo", a -> on(a).MigrateUndo(), "c:cpu")
            .step("ZapMigrationEntry", a -> on(a).ZapMigrationEntry(a.folio("p")), "c:cpu", "p:page")
            .step("ReplaceLock", a -> on(a).ReplaceLock(a.index("i"), a.folio("q")), "c:cpu", "i:index", "q:page")
            .step("ReplacePageCacheFolio", a -> on(a).ReplacePageCacheFolio(), "c:cpu")
            .step("ReplaceUnlock", a -> on(a).ReplaceUnlock(), "c:cpu");

    private MigratePart() {}

    /** A call of one of Migrate.tla's own actions (Java ids: see {@link ActionTable#call}). */
    public static Call<Machine> call(String action, int... ids) {
        return ACTIONS.call(action, ids);
    }

    @Override
    public ActionTable actions() {
        return ACTIONS;
    }

    @Override
    public List<Class<?>> stepClasses() {
        return List.of(MigrateSteps.class);
    }

    @Override
    public List<Invariant> invariants() {
        return MigrateInvariants.ALL;
    }

    @Override
    public void abstraction(Machine m, LinkedHashMap<String, Object> vars) {
        Mm mm = m.mm();
        V.Builder newFolio = V.fcnBuilder(8), migEntries = V.fcnBuilder(8);
        for (Cpu c : mm.cpus()) newFolio.put(m.names().cpus().get(c.id()), m.page(MigrateSteps.of(c).newFolio()));
        for (Folio f : mm.folios()) migEntries.put(m.page(f), f.migrationEntries());
        vars.put("newFolio", newFolio.build());
        vars.put("migEntries", migEntries.build());
    }

    // ---------------------------------------------------------------- random runs

    private static int freeFolio(Mm mm) {
        Folio f = mm.findFree(0);
        return f == null ? -1 : f.id();
    }

    /** The path's next step; a migration that waits for src's lock waits (unless forced). */
    @Override
    public Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        if (!(cpu.pc() instanceof MigratePc pc)) return null;
        int c = cpu.id();
        return switch (pc) {
            case MIGRATE_ISOLATED -> {
                Folio p = cpu.held();
                if (p.refcount() == 1) yield call("MigrateSrcFreed", c);
                int q = freeFolio(m.mm());
                if (q < 0) yield call("MigrateAllocFail", c);
                yield p.locked() && !force ? null : call("MigrateUnmap", c, q);
            }
            case MIGRATE_UNMAPPED -> call("MigrateMove", c);
            case MIGRATE_MOVED -> call("RemoveMigrationPtes", c);
            case MIGRATE_FAILED -> call("MigrateUndo", c);
            case REPLACE_LOCKED -> call("ReplacePageCacheFolio", c);
            case REPLACE_DONE -> call("ReplaceUnlock", c);
        };
    }

    /** Now and then a step that may not be enabled: the allocation failure with a folio free, a move out of turn. */
    @Override
    public Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        if (cpu.pc() != MigratePc.MIGRATE_ISOLATED) return null;
        int w = r.nextInt(100);
        if (w < 3) return call("MigrateAllocFail", cpu.id());
        if (w < 5) return call("MigrateSrcFreed", cpu.id());
        if (w < 7) return call("MigrateUnmap", cpu.id(), r.nextInt(m.mm().folios().size()));
        return null;
    }

    /** A charged folio that is mapped or cached and not isolated: what compaction's PFN walker isolates. */
    private static boolean onLru(Mm mm, Folio f) {
        return f.refcount() > 0 && f.memcg() != null && !f.isolated()
                && (f.mapcount() > 0 || mm.cache().contains(f) || mm.swap().slotOf(f) >= 0);
    }

    @Override
    public Map<String, Move> moves() {
        Map<String, Move> mv = new LinkedHashMap<>();
        mv.put("Migrate", (m, c, r) -> call("MigrateIsolate", c, Picks.folio(m.mm(), r, f -> onLru(m.mm(), f))));
        mv.put("ZapMigrationEntry", (m, c, r) -> call("ZapMigrationEntry", c, Picks.folio(m.mm(), r, f -> f.migrationEntries() > 0)));
        mv.put("Replace", (m, c, r) -> {
            Mm mm = m.mm();
            int q = freeFolio(mm);
            return call("ReplaceLock", c, Picks.index(mm, r, true), q < 0 ? r.nextInt(mm.folios().size()) : q);
        });
        return mv;
    }

    /** Nothing is isolated, no migration entry is left, no CPU has a second folio after the drain. */
    @Override
    public void atQuiescence(Machine m, List<String> v) {
        for (Folio f : m.mm().folios()) {
            if (f.isolated() || f.migrationEntries() != 0) v.add("Quiescent: " + f + " isolated or with migration entries after the drain");
        }
        for (Cpu c : m.mm().cpus()) if (MigrateSteps.of(c).newFolio() != null) v.add("Quiescent: " + c + " keeps a second folio after the drain");
    }

    /** Each folio's isolation flag and migration entries; each CPU's second folio. */
    @Override
    public void snapshot(Machine m, List<Object> out, boolean frames) {
        Mm mm = m.mm();
        int nf = frames ? mm.folios().size() : 0, nc = mm.cpus().size();
        long[] a = new long[nf * 2 + nc];
        int k = 0;
        for (int i = 0; i < nf; i++) {
            Folio f = mm.folio(i);
            a[k++] = f.isolated() ? 1 : 0;
            a[k++] = f.migrationEntries();
        }
        for (int i = 0; i < nc; i++) {
            Folio q = MigrateSteps.of(mm.cpu(i)).newFolio();
            a[k++] = q == null ? 0 : q.id() + 1;
        }
        out.add(a);
    }

    /** Each CPU's second folio. */
    @Override
    public void pinned(Machine m, IdSet folios, IdSet kpages) {
        for (int i = 0; i < m.mm().config().cpus(); i++) {
            Folio q = MigrateSteps.of(m.mm().cpu(i)).newFolio();
            if (q != null) folios.add(q.id());
        }
    }

    /** newFolio[c] and migEntries[p] when set, and the folios isolated. */
    @Override
    public void view(Machine m, Map<String, String> v) {
        Mm mm = m.mm();
        for (Cpu c : mm.cpus()) {
            Folio q = MigrateSteps.of(c).newFolio();
            if (q != null) v.put("newFolio[" + V.show(m.names().cpus().get(c.id())) + "]", V.show(m.page(q)));
        }
        for (Folio f : mm.folios()) {
            String p = V.show(m.page(f));
            if (f.migrationEntries() != 0) v.put("migEntries[" + p + "]", String.valueOf(f.migrationEntries()));
            if (f.isolated()) v.put("isolated[" + p + "]", "T");
        }
    }
}
