package memcgspec.impl.uncharge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.UnchargeGather;

/**
 * The batched uncharge on one CPU (spec/UnchargeBatch.tla; mm/swap.c's folios_put_refs and
 * mm/memcontrol.c's __mem_cgroup_uncharge_folios, v6.13-v6.19): the CPU fills a folio_batch with
 * folios it holds the last reference to (AllocFolio, ChargeFolio), drops the references one folio
 * at a time (FoliosPutRefs), uncharges the dead folios into its {@link UnchargeGather}
 * (UnchargeFolio), flushing it when the memcg changes and at the end (UnchargeBatch), and gives
 * the folios back to the allocator (FreeUnrefFolios). Offline and Free are {@link Mm#Offline} and
 * {@link Mm#Free}.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements. A step the spec does not enable throws
 * {@link memcgspec.impl.StepRefused} and changes nothing. The batch's lists are this CPU's own
 * (one thread drives a CPU); what the steps share with other CPUs (folios' counts and
 * memcg_data, the counters, the css counts) is atomic.
 */
public final class UnchargeBatchSteps implements CpuPart {
    /** PAGEVEC_SIZE: a folio_batch's capacity. */
    public static final int FOLIO_BATCH_SIZE = 31;

    private final Cpu cpu;
    private final Mm mm;
    /** The folio_batch: folios whose last reference this CPU holds, in the order they were added. */
    private final List<Folio> held = new ArrayList<>();
    /** folios->folios[0..j): the folios whose count folios_put_refs took to 0, not yet uncharged. */
    private final List<Folio> dead = new ArrayList<>();
    /** The folios uncharge_folio went through, for free_unref_folios. */
    private final List<Folio> gone = new ArrayList<>();
    /** The uncharge_gather of this CPU's mem_cgroup_uncharge_folios. */
    private UnchargeGather ug = new UnchargeGather();

    private UnchargeBatchSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The batched-uncharge steps of CPU {@code cpu}. */
    public static UnchargeBatchSteps of(Cpu cpu) {
        return cpu.part(PART, UnchargeBatchSteps.class, UnchargeBatchSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(UnchargeBatchSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        UnchargeBatchSteps s = new UnchargeBatchSteps(target);
        for (Folio f : held) s.held.add(target.mm().folio(f.id()));
        for (Folio f : dead) s.dead.add(target.mm().folio(f.id()));
        for (Folio f : gone) s.gone.add(target.mm().folio(f.id()));
        s.ug = ug.copyFor(target.mm());
        return s;
    }

    public List<Folio> held() {
        return Collections.unmodifiableList(held);
    }

    public List<Folio> dead() {
        return Collections.unmodifiableList(dead);
    }

    public List<Folio> gone() {
        return Collections.unmodifiableList(gone);
    }

    public UnchargeGather gather() {
        return ug;
    }

    /**
     * The page allocator gives this CPU free folio {@code p}, which joins its folio_batch
     * uncharged, while it fills the batch (idle). Refused when p is not free or the batch is full.
     */
    public void AllocFolio(Folio p) {
        cpu.requirePc("AllocFolio", Pc.IDLE);
        if (held.size() >= FOLIO_BATCH_SIZE) throw cpu.refuse("AllocFolio", "the folio_batch is full");
        if (!p.allocate()) throw cpu.refuse("AllocFolio", p + " is not free");
        held.add(p);
    }

    /**
     * charge_memcg for the folio this CPU allocated last, to memcg {@code m}, a memcg a task of the
     * CPU runs in: refused unless idle, the last folio is uncharged, m is an online non-root memcg
     * (the task pins it for the charge: {@link MemCgroup#tryEnterTask}) and every level has room.
     */
    public void ChargeFolio(MemCgroup m) {
        cpu.requirePc("ChargeFolio", Pc.IDLE);
        if (held.isEmpty()) throw cpu.refuse("ChargeFolio", "no folio in the batch");
        Folio p = held.get(held.size() - 1);
        if (p.memcg() != null) throw cpu.refuse("ChargeFolio", p + " is charged");
        cpu.beginTask("ChargeFolio", m);
        try {
            if (!UnchargeGather.chargeMemcg(p, m)) throw cpu.refuse("ChargeFolio", "no room for a page in " + m);
        } finally {
            cpu.endTask();
        }
    }

    /**
     * One turn of folios_put_refs' loop: folio_ref_sub_and_test on the next folio of the batch,
     * whose last reference this CPU holds, so it is dead and kept for the uncharge. After the last
     * one, mem_cgroup_uncharge_folios starts with a clear gather.
     */
    public void FoliosPutRefs() {
        cpu.requirePc("FoliosPutRefs", Pc.IDLE, UnchargeBatchPc.PUT_REFS);
        if (held.isEmpty()) throw cpu.refuse("FoliosPutRefs", "no folio in the batch");
        Folio p = held.get(0);
        if (!p.putLast()) throw new AssertionError("folios_put_refs: " + p + " has other references");
        held.remove(0);
        dead.add(p);
        if (held.isEmpty()) {
            ug.clear();
            cpu.setPc(UnchargeBatchPc.UNCHARGE);
        } else {
            cpu.setPc(UnchargeBatchPc.PUT_REFS);
        }
    }

    /**
     * uncharge_folio on the next dead folio. Refused while the gather holds another memcg than the
     * folio's: uncharge_folio flushes first, which is {@link #UnchargeBatch} (enabled then).
     */
    public void UnchargeFolio() {
        cpu.requirePc("UnchargeFolio", UnchargeBatchPc.UNCHARGE);
        if (dead.isEmpty()) throw cpu.refuse("UnchargeFolio", "no dead folio left");
        Folio p = dead.get(0);
        if (ug.switchesAt(p)) throw cpu.refuse("UnchargeFolio", "the gather holds " + ug.memcg() + ": uncharge_batch first");
        ug.unchargeFolio(p);
        dead.remove(0);
        gone.add(p);
    }

    /**
     * uncharge_batch, then uncharge_gather_clear: when the next dead folio is of another memcg
     * than the gather's, or none is left. Refused with nothing gathered, or while the next folio
     * joins the gather.
     */
    public void UnchargeBatch() {
        cpu.requirePc("UnchargeBatch", UnchargeBatchPc.UNCHARGE);
        if (ug.memcg() == null) throw cpu.refuse("UnchargeBatch", "nothing gathered");
        if (!dead.isEmpty() && !ug.switchesAt(dead.get(0))) throw cpu.refuse("UnchargeBatch", "the next folio joins " + ug);
        ug.unchargeBatch();
        ug.clear();
    }

    /**
     * free_unref_folios: once every dead folio is uncharged and the gather flushed
     * (mem_cgroup_uncharge_folios returned), the folios go back to the allocator and this CPU can
     * fill a new batch.
     */
    public void FreeUnrefFolios() {
        cpu.requirePc("FreeUnrefFolios", UnchargeBatchPc.UNCHARGE);
        if (!dead.isEmpty()) throw cpu.refuse("FreeUnrefFolios", dead.size() + " folios not uncharged");
        if (ug.memcg() != null) throw cpu.refuse("FreeUnrefFolios", "the gather is not flushed: " + ug);
        for (Folio f : gone) f.release();
        gone.clear();
        cpu.setPc(Pc.IDLE);
    }

    @Override
    public String toString() {
        return "batch[held " + held + ", dead " + dead + ", gone " + gone + ", " + ug + "]";
    }
}
