package memcgspec.protocol.migrate;

import static memcgspec.protocol.PathLincheck.actor;
import static memcgspec.protocol.PathLincheck.require;
import static memcgspec.protocol.PathLincheck.scenario;

import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.charge.ChargeSteps;
import memcgspec.impl.migrate.MigratePaths;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.protocol.Machine;
import memcgspec.protocol.PathLincheck;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, in model-checking mode, on the whole migration path where it meets another path on one
 * folio (see {@link PathLincheck} for how the scenarios are made). The machine: three CPUs (0 and
 * 1 race, 2 sets up), one memcg with room for everything, four folios (a migration's dst comes from
 * the free ones), one swap slot, cgroup v2. Folio 0 is an anonymous page faulted in by CPU 2 in the
 * constructor.
 *
 * <ul>
 *   <li>{@link MigrateVsExit}: {@link MigratePaths#migrateFolio} on CPU 0 against exit on CPU 1,
 *       which zaps one pte of the process wherever it points: at folio 0, at a migration entry of
 *       it, or at the folio it moved to. The migration's result is not linearizable (the zap's
 *       reference in flight fails the move: FAILED, which no sequential order gives), so it is
 *       recorded for the validation; exit returns whether it found a pte, which it always must.
 *       Validation: every CPU idle, every invariant of the migration protocol (no folio left
 *       isolated, no migration entry left, one charge per folio), the ptes left mapping one folio,
 *       charged to the memcg, whose usage is 1; or, with no pte left, every folio free and usage 0.</li>
 *   <li>{@link MigrateVsSwapin}: migration of a swap-cache folio (two ptes swapped out, one
 *       swapped back in) on CPU 0 against the swap-in of the other pte on CPU 1, whose lookup may
 *       find src and whose relock must then find it gone from the swap cache (the re-check of
 *       do_swap_page) and retry. Validation: the invariants, one live folio holding both ptes
 *       (mapped or still swap entries), charged to the memcg, usage 1.</li>
 * </ul>
 *
 * <p>Each can fail (measured with scratch edits, never committed; docs/concurrency.md):
 * {@code MigrateVsExit} with {@code Folio.takeMigrationEntries} reading the entries and then
 * resetting them in two accesses (a zap in between is remapped: interleaving 67, one pte);
 * {@code MigrateVsSwapin} with {@code MigrateSteps.MigrateMove} calling {@code Memcontrol.migrate}
 * before the refcount freeze (the spec's {@code transfer-before-freeze}: a swap-in's reference
 * fails the freeze, the undo remaps an unowned src: interleaving 10). Not caught, because not
 * bugs here: {@code SwapinMap} without its re-check (a swap-in that holds src's reference fails
 * the freeze, so no migration completes under it), and an isolation that tests and then sets the
 * LRU flag (a second migration then waits for the folio lock and finds src unowned and unmapped:
 * nothing is counted twice; the spec's {@code MigrateUnderExclusion}, checked after every step by
 * conformance and the property engine, is what catches it).
 */
class MigrateLincheckTest {
    static final int MIGRATE_VS_EXIT = 140, MIGRATE_VS_SWAPIN = 60;

    /** The machine, the page, and the checks both tests share. */
    public abstract static class OnePage {
        final Mm mm = new Mm(new Mm.Config(3, 4, 1, 1, 1, 100).withSwap(1, 100, 2));
        final MemCgroup task = mm.memcg(1);
        final Cpu setup = mm.cpu(2);
        final Folio page = mm.folio(0);
        /** The ptes of the process(es): mappings of whichever folio holds the page now, or migration entries. */
        int ptes = 1;

        /** Every CPU idle and every invariant of the migration protocol. */
        void invariants() {
            for (Cpu c : mm.cpus()) require(c.pc() == Pc.IDLE, "not idle: " + c);
            List<String> v = MigrateProtocol.PROTOCOL.check(Machine.of(mm));
            require(v.isEmpty(), "invariants: " + v);
        }

        /** The folio holding the page's contents (mapped or in the cache), or null. */
        Folio holder() {
            Folio h = null;
            for (Folio f : mm.folios()) {
                if (f.isFree()) continue;
                require(h == null, "two live folios: " + h + " and " + f);
                h = f;
            }
            return h;
        }
    }

    /** Migration against exit of the same anonymous page. */
    public static class MigrateVsExit extends OnePage {
        volatile MigratePaths.MigrateResult migrated;
        int exits;

        public MigrateVsExit() {
            ChargeSteps c = ChargeSteps.of(setup);
            c.AllocAnon(page, task);
            if (!c.TryCharge()) throw new IllegalStateException("no room for the page");
            c.CommitCharge();
            c.MapAnon();
        }

