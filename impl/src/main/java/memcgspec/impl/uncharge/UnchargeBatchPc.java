package memcgspec.impl.uncharge;

import memcgspec.impl.Pc;

/**
 * The program counters of the batched uncharge (spec/UnchargeBatch.tla's pc): a CPU fills its
 * folio_batch while {@link Pc#IDLE}, drops the references in folios_put_refs' loop
 * ({@link #PUT_REFS}), then runs mem_cgroup_uncharge_folios and free_unref_folios
 * ({@link #UNCHARGE}).
 */
public enum UnchargeBatchPc implements Pc {
    PUT_REFS("put"), UNCHARGE("uncharge");

    private final String spec;

    UnchargeBatchPc(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }
}
