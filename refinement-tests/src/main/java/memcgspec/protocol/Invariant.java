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
 * @param memcgsOnly whether the check reads nothing but the memcgs' fields, counters, statistics and
 *     objcgs, and what is final (the hierarchy, the machine's shape): every write of those is logged
 *     ({@link memcgspec.impl.Touches}), so on a census refreshed after steps that wrote no memcg the
 *     check would find what it found at the census' previous check, which held
 *     ({@link Protocol#check(Census)} skips it there)
 */
public record Invariant(String name, boolean javaOnly, Check check, boolean memcgsOnly) {

    public Invariant(String name, boolean javaOnly, Check check) {
        this(name, javaOnly, check, false);
    }

    /** The same invariant, marked as reading the memcgs only (see {@code memcgsOnly}). */
    public Invariant readingMemcgsOnly() {
        return new Invariant(name, javaOnly, check, true);
    }

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
