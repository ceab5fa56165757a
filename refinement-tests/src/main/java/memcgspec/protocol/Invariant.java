package memcgspec.protocol;

import java.util.function.Consumer;

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
}
