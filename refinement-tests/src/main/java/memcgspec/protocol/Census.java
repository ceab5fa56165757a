package memcgspec.protocol;

import java.util.Arrays;
import java.util.function.Function;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.IdSet;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.Touches;

/**
 * A census of the machine: its folios, CPUs and memcgs as arrays, each folio's and kmem page's
 * fields read into arrays, and the tallies that several invariants need (pages owned per memcg,
 * holders per folio, ...), each computed on first use by the protocol that defines it. The
 * invariants and the snapshots of the property engine read it. Take it only while no step is
 * running.
 *
 * <p>A census is taken whole ({@link #Census(Machine)}), or kept across the steps of a property run
 * and {@linkplain #refresh refreshed}: then only the rows of the folios and kmem pages a step
 * wrote (the machine's {@link memcgspec.impl.Touches}) are read again, and the per-folio checks
 * visit {@link #checked()} (those rows and the frames the parts' non-frame state refers to, before
 * and after the step) instead of every folio. A whole census checks every folio.
 */
public final class Census {
    private final Machine machine;
    /**
     * The tallies computed since the last refresh, by {@link Key} index (null: not yet), and those
     * computed before it ({@link #previous}).
     */
    private Object[] tallies = new Object[8], prevTallies = new Object[8];
    private final Folio[] folios;
    private final Cpu[] cpus;
    private final MemCgroup[] memcgs;
    private final KmemPage[] kpages;
    /**
     * Each folio's fields (by folio id), read once: a folio keeps each field in an atomic of its
     * own, and the invariants read most of them several times.
     */
    public final int[] refcount, mapcount, migrationEntries;
    public final MemCgroup[] owner;
    public final boolean[] locked, free, anon, isolated;
    /** Each kmem page's fields (by kmem page id). */
    public final boolean[] kallocated, kfreeing;
    public final ObjCgroup[] kobjcg;
    public final MemCgroup[] kchargedAt;
    /** Each memcg's statistics (by memcg id, then {@link MemCgroup.Stat} ordinal), read once. */
    public final long[][] stat;
    /** The folios and kmem pages (by id, ascending) the per-frame checks visit. */
    private int[] checked, kchecked;
    /** Scratch for {@link #union}, made by the first refresh. */
    private IdSet union;
    /**
     * Sums over the folio rows, kept as the rows are read (a row's old values are taken out and its
     * new ones put in): by owner memcg id, the folios it owns, and of those the anonymous ones, the
     * file ones and the mapped file ones (Charge.tla's StatOf); the folios with a nonzero refcount.
     * Every one is a function of the rows alone (a folio's owner is its own field), so it is
     * exact as long as the rows are. Read only.
     */
    public final long[] ownedFolios, ownedAnon, ownedFile, ownedFileMapped;
    private int referencedFolios;
    /**
     * Sums over the kmem page rows, kept likewise: by objcg id, the pages naming it; by objcg id and
     * (the id of the memcg the page was charged at) + 1 (0: none), the pages naming it; the
     * allocated pages. Keyed by objcg, not by memcg: reparenting repoints an objcg to another memcg
     * without writing its pages, so a tally by memcg is derived from these and each objcg's memcg
     * at the time of the check. Read only.
     */
    public final long[] kpagesOf;
    public final long[][] kpagesAt;
    private int kallocatedPages;
    /** Whether the last refresh read a kmem page or a memcg that was written; a memcg (true for a whole census). */
    private boolean refreshedKpagesOrMemcgs = true, refreshedMemcgs = true;

