package memcgspec.mutation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks a TLC configuration names, read from its text: the INVARIANTs, split at the comment line
 * {@code \* lemmas:} into properties (before it) and lemmas (after it), and the PROPERTYs. A property
 * must be shown to bite by a mutant; a lemma is implied by the properties (the spec says by which) and
 * needs no mutant of its own.
 */
public record CfgChecks(List<String> invariants, List<String> lemmas, List<String> properties) {
    /** The comment line that starts the lemmas of an INVARIANTS section. */
    public static final String LEMMAS_MARKER = "\\* lemmas:";

    private static final Set<String> KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "SPECIFICATION", "INIT", "NEXT",
            "SYMMETRY", "VIEW", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "CONSTRAINT", "CONSTRAINTS",
            "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS");

    public CfgChecks {
        invariants = List.copyOf(invariants);
        lemmas = List.copyOf(lemmas);
        properties = List.copyOf(properties);
    }

    /** Every check that is not a lemma: the invariants before the lemmas marker, then the PROPERTYs. */
    public List<String> nonLemmas() {
        List<String> l = new ArrayList<>(invariants);
        l.addAll(properties);
        return l;
    }

    public static CfgChecks read(Path cfg) {
        try {
            return parse(Files.readString(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CfgChecks parse(String text) {
        List<String> inv = new ArrayList<>();
        List<String> lem = new ArrayList<>();
        List<String> props = new ArrayList<>();
        String section = "";
        boolean lemmas = false;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("\\*")) {
                if (line.startsWith(LEMMAS_MARKER) && section.startsWith("INVARIANT")) lemmas = true;
                continue;
            }
            int c = line.indexOf("\\*");
            if (c >= 0) line = line.substring(0, c).strip();
            for (String word : line.split("\\s+")) {
                if (word.isEmpty()) continue;
                if (KEYWORDS.contains(word)) {
                    section = word;
                    lemmas = false;
                    continue;
                }
                if (section.startsWith("INVARIANT")) (lemmas ? lem : inv).add(word);
                else if (section.startsWith("PROPERT")) props.add(word);
            }
        }
        return new CfgChecks(inv, lem, props);
    }
}
