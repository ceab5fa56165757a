package memcgspec.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import memcgspec.impl.Mm;

/**
 * A protocol as the engines see it, one entry of the {@link memcgspec.registry.Protocols} registry: the spec module
 * it is held to, the parts it is made of (a protocol built on another lists that one's parts
 * first), the property setups and the random mix of its workload, the spec mutants that show its
 * properties bite, and its docs page.
 *
 * <ul>
 * <li>{@code name}: lower-case name, as the CLI and the docs say it (e.g. "swap")</li>
 * <li>{@code module}: the spec module (e.g. "Swap")</li>
 * <li>{@code parts}: the parts, base protocols first</li>
 * <li>{@code mix}: how random runs weigh the parts' moves</li>
 * <li>{@code setups}: the property setups (machine shapes at sizes TLC cannot reach)</li>
 * <li>{@code mutants}: plausible bugs re-introduced into the spec, each with the check that must catch it</li>
 * <li>{@code docsPage}: the docs page, relative to docs/ (e.g. "swap.md")</li>
 * </ul>
 */
public final class Protocol {
    private final String name;
    private final String module;
    private final List<ProtocolPart> parts;
    private final Mix mix;
    private final List<Setup> setups;
    private final List<Mutant> mutants;
    private final String docsPage;
    private final ActionTable actions = new ActionTable();
    private final List<Invariant> invariants;

    public Protocol(String name, String module, List<ProtocolPart> parts, Mix mix, List<Setup> setups,
                    List<Mutant> mutants, String docsPage) {
        this.name = Objects.requireNonNull(name);
        this.module = Objects.requireNonNull(module);
        this.parts = List.copyOf(parts);
        this.mix = Objects.requireNonNull(mix);
        this.setups = List.copyOf(setups);
        this.mutants = List.copyOf(mutants);
        this.docsPage = Objects.requireNonNull(docsPage);
        Map<String, Invariant> inv = new LinkedHashMap<>();
        for (ProtocolPart p : this.parts) {
            actions.addAll(p.actions());
            for (Invariant i : p.invariants()) inv.put(i.name(), i);
        }
        this.invariants = List.copyOf(inv.values());
    }

    public String name() {
        return name;
    }

    public String module() {
        return module;
    }

    public List<ProtocolPart> parts() {
        return parts;
    }

    public Mix mix() {
        return mix;
    }

    public List<Setup> setups() {
        return setups;
    }

    public List<Mutant> mutants() {
        return mutants;
    }

    public String docsPage() {
        return docsPage;
    }

    /**
     * How random runs weigh the moves: out of 1000, {@code arbitraryPermille} steps are any action
     * with any parameters (mostly refused, to exercise refusals), then each machine move (e.g.
     * Offline) has its per-mille share; the rest are CPU steps: a busy CPU takes its path's next
     * step, an idle one starts a move drawn by {@code idle} weights (move name -> weight).
     */
    public record Mix(int arbitraryPermille, Map<String, Integer> machine, Map<String, Integer> idle) {
        public Mix {
            machine = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(machine));
            idle = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(idle));
        }

        /** Move weights in the order given: alternating names and weights. */
        public static Map<String, Integer> weights(Object... namesAndWeights) {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int i = 0; i < namesAndWeights.length; i += 2) m.put((String) namesAndWeights[i], (Integer) namesAndWeights[i + 1]);
            return m;
        }
    }

    /**
     * A property setup: a machine shape plus memory.max values that differ from the common one
     * ({@code maxes}: memcg id -> memory.max, applied with {@link Mm#setMax} after creation).
     */
    public record Setup(String name, Mm.Config mm, Map<Integer, Long> maxes) {
        public Setup {
            maxes = Map.copyOf(maxes);
        }

        /** A fresh machine of this setup. */
        public Machine create() {
            Mm m = new Mm(mm);
            maxes.forEach(m::setMax);
            return Machine.of(m);
        }
    }

    /**
     * A mutant of a spec: the text {@code from} of module {@code module} replaced by {@code to},
     * checked on the model of {@code cfg} (spec/-relative; the module's CI cfg by default) against
     * the one cfg line {@code check}, must violate {@code violated}.
     */
    public record Mutant(String module, String name, String from, String to, String check, String violated, String cfg) {
        public Mutant(String module, String name, String from, String to, String check, String violated) {
            this(module, name, from, to, check, violated, module + ".cfg");
        }
    }

    /** Every action of the protocol, the parts' tables together. */
    public ActionTable actions() {
        return actions;
    }

    /** The invariants, by name: the parts' in order, a later part's replacing an earlier one's. */
    public List<Invariant> invariants() {
        return invariants;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Every violated invariant of the machine, as "Name: detail"; empty when all hold. */
    public List<String> check(Machine m) {
        List<String> v = new ArrayList<>();
        Census c = new Census(m);
        for (Invariant i : invariants()) i.check().check(c, msg -> v.add(i.name() + ": " + msg));
        return v;
    }

    /** The Java classes the actions call. */
    public List<Class<?>> stepClasses() {
        List<Class<?>> l = new ArrayList<>();
        for (ProtocolPart p : parts) for (Class<?> c : p.stepClasses()) if (!l.contains(c)) l.add(c);
        return l;
    }
}
