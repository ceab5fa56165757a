package memcgspec.impl.stock;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCounter;
import memcgspec.impl.kmem.KmemPc;
import memcgspec.impl.kmem.KmemSteps;

/**
 * The per-CPU charge stock's steps on one CPU (spec/Stock.tla; mm/memcontrol.c since
 * f735eebe55f8, v6.16): try_charge_memcg for every charge (a fault's and a page-cache insertion's,
 * whose memcg the task gave; a swap-in's, to the slot's recorded memcg; a kmem page's, after
 * get_mem_cgroup_from_objcg ({@link KmemSteps}) gave the memcg with a css reference: each its
 * {@link ChargeCaller}), as consume_stock (ConsumeStock), a batch
 * charged with its surplus stocked (ChargeBatch), one page (ChargeOne), drain_all_stock once
 * (DrainAllStock) and -ENOMEM (ChargeFail); obj_cgroup_uncharge_pages into the stock
 * (KmemUncharge); and the drain work queued on this CPU (DrainStockWork). The stock itself is
 * {@link MemcgStock}; offline's drain_all_stock is in {@link Mm#Offline}.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements. A step the spec does not enable throws
 * {@link memcgspec.impl.StepRefused} and changes nothing. A {@code victim} parameter is the spec's
 * choice of the slot a refill evicts (any occupied slot; the kernel's is round-robin, which
 * {@link StockPaths} passes as {@link MemcgStock#nextVictim}), null where nothing is evicted.
 */
public final class StockSteps implements CpuPart {
    private final Cpu cpu;
    private final Mm mm;

