package memcgspec.protocol.swap;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.Pc;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.swap.SwapPc;
import memcgspec.impl.swap.SwapSteps;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.charge.ChargeInvariants;

/**
 * The invariants that spec/Swap.tla adds to or redefines from Charge.tla's, evaluated on the Java
 * machine under the same names. Swap.tla reuses C!Conservation, C!PendingPageUnowned,
 * C!WithinLimit, C!ChargeUnderExclusion, C!Hierarchy and C!CommittedIsOwned unchanged (so does
 * the swap protocol, which lists Charge's part first) and redefines InUseIsCharged (the swap cache
 * is a use), OwnedPagesLive and RefcountBalance (a folio frozen by SwapOut), StatsMatch
 * (swapcached), NoUnderflow (three counters), StatsNonNegative and NoLeakAtQuiescence. Java only:
 * FreeMeansUnreferenced (redefined: a frozen folio is not free yet) and OfflineOnlyRemovable.
 */
public final class SwapInvariants {
    private SwapInvariants() {}

    /** The device and the per-memcg tallies, read once per evaluation. */
    public static final class Tally {
        public final boolean v1;
        final boolean[] allocated, hasCache;
        final int[] count;
        final Folio[] cached;
        final MemCgroup[] record;
        /** By folio id: the slot whose swap-cache folio it is, or -1. */
        public final int[] swapSlotOf;
        /** By folio id: frozen by a reclaimer (Swap.tla's Frozen). */
        public final boolean[] frozen;
        /** The folios frozen (by id): {@code frozen}'s true entries, at most one per CPU. */
        private final int[] frozenIds;
        private int nFrozen;
        /** The swap-cache folios found in two slots, as SwapCacheUnique reports them ("" for none). */
        public final String duplicates;
        /** Per memcg id: slots recorded to it; summed over its subtree, the root's own records left out. */
        public final long[] records, recT;
        /** Per memcg id: css reference holders (Swap.tla's CssHolders). */
        public final long[] cssHolders;
        /** Per memcg id: children not freed. */
        public final long[] liveChildren;
        /** The device's copy of the slots this tally read. */
        private final SwapDevice.Slots slots;

        Tally(Census c) {
            Mm mm = c.machine().mm();
            // Every slot read under one taking of the swap lock.
            slots = c.slots();
            v1 = mm.accounting() == Accounting.V1;
            int ns = slots.size(), nm = c.memcgs().length;
            allocated = slots.allocated();
            hasCache = slots.hasCache();
            count = slots.count();
            cached = slots.cached();
            record = slots.record();
            Tally old = c.previous(TALLY);
            if (old != null && old.slots == slots) {
                // The device made no new copy since the previous tally: no slot was written, and
                // what is computed from the slots alone (and the memcgs' parents, which are final)
                // is that tally's: the same arrays (read only), the same entries.
                swapSlotOf = old.swapSlotOf;
                duplicates = old.duplicates;
                records = old.records;
                recT = old.recT;
            } else {
                // The frame-indexed array of the census' previous tally, its entries reset, or a new one.
                if (old == null) {
                    swapSlotOf = new int[c.folios().length];
                    Arrays.fill(swapSlotOf, -1);
                } else {
                    swapSlotOf = old.swapSlotOf;
                    for (Folio f : old.cached) if (f != null) swapSlotOf[f.id()] = -1;
                }
                StringBuilder dup = new StringBuilder();
                records = new long[nm];
                long[] rec = new long[nm];
                for (int s = 0; s < ns; s++) {
                    if (cached[s] != null) {
                        int id = cached[s].id();
                        if (swapSlotOf[id] >= 0) dup.append(cached[s] + " is the swap-cache folio of slots " + swapSlotOf[id] + " and " + s + "; ");
                        swapSlotOf[id] = s;
                    }
                    if (record[s] != null) {
                        records[record[s].id()]++;
                        if (!record[s].isRoot()) rec[record[s].id()]++;
                    }
                }
                duplicates = dup.toString();
                recT = ChargeInvariants.subtree(mm, rec);
            }
            if (old == null) {
                frozen = new boolean[c.folios().length];
            } else {
                frozen = old.frozen;
                for (int k = 0; k < old.nFrozen; k++) frozen[old.frozenIds[k]] = false;
            }
            frozenIds = new int[c.cpus().length];
            for (Cpu cpu : c.cpus()) {
                if (frozenBy(cpu)) {
                    frozen[cpu.held().id()] = true;
                    frozenIds[nFrozen++] = cpu.held().id();
                }
            }
            cssHolders = new long[nm];
            if (old != null && !c.refreshedMemcgs()) {
                // No memcg written since the previous tally: their states are its (parents are final).
                liveChildren = old.liveChildren;
            } else {
                liveChildren = new long[nm];
                // A memcg's children are the memcgs whose parent it is.
                for (MemCgroup m : c.memcgs()) if (!m.isRoot() && m.state() != MemCgroup.State.FREED) liveChildren[m.parent().id()]++;
            }
            for (MemCgroup m : c.memcgs()) {
                int id = m.id();
                cssHolders[id] = (m.online() ? 1 : 0) + (m.idRefs() > 0 ? 1 : 0);
                cssHolders[id] += liveChildren[id];
            }
            // The owned folios per memcg: the census' row sum.
            for (int m = 0; m < nm; m++) cssHolders[m] += c.ownedFolios[m];
            for (Cpu cpu : c.cpus()) if (cpu.chargeTo() != null) cssHolders[cpu.chargeTo().id()]++;
        }
    }

