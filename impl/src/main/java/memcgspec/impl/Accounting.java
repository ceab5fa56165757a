package memcgspec.impl;

/**
 * The accounting mode of a machine: cgroup v1 (memory and memory+swap counters, the swap charge
 * moved from memsw at swap-out) or cgroup v2 (memory and swap counters, the swap charged at slot
 * allocation against swap.max). One object instead of a flag at every call site: a step asks its
 * machine's mode for the hook, and the mode calls {@link Memcontrol} or {@link MemcontrolV1}.
 */
public enum Accounting {
    /** cgroup v1 with swap accounting: do_memsw_account() is true. */
    V1(1) {
        @Override
        public MemCgroup tryCharge(MemCgroup memcg, long n) {
            return MemcontrolV1.tryCharge(memcg, n);
        }

        @Override
        public void cancelCharge(MemCgroup memcg, long n) {
            MemcontrolV1.cancelCharge(memcg, n);
        }

        @Override
        public boolean commitCharge(Folio folio, MemCgroup memcg) {
            return Memcontrol.commitCharge(folio, memcg);
        }

        @Override
        public SwapCharge tryChargeSwap(Folio folio) {
            return SwapCharge.NOT_YET;
        }

        @Override
        public MemCgroup swapout(Folio folio, MemCgroup recorded) {
            if (recorded != null) throw new AssertionError("swap-out of " + folio + " to a slot recorded to " + recorded);
            return MemcontrolV1.swapout(folio);
        }

        @Override
        public void unchargeSwap(MemCgroup recorded) {
            MemcontrolV1.unchargeSwap(recorded);
        }
    },
    /** cgroup v2: the swap counter. */
    V2(2) {
        @Override
        public MemCgroup tryCharge(MemCgroup memcg, long n) {
            return Memcontrol.tryCharge(memcg, n);
        }

        @Override
        public void cancelCharge(MemCgroup memcg, long n) {
            Memcontrol.cancelCharge(memcg, n);
        }

        @Override
        public boolean commitCharge(Folio folio, MemCgroup memcg) {
            return Memcontrol.commitCharge(folio, memcg);
        }

        @Override
        public SwapCharge tryChargeSwap(Folio folio) {
            MemCgroup m = Memcontrol.tryChargeSwap(folio);
            return m == null ? SwapCharge.OVER_MAX : new SwapCharge(true, m);
        }

        @Override
        public MemCgroup swapout(Folio folio, MemCgroup recorded) {
            return recorded;
        }

        @Override
        public void unchargeSwap(MemCgroup recorded) {
            Memcontrol.unchargeSwap(recorded);
        }
    };

    /**
     * The swap charge taken when a slot is allocated for a folio (add_to_swap).
     *
     * @param ok false when swap.max forbids the charge (nothing was charged)
     * @param record the memcg to record for the slot now, or null when none is recorded yet
     */
    public record SwapCharge(boolean ok, MemCgroup record) {
        /** cgroup v1: nothing is charged or recorded until mem_cgroup_swapout. */
        static final SwapCharge NOT_YET = new SwapCharge(true, null);
        /** cgroup v2: swap.max has no room. */
        static final SwapCharge OVER_MAX = new SwapCharge(false, null);
    }

    private final int version;

    Accounting(int version) {
        this.version = version;
    }

    /** The cgroup version, 1 or 2 (the specs' {@code version}). */
    public int version() {
        return version;
    }

    public static Accounting of(int version) {
        if (version == 1) return V1;
        if (version == 2) return V2;
        throw new IllegalArgumentException("cgroup version 1 or 2: " + version);
    }

    /** do_memsw_account(): the memory+swap counter is in use (cgroup v1). */
    public boolean doMemswAccount() {
        return this == V1;
    }

    /** try_charge: memory, and memsw on v1. @return null on success, else the memcg with no room */
    public abstract MemCgroup tryCharge(MemCgroup memcg, long n);

    /** cancel_charge: memory, and memsw on v1. */
    public abstract void cancelCharge(MemCgroup memcg, long n);

    /** commit_charge: the owner. @return false when the folio has an owner already */
    public abstract boolean commitCharge(Folio folio, MemCgroup memcg);

    /** The swap charge when a slot is allocated for {@code folio}: v2 charges swap.max now, v1 nothing. */
    public abstract SwapCharge tryChargeSwap(Folio folio);

    /**
     * mem_cgroup_swapout as the frozen folio leaves the swap cache: the slot's record afterwards.
     * v1 records now, uncharges the folio's memory and leaves its memsw charge to the slot; v2
     * recorded at allocation, keeps {@code recorded} and the folio's charge (uncharged when reclaim
     * frees the folio).
     */
    public abstract MemCgroup swapout(Folio folio, MemCgroup recorded);

    /** mem_cgroup_uncharge_swap: the record of a slot was cleared; uncharge swap (v2) or memsw (v1). */
    public abstract void unchargeSwap(MemCgroup recorded);

    /** memcg1_account_kmem: the cgroup v1 kmem counter follows kmem charges ({@code n} > 0) and uncharges; nothing on v2. */
    public void accountKmem(MemCgroup memcg, long n) {
        if (this == V1) MemcontrolV1.accountKmem(memcg, n);
    }
}
