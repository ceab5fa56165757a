package memcgspec.impl.kmem;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.Pc;

/** The program counters of the kmem paths (spec/Kmem.tla's KChargePCs and KUnchargePCs). */
public enum KmemPc implements Pc {
    /** __memcg_kmem_charge_page: the page allocated, the task's objcg found (and held). */
    KMEM_CHARGE("kmem_charge"),
    /** get_mem_cgroup_from_objcg: objcg->memcg read under rcu_read_lock. */
    KMEM_CHARGE_RCU("kmem_charge_rcu"),
    /** get_mem_cgroup_from_objcg returned: a css reference on the memcg to charge. */
    KMEM_CHARGE_CSS("kmem_charge_css"),
    /**
     * try_charge_memcg through the per-CPU stock (spec/Stock.tla): the charge failed, ran
     * drain_all_stock, and retries, still holding its css reference.
     */
    KMEM_CHARGE_RETRY("kmem_charge_retry"),
    /** __memcg_kmem_uncharge_page: the page's objcg read from memcg_data. */
    KMEM_UNCHARGE("kmem_uncharge"),
    /** get_mem_cgroup_from_objcg: objcg->memcg read under rcu_read_lock. */
    KMEM_UNCHARGE_RCU("kmem_uncharge_rcu"),
    /** get_mem_cgroup_from_objcg returned: a css reference on the memcg to uncharge. */
    KMEM_UNCHARGE_CSS("kmem_uncharge_css");

    private final String spec;

    KmemPc(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** A kmem page's charge once its memcg is held (obj_cgroup_charge_pages), also when it retries through the stock. */
    @Override
    public ChargeCaller chargeCaller(Cpu cpu) {
        return this == KMEM_CHARGE_CSS || this == KMEM_CHARGE_RETRY ? KmemSteps.of(cpu) : null;
    }

    /** A charging program counter (the CPU holds the task's objcg reference). */
    public boolean charging() {
        return this == KMEM_CHARGE || this == KMEM_CHARGE_RCU || this == KMEM_CHARGE_CSS || this == KMEM_CHARGE_RETRY;
    }

    /** The CPU holds a css reference on the memcg it read from the objcg (Kmem.tla's CssPCs, and Stock.tla's retry). */
    public boolean holdsCss() {
        return this == KMEM_CHARGE_CSS || this == KMEM_UNCHARGE_CSS || this == KMEM_CHARGE_RETRY;
    }
}
