package memcgspec.protocol.uncharge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Mm;
import memcgspec.impl.uncharge.UnchargeBatchPaths;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.junit.jupiter.api.Test;

/**
 * Real threads, one per CPU, fill folio_batches (a folio allocated and charged for a task of a
 * random memcg, left uncharged when the memcg has no room or has just gone offline) and release
 * them as folios_put_refs does ({@link UnchargeBatchPaths#foliosPutRefs}: every reference dropped,
 * then uncharge_folio per folio into the CPU's gather, uncharge_batch at each memcg switch and at
 * the end, free_unref_folios), while they also take memcgs offline and free every offline memcg
 * whose css count is 0, on a 14-memcg tree (12 removable), jitter on (among the points: right after
 * uncharge_folio's css_put of the folio's reference, before uncharge_batch writes the counters).
 *
 * <p>After each join: every CPU idle and every invariant of {@link UnchargeBatchProtocol#PROTOCOL}
 * (Conservation with the gathered pages, NoCounterWriteAfterFree, CssRefBalance with the gathers'
 * references, ...). Then the drain (release every batch, free every offline memcg) and its end
 * checks: every counter 0, every offline memcg freed.
 */
class UnchargeBatchStressTest {
    static final int THREADS = 4, SEEDS = 10, OPS = 2_000;

    /** 4 CPUs, 96 folios, 14 memcgs (fanout 2: 3..14 removable), memory.max 24. */
    static final Protocol.Setup SETUP = new Protocol.Setup("uncharge-stress", new Mm.Config(THREADS, 96, 0, 14, 2, 24), Map.of());

    static final int CHARGED = 0, UNCHARGED = 1, RELEASED = 2, FLUSHES = 3, OFFLINE = 4, FREED = 5, N = 6;
    static final String[] NAMES = {"folios charged", "folios left uncharged", "batches released", "uncharge_batch calls", "offline",
            "freed"};

    @Test
    void batchesReleasedAcrossOfflineAndFree() throws Exception {
        long t0 = System.nanoTime();
        long[] total = new long[N];
        for (long seed = 1; seed <= SEEDS; seed++) {
            Mm mm = new Mm(SETUP.mm());
            long[] n = round(mm, seed * 7919);
            Stress.assertIdleAndInvariants(UnchargeBatchProtocol.PROTOCOL, mm, "seed " + seed + " after the join");
            Stress.drainAndCheck(UnchargeBatchProtocol.PROTOCOL, SETUP, mm, "seed " + seed);
            for (int i = 0; i < N; i++) total[i] += n[i];
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < N; i++) b.append(i == 0 ? "" : ", ").append(total[i]).append(' ').append(NAMES[i]);
        System.out.printf("uncharge-batch stress (%d seeds of %d x %d operations): %s; %.2f s%n", SEEDS, THREADS, OPS, b,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(total[CHARGED] > 10_000 && total[RELEASED] > 1_000, "the paths ran: " + b);
        assertTrue(total[FLUSHES] > total[RELEASED], "gathers switched memcg within batches: " + b);
        assertTrue(total[OFFLINE] >= SEEDS * 8L && total[FREED] >= SEEDS * 4L, "subtrees went away during the traffic: " + b);
    }

    private static long[] round(Mm mm, long seed) throws Exception {
        AtomicLong[] n = new AtomicLong[N];
        for (int i = 0; i < N; i++) n[i] = new AtomicLong();
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            int w = r.nextInt(1000);
            if (w < 15) {
                if (Stress.offlineRandom(mm, r)) n[OFFLINE].incrementAndGet();
            } else if (w < 40) {
                // a folio, a gather or a live child holds a css reference: refused
                n[FREED].addAndGet(Stress.freeOffline(mm));
            } else if (w < 850) {
                switch (UnchargeBatchPaths.addFolio(cpu, Stress.taskMemcg(mm, r), r.nextInt(mm.folios().size()))) {
                    case CHARGED -> n[CHARGED].incrementAndGet();
                    case UNCHARGED -> n[UNCHARGED].incrementAndGet();
                    case FULL -> {
                        n[FLUSHES].addAndGet(UnchargeBatchPaths.foliosPutRefs(cpu));
                        n[RELEASED].incrementAndGet();
                    }
                    case NO_PAGE -> { }
                }
            } else {
                n[FLUSHES].addAndGet(UnchargeBatchPaths.foliosPutRefs(cpu));
                n[RELEASED].incrementAndGet();
            }
        });
        long[] out = new long[N];
        for (int i = 0; i < N; i++) out[i] = n[i].get();
        return out;
    }
}
