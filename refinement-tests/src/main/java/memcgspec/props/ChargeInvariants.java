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
            "Conservation", "Hierarchy", "OwnedPagesLive", "CommittedIsOwned", "NoUnderflow",
            "WithinLimit", "RefcountBalance", "ChargeUnderExclusion", "NoLeakAtQuiescence", "FreeMeansUnreferenced");

    /** Every violated invariant, as "Name: what is wrong"; empty when all hold. */
    public static List<String> check(Mm mm) {
        List<String> v = new ArrayList<>();
        for (MemCgroup m : mm.memcgs()) {
            long usage = m.memory().usage();
            long accounted = 0;
            for (Folio f : mm.folios()) if (f.memcg() != null && m.isAncestorOf(f.memcg())) accounted++;
            for (Cpu c : mm.cpus()) if (c.pc().pending() && m.isAncestorOf(c.chargeTo())) accounted++;
            if (usage != accounted) {
                v.add("Conservation: " + m + " usage " + usage + " but " + accounted + " pages owned or pending in its subtree");
            }
            long own = usage;
            for (MemCgroup ch : m.children()) own -= ch.memory().usage();
            long expectOwn = 0;
            if (!m.isRoot()) {
                for (Folio f : mm.folios()) if (f.memcg() == m) expectOwn++;
                for (Cpu c : mm.cpus()) if (c.pc().pending() && c.chargeTo() == m) expectOwn++;
            }
            if (own != expectOwn) {
                v.add("Hierarchy: " + m + " own usage " + own + " (usage minus children) but " + expectOwn + " owned or pending");
            }
            if (usage < 0 || m.memory().underflows() > 0) {
                v.add("NoUnderflow: " + m + " usage " + usage + ", underflows " + m.memory().underflows());
            }
            if (usage > m.memory().max()) {
                v.add("WithinLimit: " + m + " usage " + usage + " > max " + m.memory().max());
            }
        }
        for (Folio f : mm.folios()) {
            if (f.memcg() != null && f.refcount() == 0) v.add("OwnedPagesLive: free " + f + " still owned");
            int holders = 0;
            for (Cpu c : mm.cpus()) if (c.held() == f) holders++;
            int expected = f.mapcount() + (mm.cache().contains(f) ? 1 : 0) + holders;
            if (f.refcount() != expected) {
                v.add("RefcountBalance: " + f + " refcount " + f.refcount() + " but " + expected + " references accounted");
            }
            if (f.isFree() != (f.refcount() == 0)) v.add("FreeMeansUnreferenced: " + f + " free=" + f.isFree());
        }
        boolean quiescent = true;
        for (Cpu c : mm.cpus()) {
            Pc pc = c.pc();
            Folio p = c.held();
            if (pc != Pc.IDLE) quiescent = false;
            if ((pc == Pc.ANON_COMMITTED || pc == Pc.CACHE_COMMITTED || pc == Pc.CACHE_ADDED) && p.memcg() == null) {
                v.add("CommittedIsOwned: " + c + " committed but its folio has no owner");
            }
            boolean charging = pc == Pc.ANON_ALLOC || pc == Pc.ANON_CHARGED || pc == Pc.ANON_COMMITTED
                    || pc == Pc.CACHE_ALLOC || pc == Pc.CACHE_CHARGED || pc == Pc.CACHE_COMMITTED;
            if (charging) {
                boolean others = false;
                for (Cpu d : mm.cpus()) if (d != c && d.held() == p && d.pc() != Pc.PUT) others = true;
                if (p.mapcount() != 0 || mm.cache().contains(p) || others) {
                    v.add("ChargeUnderExclusion: " + c + " charges a folio others can reach");
                }
                boolean cachePath = pc == Pc.CACHE_ALLOC || pc == Pc.CACHE_CHARGED || pc == Pc.CACHE_COMMITTED;
                if (cachePath && !p.locked()) v.add("ChargeUnderExclusion: " + c + " inserts an unlocked folio");
            }
        }
        for (Folio f : mm.folios()) if (f.refcount() != 0) quiescent = false;
        if (quiescent) {
            for (MemCgroup m : mm.memcgs()) {
                if (m.memory().usage() != 0) v.add("NoLeakAtQuiescence: " + m + " usage " + m.memory().usage() + " with every folio free");
            }
            for (Folio f : mm.folios()) if (f.memcg() != null) v.add("NoLeakAtQuiescence: " + f + " owned while free");
        }
        return v;
    }
}