        /** Fork: one more pte maps the page. */
        @Operation
        public boolean fork() {
            ptes++;
            return ChargePaths.map(setup, page);
        }

        @Operation
        public void migrateOnCpu0() {
            migrated = MigratePaths.migrateFolio(mm.cpu(0), page);
        }

        /** zap_pte_range over one pte: a present pte of whichever folio holds the page, or a migration entry. */
        @Operation
        public boolean exitOnCpu1() {
            Cpu cpu = mm.cpu(1);
            for (int round = 0; round < 1_000; round++) {
                for (Folio f : mm.folios()) {
                    if (f.mapcount() > 0 && ChargePaths.zap(cpu, f)) {
                        exits++;
                        return true;
                    }
                    if (f.migrationEntries() > 0 && MigratePaths.zapMigrationEntry(cpu, f)) {
                        exits++;
                        return true;
                    }
                }
            }
            return false;
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                MigratePaths.MigrateResult r = migrated;
                require(r != MigratePaths.MigrateResult.NO_MEMORY, "three folios were free, yet: " + r);
                int left = ptes - exits;
                Folio h = holder();
                if (left == 0) {
                    require(h == null && task.memory().usage() == 0, "no pte left, yet " + h + " lives, usage " + task.memory().usage());
                } else {
                    require(h != null && h.mapcount() == left && h.memcg() == task && task.memory().usage() == 1,
                            left + " ptes left, but the folio is " + h + ", usage " + task.memory().usage());
                }
            });
        }
    }

    /**
     * Migration of a swap-cache folio against a swap-in of its entry: two ptes, swapped out, one
     * swapped back in by CPU 2 (the folio stays in the swap cache for the other pte).
     */
    public static class MigrateVsSwapin extends OnePage {
        public MigrateVsSwapin() {
            ChargeSteps c = ChargeSteps.of(setup);
            c.AllocAnon(page, task);
            if (!c.TryCharge()) throw new IllegalStateException("no room for the page");
            c.CommitCharge();
            c.MapAnon();
            ptes = 2;
            if (!ChargePaths.map(setup, page)) throw new IllegalStateException("fork");
            if (SwapPaths.reclaimAnon(setup, page) != SwapPaths.ReclaimResult.SWAPPED_OUT) throw new IllegalStateException("swap-out");
            SwapPaths.SwapinResult r = SwapPaths.swapIn(setup, 0, task);
            if (r != SwapPaths.SwapinResult.MAPPED_READ) throw new IllegalStateException("swap-in: " + r);
        }

        @Operation
        public void migrateOnCpu0() {
            Folio f = mm.swap().cached(0);
            if (f != null) MigratePaths.migrateFolio(mm.cpu(0), f);
        }

        /** do_swap_page for the pte that still holds the entry: whether it mapped a folio. */
        @Operation
        public boolean swapInOnCpu1() {
            SwapPaths.SwapinResult r = SwapPaths.swapIn(mm.cpu(1), 0, task);
            return r == SwapPaths.SwapinResult.MAPPED_HIT || r == SwapPaths.SwapinResult.MAPPED_READ;
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                Folio h = holder();
                require(h != null && h.mapcount() + mm.swap().count(0) == ptes && h.memcg() == task && task.memory().usage() == 1,
                        "the folio is " + h + " with " + mm.swap().count(0) + " swap ptes for " + ptes + " ptes, usage "
                                + task.memory().usage());
                require(mm.swap().cached(0) == null || mm.swap().cached(0) == h, "the swap cache holds " + mm.swap().cached(0));
            });
        }
    }

    /** One pte: [migrate] | [exit]; two ptes: [migrate] | [exit, exit]. */
    @Test
    void migrationAgainstExit() {
        Class<?> t = MigrateVsExit.class;
        PathLincheck.check("migration against exit, one pte", t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "migrateOnCpu0")), List.of(actor(t, "exitOnCpu1")))), MIGRATE_VS_EXIT);
        PathLincheck.check("migration against exit, two ptes", t, PathLincheck.scenarios(
                scenario(t, List.of(actor(t, "fork")), List.of(actor(t, "migrateOnCpu0")),
                        List.of(actor(t, "exitOnCpu1"), actor(t, "exitOnCpu1")))), MIGRATE_VS_EXIT);
    }

    /** [migrate] | [swapIn] on one swap-cache folio. */
    @Test
    void migrationAgainstSwapin() {
        Class<?> t = MigrateVsSwapin.class;
        PathLincheck.check("migration against swap-in of one entry", t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "migrateOnCpu0")), List.of(actor(t, "swapInOnCpu1")))), MIGRATE_VS_SWAPIN);
    }
}
