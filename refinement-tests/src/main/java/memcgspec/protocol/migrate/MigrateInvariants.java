package memcgspec.protocol.migrate;

import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Pc;
import memcgspec.impl.migrate.MigratePc;
import memcgspec.impl.migrate.MigrateSteps;
import memcgspec.impl.swap.SwapPc;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.charge.ChargeInvariants;
import memcgspec.protocol.swap.SwapInvariants;

/**
 * The invariants spec/Migrate.tla adds or restates, evaluated on the Java machine under the same
 * names: WithinLimit (the replacement's excess), RefcountBalance (a migrating CPU's second
 * folio), ChargeUnderExclusion (a migration's isolation reference on a folio being inserted),
 * MigrationChargesOnce, MigrateUnderExclusion, MigrationEntriesPending; and IsolationFlag (Java
 * only: the LRU flag agrees with the isolating CPUs). The migration protocol lists
 * {@link ChargeInvariants#ALL} and {@link SwapInvariants#ALL} before them, a restatement taking
 * its namesake's place.
 */
public final class MigrateInvariants {
    private MigrateInvariants() {}

    private static boolean inMigrate(Cpu cpu) {
        return cpu.pc() == MigratePc.MIGRATE_ISOLATED || cpu.pc() == MigratePc.MIGRATE_UNMAPPED
                || cpu.pc() == MigratePc.MIGRATE_MOVED || cpu.pc() == MigratePc.MIGRATE_FAILED;
    }

