package memcgspec.props;

import java.util.ArrayList;
import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.PageCounter;
import memcgspec.impl.SwapDevice;

/**
 * The invariants of spec/Swap.tla, evaluated on the Java implementation, under the same names
 * (plus CssRefBalance, the memcg reference count the spec's Free guard stands for, and
 * FreeMeansUnreferenced, as in {@link ChargeInvariants}). Call only while no step is running
 * (between the steps of a sequential run, or at quiescence of a threaded one).
 */
public final class SwapInvariants {
    private SwapInvariants() {}

    /** The names, in the order of Swap.cfg, then the Java-only ones. */
    public static final List<String> NAMES = List.of(
            "Conservation", "Hierarchy", "OwnedPagesLive", "PendingPageUnowned", "CommittedIsOwned", "NoUnderflow",
            "WithinLimit", "RefcountBalance", "ChargeUnderExclusion", "MemswConservation", "MemswIsMemoryPlusSwap",
            "MemswCoversMemory", "NoDoubleChargeOutsideSwapinWindow", "SwapCounter", "SwapWithinLimit",
            "SwapCachePageOwned", "SwapCacheHasCache", "SwapCacheUnique", "SlotFreeOnlyWhenUnused",
            "RecordNamesLiveMemcg", "OwnerNamesLiveMemcg", "SwapinChargeUnderExclusion", "NoLeakAtQuiescence",
            "CssRefBalance", "FreeMeansUnreferenced");

    private static boolean swapinChargePc(Pc pc) {
        return pc == Pc.SWAPIN_ALLOC || pc == Pc.SWAPIN_PREPARED || pc == Pc.SWAPIN_CHARGED || pc == Pc.SWAPIN_NOMEM;
    }

    private static boolean swapinLockedPc(Pc pc) {
        return pc == Pc.SWAPIN_PREPARED || pc == Pc.SWAPIN_CHARGED || pc == Pc.SWAPIN_NOMEM || pc == Pc.SWAPIN_ADDED
                || pc == Pc.SWAPIN_READ;
    }

    /** Every violated invariant, as "Name: what is wrong"; empty when all hold. Linear in the machine's size. */
    public static List<String> check(Mm mm) {
        List<String> v = new ArrayList<>();
        // Arrays, not the machine's lists: this runs after every step, and iterators cost.
        MemCgroup[] memcgs = mm.memcgs().toArray(new MemCgroup[0]);
        Folio[] folios = mm.folios().toArray(new Folio[0]);
        Cpu[] cpus = mm.cpus().toArray(new Cpu[0]);
        SwapDevice dev = mm.swap();
        int nm = memcgs.length, nf = folios.length, ns = dev.size();
        boolean v1 = mm.v1();

        // --- the device, read once ---
        boolean[] allocated = new boolean[ns], hasCache = new boolean[ns];
        int[] count = new int[ns];
        Folio[] cached = new Folio[ns];
        MemCgroup[] record = new MemCgroup[ns];
        int[] swapSlotOf = new int[nf];
        java.util.Arrays.fill(swapSlotOf, -1);
        for (int s = 0; s < ns; s++) {
            allocated[s] = dev.allocated(s);
            hasCache[s] = dev.hasCache(s);
            count[s] = dev.count(s);
            cached[s] = dev.cached(s);
            record[s] = dev.record(s);
            if (cached[s] != null) {
                int id = cached[s].id();
                if (swapSlotOf[id] >= 0) v.add("SwapCacheUnique: " + cached[s] + " is the swap-cache folio of slots " + swapSlotOf[id] + " and " + s);
                swapSlotOf[id] = s;
            }
        }
        boolean[] inCache = new boolean[nf];
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            if (f != null) inCache[f.id()] = true;
        }

        // --- per memcg: own pages, pending charges, memsw parts, swap-out window, records, CPUs ---
        long[] own = new long[nm], memswOwn = new long[nm], window = new long[nm], rec = new long[nm], refs = new long[nm];
        for (Folio f : folios) {
            MemCgroup o = f.memcg();
            if (o == null) continue;
            own[o.id()]++;
            refs[o.id()]++;
            if (f.memswCharged()) memswOwn[o.id()]++;
            else window[o.id()]++;
        }
        int[] holders = new int[nf];
        for (Cpu c : cpus) {
            if (c.held() != null) holders[c.held().id()]++;
            MemCgroup t = c.chargeTo();
            if (t != null) {
                refs[t.id()]++;
                if (c.pc().pending()) {
                    own[t.id()]++;
                    memswOwn[t.id()]++;
                }
            }
        }
        for (int s = 0; s < ns; s++) {
            if (record[s] == null) continue;
            refs[record[s].id()]++;
            if (!record[s].isRoot()) rec[record[s].id()]++;
        }
        for (MemCgroup m : memcgs) {
            for (MemCgroup ch : m.children()) if (ch.state() != MemCgroup.State.FREED) refs[m.id()]++;
        }
        long[] ownT = new long[nm], memswT = new long[nm], windowT = new long[nm], recT = new long[nm];
        ChargeInvariants.subtree(mm.root(), own, ownT);
        ChargeInvariants.subtree(mm.root(), memswOwn, memswT);
        ChargeInvariants.subtree(mm.root(), window, windowT);
        ChargeInvariants.subtree(mm.root(), rec, recT);

