package memcgspec.impl.uncharge;

import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.StepRefused;

/**
 * The batched uncharge's whole paths, for threads: a folio allocated and charged into this CPU's
 * folio_batch (alloc, then charge_memcg for a task of a memcg), and the release of the batch as
 * folios_put_refs does it (every reference dropped, then mem_cgroup_uncharge_folios: uncharge_folio
 * per folio, uncharge_batch at each memcg switch and at the end; then free_unref_folios), each the
 * sequence of {@link UnchargeBatchSteps} it is made of. Other CPUs, and offline and free of memcgs
 * ({@link memcgspec.impl.Mm#Offline}, {@link memcgspec.impl.Mm#Free}), run concurrently.
 */
public final class UnchargeBatchPaths {
    private UnchargeBatchPaths() {}

    /** What adding a folio to the batch did, for counts. */
    public enum Added { CHARGED, UNCHARGED, NO_PAGE, FULL }

    /**
     * A free folio allocated into this CPU's batch (AllocFolio) and charged to memcg m
     * (ChargeFolio); the folio stays in the batch uncharged when m is no longer online (a racing
     * offline) or has no room. The CPU must be idle (filling its batch).
     */
    public static Added addFolio(Cpu cpu, MemCgroup m, int hint) {
        UnchargeBatchSteps s = UnchargeBatchSteps.of(cpu);
        if (s.held().size() >= UnchargeBatchSteps.FOLIO_BATCH_SIZE) return Added.FULL;
        Folio f;
        for (;;) {
            f = cpu.mm().findFree(hint);
            if (f == null) return Added.NO_PAGE;
            try {
                s.AllocFolio(f);
                break;
            } catch (StepRefused taken) {
                // another CPU allocated it first: look again
            }
        }
        try {
            s.ChargeFolio(m);
            return Added.CHARGED;
        } catch (StepRefused offlineOrFull) {
            return Added.UNCHARGED;
        }
    }

    /**
     * folios_put_refs on this CPU's batch: FoliosPutRefs for every folio, then
     * mem_cgroup_uncharge_folios (UnchargeFolio per folio, UnchargeBatch when the next folio's
     * memcg differs from the gather's and after the last), then FreeUnrefFolios. Nothing to do
     * for an empty batch. The CPU ends idle.
     *
     * @return the uncharge_batch calls made (the flushes)
     */
    public static int foliosPutRefs(Cpu cpu) {
        UnchargeBatchSteps s = UnchargeBatchSteps.of(cpu);
        if (s.held().isEmpty()) return 0;
        while (!s.held().isEmpty()) s.FoliosPutRefs();
        int flushes = 0;
        while (!s.dead().isEmpty()) {
            if (s.gather().switchesAt(s.dead().get(0))) {
                s.UnchargeBatch();
                flushes++;
            }
            s.UnchargeFolio();
        }
        if (s.gather().memcg() != null) {
            s.UnchargeBatch();
            flushes++;
        }
        s.FreeUnrefFolios();
        return flushes;
    }
}