    /** A CPU whose folio SwapOut froze (Swap.tla's FrozenPCs): its reference was frozen away. */
    static boolean frozenBy(Cpu cpu) {
        return cpu.held() != null && (cpu.pc() == SwapPc.RECLAIM_FREED || cpu.pc() == SwapPc.SWAPOUT_SLOT_FREE);
    }

    public static Tally tally(Census c) {
        return c.get(TALLY);
    }

    private static final Census.Key<Tally> TALLY = Census.key(Tally::new);

    private static Mm mm(Census c) {
        return c.machine().mm();
    }

    static void inUseIsCharged(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        Tally t = tally(c);
        for (int i : c.checked()) {
            Folio f = c.folios()[i];
            boolean inUse = c.mapcount[i] > 0 || (ct.inCache[i] && !c.locked[i]) || t.swapSlotOf[i] >= 0;
            if (inUse && c.owner[i] == null) {
                v.accept(f + " is " + (c.mapcount[i] > 0 ? "mapped" : t.swapSlotOf[i] >= 0 ? "in the swap cache" : "in the page cache, unlocked,")
                        + " but charged to nobody");
            }
        }
    }

    static void ownedPagesLive(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int i : c.checked()) {
            Folio f = c.folios()[i];
            if (c.owner[i] != null && c.refcount[i] == 0 && !t.frozen[i]) v.accept("free " + f + " still owned");
        }
    }

    /** SwapProtocol.STATS as an array (in a holder: made on first use, after the registry's classes are initialised). */
    private static final class Stats {
        static final MemCgroup.Stat[] SWAP = SwapProtocol.STATS.toArray(new MemCgroup.Stat[0]);
    }

    static void statsMatch(Census c, Consumer<String> v) {
        Tally t = tally(c);
        // The owned folios in the swap cache, each once (at the slot swapSlotOf names): by slot, not by folio.
        long[] swapcached = new long[c.memcgs().length];
        for (int s = 0; s < t.cached.length; s++) {
            Folio f = t.cached[s];
            if (f == null || t.swapSlotOf[f.id()] != s) continue;
            MemCgroup o = c.owner[f.id()];
            if (o != null) swapcached[o.id()]++;
        }
        for (MemCgroup m : c.memcgs()) {
            for (MemCgroup.Stat item : Stats.SWAP) {
                // Charge.tla's StatOf, and swapcached as counted above (StatOf has none)
                long got = c.stat[m.id()][item.ordinal()],
                        want = ChargeInvariants.expectedStat(c, m.id(), item) + (item == MemCgroup.Stat.SWAPCACHED ? swapcached[m.id()] : 0);
                if (got != want) v.accept(m + " " + item.spec() + " " + got + " but " + want + " folios attributed to it");
            }
        }
    }

    static void statsNonNegative(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            for (MemCgroup.Stat item : SwapProtocol.STATS) {
                if (c.stat[m.id()][item.ordinal()] < 0) v.accept(m + " " + item.spec() + " " + c.stat[m.id()][item.ordinal()]);
            }
        }
    }

    static void refcountBalance(Census c, Consumer<String> v) {
        ChargeInvariants.Tally ct = ChargeInvariants.tally(c);
        Tally t = tally(c);
        for (int id : c.checked()) {
            Folio f = c.folios()[id];
            boolean inSwap = t.swapSlotOf[id] >= 0;
            int holders = t.frozen[id] ? 0 : ct.holders[id];
            int expected = c.mapcount[id] + (ct.inCache[id] ? 1 : 0) + (inSwap ? 1 : 0) + holders;
            if (c.refcount[id] != expected) {
                v.accept(f + " refcount " + c.refcount[id] + " but " + expected + " references accounted (map " + c.mapcount[id]
                        + ", cache " + ct.inCache[id] + ", swap cache " + inSwap + ", CPUs " + holders + ")");
            }
        }
    }

    public static void noUnderflow(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            underflow(m.memory(), v);
            underflow(m.memsw(), v);
            underflow(m.swap(), v);
        }
    }

    private static void underflow(PageCounter pcnt, Consumer<String> v) {
        if (pcnt.usage() < 0 || pcnt.underflows() > 0) v.accept(pcnt + ", underflows " + pcnt.underflows());
    }

    static void memswIsMemoryPlusSwap(Census c, Consumer<String> v) {
        Tally t = tally(c);
        if (!t.v1) return;
        for (MemCgroup m : c.memcgs()) {
            long usage = m.memory().usage(), memsw = m.memsw().usage();
            if (memsw != usage + t.recT[m.id()]) {
                v.accept(m + " memsw " + memsw + " /= memory " + usage + " + recorded " + t.recT[m.id()]);
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
    }

    /** Swap.tla's SwapWithinLimit: within swap.max where there is one, below the first level. */
    static void swapWithinLimit(Census c, Consumer<String> v) {
        Mm mm = mm(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.isRoot() || !mm.removable(m)) continue;
            if (m.swap().usage() > m.swap().max()) v.accept(m.swap() + " over " + m.swap().max());
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
        if (!t.duplicates.isEmpty()) v.accept(t.duplicates);
    }

    private static boolean freesSlot(Cpu cpu) {
        return cpu.pc() == SwapPc.SLOT_FREE || cpu.pc() == SwapPc.SWAPOUT_SLOT_FREE;
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
            if (!freesSlot(cpu)) continue;
            int s = SwapSteps.of(cpu).slot();
            if (s < 0 || !t.allocated[s] || t.count[s] != 0 || t.hasCache[s]) {
                v.accept(cpu + " frees slot " + s + " which is not dead");
            } else {
                if (freeing[s]) v.accept("two CPUs free slot " + s);
                freeing[s] = true;
            }
        }
    }

    /** Swap.tla's NoLeakedSlot: an allocated slot is used, or a CPU works on it. */
    static void noLeakedSlot(Census c, Consumer<String> v) {
        Tally t = tally(c);
        boolean[] worked = new boolean[t.allocated.length];
        for (Cpu cpu : c.cpus()) {
            int s = SwapSteps.of(cpu).slot();
            if (s >= 0) worked[s] = true;
        }
        for (int s = 0; s < t.allocated.length; s++) {
            if (t.allocated[s] && t.count[s] == 0 && t.cached[s] == null && !worked[s]) {
                v.accept("slot " + s + " is allocated, but no pte, swap-cache folio or CPU uses it (hasCache " + t.hasCache[s] + ", record " + t.record[s] + ")");
            }
        }
    }

    static void idRefBalance(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long want = (m.online() ? 1 : 0) + t.records[m.id()];
            if (m.idRefs() != want) v.accept(m + " (" + m.state().spec() + ") id.ref " + m.idRefs() + " but " + t.records[m.id()] + " swap records");
        }
    }

    static void cssRefBalance(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long want = t.cssHolders[m.id()];
            if (m.cssRefs() != want) {
                v.accept(m + " (" + m.state().spec() + ") has " + m.cssRefs() + " css references but " + want
                        + " holders (base, id, owned folios, charging CPUs, live children)");
            }
        }
    }

    public static void nothingFreedReferenced(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.state() != MemCgroup.State.FREED) continue;
            if (m.cssRefs() != 0 || m.idRefs() != 0) v.accept("freed " + m + " has " + m.cssRefs() + " css and " + m.idRefs() + " id references");
            if (t.records[m.id()] != 0) v.accept("freed " + m + " is recorded for " + t.records[m.id()] + " slots");
            if (t.liveChildren[m.id()] != 0) v.accept("freed " + m + " has " + t.liveChildren[m.id()] + " live children");
        }
        boolean anyFreed = false;
        // A freed memcg that owns folios (the census' row sum): then the folios are named, by a scan
        // (a memcg is freed without a write of the folios it owns).
        for (MemCgroup m : c.memcgs()) anyFreed |= m.state() == MemCgroup.State.FREED && c.ownedFolios[m.id()] != 0;
        for (int i = 0; anyFreed && i < c.folios().length; i++) {
            MemCgroup o = c.owner[i];
            if (o != null && o.state() == MemCgroup.State.FREED) v.accept(c.folios()[i] + " owned by freed " + o);
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
            // SWAPIN_RETRY: a charge retrying through the stock (Stock.tla), where it started (SWAPIN_PREPARED)
            if (pc == SwapPc.SWAPIN_ALLOC || pc == SwapPc.SWAPIN_PREPARED || pc == SwapPc.SWAPIN_RETRY || pc == SwapPc.SWAPIN_CHARGED
                    || pc == SwapPc.SWAPIN_NOMEM) {
                if (c.mapcount[p.id()] != 0 || t.swapSlotOf[p.id()] >= 0 || ChargeInvariants.othersUse(cpu, cpus)) {
                    v.accept(cpu + " charges a swap-in folio others can see: " + p);
                }
            }
            boolean locked = pc == SwapPc.SWAPIN_PREPARED || pc == SwapPc.SWAPIN_RETRY || pc == SwapPc.SWAPIN_CHARGED || pc == SwapPc.SWAPIN_NOMEM
                    || pc == SwapPc.SWAPIN_ADDED || pc == SwapPc.SWAPIN_READ;
            if (locked && (!c.locked[p.id()] || s < 0 || !t.hasCache[s])) {
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

    static void noZombieAtQuiescence(Census c, Consumer<String> v) {
        if (!quiescent(c)) return;
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            // Stock.tla's StockPinsDying on a machine with a per-CPU stock: its slots may pin it too.
            long slots = MemcgStock.slotRefs(c.machine().mm(), m);
            if (m.state() == MemCgroup.State.OFFLINE && m.cssRefs() != t.liveChildren[m.id()] + slots) {
                v.accept("offline " + m + " pinned by " + m.cssRefs() + " css references with " + t.liveChildren[m.id()] + " live children and "
                        + slots + " stock slots at quiescence");
            }
        }
    }

    /** A folio is in the allocator exactly when its refcount is 0 and no reclaimer holds it frozen. */
    static void freeMeansUnreferenced(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int i : c.checked()) {
            Folio f = c.folios()[i];
            if (c.free[i] != (c.refcount[i] == 0 && !t.frozen[i])) v.accept(f + " free=" + c.free[i] + (t.frozen[i] ? " (frozen)" : ""));
        }
    }

    static void offlineOnlyRemovable(Census c, Consumer<String> v) {
        Mm mm = mm(c);
        for (MemCgroup m : c.memcgs()) {
            if (m.state() != MemCgroup.State.ONLINE && (m.isRoot() || !mm.removable(m))) v.accept(m + " is " + m.state().spec() + " but not removable");
        }
    }

    /**
     * IsolationFlag (Java only): a folio's LRU isolation flag is set exactly while a reclaiming CPU
     * holds it (Swap.tla's isolation is the reclaimer's program counter).
     */
    static void isolationFlag(Census c, Consumer<String> v) {
        isolationFlag(c, v, cpu -> cpu.pc() == SwapPc.RECLAIM);
    }

    /** IsolationFlag where {@code isolates} says which CPUs hold their folio isolated (a protocol built on Swap adds its own). */
    public static void isolationFlag(Census c, Consumer<String> v, java.util.function.Predicate<Cpu> isolates) {
        // The folios held isolated (by id), at most one per CPU: no folio-indexed array per check.
        int[] held = new int[c.cpus().length];
        int nh = 0;
        for (Cpu cpu : c.cpus()) if (isolates.test(cpu)) held[nh++] = cpu.held().id();
        for (int i : c.checked()) {
            boolean isHeld = false;
            for (int k = 0; k < nh; k++) isHeld |= held[k] == i;
            if (c.isolated[i] != isHeld) v.accept(c.folios()[i] + " isolated=" + c.isolated[i] + " but held isolated: " + isHeld);
        }
    }

    /**
     * Swap.tla's own and redefined invariants, in the order of Swap.cfg (properties, then lemmas),
     * then the Java-only ones; the swap protocol lists {@link ChargeInvariants#ALL} before them, a
     * redefinition taking its Charge namesake's place.
     */
    public static final List<Invariant> ALL = List.of(
            Invariant.of("InUseIsCharged", SwapInvariants::inUseIsCharged),
            Invariant.of("OwnedPagesLive", SwapInvariants::ownedPagesLive),
            Invariant.of("StatsMatch", SwapInvariants::statsMatch),
            Invariant.of("RefcountBalance", SwapInvariants::refcountBalance),
            Invariant.of("MemswIsMemoryPlusSwap", SwapInvariants::memswIsMemoryPlusSwap),
            Invariant.of("NoDoubleChargeOutsideSwapinWindow", SwapInvariants::noDoubleChargeOutsideSwapinWindow),
            Invariant.of("SwapCounter", SwapInvariants::swapCounter),
            Invariant.of("SwapWithinLimit", SwapInvariants::swapWithinLimit).readingMemcgsOnly(),
            Invariant.of("SwapCacheHasCache", SwapInvariants::swapCacheHasCache),
            Invariant.of("SwapCacheUnique", SwapInvariants::swapCacheUnique),
            Invariant.of("SlotFreeOnlyWhenUnused", SwapInvariants::slotFreeOnlyWhenUnused),
            Invariant.of("IdRefBalance", SwapInvariants::idRefBalance),
            Invariant.of("CssRefBalance", SwapInvariants::cssRefBalance),
            Invariant.of("NothingFreedReferenced", SwapInvariants::nothingFreedReferenced),
            Invariant.of("SwapinChargeUnderExclusion", SwapInvariants::swapinChargeUnderExclusion),
            Invariant.of("NoLeakedSlot", SwapInvariants::noLeakedSlot),
            Invariant.of("NoUnderflow", SwapInvariants::noUnderflow).readingMemcgsOnly(),
            Invariant.of("NoLeakAtQuiescence", SwapInvariants::noLeakAtQuiescence),
            Invariant.of("StatsNonNegative", SwapInvariants::statsNonNegative).readingMemcgsOnly(),
            Invariant.of("NoZombieAtQuiescence", SwapInvariants::noZombieAtQuiescence),
            Invariant.javaOnly("FreeMeansUnreferenced", SwapInvariants::freeMeansUnreferenced),
            Invariant.javaOnly("OfflineOnlyRemovable", SwapInvariants::offlineOnlyRemovable).readingMemcgsOnly(),
            Invariant.javaOnly("IsolationFlag", SwapInvariants::isolationFlag));
}
