package memcgspec.tla;

import java.util.Objects;

/**
 * The expected outcome of a model run, as the catalogue writes it: {@code holds}, or
 * {@code violates <InvariantOrPropertyName>}.
 *
 * @param holds     true for {@code holds}
 * @param invariant the invariant or property expected to be violated; null when {@code holds}
 */
public record Expectation(boolean holds, String invariant) {
    public Expectation {
        if (holds && invariant != null) throw new IllegalArgumentException("holds takes no name");
        if (!holds) {
            Objects.requireNonNull(invariant, "invariant");
            if (!invariant.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not a TLA+ identifier: " + invariant);
            }
        }
    }

    public static Expectation ofHolds() {
        return new Expectation(true, null);
    }

    public static Expectation violates(String name) {
        return new Expectation(false, name);
    }

    /** Parses {@code holds} or {@code violates Name}. @throws IllegalArgumentException when malformed */
    public static Expectation parse(String text) {
        String t = text.trim();
        if (t.equals("holds")) return ofHolds();
        String[] w = t.split("\\s+");
        if (w.length == 2 && w[0].equals("violates") && w[1].matches("[A-Za-z_][A-Za-z0-9_]*")) return violates(w[1]);
        throw new IllegalArgumentException("expected 'holds' or 'violates <Name>', found '" + t + "'");
    }

    @Override
    public String toString() {
        return holds ? "holds" : "violates " + invariant;
    }
}