    public Census(Machine machine) {
        this.machine = machine;
        // Arrays, not the machine's lists: invariants run after every step, and iterators cost.
        Mm mm = machine.mm();
        Mm.Config shape = mm.config();
        int n = shape.folios(), nk = shape.kmemPages();
        folios = new Folio[n];
        cpus = new Cpu[shape.cpus()];
        memcgs = new MemCgroup[shape.nMemcg() + 1];
        kpages = new KmemPage[nk];
        for (int i = 0; i < cpus.length; i++) cpus[i] = mm.cpu(i);
        for (int i = 0; i < memcgs.length; i++) memcgs[i] = mm.memcg(i);
        refcount = new int[n];
        mapcount = new int[n];
        migrationEntries = new int[n];
        owner = new MemCgroup[n];
        locked = new boolean[n];
        free = new boolean[n];
        anon = new boolean[n];
        isolated = new boolean[n];
        checked = new int[n];
        ownedFolios = new long[memcgs.length];
        ownedAnon = new long[memcgs.length];
        ownedFile = new long[memcgs.length];
        ownedFileMapped = new long[memcgs.length];
        for (int i = 0; i < n; i++) {
            folios[i] = mm.folio(i);
            readFolio(i);
            addFolio(i, 1);
            checked[i] = i;
        }
        kallocated = new boolean[nk];
        kfreeing = new boolean[nk];
        kobjcg = new ObjCgroup[nk];
        kchargedAt = new MemCgroup[nk];
        kchecked = new int[nk];
        kpagesOf = new long[memcgs.length];
        kpagesAt = new long[memcgs.length][];
        for (int m = 0; m < memcgs.length; m++) kpagesAt[m] = new long[memcgs.length + 1];
        for (int i = 0; i < nk; i++) {
            kpages[i] = mm.kpage(i);
            readKpage(i);
            addKpage(i, 1);
            kchecked[i] = i;
        }
        stat = new long[memcgs.length][];
        for (int m = 0; m < memcgs.length; m++) {
            stat[m] = new long[STAT_ITEMS.length];
            readStats(m);
        }
    }

    private void readFolio(int i) {
        Folio f = folios[i];
        refcount[i] = f.refcount();
        mapcount[i] = f.mapcount();
        owner[i] = f.memcg();
        locked[i] = f.locked();
        free[i] = f.isFree();
        anon[i] = f.anon();
        isolated[i] = f.isolated();
        migrationEntries[i] = f.migrationEntries();
    }

    /** Adds folio i's row to the row sums ({@code sign} 1), or takes it out (-1). */
    private void addFolio(int i, int sign) {
        if (refcount[i] != 0) referencedFolios += sign;
        MemCgroup o = owner[i];
        if (o == null) return;
        int m = o.id();
        if (memcgs[m] != o) throw new IllegalStateException(folios[i] + " owned by a memcg of another machine: " + o);
        ownedFolios[m] += sign;
        if (anon[i]) {
            ownedAnon[m] += sign;
        } else {
            ownedFile[m] += sign;
            if (mapcount[i] > 0) ownedFileMapped[m] += sign;
        }
    }

    private boolean folioUnchanged(int i) {
        Folio f = folios[i];
        return refcount[i] == f.refcount() && mapcount[i] == f.mapcount() && owner[i] == f.memcg() && locked[i] == f.locked()
                && free[i] == f.isFree() && anon[i] == f.anon() && isolated[i] == f.isolated()
                && migrationEntries[i] == f.migrationEntries();
    }

    private void readKpage(int i) {
        KmemPage k = kpages[i];
        kallocated[i] = k.allocated();
        kfreeing[i] = k.freeing();
        kobjcg[i] = k.objcg();
        kchargedAt[i] = k.chargedAt();
    }

    /** Adds kmem page i's row to the row sums ({@code sign} 1), or takes it out (-1). */
    private void addKpage(int i, int sign) {
        if (kallocated[i]) kallocatedPages += sign;
        ObjCgroup o = kobjcg[i];
        if (o == null) return;
        if (machine.mm().objcg(o.id()) != o) throw new IllegalStateException(kpages[i] + " names an objcg of another machine: " + o);
        MemCgroup at = kchargedAt[i];
        if (at != null && memcgs[at.id()] != at) throw new IllegalStateException(kpages[i] + " charged at a memcg of another machine: " + at);
        kpagesOf[o.id()] += sign;
        kpagesAt[o.id()][at == null ? 0 : at.id() + 1] += sign;
    }

