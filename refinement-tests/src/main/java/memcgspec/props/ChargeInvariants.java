package memcgspec.props;

import java.util.ArrayList;
import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;

/**
 * The invariants of spec/Charge.tla, evaluated on the Java implementation, under the same names.
 * Call only while no step is running (between steps of a sequential run, or at quiescence of a
 * threaded one).
 */
public final class ChargeInvariants {
    private ChargeInvariants() {}

    /** The names, in the order of Charge.cfg. */
    public static final List<String> NAMES = List.of(
            "Conservation", "Hierarchy", "OwnedPagesLive", "PendingPageUnowned", "CommittedIsOwned", "NoUnderflow",
            "WithinLimit", "RefcountBalance", "ChargeUnderExclusion", "NoLeakAtQuiescence", "FreeMeansUnreferenced");

    /**
     * Every violated invariant, as "Name: what is wrong"; empty when all hold. Linear in the size
     * of the machine (the property engine calls it after every step).
     */
    public static List<String> check(Mm mm) {
        List<String> v = new ArrayList<>();
        List<MemCgroup> memcgs = mm.memcgs();
        List<Folio> folios = mm.folios();
        List<Cpu> cpus = mm.cpus();
        // Pages owned and charges pending per memcg (own), then per subtree.
        long[] own = new long[memcgs.size()];
        for (Folio f : folios) if (f.memcg() != null) own[f.memcg().id()]++;
        for (Cpu c : cpus) if (c.pc().pending() && c.chargeTo() != null) own[c.chargeTo().id()]++;
        long[] subtree = new long[memcgs.size()];
        subtree(mm.root(), own, subtree);
        for (MemCgroup m : memcgs) {
            long usage = m.memory().usage();
            long accounted = subtree[m.id()];
            if (usage != accounted) {
                v.add("Conservation: " + m + " usage " + usage + " but " + accounted + " pages owned or pending in its subtree");
            }
            long ownUsage = usage;
            for (MemCgroup ch : m.children()) ownUsage -= ch.memory().usage();
            long expectOwn = m.isRoot() ? 0 : own[m.id()];
            if (ownUsage != expectOwn) {
                v.add("Hierarchy: " + m + " own usage " + ownUsage + " (usage minus children) but " + expectOwn + " owned or pending");
            }
            if (usage < 0 || m.memory().underflows() > 0) {
                v.add("NoUnderflow: " + m + " usage " + usage + ", underflows " + m.memory().underflows());
            }
            if (usage > m.memory().max()) {
                v.add("WithinLimit: " + m + " usage " + usage + " > max " + m.memory().max());
            }
        }
        boolean[] inCache = new boolean[folios.size()];
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            if (f != null) inCache[f.id()] = true;
        }
        int[] holders = new int[folios.size()];
        for (Cpu c : cpus) if (c.held() != null) holders[c.held().id()]++;
        for (Folio f : folios) {
            if (f.memcg() != null && f.refcount() == 0) v.add("OwnedPagesLive: free " + f + " still owned");
            int expected = f.mapcount() + (inCache[f.id()] ? 1 : 0) + holders[f.id()];
            if (f.refcount() != expected) {
                v.add("RefcountBalance: " + f + " refcount " + f.refcount() + " but " + expected + " references accounted");
            }
            if (f.isFree() != (f.refcount() == 0)) v.add("FreeMeansUnreferenced: " + f + " free=" + f.isFree());
        }
        boolean quiescent = true;
        for (Cpu c : cpus) {
            if (c.pc() != Pc.IDLE) quiescent = false;
            checkChargingCpu(c, cpus, inCache, v);
        }
        for (Folio f : folios) if (f.refcount() != 0) quiescent = false;
        if (quiescent) {
            for (MemCgroup m : memcgs) {
                if (m.memory().usage() != 0) v.add("NoLeakAtQuiescence: " + m + " usage " + m.memory().usage() + " with every folio free");
            }
            for (Folio f : folios) if (f.memcg() != null) v.add("NoLeakAtQuiescence: " + f + " owned while free");
        }
        return v;
    }

    /**
     * The per-CPU checks of Charge.tla that Swap.tla reuses too: PendingPageUnowned,
     * CommittedIsOwned and ChargeUnderExclusion for CPU c ({@code inCache}: by folio id, whether
     * the folio is in the page cache).
     */
    static void checkChargingCpu(Cpu c, List<Cpu> cpus, boolean[] inCache, List<String> v) {
        Pc pc = c.pc();
        Folio p = c.held();
        if (pc.pending() && p.memcg() != null) {
            v.add("PendingPageUnowned: " + c + " has a pending charge for a folio that is already owned");
        }
        if ((pc == Pc.ANON_COMMITTED || pc == Pc.CACHE_COMMITTED) && p.memcg() == null) {
            v.add("CommittedIsOwned: " + c + " committed but its folio has no owner");
        }
        boolean anonPath = pc == Pc.ANON_ALLOC || pc == Pc.ANON_CHARGED || pc == Pc.ANON_COMMITTED;
        boolean cacheOutside = pc == Pc.CACHE_ALLOC || pc == Pc.CACHE_CHARGED || pc == Pc.CACHE_EEXIST;
        boolean cacheInside = pc == Pc.CACHE_INSERTED || pc == Pc.CACHE_COMMITTED;
        if (anonPath || cacheOutside || cacheInside) {
            if (p.mapcount() != 0 || othersUse(c, cpus)) {
                v.add("ChargeUnderExclusion: " + c + " charges a folio others can map or use");
            }
            if ((anonPath || cacheOutside) && inCache[p.id()]) {
                v.add("ChargeUnderExclusion: " + c + " charges a folio that is in the cache too early");
            }
            if ((cacheOutside || cacheInside) && !p.locked()) v.add("ChargeUnderExclusion: " + c + " inserts an unlocked folio");
        }
    }

    /** Whether a CPU other than c holds c's folio for anything but dropping a reference. */
    static boolean othersUse(Cpu c, List<Cpu> cpus) {
        for (Cpu d : cpus) if (d != c && d.held() == c.held() && d.pc() != Pc.PUT) return true;
        return false;
    }

    /** Sums {@code own} over m's subtree into {@code out} (for every memcg below m too); returns m's sum. */
    static long subtree(MemCgroup m, long[] own, long[] out) {
        long sum = own[m.id()];
        for (MemCgroup ch : m.children()) sum += subtree(ch, own, out);
        out[m.id()] = sum;
        return sum;
    }
}
