package memcgspec.protocol.swap;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.Pc;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.swap.SwapPc;
import memcgspec.impl.swap.SwapSteps;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Census;
import memcgspec.protocol.charge.ChargeInvariants;

/**
 * The invariants that spec/Swap.tla adds to or redefines from Charge.tla's, evaluated on the Java
 * machine under the same names: Swap.tla reuses C!Conservation, C!Hierarchy, ... unchanged (so
 * does the swap protocol, which lists Charge's part first) and redefines RefcountBalance (the swap
 * cache holds a reference), NoUnderflow (three counters) and NoLeakAtQuiescence (no swap pte, no
 * memsw or swap charge, no slot left). Java only: CssRefBalance (the memcg reference count that
 * the spec's Free guard stands for) and OfflineOnlyRemovable.
 */
public final class SwapInvariants {
    private SwapInvariants() {}

    /** The device and the per-memcg tallies, read once per evaluation. */
    static final class Tally {
        final boolean v1;
        final boolean[] allocated, hasCache;
        final int[] count;
        final Folio[] cached;
        final MemCgroup[] record;
        /** By folio id: the slot whose swap-cache folio it is, or -1; and a second slot, for SwapCacheUnique. */
        final int[] swapSlotOf;
        final StringBuilder duplicates = new StringBuilder();
        /** Per memcg id, summed over subtrees: pages and pending charges with their memsw part, swap-out window, records. */
        final long[] memswT, windowT, recT;
        /** Per memcg id: css reference holders (owned folios, charging CPUs, records, live children). */
        final long[] refs;

        Tally(Census c) {
            Mm mm = c.machine().mm();
            SwapDevice dev = mm.swap();
            v1 = mm.accounting() == Accounting.V1;
            int ns = dev.size(), nm = c.memcgs().length;
            allocated = new boolean[ns];
            hasCache = new boolean[ns];
            count = new int[ns];
            cached = new Folio[ns];
            record = new MemCgroup[ns];
            swapSlotOf = new int[c.folios().length];
            Arrays.fill(swapSlotOf, -1);
            for (int s = 0; s < ns; s++) {
                allocated[s] = dev.allocated(s);
                hasCache[s] = dev.hasCache(s);
                count[s] = dev.count(s);
                cached[s] = dev.cached(s);
                record[s] = dev.record(s);
                if (cached[s] != null) {
                    int id = cached[s].id();
                    if (swapSlotOf[id] >= 0) duplicates.append(cached[s] + " is the swap-cache folio of slots " + swapSlotOf[id] + " and " + s + "; ");
                    swapSlotOf[id] = s;
                }
            }
            long[] memswOwn = new long[nm], window = new long[nm], rec = new long[nm];
            refs = new long[nm];
            for (Folio f : c.folios()) {
                MemCgroup o = c.owner[f.id()];
                if (o == null) continue;
                refs[o.id()]++;
                if (c.memsw[f.id()]) memswOwn[o.id()]++;
                else window[o.id()]++;
            }
            for (Cpu cpu : c.cpus()) {
                MemCgroup t = cpu.chargeTo();
                if (t == null) continue;
                refs[t.id()]++;
                if (cpu.pc().pending()) memswOwn[t.id()]++;
            }
            for (int s = 0; s < ns; s++) {
                if (record[s] == null) continue;
                refs[record[s].id()]++;
                if (!record[s].isRoot()) rec[record[s].id()]++;
            }
            for (MemCgroup m : c.memcgs()) {
                for (MemCgroup ch : m.children()) if (ch.state() != MemCgroup.State.FREED) refs[m.id()]++;
            }
            memswT = ChargeInvariants.subtree(mm, memswOwn);
            windowT = ChargeInvariants.subtree(mm, window);
            recT = ChargeInvariants.subtree(mm, rec);
        }
    }

    static Tally tally(Census c) {
        return c.get(Tally.class, Tally::new);
    }

