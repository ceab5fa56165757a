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
 * <li>{@code mutants}: bugs re-introduced into the spec (the museum's races, plausible bugs), each with the exact set of checks that catch it</li>
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
    /** The same, as an array: {@link #check(Census)} runs after every step of a property run. */
    private final Invariant[] invariantArray;

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
        this.invariantArray = this.invariants.toArray(new Invariant[0]);
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
     * A mutant of a spec: a protocol bug re-introduced into module {@code module} by text edits, checked
     * against EVERY check of each of its configurations (INVARIANTs, PROPERTY, deadlock), each of which must
     * report exactly the checks its {@link Verdict} names violated. docs/mutants.md is the table of them.
     *
     * <ul>
     * <li>{@code module}: the spec module edited and checked (the protocol's, e.g. "Swap")</li>
     * <li>{@code name}: short lower-case name, unique across the registry</li>
     * <li>{@code edits}: the text replacements, applied in order; each {@code from} must occur exactly once</li>
     * <li>{@code reintroduces}: the historical fix it undoes ("seed 000, 7a81b88cb53e ...") or {@link #PLAUSIBLE}</li>
     * <li>{@code kernelFunction}: the kernel function whose rule it breaks</li>
     * <li>{@code bug}: what the edits do, in one line</li>
     * <li>{@code verdicts}: per configuration (relative to spec/: a CI model's mutation twin
     *     {@code <CI>_mutants*.cfg}, the CI model's checks on smaller constants), the exact set of checks violated</li>
     * </ul>
     */
    public record Mutant(String module, String name, List<Edit> edits, String reintroduces, String kernelFunction,
                         String bug, List<Verdict> verdicts) {
        /** {@code reintroduces} of a mutant that is no historical bug. */
        public static final String PLAUSIBLE = "plausible bug";

        public Mutant {
            Objects.requireNonNull(module);
            Objects.requireNonNull(name);
            edits = List.copyOf(edits);
            Objects.requireNonNull(reintroduces);
            Objects.requireNonNull(kernelFunction);
            Objects.requireNonNull(bug);
            verdicts = List.copyOf(verdicts);
            if (edits.isEmpty()) throw new IllegalArgumentException("mutant " + name + " has no edit");
            if (verdicts.isEmpty()) throw new IllegalArgumentException("mutant " + name + " has no configuration");
        }

        /** One text replacement: {@code from} (which must occur exactly once) becomes {@code to}. */
        public record Edit(String from, String to) {
            public Edit {
                if (from.isEmpty()) throw new IllegalArgumentException("empty from-text");
                Objects.requireNonNull(to);
            }
        }

        /** The checks of configuration {@code cfg} that the mutant violates, exactly, in cfg order. */
        public record Verdict(String cfg, List<String> caughtBy) {
            public Verdict {
                Objects.requireNonNull(cfg);
                caughtBy = List.copyOf(caughtBy);
            }
        }

        /** Whether the mutant re-introduces a historical bug (rather than a {@link #PLAUSIBLE} one). */
        public boolean historical() {
            return !PLAUSIBLE.equals(reintroduces);
        }

        /** A mutant of {@code module} named {@code name}, built step by step: {@code .edit(..)...on(cfg, checks..).build()}. */
        public static Builder of(String module, String name) {
            return new Builder(module, name);
        }

        /**
         * The module's text with the edits applied.
         *
         * @throws IllegalArgumentException when a from-text occurs zero or several times (the spec moved on:
         *     the mutant's from-texts need updating)
         */
        public String applyTo(String text) {
            String t = text;
            for (Edit e : edits) {
                int at = t.indexOf(e.from());
                if (at < 0)
                    throw new IllegalArgumentException("mutant " + name + ": from-text not found in " + module + ".tla: " + e.from());
                if (t.indexOf(e.from(), at + 1) >= 0)
                    throw new IllegalArgumentException("mutant " + name + ": from-text occurs more than once in " + module + ".tla: " + e.from());
                t = t.substring(0, at) + e.to() + t.substring(at + e.from().length());
            }
            return t;
        }

        /** Builds a {@link Mutant}. */
        public static final class Builder {
            private final String module;
            private final String name;
            private final List<Edit> edits = new ArrayList<>();
            private String reintroduces = PLAUSIBLE;
            private String kernelFunction;
            private String bug;
            private final List<Verdict> verdicts = new ArrayList<>();

            private Builder(String module, String name) {
                this.module = module;
                this.name = name;
            }

            public Builder edit(String from, String to) {
                edits.add(new Edit(from, to));
                return this;
            }

            /** The historical fix the mutant undoes (default {@link #PLAUSIBLE}). */
            public Builder reintroduces(String r) {
                reintroduces = r;
                return this;
            }

            public Builder kernel(String f) {
                kernelFunction = f;
                return this;
            }

            public Builder bug(String b) {
                bug = b;
                return this;
            }

            /** Checked on configuration {@code cfg}, which must report exactly {@code checks} violated. */
            public Builder on(String cfg, String... checks) {
                verdicts.add(new Verdict(cfg, List.of(checks)));
                return this;
            }

            public Mutant build() {
                return new Mutant(module, name, edits, reintroduces, kernelFunction, bug, verdicts);
            }
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
        return check(new Census(m));
    }

    /**
     * Every violated invariant on a census, as "Name: detail": on a refreshed census the per-frame
     * checks visit only its {@linkplain Census#checked checked} frames, and the checks of the memcgs
     * alone ({@link Invariant#memcgsOnly}) run only when the refresh read a written memcg. Exact
     * when every earlier check of the census held, as in a property run, which stops at its first
     * violation.
     */
    public List<String> check(Census c) {
        Sink sink = new Sink();
        // On a census refreshed after steps that wrote no memcg, a check of the memcgs alone finds
        // what it found at the census' previous check, which held (a run stops at its first
        // violation): skipped. A whole census runs every check.
        boolean memcgsWritten = c.refreshedMemcgs();
        for (Invariant i : invariantArray) {
            if (i.memcgsOnly() && !memcgsWritten) continue;
            sink.name = i.name();
            i.check().check(c, sink);
        }
        return sink.v;
    }

    /** Collects the violations of one check, each as "Name: detail", the name being the invariant's being evaluated. */
    private static final class Sink implements java.util.function.Consumer<String> {
        final List<String> v = new ArrayList<>();
        String name;

        @Override
        public void accept(String msg) {
            v.add(name + ": " + msg);
        }
    }

    /** The Java classes the actions call. */
    public List<Class<?>> stepClasses() {
        List<Class<?>> l = new ArrayList<>();
        for (ProtocolPart p : parts) for (Class<?> c : p.stepClasses()) if (!l.contains(c)) l.add(c);
        return l;
    }
}
