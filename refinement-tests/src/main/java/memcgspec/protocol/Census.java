package memcgspec.protocol;

import java.util.Arrays;
import java.util.function.Function;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
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
    /** The tallies computed so far, by class: a handful, so scanned arrays. */
    private Class<?>[] types = new Class<?>[0];
    private Object[] tallies = new Object[0];
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
        for (int i = 0; i < n; i++) {
            folios[i] = mm.folio(i);
            readFolio(i);
            checked[i] = i;
        }
        kallocated = new boolean[nk];
        kfreeing = new boolean[nk];
        kobjcg = new ObjCgroup[nk];
        kchargedAt = new MemCgroup[nk];
        kchecked = new int[nk];
        for (int i = 0; i < nk; i++) {
            kpages[i] = mm.kpage(i);
            readKpage(i);
            kchecked[i] = i;
        }
        stat = new long[memcgs.length][MemCgroup.Stat.values().length];
        readStats();
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

    private boolean kpageUnchanged(int i) {
        KmemPage k = kpages[i];
        return kallocated[i] == k.allocated() && kfreeing[i] == k.freeing() && kobjcg[i] == k.objcg() && kchargedAt[i] == k.chargedAt();
    }

    private void readStats() {
        MemCgroup.Stat[] items = MemCgroup.Stat.values();
        for (int m = 0; m < memcgs.length; m++) {
            for (MemCgroup.Stat item : items) stat[m][item.ordinal()] = memcgs[m].stat(item);
        }
    }

    /**
     * Brings the census up to date after steps that wrote only the frames {@code touches} logged:
     * their rows are read again, the statistics too, and the tallies are dropped. The per-frame
     * checks then visit the frames logged and those the given marks name (the frames the parts'
     * other state refers to, before and after the steps: see
     * {@link ProtocolPart#pinned}); a mark array is indexed by id, and is left as it was.
     */
    public void refresh(Touches touches, boolean[] pinnedFolios, boolean[] pinnedKpages) {
        for (int k = 0; k < touches.folioCount(); k++) readFolio(touches.folio(k));
        for (int k = 0; k < touches.kpageCount(); k++) readKpage(touches.kpage(k));
        checked = union(touches.folioCount(), touches::folio, pinnedFolios);
        kchecked = union(touches.kpageCount(), touches::kpage, pinnedKpages);
        readStats();
        types = new Class<?>[0];
        tallies = new Object[0];
    }

    private static int[] union(int n, java.util.function.IntUnaryOperator logged, boolean[] marks) {
        boolean[] in = marks.clone();
        for (int k = 0; k < n; k++) in[logged.applyAsInt(k)] = true;
        int count = 0;
        for (boolean b : in) if (b) count++;
        int[] out = new int[count];
        int j = 0;
        for (int i = 0; i < in.length; i++) if (in[i]) out[j++] = i;
        return out;
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

    /** The tally of the given class, computed on first use. */
    public <T> T get(Class<T> type, Function<Census, T> compute) {
        for (int i = 0; i < types.length; i++) if (types[i] == type) return type.cast(tallies[i]);
        T t = compute.apply(this);
        types = Arrays.copyOf(types, types.length + 1);
        tallies = Arrays.copyOf(tallies, tallies.length + 1);
        types[types.length - 1] = type;
        tallies[tallies.length - 1] = t;
        return t;
    }
}
