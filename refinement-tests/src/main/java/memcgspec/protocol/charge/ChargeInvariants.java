package memcgspec.protocol.charge;

import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.charge.ChargePc;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.Census;

/**
 * The invariants of spec/Charge.tla, evaluated on the Java machine under the same names, in the
 * order of Charge.cfg (its properties, then its lemmas; TypeOK holds by the Java types), plus
 * FreeMeansUnreferenced (Java only: the allocator's free lists agree with the refcount). Swap.tla
 * reuses most of them (C!Conservation, ...), and so does the swap protocol's part: {@link #ALL} is
 * what protocols built on Charge take, replacing by name those their spec redefines (StatsMatch,
 * when a statistic such as swapcached is added).
 */
public final class ChargeInvariants {
    private ChargeInvariants() {}

    /** Every statistic item ({@code values()} copies its array on every call). */
    private static final MemCgroup.Stat[] STAT_ITEMS = MemCgroup.Stat.values();

    /** The tallies several charge invariants need, computed once per evaluation. */
    public static final class Tally {
        /** Pages owned and charges pending per memcg (by id), and summed over each subtree. */
        public final long[] own, subtree;
        /** By folio id: in the page cache; the number of CPUs holding it. */
        public final boolean[] inCache;
        public final int[] holders;
        /** The folios in the page cache (by id, each once, in the order of their first index): {@code inCache}'s true entries. */
        public final int[] cached;
        /** The folios the CPUs hold (by id, a CPU's each): {@code holders}' nonzero entries, repeated as counted. */
        private final int[] held;
        private int nHeld;
        /** The page cache's copy ({@link memcgspec.impl.PageCache#entries}) this tally read. */
        private final Folio[] entries;

        Tally(Census c) {
            Mm mm = c.machine().mm();
            // The folios owned per memcg: the census' row sum.
            own = c.ownedFolios.clone();
            for (Cpu cpu : c.cpus()) if (cpu.pc().pending() && cpu.chargeTo() != null) own[cpu.chargeTo().id()]++;
            subtree = subtree(mm, own);
            // The frame-indexed arrays of the census' previous tally, its entries reset, or new ones.
            Tally old = c.previous(TALLY);
            entries = mm.cache().entries(); // one taking of xa_lock
            if (old != null && old.entries == entries) {
                // The page cache made no new copy since the previous tally (no index was written:
                // PageCache counts every store), so the folios in it are that tally's: the same
                // arrays (inCache read only), the same entries.
                inCache = old.inCache;
                cached = old.cached;
            } else {
                if (old == null) {
                    inCache = new boolean[c.folios().length];
                } else {
                    inCache = old.inCache;
                    for (int id : old.cached) inCache[id] = false;
                }
                int[] ids = new int[entries.length];
                int n = 0;
                for (Folio f : entries) {
                    if (f != null && !inCache[f.id()]) {
                        inCache[f.id()] = true;
                        ids[n++] = f.id();
                    }
                }
                cached = java.util.Arrays.copyOf(ids, n);
            }
            if (old == null) {
                holders = new int[c.folios().length];
            } else {
                holders = old.holders;
                for (int k = 0; k < old.nHeld; k++) holders[old.held[k]] = 0;
            }
            held = new int[c.cpus().length];
            for (Cpu cpu : c.cpus()) {
                if (cpu.held() != null) {
                    holders[cpu.held().id()]++;
                    held[nHeld++] = cpu.held().id();
                }
            }
        }
    }

    public static Tally tally(Census c) {
        return c.get(TALLY);
    }

    private static final Census.Key<Tally> TALLY = Census.key(Tally::new);

