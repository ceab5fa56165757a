package memcgspec.protocol.kmem;

import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.kmem.KmemPc;
import memcgspec.impl.kmem.KmemSteps;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.charge.ChargeInvariants;
import memcgspec.protocol.swap.SwapInvariants;

/**
 * The invariants spec/Kmem.tla adds or restates, evaluated on the Java machine under the same
 * names: Conservation, Hierarchy, NoUnderflow, NoLeakAtQuiescence, CssRefBalance and
 * NothingFreedReferenced restated with kernel memory; NoResidueOnline, KmemCounter,
 * ObjcgRefBalance, NoObjcgUseAfterFree, ObjcgPointsOnline, KmemPagesCharged and
 * NoObjcgLeakAtQuiescence; and ObjcgList (Java only: each memcg's objcg_list holds exactly the
 * objcgs that point at it but its active one). The kmem protocol lists Charge's and Swap's
 * invariants before them, a restatement taking its namesake's place. The residue is read from
 * the history counts the Java machine keeps for the spec's history variables
 * ({@link MemCgroup#residue()}, {@link KmemPage#chargedAt()}).
 */
public final class KmemInvariants {
    private KmemInvariants() {}

    /** The kmem tallies, computed once per evaluation. */
    static final class Tally {
        /** Per memcg id: charged kmem pages whose objcg points at it; summed over its subtree. */
        final long[] kown, ksub;
        /** Per memcg id: Kmem.tla's Excess(m): the residue and the live pages charged through m, owned above it. */
        final long[] excess;
        /** Per memcg id: CPUs holding a css reference from css_tryget. */
        final long[] cssCpus;
        /** Per objcg id: its holders (Kmem.tla's ObjcgHolders); pages naming it; CPUs naming it. */
        final long[] holders, pages, cpus;
        /** The kmem pages (by id) CPUs are charging: the first {@code nCharging} entries, a CPU's page each. */
        private final int[] charging;
        private int nCharging;
        /**
         * Per memcg id: the pages stocked for it on every CPU, summed over its subtree; the slots
         * caching it (each holds a css reference). All 0 on a machine without a stock (Kmem.tla);
         * Stock.tla's Conservation, Hierarchy, CssRefBalance and NoLeakAtQuiescence are Kmem.tla's
         * with these.
         */
        final long[] stocked, stockedSub, slotRefs;

        Tally(Census c) {
            Mm mm = c.machine().mm();
            int nm = c.memcgs().length;
            cssCpus = new long[nm];
            holders = new long[nm];
            cpus = new long[nm];
            charging = new int[c.cpus().length];
            stocked = new long[nm];
            slotRefs = new long[nm];
            if (mm.config().stock()) {
                for (Cpu cpu : c.cpus()) {
                    MemcgStock st = MemcgStock.of(cpu);
                    // each cached memcg in slot order (cachedMemcgs() without its list)
                    for (int i = 0; i < st.slots(); i++) {
                        MemCgroup m = st.slotMemcg(i);
                        if (m == null) continue;
                        stocked[m.id()] += st.nrPages(m);
                        slotRefs[m.id()]++;
                    }
                }
            }
            stockedSub = ChargeInvariants.subtree(mm, stocked);
            Tally old = c.previous(TALLY);
            if (old != null && !c.refreshedKpagesOrMemcgs()) {
                // No kmem page and no memcg (nor its objcg: logged as the memcg) was written since
                // the previous tally: the census' kmem sums, each objcg's memcg, the residues are
                // those it read (the parents are final), so the values computed from them alone
                // are its: the same arrays (read only).
                pages = old.pages;
                kown = old.kown;
                excess = old.excess;
                ksub = old.ksub;
            } else {
                pages = new long[nm];
                kown = new long[nm];
                excess = new long[nm];
                for (MemCgroup m : c.memcgs()) excess[m.id()] = m.residue();
                // From the census' sums over the kmem page rows, by objcg and by objcg and charged-at
                // memcg, and each objcg's memcg NOW: reparenting repoints an objcg without writing its
                // pages. The same sums as over every page: a page naming objcg o, charged at memcg a,
                // adds 1 to pages[o], to kown[o's memcg] and to the excess of a and its ancestors up
                // to the first that is o's memcg or an ancestor of it.
                MemCgroup[] byId = c.memcgs();
                for (int o = 1; o < nm; o++) {
                    long n = c.kpagesOf[o];
                    if (n == 0) continue;
                    pages[o] = n;
                    MemCgroup at = mm.objcg(o).memcg();
                    if (at == null) continue; // a released objcg: NoObjcgUseAfterFree says so
                    kown[at.id()] += n;
                    long[] byAt = c.kpagesAt[o];
                    for (int a = 1; a < byAt.length; a++) {
                        long na = byAt[a];
                        if (na == 0) continue;
                        for (MemCgroup x = byId[a - 1]; x != null && !x.isAncestorOf(at); x = x.parent()) excess[x.id()] += na;
                    }
                }
                ksub = ChargeInvariants.subtree(mm, kown);
            }
            for (Cpu cpu : c.cpus()) {
                if (!(cpu.pc() instanceof KmemPc pc)) continue;
                KmemSteps s = KmemSteps.of(cpu);
                if (pc.charging() && s.kobj() != null) cpus[s.kobj().id()]++;
                if (pc.charging() && s.kpage() != null) charging[nCharging++] = s.kpage().id();
                if (pc.holdsCss() && s.kmemcg() != null) cssCpus[s.kmemcg().id()]++;
            }
            for (int o = 1; o < nm; o++) {
                MemCgroup m = mm.memcg(o);
                holders[o] = (m.online() ? 1 : 0) + (m.state() != MemCgroup.State.FREED ? 1 : 0) + pages[o] + cpus[o];
            }
        }

