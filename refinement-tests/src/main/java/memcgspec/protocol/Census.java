package memcgspec.protocol;

import java.util.Arrays;
import java.util.function.Function;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;

/**
 * A census of the machine, taken once per evaluation: its folios, CPUs and memcgs as arrays, and
 * the tallies that several invariants need (pages owned per memcg, holders per folio, ...), each
 * computed on first use by the protocol that defines it. The invariants and the snapshots of the
 * property engine read it. Take it only while no step is running.
 */
public final class Census {
    private final Machine machine;
    /** The tallies computed so far, by class: a handful, so scanned arrays. */
    private Class<?>[] types = new Class<?>[0];
    private Object[] tallies = new Object[0];
    private final Folio[] folios;
    private final Cpu[] cpus;
    private final MemCgroup[] memcgs;
    /**
     * Each folio's fields (by folio id), read once: a folio keeps each field in an atomic of its
     * own, and the invariants read most of them several times.
     */
    public final int[] refcount, mapcount;
    public final MemCgroup[] owner;
    public final boolean[] locked, free, anon;
    /** Each memcg's statistics (by memcg id, then {@link MemCgroup.Stat} ordinal), read once. */
    public final long[][] stat;

    public Census(Machine machine) {
        this.machine = machine;
        // Arrays, not the machine's lists: invariants run after every step, and iterators cost.
        Mm mm = machine.mm();
        Mm.Config shape = mm.config();
        int n = shape.folios();
        folios = new Folio[n];
        cpus = new Cpu[shape.cpus()];
        memcgs = new MemCgroup[shape.nMemcg() + 1];
        for (int i = 0; i < cpus.length; i++) cpus[i] = mm.cpu(i);
        for (int i = 0; i < memcgs.length; i++) memcgs[i] = mm.memcg(i);
        refcount = new int[n];
        mapcount = new int[n];
        owner = new MemCgroup[n];
        locked = new boolean[n];
        free = new boolean[n];
        anon = new boolean[n];
        for (int i = 0; i < n; i++) {
            Folio f = folios[i] = mm.folio(i);
            refcount[i] = f.refcount();
            mapcount[i] = f.mapcount();
            owner[i] = f.memcg();
            locked[i] = f.locked();
            free[i] = f.isFree();
            anon[i] = f.anon();
        }
        MemCgroup.Stat[] items = MemCgroup.Stat.values();
        stat = new long[memcgs.length][items.length];
        for (int m = 0; m < memcgs.length; m++) {
            for (MemCgroup.Stat item : items) stat[m][item.ordinal()] = memcgs[m].stat(item);
        }
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