    /** Migrate.tla's Replaced(m) for each memcg (by id): owned file folios out of the page cache and unmapped. */
    static long[] replaced(Census c) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        // The owned unmapped file folios per memcg (the census' row sums: file less mapped file),
        // less those in the page cache (each once).
        long[] own = new long[c.memcgs().length];
        for (int m = 0; m < own.length; m++) own[m] = c.ownedFile[m] - c.ownedFileMapped[m];
        for (int i : ct.cached) if (c.owner[i] != null && !c.anon[i] && c.mapcount[i] == 0) own[c.owner[i].id()]--;
        return ChargeInvariants.subtree(c.machine().mm(), own);
    }

    /** WithinLimit: usage <= max below the root, plus the replaced folios not yet freed in the subtree. */
    static void withinLimit(Census c, Consumer<String> v) {
        long[] r = replaced(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.isRoot()) continue;
            long usage = m.memory().usage(), bound = m.memory().max() + r[m.id()];
            if (usage > bound) v.accept(m + " usage " + usage + " > max " + m.memory().max() + " + " + r[m.id()] + " replaced folios");
        }
    }

    /** RefcountBalance: Swap.tla's count, plus one for each CPU whose second folio (dst, the replacement) it is. */
    static void refcountBalance(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        SwapInvariants.Tally t = SwapInvariants.tally(c);
        // The CPUs' second folios (by id), at most one per CPU: counted per folio checked.
        int[] seconds = new int[c.cpus().length];
        int ns = 0;
        for (Cpu cpu : c.cpus()) {
            Folio q = MigrateSteps.of(cpu).newFolio();
            if (q != null) seconds[ns++] = q.id();
        }
        for (int id : c.checked()) {
            Folio f = c.folios()[id];
            int second = 0;
            for (int k = 0; k < ns; k++) if (seconds[k] == id) second++;
            boolean inSwap = t.swapSlotOf[id] >= 0;
            int holders = t.frozen[id] ? 0 : ct.holders[id];
            int expected = c.mapcount[id] + (ct.inCache[id] ? 1 : 0) + (inSwap ? 1 : 0) + holders + second;
            if (c.refcount[id] != expected) {
                v.accept(f + " refcount " + c.refcount[id] + " but " + expected + " references accounted (map " + c.mapcount[id]
                        + ", cache " + ct.inCache[id] + ", swap cache " + inSwap + ", CPUs " + holders + ", second folio of " + second + ")");
            }
        }
    }

    /** ChargeUnderExclusion: Charge.tla's, where others may also hold a migration's isolation reference. */
    static void chargeUnderExclusion(Census c, Consumer<String> v) {
        ChargeInvariants.chargeUnderExclusion(c, v, pc -> pc == Pc.PUT || pc == MigratePc.MIGRATE_ISOLATED);
    }

    /** MigrationChargesOnce: a migrating CPU's src and dst are never both owned. */
    static void migrationChargesOnce(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            Folio q = MigrateSteps.of(cpu).newFolio();
            if (!inMigrate(cpu) || q == null) continue;
            if (c.owner[cpu.held().id()] != null && c.owner[q.id()] != null) v.accept(cpu + " migrates " + cpu.held() + " to " + q + ": both owned");
        }
    }

    /** MigrateUnderExclusion: Migrate.tla's, conjunct by conjunct. */
    static void migrateUnderExclusion(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        SwapInvariants.Tally st = SwapInvariants.tally(c);
        for (Cpu cpu : c.cpus()) {
            if (!inMigrate(cpu)) continue;
            Folio p = cpu.held(), q = MigrateSteps.of(cpu).newFolio();
            Pc pc = cpu.pc();
            if (pc != MigratePc.MIGRATE_ISOLATED) {
                if (!c.locked[p.id()] || !c.locked[q.id()]) v.accept(cpu + " migrates unlocked folios " + p + ", " + q);
                if (c.mapcount[p.id()] != 0 || c.mapcount[q.id()] != 0) v.accept(cpu + " migrates mapped folios " + p + ", " + q);
                for (Cpu d : c.cpus()) {
                    if (d == cpu || (d.held() != p && d.held() != q)) continue;
                    Pc dp = d.pc();
                    if (dp != Pc.PUT && dp != SwapPc.SLOT_FREE && dp != SwapPc.SWAPIN_LOCK && dp != MigratePc.MIGRATE_ISOLATED) {
                        v.accept(d + " uses " + d.held() + " while " + cpu + " migrates it");
                    }
                }
            }
            if (pc != MigratePc.MIGRATE_MOVED) {
                if (c.owner[p.id()] == null) v.accept(cpu + " migrates unowned " + p);
                for (Cpu d : c.cpus()) {
                    if (d != cpu && d.held() == p && (d.pc() == SwapPc.RECLAIM || inMigrate(d))) v.accept(d + " isolated " + p + " too");
                }
            }
            if (pc == MigratePc.MIGRATE_UNMAPPED && (c.owner[q.id()] != null || ct.inCache[q.id()] || st.swapSlotOf[q.id()] >= 0)) {
                v.accept(cpu + ": dst " + q + " is seen before the move");
            }
            if (pc == MigratePc.MIGRATE_MOVED && (c.owner[p.id()] != null || ct.inCache[p.id()] || st.swapSlotOf[p.id()] >= 0)) {
                v.accept(cpu + ": src " + p + " kept its owner or its place after the move");
            }
        }
    }

    /** MigrationEntriesPending: a folio with migration entries is held by a CPU between MigrateUnmap and the remap. */
    static void migrationEntriesPending(Census c, Consumer<String> v) {
        boolean[] ok = new boolean[c.folios().length];
        for (Cpu cpu : c.cpus()) if (inMigrate(cpu) && cpu.pc() != MigratePc.MIGRATE_ISOLATED) ok[cpu.held().id()] = true;
        for (int i : c.checked()) if (c.migrationEntries[i] > 0 && !ok[i]) v.accept(c.folios()[i] + " has migration entries no migration will remap");
    }

    /** IsolationFlag (Java only): the LRU isolation flag is set exactly while a reclaimer or a migration holds the folio isolated. */
    static void isolationFlag(Census c, Consumer<String> v) {
        SwapInvariants.isolationFlag(c, v, cpu -> cpu.pc() == SwapPc.RECLAIM || inMigrate(cpu));
    }

    /** Migrate.tla's own and restated invariants, in Migrate.cfg's order, then the Java-only one. */
    public static final List<Invariant> ALL = List.of(
            Invariant.of("WithinLimit", MigrateInvariants::withinLimit),
            Invariant.of("RefcountBalance", MigrateInvariants::refcountBalance),
            Invariant.of("ChargeUnderExclusion", MigrateInvariants::chargeUnderExclusion),
            Invariant.of("MigrationChargesOnce", MigrateInvariants::migrationChargesOnce),
            Invariant.of("MigrateUnderExclusion", MigrateInvariants::migrateUnderExclusion),
            Invariant.of("MigrationEntriesPending", MigrateInvariants::migrationEntriesPending),
            Invariant.javaOnly("IsolationFlag", MigrateInvariants::isolationFlag));
}
