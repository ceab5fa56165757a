package memcgspec.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memcgspec.impl.Mm;
import memcgspec.trace.V;

/**
 * The spec's names of the machine's parts, in the order of their Java ids: CPUs c1, c2, ... are
 * cpu 0, 1, ...; pages p1, ... folio 0, ...; indexes i1, ... page-cache index 0, ...; slots s1, ...
 * slot 0, .... Memcgs are numbers on both sides. A conformance run takes the names from the
 * model's CONSTANTs (sorted, as neutral sets are); a property run makes them from the machine's
 * shape ({@link #of(Mm.Config)}), so that one action table serves both.
 */
public final class Names {
    private final List<V.Model> cpus, pages, indexes, slots, kpages;
    private final V.Model noMemcg, noPage, noIndex, noSlot, noObjcg;
    /** Name -> Java id, per kind: every step resolves its parameters through them. */
    private final Map<Object, Integer> cpuIds, pageIds, indexIds, slotIds, kpageIds;
    /** Made by {@link #of(Mm.Config)}: the name of id i of each kind is its prefix and i + 1. */
    private final boolean generated;
    /** The names {@link #of(Mm.Config)} made, by shape: immutable, so one per shape serves every machine of it. */
    private static final java.util.concurrent.ConcurrentHashMap<Mm.Config, Names> GENERATED = new java.util.concurrent.ConcurrentHashMap<>();

    public Names(List<V.Model> cpus, List<V.Model> pages, List<V.Model> indexes, List<V.Model> slots,
                 List<V.Model> kpages, V.Model noMemcg, V.Model noPage, V.Model noIndex, V.Model noSlot, V.Model noObjcg) {
        this(cpus, pages, indexes, slots, kpages, noMemcg, noPage, noIndex, noSlot, noObjcg, false);
    }

    private Names(List<V.Model> cpus, List<V.Model> pages, List<V.Model> indexes, List<V.Model> slots,
                  List<V.Model> kpages, V.Model noMemcg, V.Model noPage, V.Model noIndex, V.Model noSlot, V.Model noObjcg,
                  boolean generated) {
        this.generated = generated;
        this.cpus = List.copyOf(cpus);
        this.pages = List.copyOf(pages);
        this.indexes = List.copyOf(indexes);
        this.slots = List.copyOf(slots);
        this.kpages = List.copyOf(kpages);
        this.noMemcg = noMemcg;
        this.noPage = noPage;
        this.noIndex = noIndex;
        this.noSlot = noSlot;
        this.noObjcg = noObjcg;
        cpuIds = ids(this.cpus);
        pageIds = ids(this.pages);
        indexIds = ids(this.indexes);
        slotIds = ids(this.slots);
        kpageIds = ids(this.kpages);
    }

    private static Map<Object, Integer> ids(List<V.Model> names) {
        Map<Object, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), i);
        return m;
    }

    public List<V.Model> cpus() {
        return cpus;
    }

    public List<V.Model> pages() {
        return pages;
    }

    public List<V.Model> indexes() {
        return indexes;
    }

    public List<V.Model> slots() {
        return slots;
    }

    /** The kmem page frames (Kmem.tla's KPages): k1, ... are kmem page 0, .... */
    public List<V.Model> kpages() {
        return kpages;
    }

    public V.Model noObjcg() {
        return noObjcg;
    }

    public V.Model noMemcg() {
        return noMemcg;
    }

    public V.Model noPage() {
        return noPage;
    }

    public V.Model noIndex() {
        return noIndex;
    }

    public V.Model noSlot() {
        return noSlot;
    }

    /** The names of a model, from its CONSTANTs (CPUs, Pages; Indexes, Slots and KPages if any; the No* values). */
    public static Names fromConstants(Map<String, Object> k) {
        return new Names(models(k.get("CPUs")), models(k.get("Pages")),
                k.containsKey("Indexes") ? models(k.get("Indexes")) : List.of(),
                k.containsKey("Slots") ? models(k.get("Slots")) : List.of(),
                k.containsKey("KPages") ? models(k.get("KPages")) : List.of(),
                (V.Model) k.get("NoMemcg"), (V.Model) k.get("NoPage"),
                k.containsKey("NoIndex") ? (V.Model) k.get("NoIndex") : V.model("NoIndex"),
                k.containsKey("NoSlot") ? (V.Model) k.get("NoSlot") : V.model("NoSlot"),
                k.containsKey("NoObjcg") ? (V.Model) k.get("NoObjcg") : V.model("NoObjcg"));
    }

    /**
     * Generated names for a machine of the given shape: c1.., p1.., i1.., s1.., k1...; made once
     * per shape (the names depend on nothing else, and a Names is immutable).
     */
    public static Names of(Mm.Config c) {
        return GENERATED.computeIfAbsent(c, k -> new Names(gen("c", k.cpus()), gen("p", k.folios()), gen("i", k.indexes()),
                gen("s", k.swapSlots()), gen("k", k.kmemPages()), V.model("NoMemcg"), V.model("NoPage"), V.model("NoIndex"),
                V.model("NoSlot"), V.model("NoObjcg"), true));
    }

    /** Whether these are {@link #of(Mm.Config)}'s names: id i of each kind named by its prefix and i + 1. */
    public boolean generated() {
        return generated;
    }

    private static List<V.Model> gen(String prefix, int n) {
        List<V.Model> l = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) l.add(V.model(prefix + i));
        return List.copyOf(l);
    }

    @SuppressWarnings("unchecked")
    private static List<V.Model> models(Object set) {
        List<V.Model> l = new ArrayList<>();
        for (Object o : (Set<Object>) set) l.add((V.Model) o);
        return List.copyOf(l); // already sorted: neutral sets are sorted
    }

    public int cpu(Object name) {
        return id(cpuIds, name, "CPU");
    }

    public int page(Object name) {
        return id(pageIds, name, "page");
    }

    public int index(Object name) {
        return id(indexIds, name, "index");
    }

    public int slot(Object name) {
        return id(slotIds, name, "slot");
    }

    public int kpage(Object name) {
        return id(kpageIds, name, "kmem page");
    }

    private static int id(Map<Object, Integer> ids, Object name, String what) {
        Integer i = ids.get(name);
        if (i == null) throw new IllegalArgumentException("unknown " + what + " " + V.show(name));
        return i;
    }
}