    private boolean kpageUnchanged(int i) {
        KmemPage k = kpages[i];
        return kallocated[i] == k.allocated() && kfreeing[i] == k.freeing() && kobjcg[i] == k.objcg() && kchargedAt[i] == k.chargedAt();
    }

    private static final MemCgroup.Stat[] STAT_ITEMS = MemCgroup.Stat.values();

    private void readStats(int m) {
        for (MemCgroup.Stat item : STAT_ITEMS) stat[m][item.ordinal()] = memcgs[m].stat(item);
    }

    /**
     * Brings the census up to date after steps that wrote only the frames and memcgs
     * {@code touches} logged: their rows are read again (a memcg's: its statistics), and the
     * tallies are dropped. The per-frame
     * checks then visit the frames logged and those the given sets name (the frames the parts'
     * other state refers to, before and after the steps: see {@link ProtocolPart#pinned}); the
     * sets are left as they were.
     */
    public void refresh(Touches touches, IdSet pinnedFolios, IdSet pinnedKpages) {
        for (int k = 0; k < touches.folioCount(); k++) {
            int i = touches.folio(k);
            addFolio(i, -1);
            readFolio(i);
            addFolio(i, 1);
        }
        for (int k = 0; k < touches.kpageCount(); k++) {
            int i = touches.kpage(k);
            addKpage(i, -1);
            readKpage(i);
            addKpage(i, 1);
        }
        if (union == null) union = new IdSet(Math.max(folios.length, kpages.length));
        checked = union(touches.folioCount(), touches::folio, pinnedFolios, checked);
        kchecked = union(touches.kpageCount(), touches::kpage, pinnedKpages, kchecked);
        refreshedMemcgs = touches.memcgCount() > 0;
        refreshedKpagesOrMemcgs = touches.kpageCount() > 0 || refreshedMemcgs;
        // A memcg's statistics change only by its writes (logged).
        for (int k = 0; k < touches.memcgCount(); k++) readStats(touches.memcg(k));
        // This generation's tallies become the previous ones; the older ones are dropped.
        Object[] older = prevTallies;
        Arrays.fill(older, null);
        prevTallies = tallies;
        tallies = older;
    }

    /** {@link #refresh(Touches, IdSet, IdSet)} with no frame pinned (for tests of the row sums). */
    public void refresh(Touches touches) {
        refresh(touches, new IdSet(0), new IdSet(0));
    }

    /**
     * The ids logged or pinned, ascending, in {@code old}'s array when it has the same length (the
     * last union's: the census hands out its checked frames only until the next refresh). Costs
     * the ids listed, not the number of frames.
     */
    private int[] union(int n, java.util.function.IntUnaryOperator logged, IdSet pinned, int[] old) {
        for (int k = 0; k < n; k++) union.add(logged.applyAsInt(k));
        for (int k = 0; k < pinned.size(); k++) union.add(pinned.get(k));
        int count = union.size();
        int[] ids = old.length == count ? old : new int[count];
        if (count > 64) {
            for (int k = 0; k < count; k++) ids[k] = union.get(k);
            union.clear();
            Arrays.sort(ids);
            return ids;
        }
        // sorted by insertion as they are copied (a few dozen ids at most: cheaper than Arrays.sort's set-up)
        for (int k = 0; k < count; k++) {
            int id = union.get(k), j = k;
            while (j > 0 && ids[j - 1] > id) {
                ids[j] = ids[j - 1];
                j--;
            }
            ids[j] = id;
        }
        union.clear();
        return ids;
    }