    private StockSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The stock steps of CPU {@code cpu}. */
    public static StockSteps of(Cpu cpu) {
        return cpu.part(PART, StockSteps.class, StockSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(StockSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        return new StockSteps(target); // no state of its own: the stock and the kmem fields are parts of their own
    }

    private MemcgStock stock() {
        return MemcgStock.of(cpu);
    }

    private KmemSteps kmem() {
        return KmemSteps.of(cpu);
    }

    private int batch() {
        return mm.config().stockBatch();
    }

    /**
     * The caller of this CPU's try_charge_memcg (Stock.tla's Start: a fault's, a page-cache
     * insertion's, a swap-in's or a kmem page's charge, found from the program counter), after a
     * refusal check (a retry only if {@code retryToo}).
     */
    private ChargeCaller caller(String step, boolean retryToo) {
        ChargeCaller k = cpu.pc().chargeCaller(cpu);
        if (k == null) throw cpu.refuse(step, "no try_charge_memcg at " + cpu.pc().spec());
        if (k.retrying() && !retryToo) throw cpu.refuse(step, "the charge retries after drain_all_stock: the batch is 1");
        return k;
    }

    /** The memcg this CPU's charge charges (for a path's choice of the refill's victim); refused if it charges nothing. */
    public MemCgroup chargeTarget() {
        return caller("chargeTarget", true).chargeTarget();
    }

    /** Refuses the counter paths while this CPU's slot for m has a page (consume_stock would hit). */
    private void requireMiss(String step, MemCgroup m) {
        if (stock().nrPages(m) > 0) throw cpu.refuse(step, "consume_stock hits: " + stock());
    }

    /**
     * page_counter_try_charge's verdict, read without charging ({@link PageCounter#firstWithoutRoom}).
     * The steps test it before they charge, so that a refused step changes nothing; the kernel's
     * failed attempts count in failcnt, which the steps' failed tests do not (docs/stock.md).
     */
    private static boolean fits(MemCgroup m, long n) {
        return m.memory().firstWithoutRoom(n) == null;
    }

    /**
     * consume_stock(memcg, 1) hits: a page from this CPU's slot for the memcg, no counter touched;
     * then the caller's rest (for a kmem page, memcg1_account_kmem and the commit).
     */
    public void ConsumeStock() {
        ChargeCaller k = caller("ConsumeStock", true);
        MemCgroup m = k.chargeTarget();
        if (!stock().consume(m)) throw cpu.refuse("ConsumeStock", "consume_stock misses " + m + ": " + stock());
        k.chargeSucceeded(m);
    }

    /**
     * consume_stock misses, page_counter_try_charge(memcg, batch) succeeds (memsw first on v1),
     * refill_stock(memcg, batch - 1) stocks the surplus on this CPU (evicting {@code victim} if
     * every slot is taken), then the caller's rest. Not on a retry (the batch is 1 by then).
     */
    public void ChargeBatch(MemCgroup victim) {
        ChargeCaller k = caller("ChargeBatch", false);
        MemCgroup m = k.chargeTarget();
        requireMiss("ChargeBatch", m);
        if (!stock().evicts(m, victim)) throw cpu.refuse("ChargeBatch", "victim " + victim + " is not the refill's to evict: " + stock());
        // Tested first, so that a refusal changes nothing (page_counter_try_charge's failure counts in failcnt).
        if (!fits(m, batch()) || mm.accounting().tryCharge(m, batch()) != null) {
            throw cpu.refuse("ChargeBatch", "a batch of " + batch() + " does not fit " + m);
        }
        stock().refill(m, batch() - 1, victim);
        k.chargeSucceeded(m);
    }

    /**
     * The batch does not fit (the first time; after drain_all_stock the batch is 1 for the rest of
     * the call): exactly one page is charged, nothing is stocked; then the caller's rest.
     */
    public void ChargeOne() {
        ChargeCaller k = caller("ChargeOne", true);
        MemCgroup m = k.chargeTarget();
        requireMiss("ChargeOne", m);
        if (!k.retrying() && fits(m, batch())) throw cpu.refuse("ChargeOne", "the batch fits: ChargeBatch");
        if (!fits(m, 1) || mm.accounting().tryCharge(m, 1) != null) throw cpu.refuse("ChargeOne", "one page does not fit " + m);
        k.chargeSucceeded(m);
    }

    /**
     * Neither fits, the first time: drain_all_stock(mem_over_limit), the first memcg on the path
     * with no room: CPUs with stocked pages below it get their drain queued, this CPU's stock (if
     * selected) is drained at once. The charge retries, still holding its css reference (a
     * swap-in's moved to the memcg it charges: {@link SwapinSteps#chargeRetries}).
     */
    public void DrainAllStock() {
        ChargeCaller k = caller("DrainAllStock", false);
        MemCgroup m = k.chargeTarget();
        requireMiss("DrainAllStock", m);
        MemCgroup over = overLimit(m);
        if (over == null) throw cpu.refuse("DrainAllStock", "one page fits " + m);
        MemcgStock.drainAllStock(mm, over, cpu);
        k.chargeRetries(m);
    }

    /** The first memcg on m's path that has no room for one page (mem_over_limit), or null. */
    private static MemCgroup overLimit(MemCgroup m) {
        PageCounter c = m.memory().firstWithoutRoom(1);
        for (MemCgroup x = m; c != null && x != null; x = x.parent()) if (x.memory() == c) return x;
        return null;
    }

    /** The retry after drain_all_stock fails too: -ENOMEM, the caller's failure. */
    public void ChargeFail() {
        ChargeCaller k = caller("ChargeFail", true);
        if (!k.retrying()) throw cpu.refuse("ChargeFail", "not retrying after drain_all_stock: " + cpu.pc().spec());
        MemCgroup m = k.chargeTarget();
        requireMiss("ChargeFail", m);
        if (fits(m, 1)) throw cpu.refuse("ChargeFail", "one page fits " + m + ": ChargeOne");
        k.chargeFailed();
    }

    /**
     * obj_cgroup_uncharge_pages into the stock: refill_stock(memcg, 1) (a slot that then holds
     * more than the batch is drained; a memcg with no slot takes an empty one or evicts
     * {@code victim}), then memcg1_account_kmem, css_put and the rest of
     * __memcg_kmem_uncharge_page ({@link KmemSteps#unchargeDone}).
     */
    public void KmemUncharge(MemCgroup victim) {
        cpu.requirePc("KmemUncharge", KmemPc.KMEM_UNCHARGE_CSS);
        MemCgroup m = kmem().kmemcg();
        if (!stock().evicts(m, victim)) throw cpu.refuse("KmemUncharge", "victim " + victim + " is not the refill's to evict: " + stock());
        stock().refill(m, 1, victim);
        kmem().unchargeDone();
    }

    /**
     * drain_local_memcg_stock, the work drain_all_stock queued on this CPU: every slot drained,
     * then FLUSHING_CACHED_CHARGE cleared. Runs between the task's steps (any program counter).
     */
    public void DrainStockWork() {
        if (!stock().flushing()) throw cpu.refuse("DrainStockWork", "no drain queued");
        stock().drainWork();
    }
}
