package memcgspec.protocol.kmem;

import static memcgspec.protocol.PathLincheck.actor;
import static memcgspec.protocol.PathLincheck.require;
import static memcgspec.protocol.PathLincheck.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.kmem.KmemPaths;
import memcgspec.impl.kmem.KmemSteps;
import memcgspec.protocol.Machine;
import memcgspec.protocol.PathLincheck;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.Stress;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, in model-checking mode, on the kmem paths where they meet one objcg while its memcg
 * goes away (see {@link PathLincheck} for how the scenarios are made). The machine: three CPUs (0
 * and 1 race, 2 sets up), a chain root -> 1 -> 2 -> 3 with room for everything, cgroup v2, three
 * kmem pages. In the constructor CPU 2 charges a kmem page through memcg 3's objcg, takes 3
 * offline and frees it (its objcg now points at memcg 2 and is on 2's objcg_list: inherited), and
 * charges a kmem page through memcg 2's own objcg. CPU 1 then removes memcg 2
 * ({@code offlineAndFreeOnCpu1}: {@link Mm#Offline}, which reparents 2's objcgs to memcg 1, then
 * one {@link Mm#Free}, refused while a css reference or an RCU reader is left; the validation
 * frees it otherwise). Once offline memcg 2's css count has been seen at 0, nothing may raise it
 * again, and after its free no css reference may be left: either is a use after free (recorded
 * by the operation, failed by the validation).
 *
 * <ul>
 *   <li>{@link UnchargeVsReparent}: {@link KmemPaths#freeKmemPage} on CPU 0 of the page charged
 *       through memcg 2's own objcg, or of the page charged through the inherited one, against
 *       the removal of memcg 2: the uncharge must find, through get_mem_cgroup_from_objcg, the
 *       memcg the objcg points at now (2, or 1 once reparented) and uncharge it there.</li>
 *   <li>{@link ChargeVsOffline}: {@link KmemPaths#allocKmemPage}'s steps on CPU 0 for a task of
 *       memcg 2 against its removal (eefbfa7fd678's window: GetMemcgFromObjcg reads memcg 2,
 *       offline drops its last css reference, CssTrygetMemcg must fail and the path re-read the
 *       objcg and charge memcg 1); the operation runs the steps itself to watch the window (a
 *       css_tryget that succeeds on offline memcg 2 is a resurrection), and the test requires
 *       some interleavings to have retried.</li>
 * </ul>
 *
 * <p>The validation, after each interleaving: every CPU idle, every invariant of
 * {@link KmemProtocol#PROTOCOL}, no use after free recorded, the page freed (uncharge) or charged
 * or not (charge); then the machine is drained ({@link Stress#drainAndCheck}: memcg 2 freed if it
 * is not, every kmem page freed) and at quiescence nothing may be left: every counter of the live
 * memcgs at 0, the objcgs of memcgs 2 and 3 released, no offline memcg.
 *
 * <p>Each can fail (scratch edits, never committed; docs/concurrency.md): {@code MemCgroup.cssTryget}
 * as css_get, without its zero test (the charge scenario, interleaving 12: the resurrection
 * watch); {@code Mm.memcgReparentObjcgs} repointing only the memcg's own objcg and not the
 * inherited ones (interleaving 1 of the first scenario: ObjcgPointsOnline, NothingFreedReferenced,
 * ObjcgList); {@code KmemSteps.KmemUncharge} uncharging the counters of the memcg the page
 * was charged through instead of the objcg's memcg of the moment (interleaving 1: Conservation,
 * Hierarchy, at the latest in the drain's uncharge of the inherited page).
 *
 * <p>The model checker runs {@code Memcontrol} analysed here (not atomic as in
 * {@link PathLincheck#check}): see {@link #ATOMIC}.
 */
class KmemLincheckTest {
    /**
     * Interleavings explored per scenario (deterministic exploration): the charge's re-opened
     * window (css_get) is found in interleaving 12; the uncharge scenarios' scratch edits in the
     * first (docs/concurrency.md).
     */
    static final int UNCHARGE = 50, CHARGE = 30;

    /** The machine, the pages and the removal of memcg 2 both tests share. */
    public abstract static class Chain {
        static final Protocol.Setup SETUP = new Protocol.Setup("kmem-lincheck",
                new Mm.Config(3, 0, 0, 3, 1, 100).withSwap(0, 100, 2).withKmem(3), Map.of());
        final Mm mm = new Mm(SETUP.mm());
        final MemCgroup one = mm.memcg(1), two = mm.memcg(2), three = mm.memcg(3);
        final Cpu setup = mm.cpu(2);
        /** Charged through memcg 3's objcg (inherited by 2), and through memcg 2's own. */
        final KmemPage inherited, own;
        /** Uses after free seen by the operations. */
        final List<String> uaf = new ArrayList<>();
        volatile boolean offline, freed;

        Chain() {
            inherited = KmemPaths.allocKmemPage(setup, three);
            mm.Offline(three);
            mm.Free(three);
            own = KmemPaths.allocKmemPage(setup, two);
            if (inherited == null || own == null) throw new IllegalStateException("setup charges failed");
        }

        /** rmdir of memcg 2 (refused while CPU 0 allocates for one of its tasks), then its css_free if nothing holds it. */
        @Operation
        public void offlineAndFreeOnCpu1() {
            try {
                mm.Offline(two);
                offline = true;
            } catch (StepRefused allocating) {
                return;
            }
            // 0 unless CPU 0 holds a reference it took before the offline; from 0 nothing may raise
            // it again (css_tryget refuses a dying memcg: css_get would resurrect it, eefbfa7fd678)
            long dead = two.cssRefs();
            try {
                mm.Free(two);
                freed = true;
            } catch (StepRefused held) {
                // a css reference or an RCU reader left: the validation's drain frees it
            }
            long after = two.cssRefs();
            if (dead == 0 && after != 0) uaf.add("memcg 2's css count went from 0 back to " + after + " after its offline");
            if (freed && after != 0) uaf.add("memcg 2 freed with " + after + " css references");
        }

        /** Every CPU idle, every invariant of the kmem protocol, no use after free. */
        void invariants() {
            for (Cpu c : mm.cpus()) require(c.pc() == Pc.IDLE, "not idle: " + c);
            require(uaf.isEmpty(), "use after free: " + uaf);
            List<String> v = KmemProtocol.PROTOCOL.check(Machine.of(mm));
            require(v.isEmpty(), "invariants: " + v);
        }

        /** The drain to quiescence, and nothing left. */
        void drained() {
            try {
                Stress.drainAndCheck(KmemProtocol.PROTOCOL, SETUP, mm, "the drain");
            } catch (AssertionError e) {
                throw new IllegalStateException(e.getMessage());
            }
            for (MemCgroup m : mm.memcgs()) {
                require(!m.online() || m.memory().usage() == 0, m + " keeps " + m.memory().usage() + " pages at quiescence");
                require(m.state() != MemCgroup.State.OFFLINE, m + " offline at quiescence");
            }
            require(mm.objcg(2).released() == !two.online() && mm.objcg(3).released(), "objcgs 2 and 3 not released");
        }
    }

    /** The uncharge of a kmem page against the removal of the memcg its objcg points at. */
    public static class UnchargeVsReparent extends Chain {
        volatile boolean freedOwn, freedInherited;

        @Operation
        public void freeOwnOnCpu0() {
            freedOwn = KmemPaths.freeKmemPage(mm.cpu(0), own);
        }

        @Operation
        public void freeInheritedOnCpu0() {
            freedInherited = KmemPaths.freeKmemPage(mm.cpu(0), inherited);
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                require(offline, "memcg 2 did not go offline");
                require(!own.allocated() == freedOwn && !inherited.allocated() == freedInherited, "pages " + own + ", " + inherited);
                long left = (own.allocated() ? 1 : 0) + (inherited.allocated() ? 1 : 0);
                require(one.memory().usage() == left, "memcg 1 usage " + one.memory().usage() + " with " + left + " kmem pages");
                drained();
            });
        }
    }

    /** The charge of a kmem page for a task of memcg 2 against its removal. */
    public static class ChargeVsOffline extends Chain {
        /** Interleavings (of this JVM) in which the charge's css_tryget failed and it read the objcg again. */
        static int retried;
        volatile KmemPage charged;
        volatile int retries;

        /**
         * {@link KmemPaths#allocKmemPage}'s steps, one by one, watching the window: between
         * GetMemcgFromObjcg and CssTrygetMemcg the state of the memcg read is read too; once memcg
         * 2 is offline here its css count is 0 (no child, page, id, task or other CPU holds it),
         * so a css_tryget that succeeds on it resurrects it.
         */
        @Operation
        public void allocOnCpu0() {
            KmemSteps steps = KmemSteps.of(mm.cpu(0));
            KmemPage page = null;
            for (KmemPage k : mm.kpages()) if (page == null && !k.allocated()) page = k;
            try {
                steps.KmemAlloc(page, two);
            } catch (StepRefused offline) {
                return;
            }
            for (;;) {
                steps.GetMemcgFromObjcg();
                MemCgroup read = steps.kmemcg();
                boolean dying = !read.online();
                boolean ok = steps.CssTrygetMemcg();
                if (ok && dying && read == two) uaf.add("css_tryget took a reference on offline memcg 2, whose count was 0");
                if (ok) break;
                retries++;
            }
            charged = steps.KmemCharge() ? page : null;
        }

        @Validate
        public void validate() {
            PathLincheck.unanalysed(() -> {
                invariants();
                KmemPage k = charged;
                require(k == null || k.objcg() == mm.objcg(2), "charged " + k + " to " + (k == null ? null : k.objcg()));
                require(offline || k != null, "memcg 2 refused its offline, yet nothing was charged");
                long pages = 2 + (k != null ? 1 : 0);
                require(one.memory().usage() == pages, "memcg 1 usage " + one.memory().usage() + " with " + pages + " kmem pages");
                if (retries > 0) retried++;
                drained();
            });
        }
    }

    // ------------------------------------------------------------------------------------------
    // PathLincheck.check, with Memcontrol analysed
    // ------------------------------------------------------------------------------------------

    /**
     * Run as one step each, as {@link PathLincheck#check} runs them: a CPU's own state and the
     * counters. Unlike there, {@code Memcontrol} is analysed: its kmem uncharge puts the objcg,
     * and the put that releases it takes objcg_lock, which offline's reparenting holds across its
     * loop; run atomically, the release would ignore the lock and report an objcg_list race that
     * cannot happen.
     */
    static final List<String> ATOMIC = PathLincheck.ATOMIC.stream().filter(k -> !k.equals("memcgspec.impl.Memcontrol")).toList();

    /** {@link PathLincheck#check} with {@link #ATOMIC}. */
    static void check(String what, Class<?> test, List<ExecutionScenario> scenarios, int invocations) {
        PathLincheck.check(what, test, scenarios, invocations, ATOMIC);
    }

    /** [free own] | [offline 2, free 2]; [free inherited] | [offline 2, free 2]; both pages. */
    @Test
    void unchargeAgainstReparenting() {
        Class<?> t = UnchargeVsReparent.class;
        check("uncharge against reparenting, own objcg", t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "freeOwnOnCpu0")), List.of(actor(t, "offlineAndFreeOnCpu1")))), UNCHARGE);
        check("uncharge against reparenting, inherited objcg", t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "freeInheritedOnCpu0")), List.of(actor(t, "offlineAndFreeOnCpu1")))), UNCHARGE);
    }

    /** [alloc for a task of 2] | [offline 2, free 2]. */
    @Test
    void chargeAgainstOfflineAndFree() {
        Class<?> t = ChargeVsOffline.class;
        ChargeVsOffline.retried = 0;
        check("charge against offline and free", t, PathLincheck.scenarios(
                scenario(t, List.of(), List.of(actor(t, "allocOnCpu0")), List.of(actor(t, "offlineAndFreeOnCpu1")))), CHARGE);
        System.out.printf("Lincheck, charge against offline and free: css_tryget failed and the charge retried in %d interleavings%n",
                ChargeVsOffline.retried);
        org.junit.jupiter.api.Assertions.assertTrue(ChargeVsOffline.retried > 0, "no interleaving made the charge retry");
    }

    /**
     * A stale free claim, replayed step by step (found by reading the code; 3,000 interleavings of
     * a three-thread Lincheck scenario did not reach it: it needs five switches). CPU 1's
     * {@code KmemFree} claims page k while CPU 0 charges it and reads no objcg; CPU 0's charge
     * fails and frees k, then CPU 0 allocates and charges k again; CPU 2 claims k and frees it;
     * CPU 1 resumes and gives up its claim; CPU 1 frees k again. Before the fix
     * {@code KmemPage.free} cleared the claim of whichever CPU held it: CPU 2's claim was gone
     * and both CPUs uncharged k (a double uncharge, then a NullPointerException on the objcg).
     * The operations of CPU 1's KmemFree are called here one by one, as KmemFree runs them.
     */
    @Test
    void aFailedChargeKeepsAnotherCpusFreeClaim() {
        Mm mm = new Mm(new Mm.Config(3, 0, 0, 2, 1, 100).withSwap(0, 100, 2).withKmem(1));
        mm.setMax(2, 0);
        KmemPage k = mm.kpage(0);
        KmemSteps c0 = KmemSteps.of(mm.cpu(0));
        c0.KmemAlloc(k, mm.memcg(2));
        org.junit.jupiter.api.Assertions.assertTrue(k.claimFree(), "CPU 1's KmemFree claims k");
        org.junit.jupiter.api.Assertions.assertNull(k.objcg(), "and reads no objcg: k is being charged");
        c0.GetMemcgFromObjcg();
        c0.CssTrygetMemcg();
        org.junit.jupiter.api.Assertions.assertFalse(c0.KmemCharge(), "memory.max 0: the charge fails and k is freed");
        org.junit.jupiter.api.Assertions.assertSame(k, KmemPaths.allocKmemPage(mm.cpu(0), mm.memcg(1)), "k allocated and charged again");
        KmemSteps c2 = KmemSteps.of(mm.cpu(2));
        boolean cpu2 = true;
        try {
            c2.KmemFree(k); // CPU 2 starts freeing k (refused while CPU 1's claim stands)
        } catch (StepRefused claimed) {
            cpu2 = false;
        }
        k.unclaimFree(); // CPU 1's KmemFree: no objcg read, so it gives up its claim and is refused
        boolean cpu1 = KmemPaths.freeKmemPage(mm.cpu(1), k); // CPU 1 frees k again, while CPU 2 may be freeing it
        if (cpu2) {
            c2.GetMemcgFromObjcg();
            c2.CssTrygetMemcg();
            c2.KmemUncharge();
        }
        org.junit.jupiter.api.Assertions.assertTrue(cpu1 ^ cpu2, "exactly one CPU freed k: CPU 2 " + cpu2 + ", CPU 1 " + cpu1);
        org.junit.jupiter.api.Assertions.assertFalse(k.allocated());
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), KmemProtocol.PROTOCOL.check(Machine.of(mm)));
        org.junit.jupiter.api.Assertions.assertEquals(0, mm.memcg(1).memory().usage());
    }
}
