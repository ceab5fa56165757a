package memcgspec.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One named invariant of a spec, evaluated on the Java machine under the spec's name. A protocol
 * built on another reuses its invariants and replaces those its spec redefines, as Swap.tla reuses
 * C!Conservation and redefines RefcountBalance ({@link Protocol#invariants()}).
 *
 * @param name the invariant's name in the spec (and in the cfg's INVARIANTS), or a Java-only name
 * @param javaOnly true for a check the spec has no invariant for (e.g. the css reference count,
 *     which the spec's Free guard stands for)
 * @param check adds one message per violation (without the name)
 */
public record Invariant(String name, boolean javaOnly, Check check) {

    /** The evaluation of an invariant on a census of the machine. */
    @FunctionalInterface
    public interface Check {
        void check(Census c, Consumer<String> violation);
    }

    public static Invariant of(String name, Check check) {
        return new Invariant(name, false, check);
    }

    public static Invariant javaOnly(String name, Check check) {
        return new Invariant(name, true, check);
    }

    /**
     * The machine with the tallies that several invariants need (pages owned per memcg, holders
     * per folio, ...), each computed once per evaluation by the protocol that defines it. Call only
     * while no step is running.
     */
    public static final class Census {
        private final Machine machine;
        private final Map<Class<?>, Object> tallies = new HashMap<>();

        public Census(Machine machine) {
            this.machine = machine;
        }

        public Machine machine() {
            return machine;
        }

        /** The tally of the given class, computed on first use. */
        public <T> T get(Class<T> type, Function<Census, T> compute) {
            Object t = tallies.get(type);
            if (t == null) {
                t = compute.apply(this);
                tallies.put(type, t);
            }
            return type.cast(t);
        }
    }
}