        for (MemCgroup m : memcgs) {
            int id = m.id();
            long usage = m.memory().usage(), memsw = m.memsw().usage(), swap = m.swap().usage();
            if (usage != ownT[id]) v.add("Conservation: " + m + " usage " + usage + " but " + ownT[id] + " pages owned or pending in its subtree");
            long ownUsage = usage;
            for (MemCgroup ch : m.children()) ownUsage -= ch.memory().usage();
            long expectOwn = m.isRoot() ? 0 : own[id];
            if (ownUsage != expectOwn) v.add("Hierarchy: " + m + " own usage " + ownUsage + " (usage minus children) but " + expectOwn + " owned or pending");
            for (PageCounter pcnt : List.of(m.memory(), m.memsw(), m.swap())) {
                if (pcnt.usage() < 0 || pcnt.underflows() > 0) v.add("NoUnderflow: " + pcnt + ", underflows " + pcnt.underflows());
            }
            if (usage > m.memory().max()) v.add("WithinLimit: " + m + " usage " + usage + " > max " + m.memory().max());
            if (v1) {
                if (memsw != memswT[id] + recT[id]) {
                    v.add("MemswConservation: " + m.memsw() + " but " + memswT[id] + " pages/pending charged with memsw and "
                            + recT[id] + " slots recorded in its subtree");
                }
                if (memsw != usage + recT[id] - windowT[id]) {
                    v.add("MemswIsMemoryPlusSwap: " + m + " memsw " + memsw + " /= memory " + usage + " + recorded " + recT[id]
                            + " - swap-out window " + windowT[id]);
                }
                if (windowT[id] == 0 && memsw < usage) v.add("MemswCoversMemory: " + m + " memsw " + memsw + " < memory " + usage);
                if (swap != 0) v.add("SwapCounter: v1 but " + m.swap());
            } else {
                if (swap != recT[id]) v.add("SwapCounter: " + m.swap() + " but " + recT[id] + " slots recorded in its subtree");
                if (memsw != 0) v.add("SwapCounter: v2 but " + m.memsw());
            }
            long swapMax = m.isRoot() ? ns : m.swap().max();
            if (swap > swapMax) v.add("SwapWithinLimit: " + m.swap() + " over " + swapMax);
            if (m.cssRefs() != refs[id]) {
                v.add("CssRefBalance: " + m + " (" + m.state().spec() + ") has " + m.cssRefs() + " css references but " + refs[id]
                        + " holders (owned folios, records, charging CPUs, live children)");
            }
            if (m.state() == MemCgroup.State.FREED && refs[id] != 0) v.add("CssRefBalance: freed " + m + " still referenced " + refs[id] + " times");
            if (m.state() != MemCgroup.State.ONLINE && (m.isRoot() || !mm.removable(m))) v.add("Offline: " + m + " is " + m.state().spec() + " but not removable");
        }

        // --- folios ---
        for (Folio f : folios) {
            int id = f.id();
            MemCgroup o = f.memcg();
            if (o != null && f.refcount() == 0) v.add("OwnedPagesLive: free " + f + " still owned");
            if (o != null && o.state() == MemCgroup.State.FREED) v.add("OwnerNamesLiveMemcg: " + f + " owned by freed " + o);
            if (!v1 && f.memswCharged()) v.add("SwapCounter: v2 but " + f + " has a memsw part");
            if (o == null && f.memswCharged()) v.add("MemswConservation: unowned " + f + " has a memsw part");
            int expected = f.mapcount() + (inCache[id] ? 1 : 0) + (swapSlotOf[id] >= 0 ? 1 : 0) + holders[id];
            if (f.refcount() != expected) {
                v.add("RefcountBalance: " + f + " refcount " + f.refcount() + " but " + expected + " references accounted (map "
                        + f.mapcount() + ", cache " + inCache[id] + ", swap cache " + (swapSlotOf[id] >= 0) + ", CPUs " + holders[id] + ")");
            }
            if (f.isFree() != (f.refcount() == 0)) v.add("FreeMeansUnreferenced: " + f + " free=" + f.isFree());
        }