    /** {@code own} summed over each memcg's subtree (by memcg id). */
    public static long[] subtree(Mm mm, long[] own) {
        // The machine numbers a memcg after its parent (Mm's constructor; parents are final): the
        // ids downwards, each memcg's sum is complete before it is added to its parent's.
        long[] out = own.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int p = mm.parentId(i);
            if (p < 0 || p >= i) return subtreeByRecursion(mm, own);
            out[p] += out[i];
        }
        return out;
    }

    /**
     * {@code values} summed over each memcg's children (by memcg id): for each memcg, the sum of
     * {@code values} at its direct children (a memcg's children are the memcgs whose parent it is).
     */
    public static long[] children(Mm mm, long[] values) {
        long[] out = new long[values.length];
        for (int i = 1; i < values.length; i++) out[mm.parentId(i)] += values[i];
        return out;
    }

    private static long[] subtreeByRecursion(Mm mm, long[] own) {
        long[] out = new long[own.length];
        sum(mm.root(), own, out);
        return out;
    }

    private static long sum(MemCgroup m, long[] own, long[] out) {
        long s = own[m.id()];
        for (MemCgroup ch : m.children()) s += sum(ch, own, out);
        out[m.id()] = s;
        return s;
    }

    /** Each memcg's memory usage (by memcg id). */
    public static long[] usages(Census c) {
        MemCgroup[] ms = c.memcgs();
        long[] u = new long[ms.length];
        for (int i = 0; i < ms.length; i++) u[i] = ms[i].memory().usage();
        return u;
    }

    private static Mm mm(Census c) {
        return c.machine().mm();
    }

    /** Conservation: every memcg's usage is what its subtree owns or has pending. */
    static void conservation(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (MemCgroup m : c.memcgs()) {
            long usage = m.memory().usage(), accounted = t.subtree[m.id()];
            if (usage != accounted) v.accept(m + " usage " + usage + " but " + accounted + " pages owned or pending in its subtree");
        }
    }

    /**
     * Each memcg's children's memory usage summed (by memcg id): {@code children(mm, usages(c))},
     * taken from the previous census' when no memcg was written since (the usages are the memcgs'
     * counters; the parents are final). Read only.
     */
    public static long[] childUsage(Census c) {
        return c.get(CHILD_USAGE);
    }

    private static final Census.Key<long[]> CHILD_USAGE = Census.key(c -> {
        long[] old = c.previous(ChargeInvariants.CHILD_USAGE);
        return old != null && !c.refreshedMemcgs() ? old : children(c.machine().mm(), usages(c));
    });

    /** Hierarchy: a memcg's usage less its children's is what it owns itself (nothing, for the root). */
    static void hierarchy(Census c, Consumer<String> v) {
        Tally t = tally(c);
        long[] childUsage = childUsage(c);
        for (MemCgroup m : c.memcgs()) {
            long ownUsage = m.memory().usage() - childUsage[m.id()];
            long expectOwn = m.isRoot() ? 0 : t.own[m.id()];
            if (ownUsage != expectOwn) v.accept(m + " own usage " + ownUsage + " (usage minus children) but " + expectOwn + " owned or pending");
        }
    }

    /** InUseIsCharged: a mapped folio, or an unlocked one in the page cache, has an owner. */
    static void inUseIsCharged(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int i : c.checked()) {
            Folio f = c.folios()[i];
            boolean inUse = c.mapcount[i] > 0 || (t.inCache[i] && !c.locked[i]);
            if (inUse && c.owner[i] == null) {
                v.accept(f + " is " + (c.mapcount[i] > 0 ? "mapped" : "in the page cache, unlocked,") + " but charged to nobody");
            }
        }
    }

    /**
     * Charge.tla's StatOf for its items (anon, file, file_mapped), by memcg id and
     * {@link MemCgroup.Stat} ordinal: the owned anonymous folios, the owned file folios, the owned
     * mapped file folios.
     */
    public static long[][] expectedStats(Census c) {
        long[][] e = new long[c.memcgs().length][];
        for (int m = 0; m < e.length; m++) {
            e[m] = new long[STAT_ITEMS.length];
            for (MemCgroup.Stat item : STAT_ITEMS) e[m][item.ordinal()] = expectedStat(c, m, item);
        }
        return e;
    }

    /**
     * Charge.tla's StatOf(m, item) for memcg id {@code m}: {@link #expectedStats}' entry, without
     * the table (StatsMatch runs after every step).
     */
    public static long expectedStat(Census c, int m, MemCgroup.Stat item) {
        // The census' row sums: per owner, its anonymous, file and mapped file folios.
        return switch (item) {
            case ANON -> c.ownedAnon[m];
            case FILE -> c.ownedFile[m];
            case FILE_MAPPED -> c.ownedFileMapped[m];
            default -> 0;
        };
    }

    /** ChargePart.STATS as an array (in a holder: made on first use, after the registry's classes are initialised). */
    private static final class Stats {
        static final MemCgroup.Stat[] CHARGE = ChargePart.STATS.toArray(new MemCgroup.Stat[0]);
    }

    /** StatsMatch: each memcg's anon, file and file_mapped count exactly the folios attributed to it. */
    static void statsMatch(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            for (MemCgroup.Stat item : Stats.CHARGE) {
                long got = c.stat[m.id()][item.ordinal()], want = expectedStat(c, m.id(), item);
                if (got != want) v.accept(m + " " + item.spec() + " " + got + " but " + want + " folios attributed to it");
            }
        }
    }

    /** StatsNonNegative: no statistic below zero. */
    static void statsNonNegative(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            for (MemCgroup.Stat item : STAT_ITEMS) {
                long got = c.stat[m.id()][item.ordinal()];
                if (got < 0) v.accept(m + " " + item.spec() + " " + got);
            }
        }
    }

    static void ownedPagesLive(Census c, Consumer<String> v) {
        for (int i : c.checked()) if (c.owner[i] != null && c.refcount[i] == 0) v.accept("free " + c.folios()[i] + " still owned");
    }

    static void pendingPageUnowned(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            if (cpu.pc().pending() && cpu.held().memcg() != null) v.accept(cpu + " has a pending charge for a folio that is already owned");
        }
    }

    static void committedIsOwned(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            if ((cpu.pc() == ChargePc.ANON_COMMITTED || cpu.pc() == ChargePc.CACHE_COMMITTED) && cpu.held().memcg() == null) {
                v.accept(cpu + " committed but its folio has no owner");
            }
        }
    }

    static void noUnderflow(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            if (m.memory().usage() < 0 || m.memory().underflows() > 0) {
                v.accept(m + " usage " + m.memory().usage() + ", underflows " + m.memory().underflows());
            }
        }
    }

    /** WithinLimit: usage <= max below the root (the root has no max). */
    static void withinLimit(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            if (m.isRoot()) continue;
            if (m.memory().usage() > m.memory().max()) v.accept(m + " usage " + m.memory().usage() + " > max " + m.memory().max());
        }
    }

    static void refcountBalance(Census c, Consumer<String> v) {
        Tally t = tally(c);
        for (int i : c.checked()) {
            Folio f = c.folios()[i];
            int expected = c.mapcount[f.id()] + (t.inCache[f.id()] ? 1 : 0) + t.holders[f.id()];
            if (c.refcount[f.id()] != expected) v.accept(f + " refcount " + f.refcount() + " but " + expected + " references accounted");
        }
    }

    /**
     * ChargeUnderExclusion: a folio being charged is private to its CPU; an insertion's folio is locked, and in
     * the cache from its insertion until its unlock (a truncation does not take a locked folio out).
     */
    static void chargeUnderExclusion(Census c, Consumer<String> v) {
        chargeUnderExclusion(c, v, pc -> pc == Pc.PUT);
    }

    /**
     * ChargeUnderExclusion, where another CPU may hold the folio being charged in a program counter
     * {@code harmless} accepts (Charge.tla: only to drop its reference, {@code put}; Migrate.tla adds
     * a migration's isolation reference).
     */
    public static void chargeUnderExclusion(Census c, Consumer<String> v, java.util.function.Predicate<Pc> harmless) {
        Tally t = tally(c);
        Cpu[] cpus = c.cpus();
        for (Cpu cpu : cpus) {
            if (!(cpu.pc() instanceof ChargePc pc)) continue;
            Folio p = cpu.held();
            // a charge retrying through the stock (Stock.tla) is where it started, as Stock.tla's mapping reads it
            boolean anonPath = pc.chargeStart() == ChargePc.ANON_ALLOC || pc == ChargePc.ANON_CHARGED || pc == ChargePc.ANON_COMMITTED;
            boolean cacheOutside = pc.chargeStart() == ChargePc.CACHE_ALLOC || pc == ChargePc.CACHE_CHARGED || pc == ChargePc.CACHE_EEXIST;
            if (p.mapcount() != 0 || othersUse(cpu, cpus, harmless)) v.accept(cpu + " charges a folio others can map or use");
            if ((anonPath || cacheOutside) && t.inCache[p.id()]) v.accept(cpu + " charges a folio that is in the cache too early");
            if (!anonPath && !p.locked()) v.accept(cpu + " inserts an unlocked folio");
            boolean cacheInside = pc == ChargePc.CACHE_INSERTED || pc == ChargePc.CACHE_COMMITTED;
            if (cacheInside && !t.inCache[p.id()]) v.accept(cpu + " charges a folio taken out of the cache before its unlock");
        }
    }

    /** Whether a CPU other than c holds c's folio for anything but dropping a reference. */
    public static boolean othersUse(Cpu c, Cpu[] cpus) {
        return othersUse(c, cpus, pc -> pc == Pc.PUT);
    }

    /** Whether a CPU other than c holds c's folio in a program counter {@code harmless} does not accept. */
    public static boolean othersUse(Cpu c, Cpu[] cpus, java.util.function.Predicate<Pc> harmless) {
        for (Cpu d : cpus) if (d != c && d.held() == c.held() && !harmless.test(d.pc())) return true;
        return false;
    }

    /** Charge.tla's Quiescent: every CPU idle, every folio free. */
    public static boolean quiescent(Census c) {
        for (Cpu cpu : c.cpus()) if (cpu.pc() != Pc.IDLE) return false;
        return c.referencedFolios() == 0;
    }

    static void noLeakAtQuiescence(Census c, Consumer<String> v) {
        if (!quiescent(c)) return;
        for (MemCgroup m : c.memcgs()) {
            if (m.memory().usage() != 0) v.accept(m + " usage " + m.memory().usage() + " with every folio free");
        }
        for (Folio f : c.folios()) if (c.owner[f.id()] != null) v.accept(f + " owned while free");
    }

    static void freeMeansUnreferenced(Census c, Consumer<String> v) {
        for (int i : c.checked()) if (c.free[i] != (c.refcount[i] == 0)) v.accept(c.folios()[i] + " free=" + c.folios()[i].isFree());
    }

    /** Every invariant, in the order of Charge.cfg (properties, then lemmas), then the Java-only one. */
    public static final List<Invariant> ALL = List.of(
            Invariant.of("Conservation", ChargeInvariants::conservation),
            Invariant.of("InUseIsCharged", ChargeInvariants::inUseIsCharged),
            Invariant.of("OwnedPagesLive", ChargeInvariants::ownedPagesLive),
            Invariant.of("PendingPageUnowned", ChargeInvariants::pendingPageUnowned),
            Invariant.of("StatsMatch", ChargeInvariants::statsMatch),
            Invariant.of("WithinLimit", ChargeInvariants::withinLimit).readingMemcgsOnly(),
            Invariant.of("RefcountBalance", ChargeInvariants::refcountBalance),
            Invariant.of("ChargeUnderExclusion", ChargeInvariants::chargeUnderExclusion),
            Invariant.of("Hierarchy", ChargeInvariants::hierarchy),
            Invariant.of("NoUnderflow", ChargeInvariants::noUnderflow).readingMemcgsOnly(),
            Invariant.of("StatsNonNegative", ChargeInvariants::statsNonNegative).readingMemcgsOnly(),
            Invariant.of("CommittedIsOwned", ChargeInvariants::committedIsOwned),
            Invariant.of("NoLeakAtQuiescence", ChargeInvariants::noLeakAtQuiescence),
            Invariant.javaOnly("FreeMeansUnreferenced", ChargeInvariants::freeMeansUnreferenced));
}
