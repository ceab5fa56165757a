package memcgspec.protocol.migrate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.StepRefused;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.migrate.MigratePaths;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.protocol.Stress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads, one per CPU, run whole paths on one shared {@link Mm}, for cgroup v1 and v2:
 * migrations of random folios ({@link MigratePaths#migrateFolio}, compaction's sweep) race the
 * unmap of their ptes and migration entries (exit), truncation of page-cache folios, the final put
 * (speculative references taken and dropped, the last user letting go while the folio is
 * isolated), page-cache replacement, reclaim's swap-out, the swap-in fault, anonymous faults and
 * page-cache insertion, and memcg offline. After each join every CPU is idle and every invariant of
 * the migration protocol holds (IsolationFlag among them: no folio left isolated); then the machine
 * is drained to quiescence with the model's drain, and nothing may be left: no charge, folio, slot,
 * record, migration entry or memcg.
 */
class MigrateStressTest {
    static final int THREADS = 4;

    private static void assertInvariants(Mm mm, String when) {
        Stress.assertIdleAndInvariants(MigrateProtocol.PROTOCOL, mm, when);
    }

    /** Drains with the model's sequential drain (every step must be enabled) and checks for leaks. */
    static void drainAndCheck(Mm mm, String when) {
        Stress.drainAndCheck(MigrateProtocol.PROTOCOL, MigrateProtocol.compaction(mm.config().version()), mm, when);
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void migrationRacesUnmapTruncationSwapAndPut(int version) throws Exception {
        long[] total = new long[N];
        for (long seed = 1; seed <= 3; seed++) {
            // 96 folios, 24 cache indexes, 16 slots; root -> {1,2} -> {3..6}, memory.max 30.
            Mm mm = new Mm(new Mm.Config(THREADS, 96, 24, 6, 2, 30).withSwap(16, 8, version));
            long t0 = System.nanoTime();
            long[] n = round(mm, seed * 131 + version);
            String when = "v" + version + " seed " + seed;
            assertInvariants(mm, when + " after the join");
            drainAndCheck(mm, when);
            System.out.printf("migrate stress (%s): %s; %.2f s%n", when, show(n), (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < N; i++) total[i] += n[i];
        }
        System.out.printf("migrate stress (v%d, 3 seeds): %s%n", version, show(total));
        // The paths ran, and migrations met every other path: moves failed on a reference a
        // racing path held (EAGAIN, undone), migration entries were zapped under a migration.
        assertTrue(total[MIGRATED] > 1_000 && total[FAULT] > 1_000 && total[ZAP] > 500 && total[TRUNCATE] > 100
                && total[SWAPPED_OUT] > 100 && total[SWAPPED_IN] > 100 && total[REPLACED] > 100, show(total));
        assertTrue(total[FAILED] > 0, "no move failed on a racing reference: " + show(total));
        assertTrue(total[ZAP_ENTRY] > 0, "no migration entry was zapped during a migration: " + show(total));
        assertTrue(total[OFFLINE] > 0, "no memcg went offline during the traffic: " + show(total));
    }

    static final int FAULT = 0, MIGRATED = 1, FAILED = 2, SRC_FREED = 3, NO_MEMORY = 4, ZAP = 5, ZAP_ENTRY = 6, TRUNCATE = 7,
            SWAPPED_OUT = 8, SWAPPED_IN = 9, REPLACED = 10, TOUCH = 11, OFFLINE = 12, N = 13;
    static final String[] NAMES = {"faults", "migrated", "moves failed", "freed under migration", "no free folio", "zaps",
            "migration entries zapped", "truncations", "swapped out", "swapped in", "replaced", "speculative gets", "offline"};

    static String show(long[] n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < N; i++) b.append(i == 0 ? "" : ", ").append(n[i]).append(' ').append(NAMES[i]);
        return b.toString();
    }

    private static long[] round(Mm mm, long seed) throws Exception {
        final int ops = 12_000;
        AtomicLong[] n = new AtomicLong[N];
        for (int i = 0; i < N; i++) n[i] = new AtomicLong();
        Stress.run(mm, THREADS, seed, ops, (cpu, r) -> {
            int w = r.nextInt(100);
            MemCgroup m = mm.memcg(3 + r.nextInt(4));
            if (!m.online()) m = mm.memcg(1 + r.nextInt(2));
            if (w < 25) {
                switch (MigratePaths.migrateFolio(cpu, mm.folio(r.nextInt(mm.folios().size())))) {
                    case MIGRATED -> n[MIGRATED].incrementAndGet();
                    case FAILED -> n[FAILED].incrementAndGet();
                    case SRC_FREED -> n[SRC_FREED].incrementAndGet();
                    case NO_MEMORY -> n[NO_MEMORY].incrementAndGet();
                    default -> { }
                }
            } else if (w < 37) {
                if (ChargePaths.doAnonymousPage(cpu, m, false) != null) n[FAULT].incrementAndGet();
            } else if (w < 45) {
                if (ChargePaths.filemapAddFolio(cpu, m, r.nextInt(mm.cache().size()))) n[FAULT].incrementAndGet();
            } else if (w < 50) {
                ChargePaths.map(cpu, folio(mm, r, f -> f.mapcount() > 0 || mm.cache().contains(f)));
            } else if (w < 62) {
                // exit: a present pte of the folio, or a migration entry it became
                Folio f = folio(mm, r, x -> x.mapcount() > 0 || x.migrationEntries() > 0);
                if (ChargePaths.zap(cpu, f)) n[ZAP].incrementAndGet();
                else if (MigratePaths.zapMigrationEntry(cpu, f)) n[ZAP_ENTRY].incrementAndGet();
            } else if (w < 67) {
                if (ChargePaths.evict(cpu, r.nextInt(mm.cache().size()))) n[TRUNCATE].incrementAndGet();
            } else if (w < 72) {
                if (ChargePaths.touch(cpu, mm.folio(r.nextInt(mm.folios().size())))) n[TOUCH].incrementAndGet();
            } else if (w < 77) {
                if (MigratePaths.replacePageCache(cpu, r.nextInt(mm.cache().size()))) n[REPLACED].incrementAndGet();
            } else if (w < 85) {
                if (SwapPaths.reclaimAnon(cpu, folio(mm, r, f -> f.mapcount() > 0 && f.anon())) == SwapPaths.ReclaimResult.SWAPPED_OUT)
                    n[SWAPPED_OUT].incrementAndGet();
            } else if (w < 93) {
                SwapPaths.SwapinResult x = SwapPaths.swapIn(cpu, Stress.usedSlot(mm, r), m);
                if (x == SwapPaths.SwapinResult.MAPPED_HIT || x == SwapPaths.SwapinResult.MAPPED_READ) n[SWAPPED_IN].incrementAndGet();
            } else if (w < 98) {
                SwapPaths.zapSwap(cpu, Stress.usedSlot(mm, r));
            } else if (r.nextInt(3) == 0) {
                try {
                    mm.Offline(mm.memcg(3 + r.nextInt(4)));
                    n[OFFLINE].incrementAndGet();
                } catch (StepRefused notNow) {
                    // a CPU charging for it, or offline already
                }
            } else {
                for (MemCgroup g : mm.memcgs()) {
                    if (g.state() != MemCgroup.State.OFFLINE) continue;
                    try {
                        mm.Free(g);
                    } catch (StepRefused referenced) {
                        // still referenced
                    }
                }
            }
        });
        long[] out = new long[N];
        for (int i = 0; i < N; i++) out[i] = n[i].get();
        return out;
    }

    /** Mostly a folio of the kind (racily chosen: it may have changed by the time it is used). */
    private static Folio folio(Mm mm, Random r, java.util.function.Predicate<Folio> kind) {
        Folio f = null;
        for (int k = 0; k < 8; k++) {
            f = mm.folio(r.nextInt(mm.folios().size()));
            if (kind.test(f)) return f;
        }
        return f;
    }

    static {
        assert NAMES.length == N : Arrays.toString(NAMES);
    }
}