        // --- slots ---
        for (int s = 0; s < ns; s++) {
            if (cached[s] != null) {
                if (cached[s].memcg() == null) v.add("SwapCachePageOwned: slot " + s + " holds unowned " + cached[s]);
                if (!hasCache[s] || !allocated[s]) v.add("SwapCacheHasCache: slot " + s + " holds " + cached[s] + " but hasCache=" + hasCache[s] + " allocated=" + allocated[s]);
            }
            if (!allocated[s] && (count[s] != 0 || hasCache[s] || cached[s] != null || record[s] != null)) {
                v.add("SlotFreeOnlyWhenUnused: free slot " + s + " count " + count[s] + " hasCache " + hasCache[s] + " cache " + cached[s] + " record " + record[s]);
            }
            if (record[s] != null && record[s].state() == MemCgroup.State.FREED) v.add("RecordNamesLiveMemcg: slot " + s + " recorded to freed " + record[s]);
            if (v1 && cached[s] != null && record[s] != null) {
                boolean inWindow = false;
                for (Cpu c : cpus) if ((c.pc() == Pc.SWAPIN_CHARGED || c.pc() == Pc.SWAPIN_ADDED) && c.slot() == s) inWindow = true;
                if (!inWindow) v.add("NoDoubleChargeOutsideSwapinWindow: slot " + s + " recorded to " + record[s] + " while " + cached[s] + " is in the swap cache, outside any swap-in window");
            }
        }

        // --- CPUs ---
        boolean quiescent = true;
        boolean[] freeing = new boolean[ns];
        for (Cpu c : cpus) {
            Pc pc = c.pc();
            Folio p = c.held();
            int s = c.slot();
            if (pc != Pc.IDLE) quiescent = false;
            if (c.chargeTo() != null && c.chargeTo().state() == MemCgroup.State.FREED) v.add("OwnerNamesLiveMemcg: " + c + " charges for freed " + c.chargeTo());
            ChargeInvariants.checkChargingCpu(c, mm.cpus(), inCache, v);
            if (swapinChargePc(pc)) {
                if (p.mapcount() != 0 || swapSlotOf[p.id()] >= 0 || ChargeInvariants.othersUse(c, mm.cpus())) {
                    v.add("SwapinChargeUnderExclusion: " + c + " charges a swap-in folio others can see: " + p);
                }
            }
            if (swapinLockedPc(pc) && (!p.locked() || s < 0 || !hasCache[s])) {
                v.add("SwapinChargeUnderExclusion: " + c + " works on " + p + " without its lock or SWAP_HAS_CACHE of slot " + s);
            }
            if (pc == Pc.SLOT_FREE) {
                if (s < 0 || !allocated[s] || count[s] != 0 || hasCache[s]) {
                    v.add("SlotFreeOnlyWhenUnused: " + c + " frees slot " + s + " which is not dead");
                } else {
                    if (freeing[s]) v.add("SlotFreeOnlyWhenUnused: two CPUs free slot " + s);
                    freeing[s] = true;
                }
            }
        }
        for (Folio f : folios) if (f.refcount() != 0) quiescent = false;
        for (int s = 0; s < ns; s++) if (count[s] != 0) quiescent = false;
        if (quiescent) {
            for (MemCgroup m : memcgs) {
                if (m.memory().usage() != 0 || m.memsw().usage() != 0 || m.swap().usage() != 0) {
                    v.add("NoLeakAtQuiescence: " + m + " memory " + m.memory().usage() + " memsw " + m.memsw().usage() + " swap "
                            + m.swap().usage() + " with every folio free and no swap pte");
                }
            }
            for (Folio f : folios) if (f.memcg() != null) v.add("NoLeakAtQuiescence: " + f + " owned while free");
            for (int s = 0; s < ns; s++) {
                if (allocated[s] || record[s] != null) v.add("NoLeakAtQuiescence: slot " + s + " allocated=" + allocated[s] + " record " + record[s]);
            }
        }
        return v;
    }

    /** Quiescent in the spec's sense: every CPU idle, every folio free, no pte holds a slot. */
    public static boolean quiescent(Mm mm) {
        for (Cpu c : mm.cpus()) if (c.pc() != Pc.IDLE) return false;
        for (Folio f : mm.folios()) if (f.refcount() != 0) return false;
        for (int s = 0; s < mm.swap().size(); s++) if (mm.swap().count(s) != 0) return false;
        return true;
    }
}
