package memcgspec.protocol.charge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.protocol.Machine;
import memcgspec.protocol.Stress;
import org.junit.jupiter.api.Test;

/**
 * Real threads, one per CPU, run whole mm paths (anonymous faults, some abandoned after the
 * charge; page-cache insertions; zaps, maps, evictions, speculative touches of random folios) on
 * one shared {@link Mm} with tight limits, for a bounded number of operations each. After the
 * join, every CPU is idle and the charge invariants ({@link ChargeInvariants}) must hold; then everything is unmapped and
 * evicted, and no charge may be left anywhere.
 */
class ChargeStressTest {
    static final int THREADS = 4;
    static final int OPS = 6_000;

    static Mm machine() {
        Mm mm = new Mm(new Mm.Config(THREADS, 200, 16, 6, 2, 20));
        for (Map.Entry<Integer, Long> e : Map.of(2, 12L, 3, 6L, 5, 4L, 6, 8L).entrySet()) mm.setMax(e.getKey(), e.getValue());
        return mm;
    }

    /** Mostly a folio that is mapped (or, for {@code cached}, in the page cache), racily chosen. */
    private static Folio target(Mm mm, Random r, boolean cached) {
        Folio f = null;
        for (int k = 0; k < 8; k++) {
            f = mm.folio(r.nextInt(mm.folios().size()));
            if (f.mapcount() > 0) return f;
        }
        if (cached) {
            Folio c = mm.cache().lookup(r.nextInt(mm.cache().size()));
            if (c != null) return c;
        }
        return f;
    }

    private record Counts(long faults, long cacheAdds, long zaps, long evicts, long maps) {}

    static Counts round(Mm mm, long seed) throws Exception {
        int nm = mm.memcgs().size() - 1;
        AtomicLong faults = new AtomicLong(), adds = new AtomicLong(), zaps = new AtomicLong(), evicts = new AtomicLong(),
                maps = new AtomicLong();
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            MemCgroup m = mm.memcg(1 + r.nextInt(nm));
            int w = r.nextInt(100);
            if (w < 30) {
                if (ChargePaths.doAnonymousPage(cpu, m, r.nextInt(100) < 15) != null) faults.incrementAndGet();
            } else if (w < 48) {
                if (ChargePaths.filemapAddFolio(cpu, m, r.nextInt(mm.cache().size()))) adds.incrementAndGet();
            } else if (w < 70) {
                if (ChargePaths.zap(cpu, target(mm, r, false))) zaps.incrementAndGet();
            } else if (w < 80) {
                if (ChargePaths.map(cpu, target(mm, r, true))) maps.incrementAndGet();
            } else if (w < 92) {
                if (ChargePaths.evict(cpu, r.nextInt(mm.cache().size()))) evicts.incrementAndGet();
            } else {
                ChargePaths.touch(cpu, mm.folio(r.nextInt(mm.folios().size())));
            }
        });
        return new Counts(faults.get(), adds.get(), zaps.get(), evicts.get(), maps.get());
    }

    /** On one CPU, with everybody else idle: unmap every mapping, evict every cached folio. */
    static void drain(Mm mm) {
        Cpu c = mm.cpu(0);
        for (Folio f : mm.folios()) {
            while (f.mapcount() > 0) assertTrue(ChargePaths.zap(c, f), "zap of " + f);
        }
        for (int i = 0; i < mm.cache().size(); i++) {
            if (mm.cache().lookup(i) != null) assertTrue(ChargePaths.evict(c, i), "evict of index " + i);
        }
    }

    @Test
    void threadsRunningWholePathsLeakNoCharge() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            Mm mm = machine();
            long t0 = System.nanoTime();
            Counts n = round(mm, seed);
            for (Cpu c : mm.cpus()) assertEquals(Pc.IDLE, c.pc(), c.toString());
            List<String> v = ChargeProtocol.PROTOCOL.check(Machine.of(mm));
            assertTrue(v.isEmpty(), "seed " + seed + ", after the join: " + v);
            long failcnt = 0;
            for (MemCgroup m : mm.memcgs()) failcnt += m.memory().failcnt();
            drain(mm);
            v = ChargeProtocol.PROTOCOL.check(Machine.of(mm));
            assertTrue(v.isEmpty(), "seed " + seed + ", after the drain: " + v);
            for (MemCgroup m : mm.memcgs()) assertEquals(0, m.memory().usage(), "seed " + seed + ": leaked charge in " + m.memory());
            for (Folio f : mm.folios()) {
                assertTrue(f.isFree() && f.refcount() == 0 && f.memcg() == null, "seed " + seed + ": not free: " + f);
            }
            System.out.printf("stress seed %d: %s, %d failed charges, %.2f s%n", seed, n, failcnt, (System.nanoTime() - t0) / 1e9);
            assertTrue(n.faults() > 0 && n.cacheAdds() > 0 && n.zaps() > 0 && n.evicts() > 0, "the paths did not run: " + n);
            assertTrue(failcnt > 0, "the limits never bit");
        }
    }

    /**
     * file_mapped under concurrency: every thread maps and unmaps the same file folio, so that
     * first mappings (0 -> 1) and last unmappings (1 -> 0) race with further ones; the statistic is
     * updated only by the CPU whose CAS on the mapcount made the transition, so after the join the
     * folio counts once in its memcg's file_mapped if mapped, else not at all, and every invariant
     * (StatsMatch among them) holds.
     */
    @Test
    void racingMapsAndUnmapsOfOneFileFolioCountItsFileMappedOnce() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            Mm mm = machine();
            MemCgroup m = mm.memcg(3);
            assertTrue(ChargePaths.filemapAddFolio(mm.cpu(0), m, 0));
            Folio f = mm.cache().lookup(0);
            AtomicLong firstMaps = new AtomicLong();
            Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
                if (r.nextBoolean()) {
                    ChargePaths.zap(cpu, f);
                } else if (ChargePaths.map(cpu, f) && f.mapcount() == 1) {
                    firstMaps.incrementAndGet();
                }
            });
            assertEquals(f.mapcount() > 0 ? 1 : 0, m.stat(MemCgroup.Stat.FILE_MAPPED), "seed " + seed + ": " + f);
            assertEquals(1, m.stat(MemCgroup.Stat.FILE), "seed " + seed);
            List<String> v = ChargeProtocol.PROTOCOL.check(Machine.of(mm));
            assertTrue(v.isEmpty(), "seed " + seed + ", after the join: " + v);
            drain(mm);
            v = ChargeProtocol.PROTOCOL.check(Machine.of(mm));
            assertTrue(v.isEmpty(), "seed " + seed + ", after the drain: " + v);
            assertEquals(0, m.stat(MemCgroup.Stat.FILE_MAPPED));
            assertEquals(0, m.stat(MemCgroup.Stat.FILE));
            assertTrue(firstMaps.get() > 0, "the folio was never mapped from unmapped");
        }
    }
}
