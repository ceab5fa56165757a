package memcgspec.impl;

/**
 * Where a CPU is in its mm path: the program counter of the specs' per-CPU processes. Each
 * protocol declares its own set (an enum implementing this interface, e.g.
 * {@link memcgspec.impl.charge.ChargePc}); the two states every protocol shares are here.
 */
public interface Pc {
    /** Between paths. */
    Pc IDLE = Common.IDLE;
    /** Holding one reference, about to drop it (PutPage or the final put, Uncharge). */
    Pc PUT = Common.PUT;

    /** The spec's name for this program counter. */
    String spec();

    /**
     * The caller of try_charge_memcg whose charge starts or retries at this program counter on cpu
     * (spec/Stock.tla's ChargeStartPCs and RetryPCs), or null.
     */
    default ChargeCaller chargeCaller(Cpu cpu) {
        return null;
    }

    /** A charge is pending: counted in usage, owned by no folio. */
    default boolean pending() {
        return false;
    }

    /** The program counters every protocol shares. */
    enum Common implements Pc {
        IDLE("idle"), PUT("put");

        private final String spec;

        Common(String spec) {
            this.spec = spec;
        }

        @Override
        public String spec() {
            return spec;
        }
    }
}
