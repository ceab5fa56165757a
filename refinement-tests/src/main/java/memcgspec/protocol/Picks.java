package memcgspec.protocol;

import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import memcgspec.impl.Folio;
import memcgspec.impl.Mm;

/**
 * Random parameters that are likely to enable a step: a folio, a page-cache index, a swap slot or
 * a task memcg of a wanted kind, or any one when there is none of that kind (the step is then
 * refused, which exercises the refusal check too).
 */
public final class Picks {
    private Picks() {}

    /** A random folio satisfying {@code kind} (a few random tries, then a scan), or any folio. */
    public static int folio(Mm mm, Random r, Predicate<Folio> kind) {
        List<Folio> fs = mm.folios();
        int n = fs.size();
        for (int tries = 0; tries < 12; tries++) {
            Folio f = fs.get(r.nextInt(n));
            if (kind.test(f)) return f.id();
        }
        int[] ok = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) if (kind.test(fs.get(i))) ok[k++] = fs.get(i).id();
        return k == 0 ? r.nextInt(n) : ok[r.nextInt(k)];
    }

    /** A random number in [0, n) satisfying {@code kind}, or any one when none does. */
    public static int among(int n, Random r, IntPredicate kind) {
        // the candidates in an int array (no boxing): the same choice, by the same draw
        int[] ok = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) if (kind.test(i)) ok[k++] = i;
        return k == 0 ? r.nextInt(n) : ok[r.nextInt(k)];
    }

    /** A random page-cache index that is filled (or empty), or any index when there is none. */
    public static int index(Mm mm, Random r, boolean filled) {
        Folio[] entries = mm.cache().entries(); // one taking of xa_lock
        return among(entries.length, r, i -> (entries[i] != null) == filled);
    }

    /** A task memcg that is online (preferred), else any non-root memcg. */
    public static int taskMemcg(Mm mm, Random r) {
        int nm = mm.memcgs().size() - 1;
        for (int k = 0; k < 8; k++) {
            int m = 1 + r.nextInt(nm);
            if (mm.memcg(m).online()) return m;
        }
        return 1 + r.nextInt(nm);
    }
}