        /** Whether a CPU is charging kmem page {@code id}. */
        boolean charging(int id) {
            for (int k = 0; k < nCharging; k++) if (charging[k] == id) return true;
            return false;
        }
    }

    static Tally tally(Census c) {
        return c.get(TALLY);
    }

    private static final Census.Key<Tally> TALLY = Census.key(Tally::new);

    /**
     * Conservation: usage = user pages owned and charges pending in the subtree + kmem pages whose
     * objcg points there + the excess (+ the pages stocked for the subtree, with a stock).
     */
    static void conservation(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            int i = m.id();
            long want = ct.subtree[i] + t.ksub[i] + t.excess[i] + t.stockedSub[i];
            if (m.memory().usage() != want) {
                v.accept(m + " usage " + m.memory().usage() + " but " + ct.subtree[i] + " user pages owned or pending, "
                        + t.ksub[i] + " kmem pages, an excess of " + t.excess[i] + " and " + t.stockedSub[i] + " stocked pages in its subtree");
            }
        }
    }

    /** Hierarchy: a memcg's usage less its children's is its own pages, pending charges and kmem pages, and its excess less its children's. */
    static void hierarchy(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        Tally t = tally(c);
        Mm mm = c.machine().mm();
        long[] childUsage = ChargeInvariants.childUsage(c), childExcess = ChargeInvariants.children(mm, t.excess);
        for (MemCgroup m : c.memcgs()) {
            long own = m.memory().usage() - childUsage[m.id()];
            long want = ct.own[m.id()] + t.kown[m.id()] + t.excess[m.id()] + t.stocked[m.id()] - childExcess[m.id()];
            if (own != want) v.accept(m + " own usage " + own + " but " + want + " owned, pending, kmem and excess");
        }
    }

    /** NoResidueOnline: only a dead memcg keeps an excess. */
    static void noResidueOnline(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) if (m.online() && t.excess[m.id()] != 0) v.accept("online " + m + " has an excess of " + t.excess[m.id()]);
    }

    /** KmemCounter: the v1 kmem counter counts the kmem pages in the subtree and the excess; v2 has none. */
    static void kmemCounter(Census c, Consumer<String> v) {
        Tally t = tally(c);
        boolean v1 = c.machine().mm().accounting() == Accounting.V1;
        for (MemCgroup m : c.memcgs()) {
            long want = v1 ? t.ksub[m.id()] + t.excess[m.id()] : 0;
            if (m.kmem().usage() != want) v.accept(m + " kmem " + m.kmem().usage() + " but " + want);
        }
    }

    static void objcgRefBalance(Census c, Consumer<String> v) {
        Tally t = tally(c);
        Mm mm = c.machine().mm();
        for (int o = 1; o < c.memcgs().length; o++) {
            ObjCgroup g = mm.objcg(o);
            if (g.refs() != t.holders[o]) {
                v.accept(g + " has " + g.refs() + " references but " + t.holders[o] + " holders (initial, orig_objcg, "
                        + t.pages[o] + " kmem pages, " + t.cpus[o] + " allocating CPUs)");
            }
        }
    }

    static void noObjcgUseAfterFree(Census c, Consumer<String> v) {
        Tally t = tally(c);
        Mm mm = c.machine().mm();
        for (int o = 1; o < c.memcgs().length; o++) {
            ObjCgroup g = mm.objcg(o);
            if (!g.released()) continue;
            if (g.refs() != 0) v.accept("released " + g + " has " + g.refs() + " references");
            if (t.pages[o] != 0) v.accept("released " + g + " is the objcg of " + t.pages[o] + " kmem pages");
            for (Cpu cpu : c.cpus()) if (KmemSteps.of(cpu).kobj() == g) v.accept(cpu + " works through released " + g);
        }
    }

    static void objcgPointsOnline(Census c, Consumer<String> v) {
        Mm mm = c.machine().mm();
        for (int o = 1; o < c.memcgs().length; o++) {
            ObjCgroup g = mm.objcg(o);
            MemCgroup m = g.memcg();
            if (m != null && !m.online()) v.accept(g + " points at " + m.state().spec() + " " + m);
        }
    }

    static void kmemPagesCharged(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int i : c.kchecked()) {
            KmemPage k = c.kpages()[i];
            if (c.kallocated[i] && c.kobjcg[i] == null && !t.charging(i)) v.accept(k + " is allocated, charged to nothing, and no CPU charges it");
            if (!c.kallocated[i] && c.kobjcg[i] != null) v.accept(k + " is free but names " + c.kobjcg[i]);
        }
    }

    static void cssRefBalance(Census c, Consumer<String> v) {
        SwapInvariants.Tally st = SwapInvariants.tally(c);
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long want = st.cssHolders[m.id()] + t.cssCpus[m.id()] + t.slotRefs[m.id()];
            if (m.cssRefs() != want) {
                v.accept(m + " (" + m.state().spec() + ") has " + m.cssRefs() + " css references but " + want
                        + " holders (base, id, owned folios, charging CPUs, live children, " + t.cssCpus[m.id()] + " kmem CPUs, "
                        + t.slotRefs[m.id()] + " stock slots)");
            }
        }
    }

    public static void nothingFreedReferenced(Census c, Consumer<String> v) {
        SwapInvariants.nothingFreedReferenced(c, v);
        Mm mm = c.machine().mm();
        for (int o = 1; o < c.memcgs().length; o++) {
            MemCgroup m = mm.objcg(o).memcg();
            if (m != null && m.state() == MemCgroup.State.FREED) v.accept(mm.objcg(o) + " points at freed " + m);
        }
        for (Cpu cpu : c.cpus()) {
            MemCgroup m = KmemSteps.of(cpu).kmemcg();
            if (m != null && m.state() == MemCgroup.State.FREED) v.accept(cpu + " holds a pointer to freed " + m);
        }
    }

    static void noUnderflow(Census c, Consumer<String> v) {
        SwapInvariants.noUnderflow(c, v);
        for (MemCgroup m : c.memcgs()) {
            if (m.kmem().usage() < 0 || m.kmem().underflows() > 0) v.accept(m.kmem() + ", underflows " + m.kmem().underflows());
        }
    }

    /** Kmem.tla's Quiescent: Swap's, and every kmem page free (Stock.tla's: and no stock drain queued). */
    static boolean quiescent(Census c) {
        if (!SwapInvariants.quiescent(c)) return false;
        Mm mm = c.machine().mm();
        if (c.allocatedKpages() != 0) return false;
        if (mm.config().stock()) for (Cpu cpu : c.cpus()) if (MemcgStock.of(cpu).flushing()) return false;
        return true;
    }

    static void noLeakAtQuiescence(Census c, Consumer<String> v) {
        if (!quiescent(c)) return;
        boolean v1 = c.machine().mm().accounting() == Accounting.V1;
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long r = m.residue(), w = r + t.stockedSub[m.id()];
            if (m.memory().usage() != w || m.swap().usage() != 0 || (v1 && (m.memsw().usage() != w || m.kmem().usage() != r))) {
                v.accept(m + " memory " + m.memory().usage() + " memsw " + m.memsw().usage() + " swap " + m.swap().usage()
                        + " kmem " + m.kmem().usage() + " at quiescence, residue " + r + ", stocked " + t.stockedSub[m.id()]);
            }
        }
        for (int i = 0; i < c.folios().length; i++) if (c.owner[i] != null) v.accept(c.folios()[i] + " owned while free");
        SwapDevice.Slots slots = c.slots();
        for (int s = 0; s < slots.size(); s++) {
            if (slots.allocated()[s] || slots.record()[s] != null) v.accept("slot " + s + " allocated or recorded at quiescence");
        }
    }

    static void noObjcgLeakAtQuiescence(Census c, Consumer<String> v) {
        if (!quiescent(c)) return;
        Mm mm = c.machine().mm();
        for (int o = 1; o < c.memcgs().length; o++) {
            if (mm.memcg(o).state() == MemCgroup.State.FREED && !mm.objcg(o).released()) {
                v.accept(mm.objcg(o) + " of freed " + mm.memcg(o) + " is not released at quiescence: " + mm.objcg(o).refs() + " references");
            }
        }
    }

    /** Java only: a memcg's objcg_list holds exactly the objcgs pointing at it, its active one excepted. */
    static void objcgList(Census c, Consumer<String> v) {
        Mm mm = c.machine().mm();
        int nm = c.memcgs().length;
        ObjCgroup[][] lists = mm.objcgLists(); // every list under one taking of objcg_lock
        // Each objcg's memcg, read once (no step runs during a check): an objcg belongs on the list
        // of the memcg it points at, unless it is that memcg's active objcg.
        MemCgroup[] pointsAt = new MemCgroup[nm];
        boolean[] active = new boolean[nm];
        for (int o = 1; o < nm; o++) {
            ObjCgroup g = mm.objcg(o);
            pointsAt[o] = g.memcg();
            active[o] = pointsAt[o] != null && g == pointsAt[o].objcg();
        }
        // How many objcgs belong on each memcg's list (the memcgs of this machine).
        int[] wanted = new int[nm];
        for (int o = 1; o < nm; o++) {
            MemCgroup p = pointsAt[o];
            if (p != null && !active[o] && p.id() >= 0 && p.id() < nm && c.memcgs()[p.id()] == p) wanted[p.id()]++;
        }
        boolean[] in = new boolean[nm];
        for (MemCgroup m : c.memcgs()) {
            ObjCgroup[] list = lists[m.id()];
            // Membership by objcg id (each id names one objcg of the machine; any other object is
            // in no slot and counted as a duplicate-free stranger), duplicates by a second sighting.
            boolean duplicates = false;
            List<ObjCgroup> strangers = null;
            for (ObjCgroup g : list) {
                int id = g.id();
                if (id > 0 && id < nm && mm.objcg(id) == g) {
                    duplicates |= in[id];
                    in[id] = true;
                } else {
                    if (strangers == null) strangers = new java.util.ArrayList<>();
                    duplicates |= strangers.contains(g);
                    strangers.add(g);
                }
            }
            // A list of distinct objcgs of the machine, each belonging on it, as many as belong:
            // it holds exactly those, and the comparison below would report nothing.
            boolean exact = strangers == null && !duplicates && list.length == wanted[m.id()];
            for (int k = 0; exact && k < list.length; k++) exact = pointsAt[list[k].id()] == m && !active[list[k].id()];
            for (int o = 1; o < nm && !exact; o++) {
                boolean want = pointsAt[o] == m && !active[o];
                if (want != in[o]) {
                    ObjCgroup g = mm.objcg(o);
                    v.accept(m + "'s objcg_list " + (want ? "lacks " : "has ") + g + " (which points at " + pointsAt[o] + ")");
                }
            }
            if (duplicates) v.accept(m + "'s objcg_list has duplicates: " + java.util.Arrays.asList(list));
            for (ObjCgroup g : list) if (g.id() > 0 && g.id() < nm) in[g.id()] = false; // clean for the next list
        }
    }

    public static final List<Invariant> ALL = List.of(
            Invariant.of("Conservation", KmemInvariants::conservation),
            Invariant.of("NoResidueOnline", KmemInvariants::noResidueOnline),
            Invariant.of("KmemCounter", KmemInvariants::kmemCounter),
            Invariant.of("ObjcgRefBalance", KmemInvariants::objcgRefBalance),
            Invariant.of("NoObjcgUseAfterFree", KmemInvariants::noObjcgUseAfterFree),
            Invariant.of("ObjcgPointsOnline", KmemInvariants::objcgPointsOnline).readingMemcgsOnly(),
            Invariant.of("KmemPagesCharged", KmemInvariants::kmemPagesCharged),
            Invariant.of("CssRefBalance", KmemInvariants::cssRefBalance),
            Invariant.of("NothingFreedReferenced", KmemInvariants::nothingFreedReferenced),
            Invariant.of("NoUnderflow", KmemInvariants::noUnderflow).readingMemcgsOnly(),
            Invariant.of("Hierarchy", KmemInvariants::hierarchy),
            Invariant.of("NoLeakAtQuiescence", KmemInvariants::noLeakAtQuiescence),
            Invariant.of("NoObjcgLeakAtQuiescence", KmemInvariants::noObjcgLeakAtQuiescence),
            Invariant.javaOnly("ObjcgList", KmemInvariants::objcgList));
}
