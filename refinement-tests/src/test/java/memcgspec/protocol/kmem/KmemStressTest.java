package memcgspec.protocol.kmem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.Pc;
import memcgspec.impl.kmem.KmemPaths;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads, one per CPU, allocate and free kmem pages (objcg charges and uncharges) for tasks
 * of a 3-level hierarchy, root -> {1,2} -> {3..6} -> {7..14}, while the same threads, between
 * their allocations and frees, take memcgs offline (a leaf first, then its parent once no child
 * is online: whole subtrees go away under the charges) and free the offline ones whose last css
 * reference is gone; cgroup v1 and v2, with the jitter on (among its points
 * AFTER_OBJCG_MEMCG_READ, the window of eefbfa7fd678). A memcg goes offline once, so each seed is
 * a fresh machine and a run is 16 seeds per mode.
 *
 * <p>The allocations and frees run {@link KmemPaths#allocKmemPage} and
 * {@link KmemPaths#freeKmemPage}, counting get_mem_cgroup_from_objcg's retries (a css_tryget that
 * failed on a dying memcg): the run must see some, or the window was not exercised.
 *
 * <p>After each join: every CPU idle and every invariant of {@link KmemProtocol#PROTOCOL}; each
 * online memcg's counters exactly the kmem pages whose objcg points into its subtree (memory, and
 * on v1 memsw and kmem); the objcg of a freed memcg released exactly when no page names it. Then
 * the drain (free every kmem page, free the offline memcgs) and, at quiescence: no charge left on
 * a live memcg, every objcg of a freed memcg released, no dying memcg left (every
 * nr_dying_descendants back to 0).
 */
class KmemStressTest {
    static final int THREADS = 4, SEEDS = 16, OPS = 1_500;

    /** 4 CPUs, 14 memcgs (3..14 removable), memory.max 24 (so that charges fail now and then), 120 kmem pages. */
    static Protocol.Setup setup(int version) {
        return new Protocol.Setup("kmem-stress-v" + version, new Mm.Config(THREADS, 4, 0, 14, 2, 24).withSwap(4, 4, version).withKmem(120),
                Map.of());
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void chargesAndUnchargesRaceOfflineAndFree(int version) throws Exception {
        long[] total = new long[N];
        long t0 = System.nanoTime();
        StringBuilder perSeed = new StringBuilder();
        for (long seed = 1; seed <= SEEDS; seed++) {
            Mm mm = new Mm(setup(version).mm());
            long[] n = round(mm, seed * 7919 + version);
            String when = "v" + version + " seed " + seed;
            Stress.assertIdleAndInvariants(KmemProtocol.PROTOCOL, mm, when + " after the join");
            assertCountersExact(mm, when + " after the join");
            Stress.drainAndCheck(KmemProtocol.PROTOCOL, setup(version), mm, when);
            assertQuiescent(mm, when + " after the drain");
            for (int i = 0; i < N; i++) total[i] += n[i];
            perSeed.append(seed == 1 ? "" : " ").append(n[RETRIES]);
        }
        System.out.printf("kmem stress (v%d, %d seeds of %d x %d operations): %s; %.2f s%n", version, SEEDS, THREADS, OPS, show(total),
                (System.nanoTime() - t0) / 1e9);
        System.out.printf("kmem stress (v%d): css_tryget retries per seed: %s%n", version, perSeed);
        assertTrue(total[CHARGED] > 10_000 && total[UNCHARGED] > 10_000 && total[ENOMEM] > 0, "the paths ran: " + show(total));
        assertTrue(total[OFFLINE] >= SEEDS * 8L && total[FREED] >= SEEDS * 8L, "subtrees went away during the traffic: " + show(total));
        assertTrue(total[RETRIES] > 0, "no css_tryget failed on a dying memcg: the window was not exercised: " + show(total));
    }

    static final int CHARGED = 0, ENOMEM = 1, UNCHARGED = 2, RETRIES = 3, OFFLINE = 4, FREED = 5, N = 6;
    static final String[] NAMES = {"kmem pages charged", "charges failed (ENOMEM)", "uncharged", "css_tryget retries",
            "offline", "freed"};

    static String show(long[] n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < N; i++) b.append(i == 0 ? "" : ", ").append(n[i]).append(' ').append(NAMES[i]);
        return b.toString();
    }

    private static long[] round(Mm mm, long seed) throws Exception {
        AtomicLong[] n = new AtomicLong[N];
        for (int i = 0; i < N; i++) n[i] = new AtomicLong();
        int nm = mm.memcgs().size() - 1;
        AtomicIntegerArray dead = new AtomicIntegerArray(nm + 1);
        Stress.run(mm, THREADS, seed, OPS, (cpu, r) -> {
            int w = r.nextInt(1000);
            if (w < 12) {
                if (Stress.offlineRandom(mm, r)) n[OFFLINE].incrementAndGet();
            } else if (w < 30) {
                for (MemCgroup m : mm.memcgs()) {
                    if (m.state() == MemCgroup.State.ONLINE) continue;
                    // A dying memcg's css count, once 0, stays 0 (css_tryget refuses it; nothing else
                    // takes a reference on an offline memcg here: no swap, no user page, no task).
                    // The mark is read BEFORE the count: a 0 seen by another thread after this
                    // thread read a (then true) 1 must not pass for a resurrection.
                    boolean seenDead = dead.get(m.id()) == 1;
                    long css = m.cssRefs();
                    if (css == 0) dead.set(m.id(), 1);
                    else if (seenDead) throw new AssertionError(m + "'s css count went from 0 back to " + css);
                    // css references left, or a CPU may hold it under rcu_read_lock: refused
                    if (m.state() == MemCgroup.State.OFFLINE && Stress.tryFree(mm, m)) n[FREED].incrementAndGet();
                }
            } else if (w < 500) {
                KmemPage k = KmemPaths.allocKmemPage(cpu, Stress.taskMemcg(mm, r), n[RETRIES]);
                n[k != null ? CHARGED : ENOMEM].incrementAndGet();
            } else {
                KmemPage k = Stress.chargedKmemPage(mm, r);
                if (KmemPaths.freeKmemPage(cpu, k, n[RETRIES])) n[UNCHARGED].incrementAndGet();
            }
        });
        long[] out = new long[N];
        for (int i = 0; i < N; i++) out[i] = n[i].get();
        // alloc failures also count "no free kmem page": only a charge refused by memory.max is an ENOMEM
        long failcnt = 0;
        for (MemCgroup m : mm.memcgs()) failcnt += m.memory().failcnt();
        out[ENOMEM] = failcnt;
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // The test's own checks
    // ------------------------------------------------------------------------------------------

    /**
     * Each online memcg's counters: exactly the kmem pages whose objcg points into its subtree
     * (memory; memsw and kmem on v1); the objcg of a freed memcg released iff no kmem page names it.
     */
    static void assertCountersExact(Mm mm, String when) {
        for (Cpu c : mm.cpus()) assertTrue(c.pc() == Pc.IDLE, when + ": not idle: " + c);
        boolean v1 = mm.accounting() == Accounting.V1;
        long[] pages = new long[mm.memcgs().size()];
        int[] naming = new int[mm.memcgs().size()];
        for (KmemPage k : mm.kpages()) {
            ObjCgroup o = k.objcg();
            assertTrue(k.allocated() == (o != null), when + ": " + k + " allocated " + k.allocated() + " with objcg " + o);
            if (o == null) continue;
            naming[o.id()]++;
            MemCgroup at = o.memcg();
            assertTrue(at != null && at.online(), when + ": " + k + "'s " + o + " points at " + at);
            for (MemCgroup x = at; x != null; x = x.parent()) pages[x.id()]++;
        }
        for (MemCgroup m : mm.memcgs()) {
            if (m.online()) {
                long want = pages[m.id()];
                assertTrue(m.memory().usage() == want, when + ": online " + m + " memory " + m.memory().usage() + ", kmem pages " + want);
                assertTrue(!v1 || (m.memsw().usage() == want && m.kmem().usage() == want),
                        when + ": online " + m + " memsw " + m.memsw().usage() + " kmem " + m.kmem().usage() + ", kmem pages " + want);
                assertTrue(v1 || m.kmem().usage() == 0, when + ": v2 charged " + m.kmem());
            }
            if (m.state() == MemCgroup.State.FREED) {
                ObjCgroup o = mm.objcg(m.id());
                assertTrue(o.released() == (naming[m.id()] == 0),
                        when + ": " + o + " of freed " + m + " released " + o.released() + ", named by " + naming[m.id()] + " pages");
            }
        }
    }

    /** After the drain: no kmem page, no charge on a live memcg, every objcg of a freed memcg released, no dying memcg. */
    static void assertQuiescent(Mm mm, String when) {
        assertCountersExact(mm, when);
        for (KmemPage k : mm.kpages()) assertTrue(!k.allocated(), when + ": " + k + " allocated");
        List<String> dying = new ArrayList<>();
        for (MemCgroup m : mm.memcgs()) {
            if (m.online()) assertTrue(m.memory().usage() == 0, when + ": online " + m + " memory " + m.memory().usage());
            if (m.state() == MemCgroup.State.FREED) assertTrue(mm.objcg(m.id()).released(), when + ": objcg of freed " + m + " not released");
            // nr_dying_descendants: offline descendants not yet freed
            long nrDying = 0;
            for (MemCgroup d : mm.memcgs()) if (d != m && m.isAncestorOf(d) && d.state() == MemCgroup.State.OFFLINE) nrDying++;
            if (nrDying != 0) dying.add(m + ": " + nrDying);
        }
        assertTrue(dying.isEmpty(), when + ": nr_dying_descendants not 0: " + dying);
        long offline = mm.memcgs().stream().filter(m -> m.state() == MemCgroup.State.OFFLINE).count();
        assertTrue(offline == 0, when + ": " + offline + " dying memcgs left");
    }

    static {
        assert NAMES.length == N : Arrays.toString(NAMES);
    }
}
