package memcgspec.protocol.swap;

import static memcgspec.protocol.PathLincheck.actor;
import static memcgspec.protocol.PathLincheck.require;
import static memcgspec.protocol.PathLincheck.scenario;

import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.charge.ChargeSteps;
import memcgspec.impl.swap.SwapPaths;
import memcgspec.impl.swap.SwapPaths.ReclaimResult;
import memcgspec.impl.swap.SwapPaths.SwapinResult;
import memcgspec.protocol.Machine;
import memcgspec.protocol.PathLincheck;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lincheck, in model-checking mode, on the whole swap paths where two CPUs meet one object, for
 * cgroup v1 and v2 (see {@link PathLincheck} for how the scenarios are made). The machine: three
 * CPUs (0 and 1 race, 2 sets up and cleans up), one memcg with room for everything, a swap device
 * of ONE slot, and one anonymous page of the memcg (folio 0), faulted in by CPU 2 in the
 * constructor; a scenario's init part maps it by more ptes ({@code fork}) and swaps it out
 * ({@code swapOut}, a whole {@link SwapPaths#reclaimAnon}).
 *
 * <ul>
 *   <li>{@link SameEntry}: two swap-ins of the same entry ({@link SwapPaths#swapIn} on the one
 *       slot, from CPUs 0 and 1). An operation returns whether its fault mapped the page; the
 *       finer {@link SwapinResult} is not linearizable (a fault that found the page in the swap
 *       cache and then lost the pte to the other fault returns LOST_RACE, where any sequential
 *       order gives NO_ENTRY), the boolean is, and Lincheck checks it: with one pte exactly one
 *       fault maps, with two both do. The validation: every CPU idle, every invariant of the
 *       swap protocol ({@code SwapProtocol.PROTOCOL.check}), one folio in the swap cache and no
 *       other allocated (a loser freed its folio), every pte either mapping that folio or still
 *       holding the swap entry, the folio charged to the memcg (whose usage is 1), and on v1 the
 *       slot's record dropped by the swap-in.</li>
 *   <li>{@link OutVsExit}: swap-out against unmap. CPU 0 reclaims the page
 *       ({@link SwapPaths#reclaimAnon}) while CPU 1 tears down its ptes ({@code exit}: the zap of
 *       the pte, {@link ChargePaths#zap}, or, when reclaim turned it into a swap entry first, the
 *       zap of the swap pte, {@link SwapPaths#zapSwap}). The reclaim's result is not linearizable
 *       (a zap's reference in flight makes the freeze fail: KEPT, which no sequential order
 *       gives), so its operation returns nothing and records the result for the validation;
 *       {@code exit} returns whether it found a pte to zap, which it always must. The
 *       validation: every CPU idle, every invariant, no pte and no swap pte left; a swap-out
 *       left nothing in the swap cache; then CPU 2 frees what may be left in the swap cache
 *       (try_to_free_swap) and the machine must be empty: every folio free, the slot free, every
 *       counter of the memcg at 0 (the invariants again, NoLeakAtQuiescence among them).</li>
 * </ul>
 *
 * <p>Each test can fail (measured with scratch edits, never committed; docs/concurrency.md):
 * {@code SameEntry} with the SWAP_HAS_CACHE test taken out of {@code SwapinSteps.SwapcachePrepare}
 * (interleaving 12 on v1, 7 on v2), or with its test and set in two sections of the swap lock
 * (40, 18); {@code OutVsExit} with {@code SwapSteps.TryToUnmap} not checking that the pte still
 * maps the page (the pte lock's re-check skipped: 12 on v1 and v2).
 */
class SwapLincheckTest {
    /**
     * Interleavings explored per scenario (the exploration is deterministic), about twice the
     * interleaving in which the re-opened windows of the class comment are found (the slowest: 40).
     * A swap-in interleaving costs more than a swap-out one (the loser of SWAP_HAS_CACHE spins until
     * the winner's folio is in the swap cache, and Lincheck runs a spinning thread for some rounds
     * before it switches).
     */
    static final int SWAPIN_ONE_PTE = 60, SWAPIN_TWO_PTES = 15, OUT_VS_EXIT_ONE_PTE = 40, OUT_VS_EXIT_TWO_PTES = 20;

    /** The accounting mode of the machines the next check creates (Lincheck makes them by the no-argument constructors). */
    static volatile int version = 2;

    /** The machine, the page, and the init operations both tests share. */
    public abstract static class OnePage {
        final Mm mm = new Mm(new Mm.Config(3, 4, 0, 1, 1, 100).withSwap(1, 100, version));
        final MemCgroup task = mm.memcg(1);
        final Cpu setup = mm.cpu(2);
        final Folio page = mm.folio(0);
        /** The ptes of the page: mappings and swap entries. */
        int ptes = 1;

        OnePage() {
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

        /** Reclaim by CPU 2: every pte of the page becomes a swap entry of the one slot. */
        @Operation
        public ReclaimResult swapOut() {
            return SwapPaths.reclaimAnon(setup, page);
        }

        /** Every CPU idle and every invariant of the swap protocol. */
        void invariants() {
            for (Cpu c : mm.cpus()) require(c.pc() == Pc.IDLE, "not idle: " + c);
            List<String> v = SwapProtocol.PROTOCOL.check(Machine.of(mm));
            require(v.isEmpty(), "invariants: " + v);
        }

        int liveFolios() {
            int n = 0;
            for (Folio f : mm.folios()) if (!f.isFree()) n++;
            return n;
        }
    }

    /** Two swap-ins of one swap entry. */
    public static class SameEntry extends OnePage {
        private boolean swapIn(int cpu) {
            SwapinResult r = SwapPaths.swapIn(mm.cpu(cpu), 0, task);
            return r == SwapinResult.MAPPED_READ || r == SwapinResult.MAPPED_HIT;
        }

        @Operation
        public boolean swapInOnCpu0() {
            return swapIn(0);
        }

        @Operation
        public boolean swapInOnCpu1() {
            return swapIn(1);
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                SwapDevice dev = mm.swap();
                Folio f = dev.cached(0);
                require(f != null, "no folio in the swap cache");
                require(liveFolios() == 1, liveFolios() + " folios allocated: a loser's folio was not freed");
                require(f.mapcount() + dev.count(0) == ptes, f + " mapped " + f.mapcount() + " times and " + dev.count(0)
                        + " swap ptes, but " + ptes + " ptes");
                require(f.memcg() == task && task.memory().usage() == 1, f + " charged to " + f.memcg() + ", usage " + task.memory().usage());
                require(version == 2 || dev.record(0) == null, "v1: the record of the slot is still " + dev.record(0));
            });
        }
    }

    /** Swap-out against the unmap of the same page. */
    public static class OutVsExit extends OnePage {
        volatile ReclaimResult reclaimed;

        @Operation
        public void reclaimOnCpu0() {
            reclaimed = SwapPaths.reclaimAnon(mm.cpu(0), page);
        }

        /** zap_pte_range over one pte of the page: a present pte, or the swap entry it became. */
        @Operation
        public boolean exitOnCpu1() {
            Cpu cpu = mm.cpu(1);
            return ChargePaths.zap(cpu, page) || SwapPaths.zapSwap(cpu, 0);
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                SwapDevice dev = mm.swap();
                ReclaimResult r = reclaimed;
                require(r == ReclaimResult.SWAPPED_OUT || r == ReclaimResult.KEPT || r == ReclaimResult.SKIPPED, "reclaim: " + r);
                require(page.mapcount() == 0 && dev.count(0) == 0, "ptes left: " + page + ", " + dev.count(0) + " swap ptes");
                require(r != ReclaimResult.SWAPPED_OUT || dev.cached(0) == null, "swapped out, but " + dev.cached(0) + " is in the swap cache");
                if (dev.cached(0) != null) require(SwapPaths.freeSwapCache(setup, 0), "try_to_free_swap of " + dev.cached(0));
                invariants();
                require(liveFolios() == 0 && !dev.allocated(0), liveFolios() + " folios allocated, slot allocated " + dev.allocated(0));
                require(task.memory().usage() == 0 && task.memsw().usage() == 0 && task.swap().usage() == 0,
                        "left charged: " + task.memory() + ", " + task.memsw() + ", " + task.swap());
            });
        }
    }

    /** One pte: [swapIn] | [swapIn]; two ptes: [swapIn] | [swapIn]. */
    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void twoSwapinsOfOneEntry(int v) {
        version = v;
        Class<?> t = SameEntry.class;
        PathLincheck.check("two swap-ins of one entry, one pte, v" + v, t, PathLincheck.scenarios(
                scenario(t, List.of(actor(t, "swapOut")), List.of(actor(t, "swapInOnCpu0")), List.of(actor(t, "swapInOnCpu1")))),
                SWAPIN_ONE_PTE);
        PathLincheck.check("two swap-ins of one entry, two ptes, v" + v, t, PathLincheck.scenarios(
                scenario(t, List.of(actor(t, "fork"), actor(t, "swapOut")), List.of(actor(t, "swapInOnCpu0")),
                        List.of(actor(t, "swapInOnCpu1")))), SWAPIN_TWO_PTES);
    }

    /** One pte: [reclaim] | [exit]; two ptes: [reclaim] | [exit, exit]. */
    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void swapOutAgainstUnmap(int v) {
        version = v;
        Class<?> t = OutVsExit.class;
        PathLincheck.check("swap-out against unmap, one pte, v" + v, t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "reclaimOnCpu0")), List.of(actor(t, "exitOnCpu1")))), OUT_VS_EXIT_ONE_PTE);
        PathLincheck.check("swap-out against unmap, two ptes, v" + v, t, PathLincheck.scenarios(
                scenario(t, List.of(actor(t, "fork")), List.of(actor(t, "reclaimOnCpu0")),
                        List.of(actor(t, "exitOnCpu1"), actor(t, "exitOnCpu1")))), OUT_VS_EXIT_TWO_PTES);
    }
}