    private static Mm mm(Census c) {
        return c.machine().mm();
    }

    static void refcountBalance(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        Tally t = tally(c);
        for (Folio f : c.folios()) {
            int id = f.id();
            boolean inSwap = t.swapSlotOf[id] >= 0;
            int expected = c.mapcount[f.id()] + (ct.inCache[id] ? 1 : 0) + (inSwap ? 1 : 0) + ct.holders[id];
            if (c.refcount[f.id()] != expected) {
                v.accept(f + " refcount " + f.refcount() + " but " + expected + " references accounted (map " + f.mapcount()
                        + ", cache " + ct.inCache[id] + ", swap cache " + inSwap + ", CPUs " + ct.holders[id] + ")");
            }
        }
    }

    static void noUnderflow(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            for (PageCounter pcnt : List.of(m.memory(), m.memsw(), m.swap())) {
                if (pcnt.usage() < 0 || pcnt.underflows() > 0) v.accept(pcnt + ", underflows " + pcnt.underflows());
            }
        }
    }

    static void memswConservation(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (t.v1) {
            for (MemCgroup m : c.memcgs()) {
                int id = m.id();
                if (m.memsw().usage() != t.memswT[id] + t.recT[id]) {
                    v.accept(m.memsw() + " but " + t.memswT[id] + " pages/pending charged with memsw and " + t.recT[id] + " slots recorded in its subtree");
                }
            }
        }
        for (Folio f : c.folios()) if (c.owner[f.id()] == null && c.memsw[f.id()]) v.accept("unowned " + f + " has a memsw part");
    }

    static void memswIsMemoryPlusSwap(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (!t.v1) return;
        for (MemCgroup m : c.memcgs()) {
            int id = m.id();
            long usage = m.memory().usage(), memsw = m.memsw().usage();
            if (memsw != usage + t.recT[id] - t.windowT[id]) {
                v.accept(m + " memsw " + memsw + " /= memory " + usage + " + recorded " + t.recT[id] + " - swap-out window " + t.windowT[id]);
            }
        }
    }

    static void memswCoversMemory(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (!t.v1) return;
        for (MemCgroup m : c.memcgs()) {
            if (t.windowT[m.id()] == 0 && m.memsw().usage() < m.memory().usage()) {
                v.accept(m + " memsw " + m.memsw().usage() + " < memory " + m.memory().usage());
            }
        }
    }

    /** Swap.tla's SwapinWindow(c): between the swap-in charge and the v1 record drop. */
    private static boolean inSwapinWindow(Census c, int s) {
        for (Cpu cpu : c.cpus()) {
            if ((cpu.pc() == SwapPc.SWAPIN_CHARGED || cpu.pc() == SwapPc.SWAPIN_ADDED) && SwapSteps.of(cpu).slot() == s) return true;
        }
        return false;
    }

    static void noDoubleChargeOutsideSwapinWindow(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (!t.v1) return;
        for (int s = 0; s < t.cached.length; s++) {
            if (t.cached[s] != null && t.record[s] != null && !inSwapinWindow(c, s)) {
                v.accept("slot " + s + " recorded to " + t.record[s] + " while " + t.cached[s] + " is in the swap cache, outside any swap-in window");
            }
        }
    }

    static void swapCounter(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long swap = m.swap().usage();
            if (t.v1) {
                if (swap != 0) v.accept("v1 but " + m.swap());
            } else {
                if (swap != t.recT[m.id()]) v.accept(m.swap() + " but " + t.recT[m.id()] + " slots recorded in its subtree");
                if (m.memsw().usage() != 0) v.accept("v2 but " + m.memsw());
            }
        }
        if (!t.v1) for (Folio f : c.folios()) if (c.memsw[f.id()]) v.accept("v2 but " + f + " has a memsw part");
    }

    static void swapWithinLimit(Census c, Consumer<String> v) {
        Mm mm = mm(c);
        for (MemCgroup m : c.memcgs()) {
            long swapMax = m.isRoot() ? mm.swap().size() : m.swap().max();
            if (m.swap().usage() > swapMax) v.accept(m.swap() + " over " + swapMax);
        }
    }

    static void swapCachePageOwned(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int s = 0; s < t.cached.length; s++) {
            if (t.cached[s] != null && t.cached[s].memcg() == null) v.accept("slot " + s + " holds unowned " + t.cached[s]);
        }
    }

    static void swapCacheHasCache(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int s = 0; s < t.cached.length; s++) {
            if (t.cached[s] != null && (!t.hasCache[s] || !t.allocated[s])) {
                v.accept("slot " + s + " holds " + t.cached[s] + " but hasCache=" + t.hasCache[s] + " allocated=" + t.allocated[s]);
            }
        }
    }

    static void swapCacheUnique(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (t.duplicates.length() > 0) v.accept(t.duplicates.toString());
    }

    static void slotFreeOnlyWhenUnused(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int s = 0; s < t.cached.length; s++) {
            if (!t.allocated[s] && (t.count[s] != 0 || t.hasCache[s] || t.cached[s] != null || t.record[s] != null)) {
                v.accept("free slot " + s + " count " + t.count[s] + " hasCache " + t.hasCache[s] + " cache " + t.cached[s] + " record " + t.record[s]);
            }
        }
        boolean[] freeing = new boolean[t.cached.length];
        for (Cpu cpu : c.cpus()) {
            if (cpu.pc() != SwapPc.SLOT_FREE) continue;
            int s = SwapSteps.of(cpu).slot();
            if (s < 0 || !t.allocated[s] || t.count[s] != 0 || t.hasCache[s]) {
                v.accept(cpu + " frees slot " + s + " which is not dead");
            } else {
                if (freeing[s]) v.accept("two CPUs free slot " + s);
                freeing[s] = true;
            }
        }
    }

    static void recordNamesLiveMemcg(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int s = 0; s < t.record.length; s++) {
            if (t.record[s] != null && t.record[s].state() == MemCgroup.State.FREED) v.accept("slot " + s + " recorded to freed " + t.record[s]);
        }
    }

    static void ownerNamesLiveMemcg(Census c, Consumer<String> v) {
        for (Folio f : c.folios()) {
            if (c.owner[f.id()] != null && c.owner[f.id()].state() == MemCgroup.State.FREED) v.accept(f + " owned by freed " + f.memcg());
        }
        for (Cpu cpu : c.cpus()) {
            if (cpu.chargeTo() != null && cpu.chargeTo().state() == MemCgroup.State.FREED) v.accept(cpu + " charges for freed " + cpu.chargeTo());
        }
    }

    static void swapinChargeUnderExclusion(Census c, Consumer<String> v) {
        Tally t = tally(c);
        Cpu[] cpus = c.cpus();
        for (Cpu cpu : cpus) {
            Pc pc = cpu.pc();
            Folio p = cpu.held();
            int s = SwapSteps.of(cpu).slot();
            if (pc == SwapPc.SWAPIN_ALLOC || pc == SwapPc.SWAPIN_PREPARED || pc == SwapPc.SWAPIN_CHARGED || pc == SwapPc.SWAPIN_NOMEM) {
                if (p.mapcount() != 0 || t.swapSlotOf[p.id()] >= 0 || ChargeInvariants.othersUse(cpu, cpus)) {
                    v.accept(cpu + " charges a swap-in folio others can see: " + p);
                }
            }
            boolean locked = pc == SwapPc.SWAPIN_PREPARED || pc == SwapPc.SWAPIN_CHARGED || pc == SwapPc.SWAPIN_NOMEM
                    || pc == SwapPc.SWAPIN_ADDED || pc == SwapPc.SWAPIN_READ;
            if (locked && (!p.locked() || s < 0 || !t.hasCache[s])) {
                v.accept(cpu + " works on " + p + " without its lock or SWAP_HAS_CACHE of slot " + s);
            }
        }
    }

    /** Swap.tla's Quiescent: every CPU idle, every folio free, no pte holds a slot. */
    public static boolean quiescent(Census c) {
        if (!ChargeInvariants.quiescent(c)) return false;
        for (int n : tally(c).count) if (n != 0) return false;
        return true;
    }

    static void noLeakAtQuiescence(Census c, Consumer<String> v) {
        if (!quiescent(c)) return;
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.memory().usage() != 0 || m.memsw().usage() != 0 || m.swap().usage() != 0) {
                v.accept(m + " memory " + m.memory().usage() + " memsw " + m.memsw().usage() + " swap " + m.swap().usage()
                        + " with every folio free and no swap pte");
            }
        }
        for (Folio f : c.folios()) if (c.owner[f.id()] != null) v.accept(f + " owned while free");
        for (int s = 0; s < t.allocated.length; s++) {
            if (t.allocated[s] || t.record[s] != null) v.accept("slot " + s + " allocated=" + t.allocated[s] + " record " + t.record[s]);
        }
    }

    static void cssRefBalance(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long refs = t.refs[m.id()];
            if (m.cssRefs() != refs) {
                v.accept(m + " (" + m.state().spec() + ") has " + m.cssRefs() + " css references but " + refs
                        + " holders (owned folios, records, charging CPUs, live children)");
            }
            if (m.state() == MemCgroup.State.FREED && refs != 0) v.accept("freed " + m + " still referenced " + refs + " times");
        }
    }

    static void offlineOnlyRemovable(Census c, Consumer<String> v) {
        Mm mm = mm(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.state() != MemCgroup.State.ONLINE && (m.isRoot() || !mm.removable(m))) v.accept(m + " is " + m.state().spec() + " but not removable");
        }
    }

    /**
     * Swap.tla's own and redefined invariants, in the order of Swap.cfg, then the Java-only ones;
     * the swap protocol lists {@link ChargeInvariants#ALL} before them.
     */
    public static final List<Invariant> ALL = List.of(
            Invariant.of("NoUnderflow", SwapInvariants::noUnderflow),
            Invariant.of("RefcountBalance", SwapInvariants::refcountBalance),
            Invariant.of("MemswConservation", SwapInvariants::memswConservation),
            Invariant.of("MemswIsMemoryPlusSwap", SwapInvariants::memswIsMemoryPlusSwap),
            Invariant.of("MemswCoversMemory", SwapInvariants::memswCoversMemory),
            Invariant.of("NoDoubleChargeOutsideSwapinWindow", SwapInvariants::noDoubleChargeOutsideSwapinWindow),
            Invariant.of("SwapCounter", SwapInvariants::swapCounter),
            Invariant.of("SwapWithinLimit", SwapInvariants::swapWithinLimit),
            Invariant.of("SwapCachePageOwned", SwapInvariants::swapCachePageOwned),
            Invariant.of("SwapCacheHasCache", SwapInvariants::swapCacheHasCache),
            Invariant.of("SwapCacheUnique", SwapInvariants::swapCacheUnique),
            Invariant.of("SlotFreeOnlyWhenUnused", SwapInvariants::slotFreeOnlyWhenUnused),
            Invariant.of("RecordNamesLiveMemcg", SwapInvariants::recordNamesLiveMemcg),
            Invariant.of("OwnerNamesLiveMemcg", SwapInvariants::ownerNamesLiveMemcg),
            Invariant.of("SwapinChargeUnderExclusion", SwapInvariants::swapinChargeUnderExclusion),
            Invariant.of("NoLeakAtQuiescence", SwapInvariants::noLeakAtQuiescence),
            Invariant.javaOnly("CssRefBalance", SwapInvariants::cssRefBalance),
            Invariant.javaOnly("OfflineOnlyRemovable", SwapInvariants::offlineOnlyRemovable));
}