    /**
     * Whether every frame {@code touches} logged still has the fields this census read: a step
     * that wrote nothing else (the rest is compared by the parts' snapshots) changed nothing.
     */
    public boolean touchedUnchanged(Touches touches) {
        for (int k = 0; k < touches.folioCount(); k++) if (!folioUnchanged(touches.folio(k))) return false;
        for (int k = 0; k < touches.kpageCount(); k++) if (!kpageUnchanged(touches.kpage(k))) return false;
        return true;
    }

    /**
     * Whether the last {@linkplain #refresh refresh} read a kmem page or a memcg that was written
     * (always true on a whole census): when false, the kmem page rows, their sums, and every
     * memcg's fields, counters and objcg are what they were at the refresh before (every write of
     * them is logged), so a tally computed from these alone may be taken from {@link #previous}.
     */
    public boolean refreshedKpagesOrMemcgs() {
        return refreshedKpagesOrMemcgs;
    }

    /**
     * Whether the last {@linkplain #refresh refresh} read a memcg that was written (always true on
     * a whole census): when false, every memcg's fields, counters and objcg are what they were at
     * the refresh before, so a tally computed from these alone may be taken from {@link #previous}.
     */
    public boolean refreshedMemcgs() {
        return refreshedMemcgs;
    }

    /** How many folios have a nonzero refcount (a row sum). */
    public int referencedFolios() {
        return referencedFolios;
    }

    /** How many kmem pages are allocated (a row sum). */
    public int allocatedKpages() {
        return kallocatedPages;
    }

    /** Every swap slot's fields, read under one taking of the swap lock on first use after each refresh. */
    public SwapDevice.Slots slots() {
        return get(SLOTS);
    }

    private static final Key<SwapDevice.Slots> SLOTS = key(c -> c.machine.mm().swap().slots());

    /** The folios (by id, ascending) the per-folio checks visit: every folio in a whole census. */
    public int[] checked() {
        return checked;
    }

    /** The kmem pages (by id, ascending) the per-page checks visit: every kmem page in a whole census. */
    public int[] kchecked() {
        return kchecked;
    }

    public KmemPage[] kpages() {
        return kpages;
    }

    public Machine machine() {
        return machine;
    }

    public Folio[] folios() {
        return folios;
    }

    public Cpu[] cpus() {
        return cpus;
    }

    public MemCgroup[] memcgs() {
        return memcgs;
    }

    /**
     * A kind of tally: how to compute it, and its index among the census' tallies (given out once
     * per key, in a static field of the class that defines the tally).
     */
    public static final class Key<T> {
        private static int keys;
        private final int index;
        private final Function<Census, T> compute;

        private Key(Function<Census, T> compute) {
            synchronized (Key.class) {
                index = keys++;
            }
            this.compute = java.util.Objects.requireNonNull(compute);
        }
    }

    /** A new kind of tally, computed by {@code compute} (never null). */
    public static <T> Key<T> key(Function<Census, T> compute) {
        return new Key<>(compute);
    }

    /** The tally of the given kind, computed on first use after each refresh. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        Object[] ts = tallies;
        if (key.index < ts.length && ts[key.index] != null) return (T) ts[key.index]; // stored by this key: a T
        T t = key.compute.apply(this);
        if (key.index >= tallies.length) {
            int n = Math.max(key.index + 1, 2 * tallies.length);
            tallies = Arrays.copyOf(tallies, n);
            prevTallies = Arrays.copyOf(prevTallies, n);
        }
        tallies[key.index] = t;
        return t;
    }

    /**
     * The tally of the given kind that this census computed before its last {@linkplain #refresh
     * refresh}, or null (always null on a whole census): a tally being computed may take over its
     * frame-indexed arrays, resetting the entries it set, instead of allocating and filling new
     * ones (nothing reads a tally of an older refresh). Call only from the tally's computation.
     */
    @SuppressWarnings("unchecked")
    public <T> T previous(Key<T> key) {
        return key.index < prevTallies.length ? (T) prevTallies[key.index] : null;
    }
}
