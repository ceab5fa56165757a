package memcgspec.protocol.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.impl.swap.SwapinSteps;
import memcgspec.impl.swap.SwapSteps;
import memcgspec.protocol.Stress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads, one per CPU, run the whole swap paths of {@link Cpu} (reclaimAnon, swapIn, zapSwap,
 * freeSwapCache, with doAnonymousPage, map and zap) on one shared {@link Mm}, for cgroup v1 and v2:
 * <ul>
 *   <li>several CPUs fault the SAME swap entry at once: exactly one folio ends in the swap cache,
 *       mapped once per pte that was faulted, and the losers' folios are freed;</li>
 *   <li>swap-out against exit: reclaimers swap pages out while the tasks' threads zap their ptes
 *       and swap ptes, fault pages in and out, and memcgs go offline (and are freed) during the
 *       traffic.</li>
 * </ul>
 * After each join every CPU is idle and the swap invariants hold; then the machine is drained
 * to quiescence (the swap workload's drain) and nothing may be left: no charge, slot, record or
 * memcg.
 */
class SwapStressTest {
    static final int THREADS = 4;

    /** Leaves 7..14 below a 3-level tree root -> {1,2} -> {3..6} -> {7..14}; plenty of memory. */
    static Mm machine(int version, int folios, int slots) {
        return new Mm(new Mm.Config(THREADS + 1, folios, 0, 14, 2, 1_000).withSwap(slots, 1_000, version));
    }

    private static void assertInvariants(Mm mm, String when) {
        Stress.assertIdleAndInvariants(SwapProtocol.PROTOCOL, mm, when);
    }

    /** Drains with the model's sequential drain (every step must be enabled) and checks for leaks. */
    static void drainAndCheck(Mm mm, String when) {
        Stress.drainAndCheck(SwapProtocol.PROTOCOL, SwapProtocol.tight(mm.config().version()), mm, when);
    }

    // ------------------------------------------------------------------------------------------
    // Many CPUs fault the same entry
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void cpusRacingSwapinOnTheSameEntry(int version) throws Exception {
        final int rounds = 3_000;
        Mm mm = machine(version, 64, 8);
        Cpu setup = mm.cpu(THREADS);
        Random r = new Random(version * 7L);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        SwapPaths.SwapinResult[] results = new SwapPaths.SwapinResult[THREADS];
        AtomicReference<String> failure = new AtomicReference<>();
        int[] slot = {-1};
        int[] ptes = {0};
        MemCgroup[] owner = {null};
        long[] live = {0};
        long[] stats = new long[6]; // rounds checked, mapped by read, by hit, lost races, offline owners, reads that lost the map
        int[] round = {0};
        // Between rounds (run by the last thread to arrive, the others wait): check the round
        // just raced, clean it up, and set up the next entry.
        Runnable between = () -> {
            try {
                if (slot[0] >= 0) checkRound(mm, slot[0], ptes[0], results, live[0], stats, setup);
                if (round[0]++ == rounds) {
                    slot[0] = -2;
                    return;
                }
                live[0] = liveFolios(mm);
                // A page of an online leaf, mapped by 1..3 ptes, swapped out.
                MemCgroup m = null;
                for (int k = 0; k < 32 && m == null; k++) {
                    MemCgroup c = mm.memcg(7 + r.nextInt(8));
                    if (c.online()) m = c;
                }
                if (m == null) m = mm.memcg(3 + r.nextInt(4));
                Folio f = ChargePaths.doAnonymousPage(setup, m, false);
                assertNotNull(f, "fault in " + m);
                int n = 1 + r.nextInt(3);
                for (int k = 1; k < n; k++) assertTrue(ChargePaths.map(setup, f));
                List<Integer> before = allocatedSlots(mm);
                assertEquals(SwapPaths.ReclaimResult.SWAPPED_OUT, SwapPaths.reclaimAnon(setup, f));
                List<Integer> after = allocatedSlots(mm);
                after.removeAll(before);
                assertEquals(1, after.size(), "one slot allocated by the swap-out");
                slot[0] = after.get(0);
                ptes[0] = n;
                owner[0] = m;
                assertEquals(n, mm.swap().count(slot[0]));
                assertEquals(m, mm.swap().record(slot[0]), "the record names the owner");
                // Now and then the owner goes offline with its page swapped out: the swap-in charges
                // the faulting task's memcg instead, and the owner is freed once its record goes.
                if (m.id() >= 7 && r.nextInt(6) == 0) {
                    mm.Offline(m);
                    stats[4]++;
                }
                live[0] = liveFolios(mm);
                assertInvariants(mm, "round " + round[0] + " set up");
            } catch (Throwable e) {
                failure.compareAndSet(null, "round " + round[0] + ": " + e);
                errors.add(e);
                slot[0] = -2;
            }
        };
        CyclicBarrier barrier = new CyclicBarrier(THREADS, between);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        Stress.jittered(() -> {
            for (int t = 0; t < THREADS; t++) {
                final int id = t;
                Cpu cpu = mm.cpu(t);
                MemCgroup task = mm.memcg(1 + id % 2); // the tasks' memcgs stay online
                Thread th = new Thread(() -> {
                    try {
                        barrier.await();
                        while (slot[0] != -2) {
                            results[id] = SwapPaths.swapIn(cpu, slot[0], task);
                            if (cpu.pc() != Pc.IDLE) throw new AssertionError("swapIn left " + cpu + " not idle");
                            barrier.await();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                        barrier.reset();
                    }
                }, "cpu" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
            Stress.join(threads, "v" + version);
            return null;
        });
        Stress.rethrow(errors, "v" + version + " " + failure.get());
        assertInvariants(mm, "v" + version + " after the join");
        drainAndCheck(mm, "v" + version);
        System.out.printf("swap stress (same entry, v%d): %d rounds of %d CPUs faulting one entry in %.2f s: %d mapped by read, "
                        + "%d by hit, %d lost races, %d reads whose pte was taken first; %d owners offline while swapped out%n",
                version, stats[0], THREADS, (System.nanoTime() - t0) / 1e9, stats[1], stats[2], stats[3], stats[5], stats[4]);
        assertEquals(rounds, stats[0]);
        // A reader unlocks the folio between the read and the map (EndSwapRead, then SwapinMap relocks):
        // a hit may take the last pte meanwhile, so a read may end READ_LOST_RACE.
        assertEquals(rounds, stats[1] + stats[5], "every round read the page in exactly once");
        assertTrue(stats[2] > 0 && stats[3] > 0, "hits and lost races happened");
    }

    private static long liveFolios(Mm mm) {
        long n = 0;
        for (Folio f : mm.folios()) if (!f.isFree()) n++;
        return n;
    }

    private static List<Integer> allocatedSlots(Mm mm) {
        List<Integer> l = new ArrayList<>();
        for (int s = 0; s < mm.swap().size(); s++) if (mm.swap().allocated(s)) l.add(s);
        return l;
    }

    /**
     * After THREADS CPUs faulted slot s that n ptes held: min(n, THREADS) faults mapped, one of them by
     * reading the page in; exactly one folio is in the swap cache for s, mapped once per fault that
     * mapped, and no other folio was left allocated. Then everything of the round is zapped.
     */
    private static void checkRound(Mm mm, int s, int n, SwapPaths.SwapinResult[] results, long liveBefore, long[] stats, Cpu setup) {
        assertInvariants(mm, "after the race on slot " + s);
        int read = 0, hit = 0, lost = 0, readLost = 0;
        for (SwapPaths.SwapinResult x : results) {
            switch (x) {
                case MAPPED_READ -> read++;
                case MAPPED_HIT -> hit++;
                case READ_LOST_RACE -> readLost++;
                case LOST_RACE, NO_ENTRY -> lost++;
                default -> throw new AssertionError("unexpected swap-in result " + x);
            }
        }
        int mapped = read + hit;
        // The reader unlocks the folio when its read completes and relocks it to map it: faults
        // that found it in the swap cache meanwhile may have taken every pte first.
        assertEquals(1, read + readLost, "exactly one CPU read the page in: " + java.util.Arrays.toString(results));
        assertEquals(Math.min(n, THREADS), mapped, n + " ptes, results " + java.util.Arrays.toString(results));
        Folio f = mm.swap().cached(s);
        assertNotNull(f, "the page is in the swap cache of slot " + s);
        int inCache = 0;
        for (int t = 0; t < mm.swap().size(); t++) if (mm.swap().cached(t) == f) inCache++;
        assertEquals(1, inCache);
        assertEquals(mapped, f.mapcount(), "mapped once per successful fault");
        assertEquals(n - mapped, mm.swap().count(s), "the swap ptes left");
        assertEquals(liveBefore + 1, liveFolios(mm), "exactly one new folio: the losers' folios were freed");
        assertTrue(f.memcg() != null && f.anon(), "charged, anonymous: " + f);
        if ((mm.accounting() == Accounting.V1)) assertEquals(null, mm.swap().record(s), "v1: the swap-in dropped the slot's record");
        stats[0]++;
        stats[1] += read;
        stats[2] += hit;
        stats[3] += lost;
        stats[5] += readLost;
        // Exit of the task: zap the ptes and the swap ptes; the slot and the folio go.
        for (int k = 0; k < mapped; k++) assertTrue(ChargePaths.zap(setup, f));
        while (mm.swap().count(s) > 0) assertTrue(SwapPaths.zapSwap(setup, s));
        if (mm.swap().cached(s) != null) assertTrue(SwapPaths.freeSwapCache(setup, s));
        assertTrue(!mm.swap().allocated(s), "slot " + s + " freed");
        for (MemCgroup m : mm.memcgs()) if (m.state() == MemCgroup.State.OFFLINE && m.cssRefs() == 0) mm.Free(m);
    }

    // ------------------------------------------------------------------------------------------
    // Reclaim against a new swap-in folio
    // ------------------------------------------------------------------------------------------

    /**
     * A reclaimer that picks a folio racily (a stale pointer, as the stress threads do) must not
     * disturb a folio that is not on an LRU yet: here the new folio of a swap-in, which
     * SwapcachePrepare locks with a plain store (__folio_set_locked: nobody else can lock a page
     * that is on no LRU and in no cache). cpu0 faults slot s again and again with folio p (the
     * charge fails on purpose, so each fault gives p back); cpu1 keeps trying Reclaim(p). cpu0 must
     * find p locked for as long as it holds SWAP_HAS_CACHE.
     */
    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void reclaimNeverUnlocksANewSwapinFolio(int version) throws Exception {
        Mm mm = machine(version, 8, 2);
        Cpu setup = mm.cpu(THREADS);
        MemCgroup m = mm.memcg(7);
        Folio page = ChargePaths.doAnonymousPage(setup, m, false);
        assertEquals(SwapPaths.ReclaimResult.SWAPPED_OUT, SwapPaths.reclaimAnon(setup, page));
        int s = mm.swap().count(0) > 0 ? 0 : 1;
        mm.setMax(7, 0); // the swap-in charge (to the recorded memcg 7) fails: each fault frees its folio
        Folio p = mm.folio(5);
        // Until both sides ran 2000 times (a count, not a time: on a loaded machine one thread may
        // get few time slices), or 20 s at most.
        AtomicLong faults = new AtomicLong(), unlockedUnderUs = new AtomicLong(), reclaims = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        java.util.function.BooleanSupplier running = () -> System.nanoTime() < deadline && (faults.get() < 2000 || reclaims.get() < 2000);
        Thread fault = new Thread(() -> {
            SwapinSteps c = SwapinSteps.of(mm.cpu(0));
            try {
                while (running.getAsBoolean()) {
                    try {
                        c.SwapinAlloc(s, p, mm.memcg(1));
                    } catch (StepRefused busy) {
                        continue; // p still referenced by the reclaimer's speculative get
                    }
                    if (c.SwapcachePrepare()) {
                        for (int k = 0; k < 20; k++) Thread.onSpinWait();
                        if (!p.locked()) unlockedUnderUs.incrementAndGet();
                        if (c.SwapInCharge()) throw new AssertionError("the charge should fail");
                        c.SwapcacheFree();
                    }
                    ChargePaths.put(c.cpu());
                    faults.incrementAndGet();
                }
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        });
        Thread reclaim = new Thread(() -> {
            SwapSteps c = SwapSteps.of(mm.cpu(1));
            try {
                while (running.getAsBoolean()) {
                    try {
                        c.Reclaim(p);
                        throw new AssertionError("reclaim isolated the private swap-in folio " + p);
                    } catch (StepRefused notOnLru) {
                        reclaims.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        });
        Stress.jittered(() -> {
            fault.start();
            reclaim.start();
            fault.join();
            reclaim.join();
            return null;
        });
        if (error.get() != null) throw new AssertionError(error.get());
        System.out.printf("swap stress (reclaim vs new swap-in folio, v%d): %d faults, %d reclaim attempts, %d times the folio was"
                + " found unlocked under SWAP_HAS_CACHE%n", version, faults.get(), reclaims.get(), unlockedUnderUs.get());
        assertTrue(faults.get() > 1000 && reclaims.get() > 1000, "the race ran");
        assertEquals(0, unlockedUnderUs.get(), "Reclaim unlocked a swap-in folio that SwapcachePrepare had locked");
        mm.setMax(7, 1_000);
        assertInvariants(mm, "after the race");
        drainAndCheck(mm, "v" + version);
    }

    // ------------------------------------------------------------------------------------------
    // Swap-out against exit, with offline during the traffic
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void swapOutRacesExitAndOffline(int version) throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Mm mm = new Mm(new Mm.Config(THREADS, 160, 0, 14, 2, 40).withSwap(32, 12, version));
            long t0 = System.nanoTime();
            long[] n = exitRound(mm, seed * 31 + version);
            String when = "v" + version + " seed " + seed;
            assertInvariants(mm, when + " after the join");
            long failcnt = 0, swapFail = 0;
            for (MemCgroup m : mm.memcgs()) {
                failcnt += m.memory().failcnt();
                swapFail += m.swap().failcnt();
            }
            drainAndCheck(mm, when);
            System.out.printf("swap stress (out vs exit, %s): %d faults, %d swapped out, %d swap.max, %d swap full, %d kept, "
                            + "%d swapped in, %d zaps, %d swap zaps, %d swap-cache frees, %d offline, %d freed; "
                            + "%d memory.max failures, %d swap.max failures; %.2f s%n",
                    when, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], failcnt, swapFail,
                    (System.nanoTime() - t0) / 1e9);
            assertTrue(n[1] > 100 && n[5] > 100 && n[6] > 100 && n[7] > 100, "the paths ran: " + java.util.Arrays.toString(n));
            assertTrue(n[9] > 0, "memcgs went offline during the traffic");
        }
    }

    /** Counters: faults, swapped out, swap.max, swap full, kept, swapped in, zaps, swap zaps, cache frees, offline, freed. */
    private static long[] exitRound(Mm mm, long seed) throws Exception {
        final int ops = 15_000;
        AtomicLong[] n = new AtomicLong[11];
        for (int i = 0; i < n.length; i++) n[i] = new AtomicLong();
        int nm = mm.memcgs().size() - 1;
        Stress.run(mm, THREADS, seed, ops, (cpu, r) -> {
            // Every thread mixes the reclaimer's work with the tasks' (so that both
            // run all along, whatever the scheduling): a third reclaim.
            boolean reclaim = r.nextInt(3) == 0;
            int w = r.nextInt(100);
            if (reclaim) {
                if (w < 70) {
                    switch (SwapPaths.reclaimAnon(cpu, Stress.mappedFolio(mm, r))) {
                        case SWAPPED_OUT -> n[1].incrementAndGet();
                        case SWAP_MAX -> n[2].incrementAndGet();
                        case SWAP_FULL -> n[3].incrementAndGet();
                        case KEPT -> n[4].incrementAndGet();
                        default -> { }
                    }
                } else if (w < 99) {
                    if (SwapPaths.freeSwapCache(cpu, cacheOnlySlot(mm, r))) n[8].incrementAndGet();
                } else if (r.nextInt(4) == 0) {
                    MemCgroup m = mm.memcg(3 + r.nextInt(nm - 2));
                    try {
                        mm.Offline(m);
                        n[9].incrementAndGet();
                    } catch (StepRefused notNow) {
                        // an online child, or a CPU charging for it
                    }
                } else {
                    for (MemCgroup m : mm.memcgs()) {
                        if (m.state() != MemCgroup.State.OFFLINE) continue;
                        try {
                            mm.Free(m);
                            n[10].incrementAndGet();
                        } catch (StepRefused referenced) {
                            // still referenced
                        }
                    }
                }
            } else {
                MemCgroup m = mm.memcg(1 + r.nextInt(nm));
                if (!m.online()) m = mm.memcg(1 + r.nextInt(2));
                if (w < 25) {
                    if (ChargePaths.doAnonymousPage(cpu, m, false) != null) n[0].incrementAndGet();
                } else if (w < 30) {
                    ChargePaths.map(cpu, Stress.mappedFolio(mm, r));
                } else if (w < 45) {
                    if (ChargePaths.zap(cpu, Stress.mappedFolio(mm, r))) n[6].incrementAndGet();
                } else if (w < 80) {
                    SwapPaths.SwapinResult x = SwapPaths.swapIn(cpu, Stress.usedSlot(mm, r), m);
                    if (x == SwapPaths.SwapinResult.MAPPED_HIT || x == SwapPaths.SwapinResult.MAPPED_READ) n[5].incrementAndGet();
                } else {
                    if (SwapPaths.zapSwap(cpu, Stress.usedSlot(mm, r))) n[7].incrementAndGet();
                }
            }
        });
        long[] out = new long[n.length];
        for (int i = 0; i < n.length; i++) out[i] = n[i].get();
        return out;
    }

    /**
     * Mostly a slot whose only user is its swap-cache folio (as free_swap_cache finds them after a
     * zap, and cache-only swap reclaim).
     */
    private static int cacheOnlySlot(Mm mm, Random r) {
        int n = mm.swap().size(), start = r.nextInt(n);
        for (int k = 0; k < n; k++) {
            int s = (start + k) % n;
            if (mm.swap().count(s) == 0 && mm.swap().cached(s) != null) return s;
        }
        return start;
    }
}
